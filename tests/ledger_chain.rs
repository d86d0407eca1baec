//! The hash chain: appending, the head check that keeps two tabs from forking the ledger,
//! verification reporting the first bad seq, and the one-spelling rule for stored entries.

use careplan_ledger::jpdate::Timestamp;
use careplan_ledger::ledger::backup::v1::{write_v1, V1Input};
use careplan_ledger::ledger::chain::{compute_hash, GENESIS_PREV_HASH};
use careplan_ledger::ledger::device::bound_genesis;
use careplan_ledger::ledger::sample::{
    sample_client, sample_device, sample_ledger, sample_partner, SAMPLE_OFFICE,
};
use careplan_ledger::ledger::*;

fn t(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

fn memo(text: &str) -> EntryDraft {
    EntryDraft::new(
        "佐々木",
        Subject::default(),
        Details::Memo { text: text.into() },
    )
}

#[test]
fn append_links_entries_and_checks_the_head() {
    let mut ledger = DeviceChain::new(SAMPLE_OFFICE, sample_device(1));
    let genesis = ledger.head().hash;
    assert_eq!(genesis, bound_genesis(SAMPLE_OFFICE, &sample_device(1)));
    let first = ledger
        .append(memo("一件目"), &genesis, t("2025-05-03T05:05:00.000Z"))
        .unwrap()
        .clone();
    assert_eq!(first.seq, 1);
    assert_eq!(first.prev_hash, genesis);
    assert_eq!(first.hash, compute_hash(&first));

    // A second tab still holding the genesis head must not append.
    let err = ledger
        .append(memo("別タブ"), &genesis, t("2025-05-03T05:06:00.000Z"))
        .unwrap_err();
    assert!(matches!(err, AppendError::HeadMoved { .. }));
    assert!(err.to_string().contains("別のタブ"));

    let second = ledger
        .append(memo("二件目"), &first.hash, t("2025-05-03T05:06:00.000Z"))
        .unwrap();
    assert_eq!(second.seq, 2);
    assert_eq!(second.prev_hash, first.hash);
    let v = verify_device_chain(SAMPLE_OFFICE, &sample_device(1), ledger.entries());
    assert!(v.is_ok());
    assert_eq!(v.ok_up_to, 2);
}

#[test]
fn invalid_drafts_and_bad_references_are_refused() {
    let mut ledger = DeviceChain::new(SAMPLE_OFFICE, sample_device(1));
    let head = ledger.head().hash;
    let err = ledger
        .append(
            EntryDraft::new("", Subject::default(), Details::Memo { text: "".into() }),
            &head,
            t("2025-05-03T05:05:00.000Z"),
        )
        .unwrap_err();
    let AppendError::Invalid(issues) = err else {
        panic!()
    };
    assert_eq!(issues.len(), 2);

    let err = ledger
        .append(
            EntryDraft::new(
                "佐々木",
                Subject::default(),
                Details::Correction {
                    corrects_seq: 1,
                    corrects_device: None,
                    text: "誤記".into(),
                },
            ),
            &head,
            t("2025-05-03T05:05:00.000Z"),
        )
        .unwrap_err();
    assert_eq!(err, AppendError::BadReference { seq: 1 });
}

#[test]
fn verification_names_the_first_bad_seq() {
    let (entries, _) = sample_ledger(50, 5, 3, false);
    assert_eq!(verify(&entries).ok_up_to, 50);

    let mut changed = entries.clone();
    changed[19].actor = "別人".into();
    let v = verify(&changed);
    assert_eq!(v.ok_up_to, 19);
    assert!(matches!(
        v.first_bad,
        Some((20, ChainProblem::HashMismatch { .. }))
    ));
    assert!(v.message_ja().contains("記録20"), "{}", v.message_ja());

    // Changing an entry and recomputing its hash breaks the next link instead.
    changed[19].hash = compute_hash(&changed[19]);
    let v = verify(&changed);
    assert!(matches!(
        v.first_bad,
        Some((21, ChainProblem::BrokenLink { .. }))
    ));

    let mut removed = entries.clone();
    removed.remove(10);
    assert!(matches!(
        verify(&removed).first_bad,
        Some((11, ChainProblem::SeqGap { .. }))
    ));

    let mut swapped = entries.clone();
    swapped.swap(3, 4);
    assert_eq!(verify(&swapped).first_bad.unwrap().0, 4);

    assert!(DeviceChain::from_legacy(SAMPLE_OFFICE, changed).is_err());
    assert!(DeviceChain::from_legacy(SAMPLE_OFFICE, entries).is_ok());
}

#[test]
fn stored_json_round_trips_and_has_one_spelling() {
    let (entries, _) = sample_ledger(200, 10, 4, false);
    for e in &entries {
        let text = e.to_json();
        assert_eq!(&Entry::from_json(&text, &e.device).unwrap(), e);
    }
    let e = &entries[0];
    let mut v = e.to_value();
    // An unknown field, a null for an absent field, or an empty client list is refused.
    v["extra"] = serde_json::json!(1);
    assert!(Entry::from_value(&v, "e", &e.device)
        .unwrap_err()
        .0
        .contains("未知の項目"));
    let mut v = e.to_value();
    v["subject"]["service_month"] = serde_json::Value::Null;
    assert!(Entry::from_value(&v, "e", &e.device).is_err());
    let mut v = e.to_value();
    v["subject"]["clients"] = serde_json::json!([]);
    assert!(Entry::from_value(&v, "e", &e.device).is_err());
    let mut v = e.to_value();
    v["recorded_at"] = serde_json::json!("2025-01-06T00:31:37Z");
    assert!(Entry::from_value(&v, "e", &e.device).is_err());
}

/// The worked example in docs/backup-format.md: this test prints and pins the hashes.
#[test]
fn worked_example_hashes() {
    let mut client = sample_client(0);
    client.plan_date = None;
    let draft = EntryDraft::new(
        "佐々木",
        Subject {
            clients: vec![client],
            service_month: careplan_ledger::jpdate::YearMonth::new(2025, 6),
            partner: Some(sample_partner(0)),
            file: Some(FileRef {
                name: "UPPLAN_202506_1310000001_43_1300000500_11_20250520100000.CSV".into(),
                size: 3,
                sha256: careplan_ledger::fingerprint::sha256_hex(b"abc"),
            }),
            file_serial: Some("20250520100000".into()),
            direction: Some(Direction::Sent),
        },
        Details::Sent,
    );
    // Format 1: one chain starting at 64 zeros.
    let legacy = DeviceId::legacy_of(GENESIS_PREV_HASH);
    let e1 = seal(
        &ChainHead::legacy_genesis(&legacy),
        draft,
        t("2025-05-20T01:00:00.000Z"),
    )
    .unwrap();
    let e2 = seal(
        &ChainHead::after(
            std::slice::from_ref(&e1),
            ChainHead::legacy_genesis(&legacy),
        ),
        EntryDraft::new(
            "佐々木",
            Subject::default(),
            Details::Memo {
                text: "電話で到着を確認\n\"済\"".into(),
            },
        ),
        t("2025-05-20T01:05:00.000Z"),
    )
    .unwrap();
    let entries = vec![e1.clone(), e2.clone()];
    let c1 = careplan_ledger::ledger::canonical::canonicalize(&e1.unhashed_value()).unwrap();
    let c2 = careplan_ledger::ledger::canonical::canonicalize(&e2.unhashed_value()).unwrap();
    println!("entry 1 canonical:\n{c1}\nhash {}", e1.hash);
    println!("entry 2 canonical:\n{c2}\nhash {}", e2.hash);
    assert_eq!(
        c2,
        format!(
            "{{\"actor\":\"佐々木\",\"details\":{{\"text\":\"電話で到着を確認\\n\\\"済\\\"\"}},\"kind\":\"memo\",\
             \"prev_hash\":\"{}\",\"recorded_at\":\"2025-05-20T01:05:00.000Z\",\"seq\":2,\"subject\":{{}}}}",
            e1.hash
        )
    );
    assert_eq!(
        e1.hash,
        careplan_ledger::fingerprint::sha256_hex(c1.as_bytes())
    );
    assert_eq!(
        e1.hash,
        "e6bd6e2e02c9e50ea0944be96e6159aa4d3cec72df2a16f53416e05e909df801"
    );
    assert_eq!(
        e2.hash,
        "8887353d237ab92d7dcfc11773136797069c25bdf38309c71ec47163fd8fe065"
    );

    // The same two entries as a backup with the file bytes "abc" (docs/backup-format.md §8).
    let settings = serde_json::json!({"office_number": "1310000001", "retention_years": 2});
    let text = write_v1(&V1Input {
        app_version: "0.1.0",
        office_number: "1310000001",
        created_at: t("2025-05-31T09:00:00.000Z"),
        entries: &entries,
        branches: &[],
        files: &[StoredFile::new(b"abc".to_vec())],
        settings: settings.as_object().unwrap(),
    })
    .unwrap();
    println!("backup:\n{text}");
    let backup = read_backup(&text).unwrap();
    assert_eq!(
        backup.document_sha256,
        "8d814f80288b96b8238d0ecf9693ec7370fc69a492eaf9d856ac5c04f9ae2e23"
    );
}

/// The format-2 worked example in docs/backup-format.md §8: one device chain (its 端末の登録
/// and a 送信) as a backup with the file bytes "abc". This test prints and pins the values.
#[test]
fn worked_example_v2() {
    let device = DeviceId::parse("11111111111111111111111111111111").unwrap();
    let mut chain = DeviceChain::new("1310000001", device.clone());
    assert_eq!(
        chain.head().hash,
        careplan_ledger::fingerprint::sha256_hex(
            b"careplan-ledger device chain\n1310000001\n11111111111111111111111111111111\n"
        )
    );
    let g = chain.head().hash;
    chain
        .append(
            EntryDraft::new(
                "佐々木",
                Subject::default(),
                Details::DeviceNamed {
                    device_id: device.clone(),
                    name: "事務室PC".into(),
                    office_number: "1310000001".into(),
                    migrated_from: None,
                },
            ),
            &g,
            t("2025-05-20T00:59:00.000Z"),
        )
        .unwrap();
    let mut client = sample_client(0);
    client.plan_date = None;
    let h = chain.head().hash;
    chain
        .append(
            EntryDraft::new(
                "佐々木",
                Subject {
                    clients: vec![client],
                    service_month: careplan_ledger::jpdate::YearMonth::new(2025, 6),
                    partner: Some(sample_partner(0)),
                    file: Some(FileRef {
                        name: "UPPLAN_202506_1310000001_43_1300000500_11_20250520100000.CSV".into(),
                        size: 3,
                        sha256: careplan_ledger::fingerprint::sha256_hex(b"abc"),
                    }),
                    file_serial: Some("20250520100000".into()),
                    direction: Some(Direction::Sent),
                },
                Details::Sent,
            ),
            &h,
            t("2025-05-20T01:00:00.000Z"),
        )
        .unwrap();
    let mut office = OfficeLedger::new("1310000001");
    office.add_chain(chain.clone()).unwrap();
    let settings = serde_json::json!({"office_number": "1310000001", "retention_years": 2});
    let text = write_backup(&BackupInput {
        app_version: "0.1.0",
        created_at: t("2025-05-31T09:00:00.000Z"),
        ledger: &office,
        files: &[StoredFile::new(b"abc".to_vec())],
        settings: settings.as_object().unwrap(),
    })
    .unwrap();
    println!("backup:\n{text}");
    let cp = OfficeCheckpoint::of(&office, t("2025-05-31T09:00:00.000Z"));
    println!("checkpoint:\n{}", cp.to_text());
    let backup = read_backup(&text).unwrap();
    assert_eq!(backup.ledger, office);
    for (i, e) in chain.entries().iter().enumerate() {
        println!(
            "entry {} canonical: {}\nhash {}",
            i + 1,
            careplan_ledger::ledger::canonical::canonicalize(&e.unhashed_value()).unwrap(),
            e.hash
        );
    }
    assert_eq!(
        chain.entries()[1].hash,
        "86bc26e5158433e1d9ff4fe8a70682f440be55d5037c93088cdf19537f36ad27"
    );
    assert_eq!(
        cp.root,
        "b7148205ec53941247fca89da52b748623ff47101bb0ec8814f8e596ff00336d"
    );
    assert_eq!(
        backup.document_sha256,
        "2084ace31786ce646eb58c65e65142fafcdfed5ab7590836e529c4473eb669d8"
    );
}

/// The time of the act (送信日時 …) is its own field: kept apart from the recording time,
/// hashed, read back, never later than the recording, and absent from older entries.
#[test]
fn the_act_time_is_kept_apart_from_the_recording_time() {
    let mut ledger = DeviceChain::new(SAMPLE_OFFICE, sample_device(1));
    let sent = |at: Option<Timestamp>| {
        EntryDraft::new(
            "佐々木",
            Subject {
                clients: vec![sample_client(1)],
                partner: Some(sample_partner(1)),
                file: Some(FileRef {
                    name: "UPPLAN_202505_0300000100_43_0300000005_11_20250424093000.CSV".into(),
                    size: 10,
                    sha256: "a".repeat(64),
                }),
                direction: Some(Direction::Sent),
                ..Subject::default()
            },
            Details::Sent,
        )
        .occurred_at(at)
    };
    let recorded = t("2026-12-02T01:00:00.000Z");
    let head = ledger.head().hash;
    // Later than the recording: refused with the field named.
    let err = ledger
        .append(sent(Some(t("2026-12-02T01:00:00.001Z"))), &head, recorded)
        .unwrap_err();
    let AppendError::Invalid(issues) = err else {
        panic!("expected a validation error")
    };
    assert_eq!(issues[0].field, "occurred_at");
    assert!(issues[0].message.contains("送信日時"), "{issues:?}");
    // A kind whose time is the recording itself takes none.
    let err = ledger
        .append(memo("メモ").occurred_at(Some(recorded)), &head, recorded)
        .unwrap_err();
    assert!(err.to_string().contains("日時を付けられません"), "{err}");

    let act = t("2025-04-25T00:30:00.000Z");
    let entry = ledger
        .append(sent(Some(act)), &head, recorded)
        .unwrap()
        .clone();
    assert_eq!(entry.occurred_at, Some(act));
    assert_eq!(entry.recorded_at, recorded);
    assert_eq!(entry.act_time(), act);
    let json = entry.to_json();
    assert!(
        json.contains(r#""occurred_at":"2025-04-25T00:30:00.000Z""#),
        "{json}"
    );
    let back = Entry::from_json(&json, &sample_device(1)).unwrap();
    assert_eq!(back, entry);
    // The act time is inside the hash: changing it breaks the chain.
    let forged = json.replace("2025-04-25T00:30", "2025-04-26T00:30");
    let forged = Entry::from_json(&forged, &sample_device(1)).unwrap();
    assert!(!verify_device_chain(SAMPLE_OFFICE, &sample_device(1), &[forged]).is_ok());
    // A stored entry claiming an act after its recording is refused on reading.
    let late = json.replace("2025-04-25T00:30", "2027-01-01T00:30");
    let err = Entry::from_json(&late, &sample_device(1)).unwrap_err();
    assert!(err.0.contains("記録日時より後"), "{}", err.0);
    // Without one, the act time is the recording time and the JSON has no such field.
    let head = ledger.head().hash;
    let plain = ledger.append(sent(None), &head, recorded).unwrap();
    assert_eq!(plain.act_time(), recorded);
    assert!(!plain.to_json().contains("occurred_at"));
}

/// 同意日, 交付日 and 完結日 cannot lie after the day they are recorded.
#[test]
fn act_dates_in_details_cannot_be_in_the_future() {
    let mut ledger = DeviceChain::new(SAMPLE_OFFICE, sample_device(1));
    let head = ledger.head().hash;
    let mut client = sample_client(1);
    client.plan_date = careplan_ledger::jpdate::CivilDate::new(2025, 4, 20);
    let consent = EntryDraft::new(
        "佐々木",
        Subject {
            clients: vec![client],
            ..Subject::default()
        },
        Details::Consent {
            method: ConsentMethod::Signature,
            consented_on: careplan_ledger::jpdate::CivilDate::new(2025, 4, 23).unwrap(),
            prior_approval_on: None,
        },
    );
    // Recorded on 4/22 (Japan): the 4/23 consent is in the future.
    let err = ledger
        .append(consent.clone(), &head, t("2025-04-22T03:00:00.000Z"))
        .unwrap_err();
    assert!(err.to_string().contains("同意日が今日より後"), "{err}");
    assert!(ledger
        .append(consent, &head, t("2025-04-23T03:00:00.000Z"))
        .is_ok());
}

/// A deferred verification (structure here, each entry's hash elsewhere) finds exactly what
/// the whole verification finds: a changed entry by its hash line, anything else by itself.
#[test]
fn structure_plus_hash_lines_is_the_whole_verification() {
    use careplan_ledger::ledger::chain::{verify_device_chain_with, HashCheck};
    use careplan_ledger::ledger::office_folder::segment_text;
    use careplan_ledger::ledger::sample::sample_device_chain;
    let (chain, _) = sample_device_chain(3, 50, 8, 4, false);
    let d = sample_device(3);
    let whole = |e: &[Entry]| verify_device_chain(SAMPLE_OFFICE, &d, e);
    let deferred =
        |e: &[Entry]| verify_device_chain_with(SAMPLE_OFFICE, &d, e, HashCheck::Deferred);

    let good = chain.entries().to_vec();
    assert!(whole(&good).is_ok() && deferred(&good).is_ok());
    assert!(entries_with_wrong_hash(&segment_text(&good)).is_empty());

    // Entry 10 changed, its hash left: only the hash lines see it, at line 9.
    let mut changed = good.clone();
    changed[9].actor = "改ざん者".into();
    assert_eq!(whole(&changed).first_bad.map(|(s, _)| s), Some(10));
    assert!(deferred(&changed).is_ok());
    assert_eq!(entries_with_wrong_hash(&segment_text(&changed)), vec![9]);
    let (office, problems) =
        OfficeLedger::from_entries_with(SAMPLE_OFFICE, changed.clone(), HashCheck::Deferred);
    assert!(problems.is_empty());
    assert_eq!(office.entry_count(), 50);
    let (office, problems) = OfficeLedger::from_entries(SAMPLE_OFFICE, changed);
    assert_eq!(problems.len(), 1);
    assert_eq!(office.entry_count(), 9);

    // Entry 10 changed and rehashed: the link from 11 breaks, which the structure sees.
    let mut rehashed = good.clone();
    rehashed[9].actor = "改ざん者".into();
    rehashed[9].hash = compute_hash(&rehashed[9]);
    assert_eq!(whole(&rehashed), deferred(&rehashed));
    assert_eq!(deferred(&rehashed).first_bad.map(|(s, _)| s), Some(11));
    assert_eq!(
        entries_with_wrong_hash(&segment_text(&rehashed)),
        Vec::<usize>::new()
    );

    // Entry 10 removed, or the chain relabelled to another device: the structure sees both.
    let mut removed = good.clone();
    removed.remove(9);
    assert_eq!(whole(&removed), deferred(&removed));
    assert!(!deferred(&removed).is_ok());
    let other = sample_device(4);
    assert!(!verify_device_chain_with(SAMPLE_OFFICE, &other, &good, HashCheck::Deferred).is_ok());

    // A line that is no entry counts as wrong; empty lines are skipped.
    let text = format!("{}\nnot json\n\n{}", good[0].to_json(), good[1].to_json());
    assert_eq!(entries_with_wrong_hash(&text), vec![1]);
}

/// The worker's shortcut (hashing each canonical line without its `hash` member) finds
/// exactly what recomputing each entry's hash finds, also when texts contain `"hash":`.
#[test]
fn canonical_lines_are_hashed_without_reading_them() {
    use careplan_ledger::ledger::office_folder::segment_text;
    use careplan_ledger::ledger::sample::sample_device_chain;
    let (chain, _) = sample_device_chain(2, 60, 8, 4, false);
    let mut entries = chain.entries().to_vec();
    // Awkward but valid content, rehashed so these entries are right.
    for (i, text) in [
        (3, ",\"hash\":\""),
        (4, "\",\"hash\":\"00"),
        (5, "\\,\"hash\\\":"),
    ] {
        entries[i].actor = text.into();
        entries[i].hash = compute_hash(&entries[i]);
    }
    let good = segment_text(&entries);
    assert!(lines_not_confirmed(&good).is_empty());
    assert!(entries_with_wrong_hash(&good).is_empty());

    // A changed actor, memo or hash, each left unhashed: the same lines either way.
    let mut changed = entries.clone();
    changed[10].actor = "改ざん者".into();
    changed[20].hash = "0".repeat(64);
    changed[30].prev_hash = "f".repeat(64);
    let text = segment_text(&changed);
    assert_eq!(lines_not_confirmed(&text), vec![10, 20, 30]);
    assert_eq!(entries_with_wrong_hash(&text), vec![10, 20, 30]);

    // A line without a proper `hash` member is wrong, not a panic.
    for junk in ["x", ",\"hash\":\"", ",\"hash\":\"abc\"", "{\"hash\":\"é\"}"] {
        assert_eq!(lines_not_confirmed(junk), vec![0], "{junk}");
    }
}
