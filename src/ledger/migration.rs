//! From the one-chain ledger (IndexedDB schema 1, backup format 1) to the office ledger.
//!
//! The old chain becomes a legacy device chain, unchanged: same entries, same hashes, genesis
//! 64 zeros, its id derived from its first entry ([`DeviceId::legacy_of`]), so a PC that
//! migrates its own data and a PC that restores that PC's old backup arrive at the same
//! chain. It is verified before (as format 1) and after (as a device chain). Nothing is ever
//! appended to it again: the migrating browser starts a new device chain of its own, whose
//! first entry (端末の登録) names the legacy chain it came from, binding it to the office.
//!
//! Kept branches: a branch that split before the first entry was another PC's ledger set
//! aside by an old restore; it becomes that PC's legacy device chain. A branch that split
//! later is a second history of the same chain: it becomes a conflict of that chain.

use super::backup::v1::V1Backup;
use super::backup::{heads_of, Backup, BackupError, BackupHeader};
use super::branch::KeptBranch;
use super::chain::{verify, DeviceChain, Verification};
use super::checkpoint::office_root;
use super::entry::Entry;
use super::office::OfficeLedger;

/// A format-1 ledger that could not be migrated: its chain does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationError {
    pub verification: Verification,
    /// Which part: the main chain (`None`) or kept branch `Some(i)`.
    pub branch: Option<usize>,
}

/// The office ledger of a format-1 ledger: its main chain and kept branches.
pub fn migrate_v1(
    office_number: &str,
    entries: Vec<Entry>,
    branches: &[KeptBranch],
) -> Result<OfficeLedger, MigrationError> {
    let mut ledger = OfficeLedger::new(office_number);
    let main = if entries.is_empty() {
        None
    } else {
        let chain = DeviceChain::from_legacy(office_number, entries).map_err(|verification| {
            MigrationError {
                verification,
                branch: None,
            }
        })?;
        ledger
            .add_chain(chain.clone())
            .expect("same office by construction");
        Some(chain)
    };
    for (i, b) in branches.iter().enumerate() {
        let fail = |verification| MigrationError {
            verification,
            branch: Some(i),
        };
        let v = b.verify();
        if !v.is_ok() {
            return Err(fail(v));
        }
        let full: Vec<Entry> = if b.base_entry_count == 0 {
            b.entries.clone()
        } else {
            // The shared prefix, from the main chain or from a branch already migrated.
            let base = main
                .iter()
                .chain(ledger.conflicts().iter().map(|c| &c.chain))
                .find(|c| {
                    c.get(b.base_entry_count)
                        .is_some_and(|e| e.hash == b.base_hash)
                });
            let Some(base) = base else {
                // Its base is nowhere in this ledger: keep what verifies on its own terms is
                // impossible without the prefix, so report it.
                return Err(fail(verify(&b.entries)));
            };
            let mut full = base.entries()[..b.base_entry_count as usize].to_vec();
            full.extend(b.entries.iter().cloned());
            full
        };
        let chain = DeviceChain::from_legacy(office_number, full).map_err(fail)?;
        ledger
            .add_chain(chain)
            .expect("same office by construction");
    }
    Ok(ledger)
}

/// A format-1 backup as a [`Backup`] of the office ledger it migrates to.
pub fn backup_from_v1(old: V1Backup) -> Result<Backup, BackupError> {
    let office = old.header.office_number.clone();
    let ledger = migrate_v1(&office, old.entries, &old.branches).map_err(|e| match e.branch {
        None => BackupError::Tampered {
            seq: e.verification.first_bad.as_ref().map_or(0, |(s, _)| *s),
            message: e.verification.message_ja(),
        },
        Some(branch) => BackupError::BranchTampered {
            branch,
            seq: e.verification.first_bad.map_or(0, |(s, _)| s),
        },
    })?;
    let heads = heads_of(&ledger);
    Ok(Backup {
        header: BackupHeader {
            format_version: 1,
            app_version: old.header.app_version,
            office_number: office,
            created_at: old.header.created_at,
            device_count: ledger.device_count() as u64,
            entry_count: ledger.entry_count(),
            conflict_count: ledger.conflicts().len() as u64,
            file_count: old.files.len() as u64,
            checkpoint_root: office_root(&heads),
        },
        ledger,
        files: old.files,
        settings: old.settings,
        document_sha256: old.document_sha256,
    })
}
