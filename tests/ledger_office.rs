//! The office ledger: merge laws (any order, repeats, subsets), a device's self-conflict kept,
//! chains relabelled to another office or device refused, the office checkpoint revealing
//! truncation, rewrites and a removed device, format-1 checkpoints, and the migration of a
//! one-chain ledger written by the previous code.

use careplan_ledger::jpdate::Timestamp;
use careplan_ledger::ledger::checkpoint::legacy::{
    parse_checkpoint, to_half_width, verify_against_checkpoint, Checkpoint, CheckpointVerdict,
};
use careplan_ledger::ledger::checkpoint::{CheckpointFinding, FORMAT_LINE};
use careplan_ledger::ledger::migration::migrate_v1;
use careplan_ledger::ledger::sample::{
    sample_device, sample_device_chain, sample_ledger, SAMPLE_OFFICE,
};
use careplan_ledger::ledger::*;

fn now() -> Timestamp {
    Timestamp::parse_rfc3339("2025-06-01T00:00:00.000Z").unwrap()
}

fn memo(chain: &mut DeviceChain, text: &str) {
    let h = chain.head().hash;
    let at = chain
        .entries()
        .last()
        .map_or(now(), |e| Timestamp(e.recorded_at.0 + 60_000));
    chain
        .append(
            EntryDraft::new(
                "木村",
                Subject::default(),
                Details::Memo { text: text.into() },
            ),
            &h,
            at,
        )
        .unwrap();
}

fn ledger_of<const N: usize>(chains: [DeviceChain; N]) -> OfficeLedger {
    let mut l = OfficeLedger::new(SAMPLE_OFFICE);
    for c in chains {
        l.add_chain(c).unwrap();
    }
    l
}

/// Snapshots of an office's devices at different moments, as the backups and folder reads
/// that reach a PC would carry them: prefixes, full chains, and one device's second history.
fn snapshots() -> Vec<OfficeLedger> {
    let (a, _) = sample_device_chain(1, 12, 4, 2, false);
    let (b, _) = sample_device_chain(2, 9, 4, 2, false);
    let (c, _) = sample_device_chain(3, 5, 4, 2, false);
    let prefix = |chain: &DeviceChain, n: usize| {
        DeviceChain::open(
            SAMPLE_OFFICE,
            chain.device().clone(),
            chain.entries()[..n].to_vec(),
        )
        .unwrap()
    };
    // Device 3's profile copied to another PC after entry 3: both went on writing.
    let mut c_copy = prefix(&c, 3);
    memo(&mut c_copy, "コピーされたプロファイルで書いた");
    vec![
        ledger_of([prefix(&a, 4), prefix(&b, 2)]),
        ledger_of([a.clone()]),
        ledger_of([prefix(&a, 8), b.clone(), prefix(&c, 2)]),
        ledger_of([c.clone()]),
        ledger_of([c_copy]),
        ledger_of([prefix(&b, 9), prefix(&a, 1)]),
    ]
}

fn merged(order: &[usize], parts: &[OfficeLedger]) -> OfficeLedger {
    let mut l = OfficeLedger::new(SAMPLE_OFFICE);
    for &i in order {
        l.merge(&parts[i]).unwrap();
    }
    l
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for i in 0..=p.len() {
            let mut q = p.clone();
            q.insert(i, n - 1);
            out.push(q);
        }
    }
    out
}

#[test]
fn merge_is_commutative_associative_and_idempotent() {
    let parts = snapshots();
    let reference = merged(&(0..parts.len()).collect::<Vec<_>>(), &parts);
    assert_eq!(reference.device_count(), 3);
    assert_eq!(reference.entry_count(), 12 + 9 + 5);
    assert_eq!(
        reference.conflicts().len(),
        1,
        "device 3's second history is kept"
    );

    // Every order of all six (720 orders).
    for order in permutations(parts.len()) {
        assert_eq!(merged(&order, &parts), reference, "order {order:?}");
    }
    // Repeats change nothing: each part twice, in a shuffled order.
    let twice: Vec<usize> = [3, 0, 5, 1, 3, 4, 0, 2, 5, 1, 4, 2].to_vec();
    assert_eq!(merged(&twice, &parts), reference);
    // Associativity: merging merged halves equals merging everything.
    let mut left = merged(&[0, 1, 2], &parts);
    let right = merged(&[3, 4, 5], &parts);
    left.merge(&right).unwrap();
    assert_eq!(left, reference);
    // Every subset, in two orders, equals the same subset in index order.
    for mask in 1u32..(1 << parts.len()) {
        let subset: Vec<usize> = (0..parts.len()).filter(|i| mask & (1 << i) != 0).collect();
        let reversed: Vec<usize> = subset.iter().rev().copied().collect();
        assert_eq!(
            merged(&subset, &parts),
            merged(&reversed, &parts),
            "{subset:?}"
        );
        // Importing a subset again after everything changes nothing.
        let mut all = reference.clone();
        for &i in &subset {
            let report = all.merge(&parts[i]).unwrap();
            assert!(!report.changed_anything(), "{subset:?}");
        }
        assert_eq!(all, reference);
    }
}

