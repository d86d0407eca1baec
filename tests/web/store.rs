//! The IndexedDB store: what is written survives a new connection (as after a reload), the
//! file bytes come back intact, and two writers at once still make one valid chain.

use careplan_ledger::fingerprint::sha256_hex;
use careplan_ledger::jpdate::Timestamp;
use careplan_ledger::ledger::{
    sample::{sample_client, sample_partner},
    verify, Details, EntryDraft, Subject,
};
use careplan_ledger::store::LedgerStore;
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
    let first = store.append(memo(1), at(0)).await.unwrap();
    let second = store.append(memo(2), at(1)).await.unwrap();
    assert_eq!((first.seq, second.seq), (1, 2));
    assert_eq!(second.prev_hash, first.hash);
    store.close();

    let reopened = LedgerStore::open_named(name).await.unwrap();
    let entries = reopened.entries().await.unwrap();
    assert_eq!(entries, vec![first, second.clone()]);
    assert!(verify(&entries).is_ok());
    assert_eq!(reopened.head().await.unwrap().hash, second.hash);
}

#[wasm_bindgen_test]
async fn an_invalid_draft_is_refused_and_nothing_is_written() {
    let store = fresh("test-store-invalid").await;
    let mut draft = memo(1);
    draft.actor = String::new();
    let error = store.append(draft, at(0)).await.unwrap_err();
    assert!(!error.to_string().is_empty());
    assert!(store.entries().await.unwrap().is_empty());
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
    let entries = a.entries().await.unwrap();
    assert_eq!(entries.len(), 20);
    let verification = verify(&entries);
    assert!(verification.is_ok(), "{}", verification.message_ja());
}

async fn futures_join(
    store: &LedgerStore,
    offset: u64,
) -> Vec<Result<careplan_ledger::ledger::Entry, careplan_ledger::store::StoreError>> {
    let writes = (0..10).map(|i| store.append(memo(offset + i), at((offset + i) as i64)));
    futures::future::join_all(writes).await
}
