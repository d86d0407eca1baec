//! Kept branches (保管された分岐): when a backup diverges from the local ledger, its entries
//! after the common prefix are kept here, beside the main chain, instead of overwriting
//! anything.
//!
//! A kept branch is verifiable on its own: its first entry's `prev_hash` is `base_hash`, the
//! hash of entry `base_entry_count` of the chain it split from (64 zeros when it split before
//! the first entry), and from there it is an ordinary hash chain. Kept branches are never
//! merged into the main chain automatically; staff look at both and, if needed, record in the
//! main chain what the branch contained (a メモ or 訂正 that names the branch head).

use super::chain::{verify_from, ChainHead, Verification};
use super::entry::Entry;
use crate::jpdate::Timestamp;

/// Entries of a diverged backup, kept beside the main chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptBranch {
    /// How many entries it shares with the chain it split from.
    pub base_entry_count: u64,
    /// Hash of the last shared entry (genesis value when nothing is shared).
    pub base_hash: String,
    /// When it was kept (not covered by any hash; informational).
    pub kept_at: Timestamp,
    /// The branch's own entries, seq `base_entry_count + 1` onwards.
    pub entries: Vec<Entry>,
}

impl KeptBranch {
    /// The hash of its last entry, which identifies it (the IndexedDB key).
    pub fn head_hash(&self) -> &str {
        self.entries
            .last()
            .map_or(self.base_hash.as_str(), |e| e.hash.as_str())
    }

    /// Entry count of the branch including the shared prefix.
    pub fn total_entry_count(&self) -> u64 {
        self.base_entry_count + self.entries.len() as u64
    }

    /// Checks the branch as a continuation of its base.
    pub fn verify(&self) -> Verification {
        verify_from(
            &ChainHead {
                entry_count: self.base_entry_count,
                hash: self.base_hash.clone(),
            },
            &self.entries,
        )
    }

    /// Whether `hash` is the hash of one of the branch's entries (so a chain ending in `hash`
    /// is already contained in this branch).
    pub fn contains_hash(&self, hash: &str) -> bool {
        self.entries.iter().any(|e| e.hash == hash)
    }
}