#[test]
fn another_devices_chain_joins_instead_of_forking() {
    // PC A and PC B record on their own; B restores A's backup: one office ledger with both.
    let (a, _) = sample_device_chain(1, 20, 4, 2, false);
    let (b, _) = sample_device_chain(2, 7, 4, 2, false);
    let mut on_b = ledger_of([b.clone()]);
    let report = on_b.merge(&ledger_of([a.clone()])).unwrap();
    assert_eq!(report.added_entries(), 20);
    assert_eq!(report.new_conflicts(), 0);
    assert!(
        report.message_ja().contains("新しい記録20件"),
        "{}",
        report.message_ja()
    );
    let union = on_b.entries_in_time_order();
    assert_eq!(union.len(), 27);
    assert!(union
        .windows(2)
        .all(|w| w[0].recorded_at <= w[1].recorded_at));
    assert_eq!(on_b.device_label(a.device()), "パソコン1");
    assert_eq!(on_b.device_label(b.device()), "パソコン2");
    // A grows; the newer backup extends A's chain on B.
    let mut a2 = a.clone();
    memo(&mut a2, "あとから");
    let report = on_b.merge(&ledger_of([a2])).unwrap();
    assert_eq!(report.changes[0].1, ChainMerge::Extended { added: 1 });
}

#[test]
fn a_self_conflict_is_kept_and_shown_never_replaced() {
    let (a, _) = sample_device_chain(1, 6, 4, 2, false);
    let base =
        DeviceChain::open(SAMPLE_OFFICE, a.device().clone(), a.entries()[..4].to_vec()).unwrap();
    let mut copy = base.clone();
    memo(&mut copy, "コピー側1");
    memo(&mut copy, "コピー側2");
    memo(&mut copy, "コピー側3");
    let mut l = ledger_of([a.clone()]);
    let change = l.add_chain(copy.clone()).unwrap();
    assert_eq!(change, ChainMerge::ConflictKept { common_prefix: 4 });
    // The longer history is shown; the other one is kept, whole.
    assert_eq!(l.chain(a.device()).unwrap(), &copy);
    assert_eq!(l.conflicts().len(), 1);
    assert_eq!(l.conflicts()[0].chain, a);
    assert!(l.status_ja().contains("食い違う記録が1件"));
    // Every entry of both histories is still held once.
    assert_eq!(l.all_entries().len(), 4 + 2 + 3);
}

#[test]
fn relabelled_chains_are_refused() {
    let (a, _) = sample_device_chain(1, 5, 4, 2, false);
    // Claimed by another device: the genesis no longer fits.
    let mut relabelled = a.entries().to_vec();
    for e in &mut relabelled {
        e.device = sample_device(9);
    }
    let v = verify_device_chain(SAMPLE_OFFICE, &sample_device(9), &relabelled);
    assert_eq!(v.first_bad.as_ref().map(|(s, _)| *s), Some(1));
    assert!(DeviceChain::open(SAMPLE_OFFICE, sample_device(9), relabelled).is_err());
    // Claimed by another office.
    assert!(DeviceChain::open("1310000002", a.device().clone(), a.entries().to_vec()).is_err());
    // A chain of another office is not merged into ours.
    let (other, _) = sample_device_chain(1, 1, 1, 1, false);
    let mut theirs = OfficeLedger::new("1310000002");
    let fake = DeviceChain::new("1310000002", sample_device(4));
    assert!(theirs.add_chain(fake).is_ok());
    let mut ours = ledger_of([other]);
    let mut foreign = DeviceChain::new("1310000002", sample_device(4));
    memo(&mut foreign, "他事業所");
    assert!(matches!(
        ours.add_chain(foreign),
        Err(office::MergeError::OtherOffice { .. })
    ));
    // A legacy (migrated) chain cannot be passed off under another id either.
    let (old, _) = sample_ledger(4, 2, 2, false);
    assert!(DeviceChain::open(SAMPLE_OFFICE, sample_device(5), old).is_err());
}

