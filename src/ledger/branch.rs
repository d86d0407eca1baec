//! Kept branches (保管された分岐) of the format-1 ledger, read from old backups and old
//! browser data and migrated into the office ledger ([`super::migration`]). When a backup diverged from the local ledger, its entries
//! after the common prefix are kept here, beside the main chain, instead of overwriting
//! anything.
//!
//! A kept branch is verifiable on its own: its first entry's `prev_hash` is `base_hash`, the
//! hash of entry `base_entry_count` of the chain it split from (64 zeros when it split before
//! the first entry), and from there it is an ordinary hash chain. Kept branches are never
//! merged into the main chain automatically; staff look at both and, if needed, record in the
//! main chain what the branch contained (a メモ or 訂正 that names the branch head).

use super::chain::{verify_from, ChainHead, Verification, GENESIS_PREV_HASH};
use super::device::DeviceId;
use super::entry::Entry;
use super::value_io::{FormatError, Obj};
use crate::jpdate::Timestamp;
use serde_json::{json, Value};

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
                device: self.entries.first().map_or_else(
                    || DeviceId::legacy_of(GENESIS_PREV_HASH),
                    |e| e.device.clone(),
                ),
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

    /// The JSON shape (the same in a backup's `branches` and in the IndexedDB store):
    /// `{base_entry_count, base_hash, kept_at, entries}`.
    pub fn to_value(&self) -> Value {
        json!({
            "base_entry_count": self.base_entry_count,
            "base_hash": self.base_hash,
            "kept_at": self.kept_at.to_rfc3339(),
            "entries": self.entries.iter().map(Entry::to_value).collect::<Vec<_>>(),
        })
    }

    /// Reads the shape [`KeptBranch::to_value`] writes, strictly (unknown keys refused).
    /// Does not verify the chain: call [`KeptBranch::verify`].
    pub fn from_value(v: &Value, path: &str) -> Result<KeptBranch, FormatError> {
        let mut b = Obj::new(v, path)?;
        let kept_at_text = b.str("kept_at")?;
        let branch = KeptBranch {
            base_entry_count: b.u64("base_entry_count")?,
            base_hash: b.str("base_hash")?.to_string(),
            kept_at: Timestamp::parse_rfc3339(kept_at_text)
                .map_err(|e| FormatError(format!("{path}.kept_at: {e}")))?,
            entries: b
                .array("entries")?
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    // A format-1 branch's chain id is known only after migration.
                    let placeholder = DeviceId::legacy_of(GENESIS_PREV_HASH);
                    Entry::from_value(e, &format!("{path}.entries[{i}]"), &placeholder)
                })
                .collect::<Result<_, _>>()?,
        };
        b.finish()?;
        Ok(branch)
    }

    /// [`KeptBranch::to_value`] as compact JSON text (what the store keeps).
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// Reads [`KeptBranch::to_json`] text.
    pub fn from_json(text: &str) -> Result<KeptBranch, FormatError> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| FormatError(format!("保管分岐のJSONを読めません: {e}")))?;
        KeptBranch::from_value(&v, "branch")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::sample::sample_ledger;

    fn diverged_branch() -> KeptBranch {
        let (entries, _) = sample_ledger(6, 2, 2, false);
        KeptBranch {
            base_entry_count: 2,
            base_hash: entries[1].hash.clone(),
            kept_at: Timestamp::parse_rfc3339("2025-05-03T05:05:00.000Z").unwrap(),
            entries: entries[2..].to_vec(),
        }
    }

    #[test]
    fn json_round_trip_keeps_the_branch_and_its_chain() {
        let b = diverged_branch();
        let mut back = KeptBranch::from_json(&b.to_json()).unwrap();
        // Read entries carry a placeholder device until migration gives the chain its id.
        for e in &mut back.entries {
            e.device = b.entries[0].device.clone();
        }
        assert_eq!(back, b);
        assert!(back.verify().is_ok());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let mut v = diverged_branch().to_value();
        v.as_object_mut().unwrap().insert("x".into(), 1.into());
        assert!(KeptBranch::from_value(&v, "branch").is_err());
    }
}
