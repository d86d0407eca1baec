//! The IndexedDB database behind the ledger.
//!
//! Schema (version [`SCHEMA_VERSION`]); every store is listed here on every open, because
//! the builder drops stores it is not told about:
//! - `entries`: `{seq, json}` keyed by `seq`. `json` is the entry exactly as
//!   [`Entry::to_json`] wrote it, so what is hashed is what is stored.
//! - `files`: `{sha256, size, bytes}` keyed by `sha256`: the original bytes of every
//!   recorded file, once per content.
//! - `branches`: kept diverging branches from restores (see `ledger::KeptBranch`).
//! - `meta`: `{key, value}` small records (settings, last backup time).
//!
//! Upgrade path: raise [`SCHEMA_VERSION`] and add stores or indexes to [`schema`]; existing
//! data stays. Never remove a store from the list without a migration.
//!
//! Two tabs cannot fork the chain: an append reads the head and adds the next entry inside
//! one read-write transaction, and IndexedDB runs read-write transactions on the same store
//! one at a time, across tabs. `add` (not `put`) also refuses to overwrite a `seq`.

use std::fmt;

use js_sys::{Object, Reflect, Uint8Array};
use rexie::{Direction, ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};

use crate::fingerprint::sha256_hex;
use crate::jpdate::Timestamp;
use crate::ledger::{seal, AppendError, ChainHead, Entry, EntryDraft, KeptBranch, StoredFile};

/// One name for this app's database. All `file://` pages of a browser share one storage
/// origin, so the name must not collide with other local pages.
pub const DATABASE_NAME: &str = "careplan-ledger-evidence";
/// Raise when [`schema`] changes.
pub const SCHEMA_VERSION: u32 = 1;

const ENTRIES: &str = "entries";
const FILES: &str = "files";
const BRANCHES: &str = "branches";
const META: &str = "meta";

fn schema(name: &str) -> rexie::RexieBuilder {
    Rexie::builder(name)
        .version(SCHEMA_VERSION)
        .add_object_store(ObjectStore::new(ENTRIES).key_path("seq"))
        .add_object_store(ObjectStore::new(FILES).key_path("sha256"))
        .add_object_store(ObjectStore::new(BRANCHES).key_path("id"))
        .add_object_store(ObjectStore::new(META).key_path("key"))
}

/// Why the store could not do what was asked, in words for the user.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreError {
    /// The browser refused or failed (private mode, disk full, blocked by another tab…).
    Browser(String),
    /// The draft could not be appended (invalid, or a bad reference).
    Append(AppendError),
    /// What was read back differs from what was written.
    ReadBackMismatch(String),
    /// Stored data does not parse: the database was changed outside this app.
    Corrupt(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Browser(detail) => write!(
                f,
                "ブラウザの保存領域を使えませんでした。ほかのタブを閉じてから、もう一度お試しください。(詳細: {detail})"
            ),
            StoreError::Append(e) => write!(f, "{e}"),
            StoreError::ReadBackMismatch(what) => write!(
                f,
                "保存した内容を読み直したところ一致しませんでした({what})。記録は完了していません。もう一度お試しください。"
            ),
            StoreError::Corrupt(what) => write!(
                f,
                "保存されている台帳を読めませんでした({what})。バックアップから復元してください。"
            ),
        }
    }
}

impl From<rexie::Error> for StoreError {
    fn from(e: rexie::Error) -> Self {
        StoreError::Browser(e.to_string())
    }
}

/// The open ledger database.
pub struct LedgerStore {
    db: Rexie,
}

impl LedgerStore {
    /// Opens (creating or upgrading) the app's database.
    pub async fn open() -> Result<LedgerStore, StoreError> {
        Self::open_named(DATABASE_NAME).await
    }

    /// Opens a database of another name (tests use a fresh one each).
    pub async fn open_named(name: &str) -> Result<LedgerStore, StoreError> {
        Ok(LedgerStore {
            db: schema(name).build().await?,
        })
    }

    /// Closes the connection (another tab's upgrade waits for this).
    pub fn close(self) {
        self.db.close();
    }

    /// Deletes a whole database. Only for tests and for 「この PC の台帳を消す」 after a
    /// verified backup; never called implicitly.
    pub async fn delete_database(name: &str) -> Result<(), StoreError> {
        Rexie::delete(name).await.map_err(Into::into)
    }

    /// All entries in `seq` order, parsed. Verification of the chain is the caller's
    /// (`ledger::verify`), so a damaged database is reported, not hidden.
    pub async fn entries(&self) -> Result<Vec<Entry>, StoreError> {
        let tx = self.db.transaction(&[ENTRIES], TransactionMode::ReadOnly)?;
        let values = tx.store(ENTRIES)?.get_all(None, None).await?;
        values.iter().map(entry_from_record).collect()
    }