#[test]
fn the_office_checkpoint_reveals_truncation_rewrites_and_removed_devices() {
    let (a, _) = sample_device_chain(1, 30, 4, 2, false);
    let (b, _) = sample_device_chain(2, 20, 4, 2, false);
    let (c, _) = sample_device_chain(3, 10, 4, 2, false);
    let ledger = ledger_of([a.clone(), b.clone(), c.clone()]);
    let cp = OfficeCheckpoint::of(&ledger, now());
    let text = cp.to_text();
    assert!(text.contains(FORMAT_LINE));
    assert!(text.contains("端末数: 3台"), "{text}");
    assert!(text.contains("記録件数: 60件"));
    assert!(text.contains("(パソコン2)"));
    let AnyCheckpoint::Office(parsed) = parse_any_checkpoint(&text).unwrap() else {
        panic!("an office checkpoint")
    };
    assert_eq!(parsed.devices.len(), 3);
    assert_eq!(parsed.root.as_deref(), Some(cp.root.as_str()));
    let ok = verify_office_checkpoint(&ledger, &parsed);
    assert!(ok.is_match(), "{}", ok.message_ja());
    assert!(ok.message_ja().contains("端末3台の記録60件"));

    // The ledger grew afterwards, with a new device too: still a match.
    let mut later = ledger.clone();
    let mut a2 = a.clone();
    memo(&mut a2, "後の記録");
    later.add_chain(a2).unwrap();
    later
        .add_chain(sample_device_chain(4, 3, 2, 2, false).0)
        .unwrap();
    let v = verify_office_checkpoint(&later, &parsed);
    assert!(v.is_match());
    assert_eq!(v.newer_devices, 1);

    // Truncated: device 2 lost its last five entries.
    let cut = DeviceChain::open(
        SAMPLE_OFFICE,
        b.device().clone(),
        b.entries()[..15].to_vec(),
    )
    .unwrap();
    let v = verify_office_checkpoint(&ledger_of([a.clone(), cut, c.clone()]), &parsed);
    assert!(matches!(
        v.findings[..],
        [CheckpointFinding::Truncated {
            ledger: 15,
            checkpoint: 20,
            ..
        }]
    ));
    assert!(v.message_ja().contains("パソコン2"));

    // Rewritten: device 1's chain recomputed with one entry changed.
    let mut rewritten = DeviceChain::new(SAMPLE_OFFICE, a.device().clone());
    for e in a.entries() {
        let mut d = EntryDraft::new(e.actor.clone(), e.subject.clone(), e.details.clone());
        if e.seq == 10 {
            d.actor = "改ざん者".into();
        }
        let h = rewritten.head().hash;
        rewritten.append(d, &h, e.recorded_at).unwrap();
    }
    let v = verify_office_checkpoint(&ledger_of([rewritten, b.clone(), c.clone()]), &parsed);
    assert!(matches!(
        v.findings[..],
        [CheckpointFinding::Rewritten {
            entry_count: 30,
            ..
        }]
    ));

    // A removed device.
    let v = verify_office_checkpoint(&ledger_of([a.clone(), b.clone()]), &parsed);
    assert!(matches!(
        v.findings[..],
        [CheckpointFinding::DeviceMissing { .. }]
    ));

    // A device line struck off the kept paper: the まとめハッシュ no longer fits.
    let struck: String = text
        .lines()
        .filter(|l| !l.contains(c.device().as_str()))
        .map(|l| format!("{l}\n"))
        .collect();
    let AnyCheckpoint::Office(struck) = parse_any_checkpoint(&struck).unwrap() else {
        panic!()
    };
    let v = verify_office_checkpoint(&ledger, &struck);
    assert_eq!(v.findings, vec![CheckpointFinding::RootDiffers]);

    // Typed back by hand: full-width, hashes left out, まとめハッシュ shortened to 16.
    let fw = |s: &str| -> String {
        s.chars()
            .map(|ch| char::from_u32(ch as u32 + 0xFEE0).unwrap())
            .collect()
    };
    let mut typed = String::from("事業所番号：１３１００００００１\n");
    for d in &cp.devices {
        typed.push_str(&format!(
            "端末：{}　{}件\n",
            fw(d.device.as_str()),
            d.entry_count
        ));
    }
    typed.push_str(&format!("まとめハッシュ：{}\n", fw(&cp.root[..16])));
    let AnyCheckpoint::Office(typed) = parse_any_checkpoint(&typed).unwrap() else {
        panic!()
    };
    let v = verify_office_checkpoint(&ledger, &typed);
    assert!(v.is_match(), "{}", v.message_ja());
    assert_eq!(v.compared_hex_digits, 16);
    let v = verify_office_checkpoint(&ledger_of([a, b]), &typed);
    assert!(!v.is_match());
}

