//! The IndexedDB store: what is written survives a new connection (as after a reload), the
//! file bytes come back intact, a batch is one transaction, two writers at once still make one
//! valid chain, other devices' chains are added once, and a schema-1 database written the way
//! the one-chain ledger wrote it is migrated unchanged.

use careplan_ledger::fingerprint::sha256_hex;
use careplan_ledger::jpdate::Timestamp;
use careplan_ledger::ledger::{
    sample::{sample_client, sample_device_chain, sample_ledger, sample_partner, SAMPLE_OFFICE},
    verify_device_chain, Details, DeviceId, EntryDraft, Kind, OfficeLedger, OfficeSettings,
    Subject,
};
use careplan_ledger::ledger::{CheckOutcome, Direction, FileRef, StoredFile};
use careplan_ledger::store::LedgerStore;
use js_sys::{Object, Reflect};
use rexie::{ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

/// A fresh database per test, deleted before use in case an earlier run left it.
async fn fresh(name: &str) -> LedgerStore {
    LedgerStore::delete_database(name).await.unwrap();
    LedgerStore::open_named(name).await.unwrap()
}

fn memo(i: u64) -> EntryDraft {
    EntryDraft::new(
        "佐々木",
        Subject {
            clients: vec![sample_client(i)],
            partner: Some(sample_partner(i)),
            ..Subject::default()
        },
        Details::Memo {
            text: format!("電話で確認しました({i}回目)"),
        },
    )
}

fn at(minute: i64) -> Timestamp {
    Timestamp::from_unix_ms(1_746_000_000_000 + minute * 60_000)
}

#[wasm_bindgen_test]
async fn entries_survive_reopening_the_database() {
    let name = "test-store-reopen";
    let store = fresh(name).await;
    let device = store.device().await.unwrap();
    let first = store.append(SAMPLE_OFFICE, memo(1), at(0)).await.unwrap();
    let second = store.append(SAMPLE_OFFICE, memo(2), at(1)).await.unwrap();
    // The chain starts with this PC's 端末の登録.
    assert_eq!((first.seq, second.seq), (2, 3));
    assert_eq!(second.prev_hash, first.hash);
    assert_eq!(first.device, device.id);
    store.close();

    let reopened = LedgerStore::open_named(name).await.unwrap();
    assert_eq!(
        reopened.device().await.unwrap(),
        device,
        "the same device after a reload"
    );
    let mut entries = reopened.entries().await.unwrap();
    entries.sort_by_key(|e| e.seq);
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].kind(), Kind::DeviceNamed);
    assert_eq!(entries[1..], [first, second.clone()]);
    assert!(verify_device_chain(SAMPLE_OFFICE, &device.id, &entries).is_ok());
    assert_eq!(
        reopened.own_head(SAMPLE_OFFICE).await.unwrap().hash,
        second.hash
    );
}