    /// Where the chain currently ends.
    pub async fn head(&self) -> Result<ChainHead, StoreError> {
        let tx = self.db.transaction(&[ENTRIES], TransactionMode::ReadOnly)?;
        last_head(&tx.store(ENTRIES)?).await
    }

    /// Appends the draft after the current head, in one transaction, then reads it back.
    /// Returns the sealed entry only when it is durably stored.
    pub async fn append(&self, draft: EntryDraft, now: Timestamp) -> Result<Entry, StoreError> {
        let tx = self
            .db
            .transaction(&[ENTRIES], TransactionMode::ReadWrite)?;
        let store = tx.store(ENTRIES)?;
        let head = last_head(&store).await?;
        let entry = match seal(&head, draft, now) {
            Ok(entry) => entry,
            Err(e) => {
                tx.abort().await.ok();
                return Err(StoreError::Append(e));
            }
        };
        store.add(&entry_record(&entry), None).await?;
        tx.done().await?;
        self.read_back_entry(&entry).await?;
        Ok(entry)
    }

    /// Appends entries that already carry their seq and hashes (a restore that extends the
    /// local chain). Refuses unless they continue exactly from the current head.
    pub async fn extend(&self, entries: &[Entry]) -> Result<(), StoreError> {
        let Some(first) = entries.first() else {
            return Ok(());
        };
        let tx = self
            .db
            .transaction(&[ENTRIES], TransactionMode::ReadWrite)?;
        let store = tx.store(ENTRIES)?;
        let head = last_head(&store).await?;
        if first.seq != head.entry_count + 1 || first.prev_hash != head.hash {
            tx.abort().await.ok();
            return Err(StoreError::Append(AppendError::HeadMoved {
                expected: first.prev_hash.clone(),
                actual: head.hash,
            }));
        }
        for entry in entries {
            store.add(&entry_record(entry), None).await?;
        }
        tx.done().await?;
        for entry in entries {
            self.read_back_entry(entry).await?;
        }
        Ok(())
    }

    async fn read_back_entry(&self, entry: &Entry) -> Result<(), StoreError> {
        let tx = self.db.transaction(&[ENTRIES], TransactionMode::ReadOnly)?;
        let stored = tx
            .store(ENTRIES)?
            .get(JsValue::from_f64(entry.seq as f64))
            .await?;
        match stored.map(|v| entry_from_record(&v)) {
            Some(Ok(back)) if back == *entry => Ok(()),
            _ => Err(StoreError::ReadBackMismatch(format!(
                "記録番号 {}",
                entry.seq
            ))),
        }
    }

    /// Keeps a file's bytes (once per content) and reads them back. Returns its SHA-256.
    pub async fn put_file(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let sha256 = sha256_hex(bytes);
        if self.has_file(&sha256).await? {
            return Ok(sha256);
        }
        let record = Object::new();
        set(&record, "sha256", &JsValue::from_str(&sha256));
        set(&record, "size", &JsValue::from_f64(bytes.len() as f64));
        set(&record, "bytes", &Uint8Array::from(bytes).into());
        let tx = self.db.transaction(&[FILES], TransactionMode::ReadWrite)?;
        tx.store(FILES)?.put(&record.into(), None).await?;
        tx.done().await?;
        match self.file(&sha256).await? {
            Some(back) if back == bytes => Ok(sha256),
            _ => Err(StoreError::ReadBackMismatch("ファイルの中身".into())),
        }
    }

    /// Whether the bytes with this SHA-256 are kept.
    pub async fn has_file(&self, sha256: &str) -> Result<bool, StoreError> {
        let tx = self.db.transaction(&[FILES], TransactionMode::ReadOnly)?;
        Ok(tx
            .store(FILES)?
            .key_exists(JsValue::from_str(sha256))
            .await?)
    }

    /// The kept bytes of a file, checked against their SHA-256.
    pub async fn file(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let tx = self.db.transaction(&[FILES], TransactionMode::ReadOnly)?;
        let Some(record) = tx.store(FILES)?.get(JsValue::from_str(sha256)).await? else {
            return Ok(None);
        };
        let bytes = Reflect::get(&record, &"bytes".into())
            .ok()
            .and_then(|b| b.dyn_into::<Uint8Array>().ok())
            .map(|b| b.to_vec())
            .ok_or_else(|| StoreError::Corrupt(format!("ファイル {sha256}")))?;
        if sha256_hex(&bytes) != sha256 {
            return Err(StoreError::Corrupt(format!(
                "ファイル {sha256} の中身が変わっています"
            )));
        }
        Ok(Some(bytes))
    }

