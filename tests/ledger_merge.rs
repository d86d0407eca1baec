//! Restoring backups: identical, extends, behind, diverged (kept as a branch, never
//! overwritten), idempotence, restore into an empty browser, and checkpoints.

use careplan_ledger::jpdate::Timestamp;
use careplan_ledger::ledger::checkpoint::to_half_width;
use careplan_ledger::ledger::merge::{head_after, MainOutcome};
use careplan_ledger::ledger::sample::{sample_ledger, SAMPLE_OFFICE};
use careplan_ledger::ledger::*;
use serde_json::Map;

fn now() -> Timestamp {
    Timestamp::parse_rfc3339("2025-06-01T00:00:00.000Z").unwrap()
}

fn backup_of(entries: &[Entry], branches: &[KeptBranch]) -> Backup {
    let text = write_backup(&BackupInput {
        app_version: "0.1.0",
        office_number: SAMPLE_OFFICE,
        created_at: now(),
        entries,
        branches,
        files: &[],
        settings: &Map::new(),
    })
    .unwrap();
    read_backup(&text).unwrap()
}

fn memo(ledger: &mut Ledger, text: &str) {
    let head = ledger.head().hash;
    ledger
        .append(
            EntryDraft::new(
                "木村",
                Subject::default(),
                Details::Memo { text: text.into() },
            ),
            &head,
            now(),
        )
        .unwrap();
}

/// Applies a plan the way the store will, returning the new main chain and branches.
fn apply(
    local: &Ledger,
    branches: &[KeptBranch],
    backup: &Backup,
) -> (Ledger, Vec<KeptBranch>, RestorePlan) {
    let plan = plan_restore(
        local.entries(),
        branches,
        backup,
        Some(SAMPLE_OFFICE),
        now(),
    );
    let mut ledger = local.clone();
    if let MainOutcome::Append { entries } = &plan.main {
        ledger.extend_verified(entries).unwrap();
    }
    assert_eq!(ledger.head(), head_after(local.entries(), &plan));
    if let Some(details) = plan.record(backup) {
        let head = ledger.head().hash;
        ledger
            .append(
                EntryDraft::new("木村", Subject::default(), details),
                &head,
                now(),
            )
            .unwrap();
    }
    let mut kept = branches.to_vec();
    kept.extend(plan.branches_to_keep.iter().cloned());
    (ledger, kept, plan)
}

#[test]
fn identical_and_behind_change_nothing() {
    let (entries, _) = sample_ledger(40, 5, 3, false);
    let local = Ledger::open(entries.clone()).unwrap();
    let (after, kept, plan) = apply(&local, &[], &backup_of(&entries, &[]));
    assert_eq!(plan.main, MainOutcome::Identical);
    assert!(!plan.changes_anything());
    assert_eq!(after, local);
    assert!(kept.is_empty());

    let (after, _, plan) = apply(&local, &[], &backup_of(&entries[..25], &[]));
    assert_eq!(plan.main, MainOutcome::LocalAhead);
    assert_eq!(after, local);
    assert!(plan.message_ja().contains("変更はありません"));
}

#[test]
fn restore_into_empty_browser_is_identical() {
    let (entries, _) = sample_ledger(40, 5, 3, false);
    let backup = backup_of(&entries, &[]);
    let (after, kept, plan) = apply(&Ledger::new(), &[], &backup);
    assert!(matches!(plan.main, MainOutcome::Append { .. }));
    assert_eq!(
        after.entries(),
        &entries[..],
        "no restore entry added to a cleared ledger"
    );
    assert!(kept.is_empty());
    // Twice: nothing more.
    let (again, _, plan) = apply(&after, &kept, &backup);
    assert_eq!(plan.main, MainOutcome::Identical);
    assert_eq!(again, after);
}

#[test]
fn backup_that_extends_local_is_appended_once() {
    let (entries, _) = sample_ledger(40, 5, 3, false);
    let local = Ledger::open(entries[..30].to_vec()).unwrap();
    let backup = backup_of(&entries, &[]);
    let (after, _, plan) = apply(&local, &[], &backup);
    assert!(matches!(&plan.main, MainOutcome::Append { entries } if entries.len() == 10));
    assert_eq!(
        after.len(),
        41,
        "40 entries plus the バックアップ復元 record"
    );
    assert_eq!(after.entries().last().unwrap().kind(), Kind::BackupRestored);
    assert!(verify(after.entries()).is_ok());
    let (again, _, plan) = apply(&after, &[], &backup);
    assert_eq!(plan.main, MainOutcome::LocalAhead);
    assert_eq!(again, after);
}

