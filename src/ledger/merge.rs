//! Restoring a backup into the local ledger without ever overwriting (復元・統合).
//!
//! The decision is made on hashes alone. Because every hash commits to everything before it,
//! "entry k has the same hash in both" means "the first k entries are identical", so the two
//! chains are compared by their longest common prefix:
//!
//! | local vs backup                       | what happens                                   |
//! |---------------------------------------|------------------------------------------------|
//! | identical                             | nothing                                        |
//! | local is a prefix of the backup       | the backup's further entries are appended      |
//! | the backup is a prefix of local       | nothing (local already has everything)         |
//! | diverged after a common prefix        | the backup's part after the prefix is kept as a [`KeptBranch`]; the main chain is untouched |
//! | diverged, that branch already kept    | nothing                                        |
//!
//! The backup's own kept branches are added unless already kept. So importing the same backup
//! twice changes nothing, and no order of restores loses an entry. The plan is pure data:
//! the store applies it in one transaction that re-checks the local head, and then appends the
//! バックアップ復元 entry from [`RestorePlan::record`] (only when something changed and the
//! local ledger was not empty, so a restore into a cleared browser yields the identical ledger).

use super::backup::Backup;
use super::branch::KeptBranch;
use super::chain::{ChainHead, GENESIS_PREV_HASH};
use super::entry::{Details, Entry, RestoreOutcome};
use crate::jpdate::Timestamp;
use std::ops::RangeInclusive;

/// How the backup's main chain relates to the local one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MainOutcome {
    /// Same entries, same head.
    Identical,
    /// Local has everything the backup has and more.
    LocalAhead,
    /// The backup extends local: append these (already sealed and verified) entries.
    Append { entries: Vec<Entry> },
    /// The chains diverged; the backup's side is in [`RestorePlan::branches_to_keep`].
    Fork(Fork),
    /// The chains diverged, and the backup's side is already kept (an earlier import).
    ForkAlreadyKept { common_prefix: u64 },
    /// The backup belongs to another office; nothing is imported.
    OtherOffice { backup: String, ours: String },
}

/// A fork, described for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fork {
    /// Entries 1..=common_prefix are identical on both sides.
    pub common_prefix: u64,
    /// Seqs of the local entries after the fork (empty range when local ends at the prefix).
    pub local_only: RangeInclusive<u64>,
    /// The backup's entries after the fork, as they will be kept.
    pub backup_branch: KeptBranch,
}

/// What importing a backup will do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestorePlan {
    pub main: MainOutcome,
    /// Branch records to store (the fork's branch and the backup's own branches that are not
    /// kept yet).
    pub branches_to_keep: Vec<KeptBranch>,
    /// Whether the local ledger was empty (a restore into a cleared browser).
    pub local_was_empty: bool,
}

impl RestorePlan {
    /// Whether applying the plan changes the local data at all.
    pub fn changes_anything(&self) -> bool {
        matches!(self.main, MainOutcome::Append { .. }) || !self.branches_to_keep.is_empty()
    }

    /// The バックアップ復元 details to append after applying the plan, or `None` when nothing
    /// changed or the local ledger was empty (then the restored ledger stays identical to the
    /// backup, which is what staff can check against the backup's head hash).
    pub fn record(&self, backup: &Backup) -> Option<Details> {
        if !self.changes_anything() || self.local_was_empty {
            return None;
        }
        let (outcome, appended) = match &self.main {
            MainOutcome::Append { entries } => (RestoreOutcome::Appended, entries.len() as u64),
            _ => (RestoreOutcome::ForkKept, 0),
        };
        let head = backup.head();
        Some(Details::BackupRestored {
            outcome,
            source_entry_count: head.entry_count,
            source_head_hash: head.hash,
            appended,
        })
    }