    /// Every kept file (for a backup), each checked against its SHA-256.
    pub async fn files(&self) -> Result<Vec<StoredFile>, StoreError> {
        let tx = self.db.transaction(&[FILES], TransactionMode::ReadOnly)?;
        let keys = tx.store(FILES)?.get_all_keys(None, None).await?;
        drop(tx);
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let Some(sha256) = key.as_string() else {
                continue;
            };
            if let Some(bytes) = self.file(&sha256).await? {
                out.push(StoredFile { sha256, bytes });
            }
        }
        out.sort_by(|a, b| a.sha256.cmp(&b.sha256));
        Ok(out)
    }

    /// The kept diverging branches (from restores), in the order they are keyed.
    pub async fn branches(&self) -> Result<Vec<KeptBranch>, StoreError> {
        let tx = self
            .db
            .transaction(&[BRANCHES], TransactionMode::ReadOnly)?;
        let values = tx.store(BRANCHES)?.get_all(None, None).await?;
        values
            .iter()
            .map(|v| {
                Reflect::get(v, &"json".into())
                    .ok()
                    .and_then(|j| j.as_string())
                    .ok_or_else(|| StoreError::Corrupt("保管分岐の形が違います".into()))
                    .and_then(|json| {
                        KeptBranch::from_json(&json).map_err(|e| StoreError::Corrupt(e.to_string()))
                    })
            })
            .collect()
    }

    /// Keeps a branch beside the main chain (keyed by its head hash, so keeping the same
    /// branch twice changes nothing) and reads it back.
    pub async fn put_branch(&self, branch: &KeptBranch) -> Result<(), StoreError> {
        let id = branch.head_hash().to_string();
        let json = branch.to_json();
        let record = Object::new();
        set(&record, "id", &JsValue::from_str(&id));
        set(&record, "json", &JsValue::from_str(&json));
        let tx = self
            .db
            .transaction(&[BRANCHES], TransactionMode::ReadWrite)?;
        tx.store(BRANCHES)?.put(&record.into(), None).await?;
        tx.done().await?;
        let tx = self
            .db
            .transaction(&[BRANCHES], TransactionMode::ReadOnly)?;
        let back = tx.store(BRANCHES)?.get(JsValue::from_str(&id)).await?;
        match back.and_then(|r| Reflect::get(&r, &"json".into()).ok()?.as_string()) {
            Some(text) if text == json => Ok(()),
            _ => Err(StoreError::ReadBackMismatch("保管分岐".into())),
        }
    }

    /// A small record from `meta` (settings, last backup time), as JSON text.
    pub async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadOnly)?;
        let record = tx.store(META)?.get(JsValue::from_str(key)).await?;
        Ok(record.and_then(|r| Reflect::get(&r, &"value".into()).ok()?.as_string()))
    }

    /// Writes a small record to `meta` and reads it back.
    pub async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let record = Object::new();
        set(&record, "key", &JsValue::from_str(key));
        set(&record, "value", &JsValue::from_str(value));
        let tx = self.db.transaction(&[META], TransactionMode::ReadWrite)?;
        tx.store(META)?.put(&record.into(), None).await?;
        tx.done().await?;
        match self.meta(key).await? {
            Some(back) if back == value => Ok(()),
            _ => Err(StoreError::ReadBackMismatch(key.to_string())),
        }
    }
}

/// The head as the last stored entry says; genesis when the store is empty.
async fn last_head(store: &rexie::Store) -> Result<ChainHead, StoreError> {
    let last = store
        .scan(None, Some(1), None, Some(Direction::Prev))
        .await?;
    match last.first() {
        None => Ok(ChainHead::genesis()),
        Some((_, value)) => {
            let entry = entry_from_record(value)?;
            Ok(ChainHead {
                entry_count: entry.seq,
                hash: entry.hash,
            })
        }
    }
}

fn entry_record(entry: &Entry) -> JsValue {
    let record = Object::new();
    set(&record, "seq", &JsValue::from_f64(entry.seq as f64));
    set(&record, "json", &JsValue::from_str(&entry.to_json()));
    record.into()
}

fn entry_from_record(value: &JsValue) -> Result<Entry, StoreError> {
    let json = Reflect::get(value, &"json".into())
        .ok()
        .and_then(|j| j.as_string())
        .ok_or_else(|| StoreError::Corrupt("記録の形が違います".into()))?;
    Entry::from_json(&json).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}