#[wasm_bindgen_test]
async fn an_invalid_draft_is_refused_and_nothing_of_the_batch_is_written() {
    let store = fresh("test-store-invalid").await;
    let mut draft = memo(2);
    draft.actor = String::new();
    let bytes = b"a file of the same batch".to_vec();
    let error = store
        .record(
            SAMPLE_OFFICE,
            &[&bytes],
            vec![memo(1), draft],
            None,
            at(0),
            &|_, _, _| false,
        )
        .await
        .unwrap_err();
    assert!(!error.to_string().is_empty());
    assert!(store.entries().await.unwrap().is_empty());
    assert_eq!(store.file(&sha256_hex(&bytes)).await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn file_bytes_are_kept_once_and_come_back_intact() {
    let store = fresh("test-store-files").await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let sha = store.put_file(&bytes).await.unwrap();
    assert_eq!(sha, sha256_hex(&bytes));
    assert_eq!(
        store.put_file(&bytes).await.unwrap(),
        sha,
        "same content, same key"
    );
    assert_eq!(store.file(&sha).await.unwrap(), Some(bytes));
    assert_eq!(store.file(&sha256_hex(b"other")).await.unwrap(), None);
    store.put_file(b"b").await.unwrap();
    store.put_file(b"a").await.unwrap();
    let files = store.files().await.unwrap();
    assert_eq!(files.len(), 3);
    assert!(files.windows(2).all(|w| w[0].sha256 < w[1].sha256));
}

#[wasm_bindgen_test]
async fn settings_round_trip() {
    let store = fresh("test-store-meta").await;
    assert_eq!(store.meta("settings").await.unwrap(), None);
    store
        .set_meta("settings", "{\"office\":\"1310000001\"}")
        .await
        .unwrap();
    assert_eq!(
        store.meta("settings").await.unwrap().as_deref(),
        Some("{\"office\":\"1310000001\"}")
    );
}

#[wasm_bindgen_test]
async fn two_connections_appending_at_once_keep_one_chain() {
    let name = "test-store-two-tabs";
    let a = fresh(name).await;
    let b = LedgerStore::open_named(name).await.unwrap();
    // Interleave two writers, as two tabs would: all appends are started before any ends.
    let writes_a = futures_join(&a, 0);
    let writes_b = futures_join(&b, 100);
    let (ra, rb) = futures::future::join(writes_a, writes_b).await;
    assert!(
        ra.iter().chain(rb.iter()).all(Result::is_ok),
        "{ra:?} {rb:?}"
    );
    let mut entries = a.entries().await.unwrap();
    entries.sort_by_key(|e| e.seq);
    assert_eq!(entries.len(), 21, "20 memos after one 端末の登録");
    let device = a.device().await.unwrap().id;
    let verification = verify_device_chain(SAMPLE_OFFICE, &device, &entries);
    assert!(verification.is_ok(), "{}", verification.message_ja());
}

async fn futures_join(
    store: &LedgerStore,
    offset: u64,
) -> Vec<Result<careplan_ledger::ledger::Entry, careplan_ledger::store::StoreError>> {
    let writes =
        (0..10).map(|i| store.append(SAMPLE_OFFICE, memo(offset + i), at((offset + i) as i64)));
    futures::future::join_all(writes).await
}

#[wasm_bindgen_test]
async fn other_devices_chains_are_added_once() {
    let store = fresh("test-store-merge").await;
    let mut incoming = OfficeLedger::new(SAMPLE_OFFICE);
    incoming
        .add_chain(sample_device_chain(1, 30, 4, 2, false).0)
        .unwrap();
    incoming
        .add_chain(sample_device_chain(2, 20, 4, 2, false).0)
        .unwrap();
    let added = store
        .add_entries(&incoming.all_entries(), &[])
        .await
        .unwrap();
    assert_eq!(added, 50);
    assert_eq!(
        store
            .add_entries(&incoming.all_entries(), &[])
            .await
            .unwrap(),
        0,
        "the same again adds nothing"
    );
    let (back, problems) =
        OfficeLedger::from_entries(SAMPLE_OFFICE, store.entries().await.unwrap());
    assert!(problems.is_empty());
    assert_eq!(back, incoming);
}

/// The way the one-chain ledger (schema 1) stored entries: `{seq, json}` in `entries`, the
/// settings in `meta`, kept branches in `branches`.
async fn write_schema_1(name: &str) -> Vec<careplan_ledger::ledger::Entry> {
    Rexie::delete(name).await.unwrap();
    let db = Rexie::builder(name)
        .version(1)
        .add_object_store(ObjectStore::new("entries").key_path("seq"))
        .add_object_store(ObjectStore::new("files").key_path("sha256"))
        .add_object_store(ObjectStore::new("branches").key_path("id"))
        .add_object_store(ObjectStore::new("meta").key_path("key"))
        .build()
        .await
        .unwrap();
    let (entries, _) = sample_ledger(12, 3, 2, false);
    let tx = db
        .transaction(&["entries", "meta"], TransactionMode::ReadWrite)
        .unwrap();
    let store = tx.store("entries").unwrap();
    for e in &entries {
        let record = Object::new();
        Reflect::set(&record, &"seq".into(), &JsValue::from_f64(e.seq as f64)).unwrap();
        Reflect::set(&record, &"json".into(), &JsValue::from_str(&e.to_json())).unwrap();
        store.add(&record.into(), None).await.unwrap();
    }
    let settings = OfficeSettings {
        office_number: SAMPLE_OFFICE.into(),
        office_name: "さくら居宅".into(),
        staff: vec!["佐々木".into()],
        ..OfficeSettings::default()
    };
    let record = Object::new();
    Reflect::set(&record, &"key".into(), &"settings".into()).unwrap();
    Reflect::set(
        &record,
        &"value".into(),
        &JsValue::from_str(&settings.to_json()),
    )
    .unwrap();
    tx.store("meta")
        .unwrap()
        .put(&record.into(), None)
        .await
        .unwrap();
    tx.done().await.unwrap();
    db.close();
    entries
}

#[wasm_bindgen_test]
async fn a_schema_1_database_is_migrated_unchanged_and_the_device_continues_on_its_own_chain() {
    let name = "test-store-migrate";
    let old = write_schema_1(name).await;
    let store = LedgerStore::open_named(name).await.unwrap();
    let entries = store.entries().await.unwrap();
    let legacy = DeviceId::legacy_of(&old[0].hash);
    let (office, problems) = OfficeLedger::from_entries(SAMPLE_OFFICE, entries);
    assert!(problems.is_empty(), "{problems:?}");
    let chain = office
        .chain(&legacy)
        .expect("the old chain, as a legacy device chain");
    let hashes: Vec<&str> = chain.entries().iter().map(|e| e.hash.as_str()).collect();
    let old_hashes: Vec<&str> = old.iter().map(|e| e.hash.as_str()).collect();
    assert_eq!(hashes, old_hashes, "entry for entry, the same hashes");

    // This browser goes on as a device of its own; its first entry names the old chain.
    let next = store.append(SAMPLE_OFFICE, memo(1), at(5)).await.unwrap();
    let device = store.device().await.unwrap().id;
    assert_eq!(next.device, device);
    assert_ne!(device, legacy);
    let (office, _) = OfficeLedger::from_entries(SAMPLE_OFFICE, store.entries().await.unwrap());
    let own = office.chain(&device).unwrap();
    match &own.entries()[0].details {
        Details::DeviceNamed { migrated_from, .. } => {
            let from = migrated_from.as_ref().expect("names the migrated chain");
            assert_eq!(from.device, legacy);
            assert_eq!(from.entry_count, 12);
            assert_eq!(from.hash, old[11].hash);
        }
        other => panic!("{other:?}"),
    }
    store.close();

    // Opening again migrates nothing twice.
    let again = LedgerStore::open_named(name).await.unwrap();
    assert_eq!(again.entries().await.unwrap().len(), 12 + 2);
}

#[wasm_bindgen_test]
async fn renaming_this_pc_is_recorded_in_its_chain() {
    let store = fresh("test-store-rename").await;
    store.set_device_name("事務室PC").await.unwrap();
    store.append(SAMPLE_OFFICE, memo(1), at(0)).await.unwrap();
    store.set_device_name("佐藤PC").await.unwrap();
    let renamed = store
        .record(
            SAMPLE_OFFICE,
            &[],
            Vec::new(),
            Some("木村".into()),
            at(1),
            &|_, _, _| true,
        )
        .await
        .unwrap();
    assert_eq!(renamed.sealed.len(), 1);
    let (office, problems) =
        OfficeLedger::from_entries(SAMPLE_OFFICE, store.entries().await.unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    let device = store.device().await.unwrap().id;
    let chain = office.chain(&device).unwrap();
    assert_eq!(chain.len(), 3, "端末の登録, the memo, the new name");
    assert_eq!(chain.entries()[2].actor, "木村");
    assert_eq!(office.device_label(&device), "佐藤PC");
}

/// The two drafts that record a received file (受信 and its チェック結果).
fn received(name: &str, bytes: &[u8]) -> Vec<EntryDraft> {
    let subject = Subject {
        clients: vec![sample_client(1)],
        partner: Some(sample_partner(1)),
        file: Some(FileRef {
            name: name.into(),
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        }),
        direction: Some(Direction::Received),
        ..Subject::default()
    };
    vec![
        EntryDraft::new("佐々木", subject.clone(), Details::Received),
        EntryDraft::new(
            "佐々木",
            subject,
            Details::CheckResult {
                outcome: CheckOutcome::Ok,
                errors: 0,
                warnings: 0,
                summary: "問題なし".into(),
            },
        ),
    ]
}

fn exchanges_of(entries: &[careplan_ledger::ledger::Entry], name: &str) -> usize {
    entries
        .iter()
        .filter(|e| {
            e.kind() == Kind::Received && e.subject.file.as_ref().is_some_and(|f| f.name == name)
        })
        .count()
}

#[wasm_bindgen_test]
async fn two_tabs_recording_the_same_files_record_each_once() {
    let name = "test-store-same-files";
    let a = fresh(name).await;
    let b = LedgerStore::open_named(name).await.unwrap();
    let files: Vec<(String, Vec<u8>)> = (0..8)
        .map(|i| (format!("UPPLAN_{i}.CSV"), format!("file {i}").into_bytes()))
        .collect();
    let batch = || {
        files
            .iter()
            .flat_map(|(n, bytes)| received(n, bytes))
            .collect::<Vec<_>>()
    };
    let bytes: Vec<&[u8]> = files.iter().map(|(_, b)| b.as_slice()).collect();
    // Both tabs chose the files when the ledger was empty: neither page holds anything.
    let nothing = |_: &str, _: u64, _: &str| false;
    let (ra, rb) = futures::future::join(
        a.record(SAMPLE_OFFICE, &bytes, batch(), None, at(0), &nothing),
        b.record(SAMPLE_OFFICE, &bytes, batch(), None, at(1), &nothing),
    )
    .await;
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    let entries = a.entries().await.unwrap();
    for (n, _) in &files {
        assert_eq!(exchanges_of(&entries, n), 1, "{n} recorded once");
    }
    // One tab stored the 8 files (and the 端末の登録), the other none, and says which.
    let (done, skipped) = if ra.sealed.is_empty() {
        (rb, ra)
    } else {
        (ra, rb)
    };
    assert_eq!(done.sealed.len(), 17);
    assert!(done.already_recorded.is_empty());
    assert!(skipped.sealed.is_empty());
    assert_eq!(skipped.already_recorded.len(), 8);
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.kind() == Kind::CheckResult)
            .count(),
        8,
        "every file has its チェック結果, once"
    );
    // A third batch with one new file among them records only the new one.
    let mut more = batch();
    more.extend(received("UPPLAN_new.CSV", b"new"));
    let mut with_new = bytes.clone();
    with_new.push(b"new");
    let third = b
        .record(SAMPLE_OFFICE, &with_new, more, None, at(2), &nothing)
        .await
        .unwrap();
    assert_eq!(third.already_recorded.len(), 8);
    assert_eq!(third.sealed.len(), 2);
    let (office, problems) = OfficeLedger::from_entries(SAMPLE_OFFICE, a.entries().await.unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(office.entry_count(), 19);
}

#[wasm_bindgen_test]
async fn a_restore_is_one_write_with_its_settings_and_its_entry() {
    let store = fresh("test-store-restore").await;
    store.append(SAMPLE_OFFICE, memo(1), at(0)).await.unwrap();
    let mut incoming = OfficeLedger::new(SAMPLE_OFFICE);
    incoming
        .add_chain(sample_device_chain(3, 12, 4, 2, false).0)
        .unwrap();
    let bytes = b"a kept file of the backup".to_vec();
    let files = vec![StoredFile {
        sha256: sha256_hex(&bytes),
        bytes: bytes.clone(),
    }];
    let restored = EntryDraft::new("佐々木", Subject::default(), memo(9).details);
    let meta = [("settings", "{\"from\":\"backup\"}".to_string())];
    let added = store
        .restore(
            &incoming.all_entries(),
            &files,
            &meta,
            Some((SAMPLE_OFFICE, restored, at(3))),
        )
        .await
        .unwrap();
    assert_eq!(added, 12);
    assert_eq!(store.file(&files[0].sha256).await.unwrap(), Some(bytes));
    assert_eq!(
        store.meta("settings").await.unwrap().as_deref(),
        Some("{\"from\":\"backup\"}")
    );
    let (office, problems) =
        OfficeLedger::from_entries(SAMPLE_OFFICE, store.entries().await.unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    let device = store.device().await.unwrap().id;
    assert_eq!(
        office.chain(&device).unwrap().len(),
        3,
        "登録, memo, the restore's entry"
    );
    assert_eq!(store.own_head(SAMPLE_OFFICE).await.unwrap().entry_count, 3);

    // Settings already stored are kept; a refused draft leaves nothing of the restore.
    let mut other = OfficeLedger::new(SAMPLE_OFFICE);
    other
        .add_chain(sample_device_chain(4, 5, 4, 2, false).0)
        .unwrap();
    let mut bad = memo(10);
    bad.actor = String::new();
    let meta = [("settings", "{\"from\":\"another\"}".to_string())];
    let refused = store
        .restore(
            &other.all_entries(),
            &[],
            &meta,
            Some((SAMPLE_OFFICE, bad, at(4))),
        )
        .await;
    assert!(refused.is_err());
    let (after, _) = OfficeLedger::from_entries(SAMPLE_OFFICE, store.entries().await.unwrap());
    assert_eq!(after, office, "nothing of the refused restore was stored");
    assert_eq!(
        store.meta("settings").await.unwrap().as_deref(),
        Some("{\"from\":\"backup\"}")
    );
}

#[wasm_bindgen_test]
async fn file_bytes_no_entry_names_are_swept_only_when_the_page_holds_everything() {
    let store = fresh("test-store-sweep").await;
    let named = b"recorded with its entries".to_vec();
    let recorded = store
        .record(
            SAMPLE_OFFICE,
            &[&named],
            received("UPPLAN_1.CSV", &named),
            None,
            at(0),
            &|_, _, _| false,
        )
        .await
        .unwrap();
    // What an older version could leave: bytes whose entries were never written.
    let orphan = store.put_file(b"orphan bytes").await.unwrap();
    let (office, _) = OfficeLedger::from_entries(SAMPLE_OFFICE, store.entries().await.unwrap());
    let entries = office.all_entries();
    let holds = |d: &str, seq: u64, hash: &str| {
        DeviceId::parse(d).is_some_and(|d| office.holds_entry(&d, seq, hash))
    };
    // A page that does not hold every stored run (another tab wrote) deletes nothing.
    let stale = |_: &str, _: u64, _: &str| false;
    assert_eq!(store.sweep_orphan_files(&stale, &entries).await.unwrap(), 0);
    assert!(store.has_file(&orphan).await.unwrap());
    assert_eq!(store.sweep_orphan_files(&holds, &entries).await.unwrap(), 1);
    assert!(!store.has_file(&orphan).await.unwrap());
    assert_eq!(
        store.file(&sha256_hex(&named)).await.unwrap(),
        Some(named),
        "the recorded file stays"
    );
    assert_eq!(recorded.sealed.len(), 3);
}