    /// A sentence for the page.
    pub fn message_ja(&self) -> String {
        let branches = self.branches_to_keep.len();
        let main = match &self.main {
            MainOutcome::Identical => "この台帳とバックアップは同じ内容です。".to_string(),
            MainOutcome::LocalAhead => {
                "この台帳はバックアップの内容をすべて含んでいます。".to_string()
            }
            MainOutcome::Append { entries } => {
                format!("バックアップにある新しい記録{}件を追加します。", entries.len())
            }
            MainOutcome::Fork(f) => format!(
                "この台帳とバックアップは記録{}の後で分かれています。どちらも消さずに、バックアップ側の記録{}件を「別の分岐」として保管します。",
                f.common_prefix,
                f.backup_branch.entries.len()
            ),
            MainOutcome::ForkAlreadyKept { common_prefix } => format!(
                "このバックアップの分岐(記録{common_prefix}の後)は、すでに保管されています。"
            ),
            MainOutcome::OtherOffice { backup, ours } => {
                return format!(
                    "このバックアップは別の事業所({backup})のものです。この台帳({ours})には読み込みません。"
                )
            }
        };
        if !self.changes_anything() {
            format!("{main}変更はありません。")
        } else if branches > 0 && !matches!(self.main, MainOutcome::Fork(_)) {
            format!("{main}保管分岐{branches}件を追加します。")
        } else {
            main
        }
    }
}

/// Number of leading entries with equal hashes.
pub fn common_prefix(a: &[Entry], b: &[Entry]) -> u64 {
    a.iter()
        .zip(b)
        .take_while(|(x, y)| x.hash == y.hash)
        .count() as u64
}

fn already_kept(kept: &[KeptBranch], candidate: &KeptBranch) -> bool {
    kept.iter().any(|k| {
        k.base_hash == candidate.base_hash
            && k.base_entry_count == candidate.base_entry_count
            && (k.head_hash() == candidate.head_hash() || k.contains_hash(candidate.head_hash()))
    })
}

/// Decides what importing `backup` does to the local ledger (`local` must be verified;
/// `backup` comes from [`super::backup::read_backup`], so it is). `our_office` is the office
/// number in settings, if set; `now` stamps kept branches.
pub fn plan_restore(
    local: &[Entry],
    local_branches: &[KeptBranch],
    backup: &Backup,
    our_office: Option<&str>,
    now: Timestamp,
) -> RestorePlan {
    let local_was_empty = local.is_empty();
    if let Some(ours) = our_office {
        if !local_was_empty && backup.header.office_number != ours {
            return RestorePlan {
                main: MainOutcome::OtherOffice {
                    backup: backup.header.office_number.clone(),
                    ours: ours.to_string(),
                },
                branches_to_keep: Vec::new(),
                local_was_empty,
            };
        }
    }
    let remote = &backup.entries;
    let k = common_prefix(local, remote);
    let (ln, rn) = (local.len() as u64, remote.len() as u64);
    let mut branches_to_keep = Vec::new();
    let main = if k == ln && k == rn {
        MainOutcome::Identical
    } else if k == rn {
        MainOutcome::LocalAhead
    } else if k == ln {
        MainOutcome::Append {
            entries: remote[k as usize..].to_vec(),
        }
    } else {
        let base_hash = if k == 0 {
            GENESIS_PREV_HASH.to_string()
        } else {
            local[k as usize - 1].hash.clone()
        };
        let branch = KeptBranch {
            base_entry_count: k,
            base_hash,
            kept_at: now,
            entries: remote[k as usize..].to_vec(),
        };
        if already_kept(local_branches, &branch) {
            MainOutcome::ForkAlreadyKept { common_prefix: k }
        } else {
            branches_to_keep.push(branch.clone());
            MainOutcome::Fork(Fork {
                common_prefix: k,
                local_only: (k + 1)..=ln,
                backup_branch: branch,
            })
        }
    };
    for b in &backup.branches {
        // A branch already contained in the local main chain is nothing new either.
        let on_local_main = local
            .get(b.total_entry_count().saturating_sub(1) as usize)
            .is_some_and(|e| e.hash == b.head_hash());
        if !on_local_main && !already_kept(local_branches, b) && !already_kept(&branches_to_keep, b)
        {
            branches_to_keep.push(b.clone());
        }
    }
    RestorePlan {
        main,
        branches_to_keep,
        local_was_empty,
    }
}

/// The head the local ledger will have after applying `plan` (what the store re-checks).
pub fn head_after(local: &[Entry], plan: &RestorePlan) -> ChainHead {
    match &plan.main {
        MainOutcome::Append { entries } => ChainHead::of(entries),
        _ => ChainHead::of(local),
    }
}