#[test]
fn diverged_backup_is_kept_as_a_branch_and_never_overwrites() {
    let (entries, _) = sample_ledger(20, 5, 3, false);
    let mut ours = Ledger::open(entries.clone()).unwrap();
    let mut theirs = Ledger::open(entries.clone()).unwrap();
    memo(&mut ours, "こちらのPCで記録");
    memo(&mut theirs, "別のPCで記録");
    memo(&mut theirs, "別のPCで記録2");
    let backup = backup_of(theirs.entries(), &[]);

    let (after, kept, plan) = apply(&ours, &[], &backup);
    let MainOutcome::Fork(fork) = &plan.main else {
        panic!("{:?}", plan.main)
    };
    assert_eq!(fork.common_prefix, 20);
    assert_eq!(fork.local_only, 21..=21);
    assert_eq!(fork.backup_branch.entries.len(), 2);
    assert_eq!(fork.backup_branch.base_hash, entries[19].hash);
    assert!(fork.backup_branch.verify().is_ok());
    assert!(
        plan.message_ja().contains("記録20の後で分かれています"),
        "{}",
        plan.message_ja()
    );
    // Local entries untouched, one restore record added, the other side kept.
    assert_eq!(&after.entries()[..21], ours.entries());
    assert_eq!(after.entries()[21].kind(), Kind::BackupRestored);
    assert_eq!(kept.len(), 1);

    // The same backup again: already kept, nothing changes.
    let (again, kept2, plan) = apply(&after, &kept, &backup);
    assert_eq!(
        plan.main,
        MainOutcome::ForkAlreadyKept { common_prefix: 20 }
    );
    assert!(!plan.changes_anything());
    assert_eq!(again, after);
    assert_eq!(kept2, kept);

    // A later backup of our ledger carries the branch along; restoring it into the other
    // PC keeps our side there as a branch as well, and its branch (= their own entries,
    // already on their main chain) is not duplicated.
    let ours_backup = backup_of(after.entries(), &kept);
    let (their_after, their_kept, plan) = apply(&theirs, &[], &ours_backup);
    assert!(matches!(plan.main, MainOutcome::Fork(_)));
    assert_eq!(their_kept.len(), 1, "{:?}", their_kept);
    assert_eq!(&their_after.entries()[..22], theirs.entries());
}

#[test]
fn other_office_backup_is_not_imported() {
    let (entries, _) = sample_ledger(5, 2, 2, false);
    let local = Ledger::open(entries.clone()).unwrap();
    let backup = backup_of(&entries, &[]);
    let plan = plan_restore(local.entries(), &[], &backup, Some("9999999999"), now());
    assert!(matches!(plan.main, MainOutcome::OtherOffice { .. }));
    assert!(!plan.changes_anything());
}

#[test]
fn checkpoint_text_round_trips_and_catches_rewrites() {
    let (entries, _) = sample_ledger(60, 5, 3, false);
    let cp = Checkpoint::of(SAMPLE_OFFICE, &entries[..50], now());
    let text = cp.to_text();
    assert!(text.contains("記録件数: 50件"));
    assert!(text.contains("2025年6月1日(日) 09:00"), "{text}");
    let parsed = parse_checkpoint(&text).unwrap();
    assert_eq!(parsed.entry_count, 50);
    assert_eq!(parsed.head_hash, entries[49].hash);
    let verdict = verify_against_checkpoint(&entries, &parsed, SAMPLE_OFFICE);
    assert_eq!(
        verdict,
        CheckpointVerdict::Matches {
            entry_count: 50,
            compared_hex_digits: 64
        }
    );
    assert!(verdict.message_ja().contains("記録1〜50"));

    // Typed by hand in full-width with a shortened hash.
    let fw = |s: &str| -> String {
        s.chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect()
    };
    let h = &entries[49].hash;
    let typed = format!(
        "記録件数：５０\n最終ハッシュ：{}　{}",
        fw(&h[..8]),
        fw(&h[8..16])
    );
    assert_eq!(to_half_width("５０"), "50");
    let parsed = parse_checkpoint(&typed).unwrap();
    assert!(verify_against_checkpoint(&entries, &parsed, SAMPLE_OFFICE).is_match());

    // A rewritten ledger (all hashes recomputed) no longer matches.
    let mut rewritten = Ledger::new();
    for e in &entries[..50] {
        let mut d = EntryDraft::new(e.actor.clone(), e.subject.clone(), e.details.clone());
        if e.seq == 10 {
            d.actor = "改ざん者".into();
        }
        let h = rewritten.head().hash;
        rewritten.append(d, &h, e.recorded_at).unwrap();
    }
    let parsed = parse_checkpoint(&text).unwrap();
    assert_eq!(
        verify_against_checkpoint(rewritten.entries(), &parsed, SAMPLE_OFFICE),
        CheckpointVerdict::HashDiffers { entry_count: 50 }
    );
    assert!(matches!(
        verify_against_checkpoint(&entries[..40], &parsed, SAMPLE_OFFICE),
        CheckpointVerdict::LedgerShorter { .. }
    ));
    assert!(matches!(
        verify_against_checkpoint(&entries, &parsed, "9999999999"),
        CheckpointVerdict::OtherOffice { .. }
    ));
}