#[test]
fn migration_keeps_the_old_chain_unchanged_and_verified() {
    // What the one-chain ledger wrote: a chain and a branch another PC's restore set aside,
    // and a second history of the same chain after entry 3.
    let (old, _) = sample_ledger(25, 4, 2, false);
    let (other_pc, _) = sample_ledger(8, 3, 3, false);
    assert!(verify(&old).is_ok(), "verified as format 1 before");
    let other_pc_branch = KeptBranch {
        base_entry_count: 0,
        base_hash: chain::GENESIS_PREV_HASH.into(),
        kept_at: now(),
        // A different first entry, so another legacy id.
        entries: other_pc[..1]
            .iter()
            .map(|e| {
                let d = EntryDraft::new("別PC", e.subject.clone(), e.details.clone());
                seal(
                    &ChainHead::legacy_genesis(&e.device),
                    d,
                    Timestamp(e.recorded_at.0 + 1),
                )
                .unwrap()
            })
            .collect(),
    };
    let mut second = old[..3].to_vec();
    let legacy = second[0].device.clone();
    let fork = seal(
        &ChainHead::after(&second, ChainHead::legacy_genesis(&legacy)),
        EntryDraft::new(
            "木村",
            Subject::default(),
            Details::Memo {
                text: "別の歴史".into(),
            },
        ),
        now(),
    )
    .unwrap();
    second.push(fork.clone());
    let same_chain_branch = KeptBranch {
        base_entry_count: 3,
        base_hash: old[2].hash.clone(),
        kept_at: now(),
        entries: vec![fork],
    };
    let office = migrate_v1(
        SAMPLE_OFFICE,
        old.clone(),
        &[other_pc_branch, same_chain_branch],
    )
    .unwrap();
    let main = office.chain(&DeviceId::legacy_of(&old[0].hash)).unwrap();
    assert_eq!(
        main.entries(),
        &old[..],
        "the same entries, the same hashes"
    );
    assert!(verify_device_chain(SAMPLE_OFFICE, main.device(), main.entries()).is_ok());
    assert_eq!(office.device_count(), 2);
    assert_eq!(office.conflicts().len(), 1);
    assert_eq!(office.conflicts()[0].common_prefix, 3);

    // A format-1 checkpoint issued before the migration still verifies.
    let cp = Checkpoint::of(SAMPLE_OFFICE, &old[..20], now());
    let parsed = parse_checkpoint(&cp.to_text()).unwrap();
    assert!(matches!(
        parse_any_checkpoint(&cp.to_text()).unwrap(),
        AnyCheckpoint::Legacy(_)
    ));
    assert!(verify_legacy_checkpoint(&office, &parsed).is_match());
}

#[test]
fn format_1_checkpoint_text_round_trips_and_catches_rewrites() {
    let (entries, _) = sample_ledger(60, 5, 3, false);
    let cp = Checkpoint::of(SAMPLE_OFFICE, &entries[..50], now());
    let text = cp.to_text();
    assert!(text.contains("記録件数: 50件"));
    let parsed = parse_checkpoint(&text).unwrap();
    assert_eq!(parsed.head_hash, entries[49].hash);
    let verdict = verify_against_checkpoint(&entries, &parsed, SAMPLE_OFFICE);
    assert_eq!(
        verdict,
        CheckpointVerdict::Matches {
            entry_count: 50,
            compared_hex_digits: 64
        }
    );
    assert_eq!(to_half_width("５０"), "50");
    assert!(matches!(
        verify_against_checkpoint(&entries[..40], &parsed, SAMPLE_OFFICE),
        CheckpointVerdict::LedgerShorter { .. }
    ));
    assert!(matches!(
        verify_against_checkpoint(&entries, &parsed, "9999999999"),
        CheckpointVerdict::OtherOffice { .. }
    ));
}

#[test]
fn assembling_from_stored_entries_finds_every_history_and_reports_damage() {
    let parts = snapshots();
    let reference = merged(&(0..parts.len()).collect::<Vec<_>>(), &parts);
    let stored: Vec<Entry> = reference.all_entries().into_iter().cloned().collect();
    let (back, problems) = OfficeLedger::from_entries(SAMPLE_OFFICE, stored.clone());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(back, reference);

    // A changed entry in the middle of device 1's chain: its prefix is kept, the damage named.
    let mut damaged = stored.clone();
    let victim = damaged
        .iter_mut()
        .find(|e| e.device == sample_device(1) && e.seq == 6)
        .unwrap();
    victim.actor = "改ざん者".into();
    let (back, problems) = OfficeLedger::from_entries(SAMPLE_OFFICE, damaged);
    assert_eq!(back.chain(&sample_device(1)).unwrap().len(), 5);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].message.contains("記録6"), "{:?}", problems[0]);
}

#[test]
fn the_same_entry_stored_twice_is_one_entry() {
    let (chain, _) = sample_device_chain(1, 10, 3, 2, false);
    let mut stored = chain.entries().to_vec();
    stored.extend(chain.entries()[3..7].iter().cloned());
    stored.reverse();
    let (back, problems) = OfficeLedger::from_entries(SAMPLE_OFFICE, stored);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(back.chain(chain.device()), Some(&chain));
}
