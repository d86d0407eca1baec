//! The IndexedDB database behind the ledger.
//!
//! Schema (version [`SCHEMA_VERSION`]); every store is listed here on every open, because
//! the builder drops stores it is not told about:
//! - `chain_segments` (since 2): `{key, device, first, last, head, jsonl}` keyed by
//!   `"<device>/<first>-<last>/<head hash>"` (12-digit seqs): runs of consecutive entries of
//!   one device chain, one entry per line exactly as [`Entry::to_json`] wrote it, so what is
//!   hashed is what is stored. A grow-only set: nothing is ever deleted or replaced; a batch
//!   recorded here or a run merged from elsewhere adds one segment; the same entry in two
//!   segments is the same entry (the office ledger keeps each once). One record per run, not
//!   per entry: IndexedDB costs about 0.1 ms a record, which for years of records is seconds.
//! - `files`: `{sha256, size, bytes}` keyed by `sha256`: the original bytes of every
//!   recorded file, once per content.
//! - `meta`: `{key, value}` small records: settings, last backup time, this browser's device
//!   (`device`: its id and name), the head this device writes after (`own_head`), and
//!   `schema2_migrated` once the one-chain data was migrated.
//! - `entries` and `branches` (schema 1): the one-chain ledger and its kept branches. Read
//!   once by the migration ([`crate::ledger::migration`]) into `device_entries`, in the same
//!   transaction that marks it done; kept untouched afterwards, never written again.
//!
//! Upgrade path: raise [`SCHEMA_VERSION`] and add stores or indexes to [`schema`]; existing
//! data stays. Never remove a store from the list without a migration.
//!
//! Two tabs cannot fork this device's chain, nor record a file twice: an append reads
//! `own_head` and the runs stored since the page read the store, and adds the next entries,
//! inside one read-write transaction over `chain_segments`, `files` and `meta`; IndexedDB runs
//! read-write transactions on the same stores one at a time, across tabs. A batch (its file
//! bytes and all its entries) is one transaction, and so is a restore (entries, files,
//! settings, its 復元 entry): all of it is stored or none.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;

use js_sys::{Object, Reflect, Uint8Array};
use rexie::{ObjectStore, Rexie, Store, TransactionMode, TransactionResult};
use wasm_bindgen::{JsCast, JsValue};

use crate::fingerprint::sha256_hex;
use crate::jpdate::Timestamp;
use crate::ledger::kept_files::orphans;
use crate::ledger::migration::migrate_v1;
use crate::ledger::office_folder::{
    segment_text, texts_for_run, ExactText, Segment, SegmentReader,
};
use crate::ledger::recorded_files::{is_exchange, RecordedFiles};
use crate::ledger::settings::SETTINGS_KEY;
use crate::ledger::{
    seal, AppendError, ChainHead, Details, DeviceId, Entry, EntryDraft, KeptBranch, OfficeSettings,
    StoredFile, Subject,
};
use crate::store::pacing::Pacer;

/// One name for this app's database. All `file://` pages of a browser share one storage
/// origin, so the name must not collide with other local pages.
pub const DATABASE_NAME: &str = "careplan-ledger-evidence";
/// Raise when [`schema`] changes.
pub const SCHEMA_VERSION: u32 = 2;

const SEGMENTS: &str = "chain_segments";
const ENTRIES_V1: &str = "entries";
const FILES: &str = "files";
const BRANCHES_V1: &str = "branches";
const META: &str = "meta";

/// `meta` key of this browser's device: `{"id": "<32 hex>", "name": "…"}`.
pub const DEVICE_KEY: &str = "device";
/// `meta` key of the head this device appends after: `{"entry_count": n, "hash": "…"}`.
const OWN_HEAD_KEY: &str = "own_head";
/// `meta` key of the office folder's directory handle.
const FOLDER_KEY: &str = "office_folder";
/// This PC's watched folders (見張るフォルダ): their handles and roles, in one `meta` record.
const WATCHED_KEY: &str = "watched_folders";
/// `meta` key set when the schema-1 data has been migrated.
const MIGRATED_KEY: &str = "schema2_migrated";

fn schema(name: &str) -> rexie::RexieBuilder {
    Rexie::builder(name)
        .version(SCHEMA_VERSION)
        .add_object_store(ObjectStore::new(ENTRIES_V1).key_path("seq"))
        .add_object_store(ObjectStore::new(FILES).key_path("sha256"))
        .add_object_store(ObjectStore::new(BRANCHES_V1).key_path("id"))
        .add_object_store(ObjectStore::new(META).key_path("key"))
        .add_object_store(ObjectStore::new(SEGMENTS).key_path("key"))
}

/// This browser's device: its id and the name the office gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    pub id: DeviceId,
    pub name: String,
}

impl DeviceInfo {
    fn to_json(&self) -> String {
        serde_json::json!({"id": self.id.as_str(), "name": self.name}).to_string()
    }

    fn from_json(text: &str) -> Option<DeviceInfo> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        Some(DeviceInfo {
            id: DeviceId::parse(v.get("id")?.as_str()?)?,
            name: v.get("name")?.as_str()?.to_string(),
        })
    }
}

/// A new device id from the browser's random source (also present on plain-http pages).
fn random_device_id() -> DeviceId {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No crypto object at all (never seen in Chrome/Edge): mix time and Math.random.
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = ((js_sys::Math::random() * 256.0) as u8)
                ^ ((js_sys::Date::now() as u64 >> i) as u8);
        }
    }
    DeviceId::from_random(bytes)
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
    /// The browser abandoned the write (most often: the disk or the browser's quota is full).
    /// Nothing of it was stored.
    Aborted,
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
            // Every request of the write had succeeded, so the browser refused the commit:
            // in practice the disk or the browser's storage is full.
            StoreError::Aborted => f.write_str(
                "パソコンの空き容量が足りません(記録は保存されていません)。不要なファイルを削除するなどして空き容量を増やしてから、もう一度お試しください。",
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
    /// Opens (creating or upgrading) the app's database, migrating schema-1 data once.
    pub async fn open() -> Result<LedgerStore, StoreError> {
        Self::open_named(DATABASE_NAME).await
    }

    /// Opens a database of another name (tests use a fresh one each).
    pub async fn open_named(name: &str) -> Result<LedgerStore, StoreError> {
        let store = LedgerStore {
            db: schema(name).build().await?,
        };
        store.migrate_if_needed().await?;
        Ok(store)
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

    /// Moves the one-chain (schema 1) ledger into `device_entries`, once, in one transaction
    /// that also marks it done. The old chain is verified before and, as a device chain,
    /// after (by [`migrate_v1`]); if it does not verify, nothing is written and the old data
    /// stays as it is.
    async fn migrate_if_needed(&self) -> Result<(), StoreError> {
        if self.meta(MIGRATED_KEY).await?.is_some() {
            return Ok(());
        }
        let tx = self.db.transaction(
            &[ENTRIES_V1, BRANCHES_V1, SEGMENTS, META],
            TransactionMode::ReadWrite,
        )?;
        let meta = tx.store(META)?;
        if meta.get(JsValue::from_str(MIGRATED_KEY)).await?.is_some() {
            // Another tab migrated meanwhile.
            return finish(tx).await;
        }
        let old: Vec<Entry> = tx
            .store(ENTRIES_V1)?
            .get_all(None, None)
            .await?
            .iter()
            .map(|v| {
                let json = string_field(v, "json")?;
                Entry::from_json(
                    &json,
                    &DeviceId::legacy_of(crate::ledger::chain::GENESIS_PREV_HASH),
                )
                .map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let branches: Vec<KeptBranch> = tx
            .store(BRANCHES_V1)?
            .get_all(None, None)
            .await?
            .iter()
            .map(|v| {
                KeptBranch::from_json(&string_field(v, "json")?)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let office = match meta.get(JsValue::from_str(SETTINGS_KEY)).await? {
            Some(r) => OfficeSettings::from_json(&string_field(&r, "value")?)
                .map(|s| s.office_number)
                .unwrap_or_default(),
            None => String::new(),
        };
        let mut marker = serde_json::json!({"entries": old.len(), "branches": branches.len()});
        if !old.is_empty() || !branches.is_empty() {
            let ledger = match migrate_v1(&office, old, &branches) {
                Ok(l) => l,
                Err(e) => {
                    tx.abort().await.ok();
                    return Err(StoreError::Corrupt(format!(
                        "以前の形式の台帳を新しい形式に移せませんでした: {}。以前のデータはそのまま残しています",
                        e.verification.message_ja()
                    )));
                }
            };
            let target = tx.store(SEGMENTS)?;
            let chains = ledger
                .chains()
                .chain(ledger.conflicts().iter().map(|c| &c.chain));
            for chain in chains {
                target.put(&segment_record(chain.entries()), None).await?;
            }
            if let Some(main) = ledger.chains().max_by_key(|c| c.len()) {
                let head = main.head();
                marker["legacy_device"] = head.device.as_str().into();
                marker["legacy_count"] = head.entry_count.into();
                marker["legacy_head"] = head.hash.into();
            }
        }
        meta.put(&meta_record(MIGRATED_KEY, &marker.to_string()), None)
            .await?;
        finish(tx).await
    }

    /// The chain this device's browser had before devices existed, if any (what its
    /// 端末の登録 names as `migrated_from`).
    async fn migrated_from(&self) -> Result<Option<ChainHead>, StoreError> {
        let Some(text) = self.meta(MIGRATED_KEY).await? else {
            return Ok(None);
        };
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok((|| {
            Some(ChainHead {
                device: DeviceId::parse(v.get("legacy_device")?.as_str()?)?,
                entry_count: v.get("legacy_count")?.as_u64()?,
                hash: v.get("legacy_head")?.as_str()?.to_string(),
            })
        })())
    }

    /// This browser's device, made (with a random id and no name yet) on first use.
    pub async fn device(&self) -> Result<DeviceInfo, StoreError> {
        if let Some(d) = self
            .meta(DEVICE_KEY)
            .await?
            .and_then(|t| DeviceInfo::from_json(&t))
        {
            return Ok(d);
        }
        let tx = self.db.transaction(&[META], TransactionMode::ReadWrite)?;
        let meta = tx.store(META)?;
        // Another tab may have made it meanwhile: keep theirs.
        if let Some(r) = meta.get(JsValue::from_str(DEVICE_KEY)).await? {
            if let Some(d) = DeviceInfo::from_json(&string_field(&r, "value")?) {
                finish(tx).await?;
                return Ok(d);
            }
        }
        let device = DeviceInfo {
            id: random_device_id(),
            name: String::new(),
        };
        meta.put(&meta_record(DEVICE_KEY, &device.to_json()), None)
            .await?;
        finish(tx).await?;
        Ok(device)
    }

    /// Saves the name the office gives this PC (recorded in the chain by the next record, or
    /// at once by [`LedgerStore::record`] with a 端末の登録 when the chain already exists).
    pub async fn set_device_name(&self, name: &str) -> Result<DeviceInfo, StoreError> {
        let mut device = self.device().await?;
        device.name = name.trim().to_string();
        self.set_meta(DEVICE_KEY, &device.to_json()).await?;
        Ok(device)
    }

    /// Every entry of every device chain held here (verification and assembly are the
    /// caller's: `OfficeLedger::from_entries`, so damage is reported, not hidden).
    pub async fn entries(&self) -> Result<Vec<Entry>, StoreError> {
        let mut entries = Vec::new();
        for segment in self.segments().await? {
            let parsed = segment.parse()?;
            entries.extend(parsed);
        }
        Ok(entries)
    }

    /// Every stored segment as it is kept, not parsed yet (the page parses them in steps and
    /// has their hashes checked on another thread meanwhile). Read one record at a time, so
    /// no single task of the page takes in years of entries at once.
    pub async fn segments(&self) -> Result<Vec<StoredSegment>, StoreError> {
        let tx = self
            .db
            .transaction(&[SEGMENTS], TransactionMode::ReadOnly)?;
        let store = tx.store(SEGMENTS)?;
        let keys = store.get_all_keys(None, None).await?;
        let mut out = Vec::with_capacity(keys.len() as usize);
        for key in keys {
            if let Some(value) = store.get(key).await? {
                out.push(StoredSegment::from_record(&value)?);
            }
        }
        Ok(out)
    }

    /// Where this device's chain ends (the genesis of `office_number`'s chain while empty).
    pub async fn own_head(&self, office_number: &str) -> Result<ChainHead, StoreError> {
        let device = self.device().await?;
        let text = self.meta(OWN_HEAD_KEY).await?;
        Ok(own_head_from(text.as_deref(), office_number, &device.id))
    }

    /// Records a batch in one transaction: the files' bytes (each once per content) and the
    /// drafts as the next entries of this device's chain, preceded by a 端末の登録 when the
    /// chain is new or the device was renamed (`rename_by`: who renamed it). All of it is
    /// stored or none of it. Read back before it returns the sealed entries.
    ///
    /// A file recorded meanwhile by another tab (or another PC's sync) is not recorded
    /// again: inside the transaction the stored runs the page did not hold when it chose
    /// the files (`page_holds`: device, last seq, last hash) are read, and the files they
    /// record are left out with their チェック結果 ([`RecordedFiles`]). Read-write
    /// transactions on the same stores run one at a time across tabs, so two tabs recording
    /// the same files record each once.
    pub async fn record(
        &self,
        office_number: &str,
        files: &[&[u8]],
        drafts: Vec<EntryDraft>,
        rename_by: Option<String>,
        now: Timestamp,
        page_holds: &PageHolds<'_>,
    ) -> Result<Recorded, StoreError> {
        let device = self.device().await?;
        let migrated_from = self.migrated_from().await?;
        let tx = self
            .db
            .transaction(&[SEGMENTS, META, FILES], TransactionMode::ReadWrite)?;
        let meta = tx.store(META)?;
        let mut drafts = drafts;
        let mut already_recorded = Vec::new();
        if drafts.iter().any(|d| is_exchange(d.kind())) {
            let meanwhile = entries_not_held(&tx.store(SEGMENTS)?, page_holds).await?;
            let (kept, left_out) = RecordedFiles::of(&meanwhile).leave_out(drafts);
            if kept.is_empty() && rename_by.is_none() {
                tx.abort().await.ok();
                return Ok(Recorded {
                    sealed: Vec::new(),
                    already_recorded: left_out,
                });
            }
            drafts = kept;
            already_recorded = left_out;
        }
        let head = read_own_head(&meta, office_number, &device.id).await?;
        let (sealed, head) = match seal_own(
            head,
            &device,
            office_number,
            migrated_from,
            drafts,
            rename_by,
            now,
        ) {
            Ok(done) => done,
            Err(e) => {
                tx.abort().await.ok();
                return Err(StoreError::Append(e));
            }
        };
        let file_store = tx.store(FILES)?;
        for bytes in files {
            let sha256 = sha256_hex(bytes);
            if !file_store.key_exists(JsValue::from_str(&sha256)).await? {
                file_store.put(&file_record(&sha256, bytes), None).await?;
            }
        }
        if !sealed.is_empty() {
            tx.store(SEGMENTS)?
                .add(&segment_record(&sealed), None)
                .await?;
        }
        meta.put(&meta_record(OWN_HEAD_KEY, &own_head_json(&head)), None)
            .await?;
        finish(tx).await?;
        if !sealed.is_empty() {
            self.read_back_segment(&sealed).await?;
        }
        for bytes in files {
            match self.file(&sha256_hex(bytes)).await? {
                Some(back) if back == *bytes => {}
                _ => return Err(StoreError::ReadBackMismatch("ファイルの中身".into())),
            }
        }
        Ok(Recorded {
            sealed,
            already_recorded,
        })
    }

    /// Appends one draft to this device's chain (see [`LedgerStore::record`]).
    pub async fn append(
        &self,
        office_number: &str,
        draft: EntryDraft,
        now: Timestamp,
    ) -> Result<Entry, StoreError> {
        let mut recorded = self
            .record(office_number, &[], vec![draft], None, now, &|_, _, _| true)
            .await?;
        Ok(recorded
            .sealed
            .pop()
            .expect("a draft that is no file's exchange is kept"))
    }

    /// Adds entries of verified chains (another device's, read from a backup or the office
    /// folder) and file bytes, in one transaction: each run of consecutive entries of a device
    /// becomes one segment. Segments and files already held are skipped, so adding the same
    /// again changes nothing. Returns how many entries were in new segments.
    ///
    /// The caller passes what it does not hold yet (`OfficeLedger` knows); the writes are
    /// issued together and the transaction awaited once.
    pub async fn add_entries(
        &self,
        entries: &[&Entry],
        files: &[StoredFile],
    ) -> Result<usize, StoreError> {
        self.add_entries_keeping(entries, files, &[]).await
    }

    /// [`LedgerStore::add_entries`], keeping `texts` read from the office folder as they are
    /// where they are exactly a run's text (a new PC joining stores every chain without
    /// writing 100,000 entries anew).
    pub async fn add_entries_keeping(
        &self,
        entries: &[&Entry],
        files: &[StoredFile],
        texts: &[(ExactText, JsValue)],
    ) -> Result<usize, StoreError> {
        self.add_in_one_transaction(entries, files, texts, &[], None)
            .await
    }

    /// A restore in one transaction: the backup's entries and files not held yet, the small
    /// records of `meta_if_absent` where none is stored yet (a new browser takes the backup's
    /// settings and backup time), and this device's 復元 entry (`own`: office number, draft,
    /// time), sealed after whatever head the chain has when the transaction runs (another
    /// tab may have recorded meanwhile). All of it is stored or none: an interrupted restore
    /// leaves the ledger as it was. Returns how many entries were in new segments.
    pub async fn restore(
        &self,
        entries: &[&Entry],
        files: &[StoredFile],
        meta_if_absent: &[(&str, String)],
        own: Option<(&str, EntryDraft, Timestamp)>,
    ) -> Result<usize, StoreError> {
        self.add_in_one_transaction(entries, files, &[], meta_if_absent, own)
            .await
    }

    /// What [`LedgerStore::add_entries_keeping`] and [`LedgerStore::restore`] share.
    ///
    /// The segments' records are made before the transaction, in steps that let the page
    /// answer: a transaction commits by itself when a step yields with no request pending.
    async fn add_in_one_transaction(
        &self,
        entries: &[&Entry],
        files: &[StoredFile],
        texts: &[(ExactText, JsValue)],
        meta_if_absent: &[(&str, String)],
        own: Option<(&str, EntryDraft, Timestamp)>,
    ) -> Result<usize, StoreError> {
        for f in files {
            if sha256_hex(&f.bytes) != f.sha256 {
                return Err(StoreError::Corrupt(format!("ファイル {}", f.sha256)));
            }
        }
        let own_device = match own {
            Some(_) => Some((self.device().await?, self.migrated_from().await?)),
            None => None,
        };
        let runs = runs_of(entries);
        let held_before = self.segment_keys().await?;
        let spans: Vec<ExactText> = texts.iter().map(|(t, _)| t.clone()).collect();
        let mut pacer = Pacer::new();
        let mut records: Vec<(String, usize, JsValue)> = Vec::new();
        for run in &runs {
            let key = segment_key(run);
            if held_before.contains(&key) {
                continue;
            }
            let (first, last) = (run[0], run[run.len() - 1]);
            let kept = texts_for_run(&spans, &first.device, first.seq, last.seq, &last.hash).map(
                |picked| {
                    picked
                        .iter()
                        .fold(js_sys::JsString::from(""), |all, &i| {
                            all.concat(&texts[i].1)
                        })
                        .into()
                },
            );
            let text = kept.unwrap_or_else(|| JsValue::from_str(&segment_text(run)));
            records.push((key, run.len(), segment_record_with_text(run, &text)));
            pacer.step().await;
        }
        let tx = self
            .db
            .transaction(&[SEGMENTS, FILES, META], TransactionMode::ReadWrite)?;
        let store = tx.store(SEGMENTS)?;
        // Another tab may have added some meanwhile.
        let held: HashSet<String> = store
            .get_all_keys(None, None)
            .await?
            .iter()
            .filter_map(JsValue::as_string)
            .collect();
        records.retain(|(key, _, _)| !held.contains(key));
        let added = records.iter().map(|(_, n, _)| n).sum();
        let meta = tx.store(META)?;
        let mut meta_writes = Vec::new();
        for (key, value) in meta_if_absent {
            if meta.get(JsValue::from_str(key)).await?.is_none() {
                meta_writes.push(meta_record(key, value));
            }
        }
        if let (Some((office_number, draft, now)), Some((device, migrated_from))) =
            (own, own_device)
        {
            let head = read_own_head(&meta, office_number, &device.id).await?;
            match seal_own(
                head,
                &device,
                office_number,
                migrated_from,
                vec![draft],
                None,
                now,
            ) {
                Ok((sealed, head)) => {
                    records.push((segment_key(&sealed), 0, segment_record(&sealed)));
                    meta_writes.push(meta_record(OWN_HEAD_KEY, &own_head_json(&head)));
                }
                Err(e) => {
                    tx.abort().await.ok();
                    return Err(StoreError::Append(e));
                }
            }
        }
        let file_store = tx.store(FILES)?;
        let held_files: HashSet<String> = file_store
            .get_all_keys(None, None)
            .await?
            .iter()
            .filter_map(JsValue::as_string)
            .collect();
        let file_records: Vec<JsValue> = files
            .iter()
            .filter(|f| !held_files.contains(&f.sha256))
            .map(|f| file_record(&f.sha256, &f.bytes))
            .collect();
        let writes = records.iter().map(|(_, _, r)| store.add(r, None));
        let file_writes = file_records.iter().map(|r| file_store.put(r, None));
        let small_writes = meta_writes.iter().map(|r| meta.put(r, None));
        let (written, files_written, small_written) = futures::future::join3(
            futures::future::join_all(writes),
            futures::future::join_all(file_writes),
            futures::future::join_all(small_writes),
        )
        .await;
        for result in written
            .into_iter()
            .chain(files_written)
            .chain(small_written)
        {
            result?;
        }
        finish(tx).await?;
        Ok(added)
    }

    /// The keys of every stored segment.
    async fn segment_keys(&self) -> Result<HashSet<String>, StoreError> {
        let tx = self
            .db
            .transaction(&[SEGMENTS], TransactionMode::ReadOnly)?;
        Ok(tx
            .store(SEGMENTS)?
            .get_all_keys(None, None)
            .await?
            .iter()
            .filter_map(JsValue::as_string)
            .collect())
    }

    /// The SHA-256 of every kept file (one read, for deciding what to copy).
    pub async fn file_keys(&self) -> Result<HashSet<String>, StoreError> {
        let tx = self.db.transaction(&[FILES], TransactionMode::ReadOnly)?;
        Ok(tx
            .store(FILES)?
            .get_all_keys(None, None)
            .await?
            .iter()
            .filter_map(JsValue::as_string)
            .collect())
    }

    async fn read_back_segment(&self, entries: &[Entry]) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[SEGMENTS], TransactionMode::ReadOnly)?;
        let stored = tx
            .store(SEGMENTS)?
            .get(JsValue::from_str(&segment_key(entries)))
            .await?;
        match stored.map(|v| entries_from_segment(&v)) {
            Some(Ok(back)) if back == entries => Ok(()),
            _ => Err(StoreError::ReadBackMismatch(format!(
                "記録番号 {}〜{}",
                entries.first().map_or(0, |e| e.seq),
                entries.last().map_or(0, |e| e.seq)
            ))),
        }
    }

    /// Deletes kept file bytes no entry names ([`crate::ledger::kept_files`]), left by
    /// versions that wrote a file's bytes and its entries apart. In one transaction that
    /// first checks the page's ledger is exactly what is stored (`page_holds` every stored
    /// run): if another tab wrote meanwhile, nothing is deleted this time. Returns how many
    /// files were deleted.
    pub async fn sweep_orphan_files(
        &self,
        page_holds: &PageHolds<'_>,
        entries: &[&Entry],
    ) -> Result<usize, StoreError> {
        let tx = self
            .db
            .transaction(&[SEGMENTS, FILES], TransactionMode::ReadWrite)?;
        let keys = tx.store(SEGMENTS)?.get_all_keys(None, None).await?;
        let all_held = keys.iter().all(|k| {
            k.as_string().is_some_and(|k| {
                parse_segment_key(&k)
                    .is_some_and(|(device, _, last, hash)| page_holds(device, last, hash))
            })
        });
        let files = tx.store(FILES)?;
        let kept: Vec<String> = files
            .get_all_keys(None, None)
            .await?
            .iter()
            .filter_map(JsValue::as_string)
            .collect();
        let orphans = orphans(kept.iter().map(String::as_str), entries.iter().copied());
        if !all_held || orphans.is_empty() {
            tx.abort().await.ok();
            return Ok(0);
        }
        for sha256 in &orphans {
            files.delete(JsValue::from_str(sha256)).await?;
        }
        finish(tx).await?;
        Ok(orphans.len())
    }

    /// Keeps a file's bytes (once per content) and reads them back. Returns its SHA-256.
    pub async fn put_file(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let sha256 = sha256_hex(bytes);
        if self.has_file(&sha256).await? {
            return Ok(sha256);
        }
        let tx = self.db.transaction(&[FILES], TransactionMode::ReadWrite)?;
        tx.store(FILES)?
            .put(&file_record(&sha256, bytes), None)
            .await?;
        finish(tx).await?;
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

    /// Remembers the office folder chosen on this PC (a directory handle: IndexedDB keeps
    /// it as it is, so after a restart one click gives access back).
    pub async fn set_folder_handle(&self, handle: &JsValue) -> Result<(), StoreError> {
        let record = Object::new();
        set(&record, "key", &JsValue::from_str(FOLDER_KEY));
        set(
            &record,
            "value",
            &JsValue::from_str(&crate::store::folder_access::folder_name(handle)),
        );
        set(&record, "handle", handle);
        let tx = self.db.transaction(&[META], TransactionMode::ReadWrite)?;
        tx.store(META)?.put(&record.into(), None).await?;
        finish(tx).await
    }

    /// The office folder remembered on this PC, if any.
    pub async fn folder_handle(&self) -> Result<Option<JsValue>, StoreError> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadOnly)?;
        let record = tx.store(META)?.get(JsValue::from_str(FOLDER_KEY)).await?;
        Ok(record
            .and_then(|r| Reflect::get(&r, &"handle".into()).ok())
            .filter(|h| h.is_object()))
    }

    /// Forgets the office folder on this PC (the folder itself is untouched).
    pub async fn forget_folder(&self) -> Result<(), StoreError> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadWrite)?;
        tx.store(META)?
            .delete(JsValue::from_str(FOLDER_KEY))
            .await?;
        finish(tx).await
    }

    /// Remembers this PC's watched folders: `(role, handle)` pairs (IndexedDB keeps the
    /// handles as they are, so after a restart one click gives access back). The whole list
    /// is written at once: adding or removing one rewrites the record.
    pub async fn set_watched_folders(
        &self,
        folders: &[(String, JsValue)],
    ) -> Result<(), StoreError> {
        let list = js_sys::Array::new();
        for (role, handle) in folders {
            let item = Object::new();
            set(&item, "role", &JsValue::from_str(role));
            set(&item, "handle", handle);
            list.push(&item);
        }
        let record = Object::new();
        set(&record, "key", &JsValue::from_str(WATCHED_KEY));
        set(&record, "folders", &list);
        let tx = self.db.transaction(&[META], TransactionMode::ReadWrite)?;
        tx.store(META)?.put(&record.into(), None).await?;
        finish(tx).await
    }

    /// This PC's watched folders as remembered: `(role, handle)`, in the order chosen.
    pub async fn watched_folders(&self) -> Result<Vec<(String, JsValue)>, StoreError> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadOnly)?;
        let record = tx.store(META)?.get(JsValue::from_str(WATCHED_KEY)).await?;
        let Some(list) = record.and_then(|r| Reflect::get(&r, &"folders".into()).ok()) else {
            return Ok(Vec::new());
        };
        Ok(js_sys::Array::from(&list)
            .iter()
            .filter_map(|item| {
                let role = Reflect::get(&item, &"role".into()).ok()?.as_string()?;
                let handle = Reflect::get(&item, &"handle".into()).ok()?;
                handle.is_object().then_some((role, handle))
            })
            .collect())
    }

    /// A small record from `meta` (settings, last backup time), as JSON text.
    pub async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadOnly)?;
        let record = tx.store(META)?.get(JsValue::from_str(key)).await?;
        Ok(record.and_then(|r| Reflect::get(&r, &"value".into()).ok()?.as_string()))
    }

    /// Writes a small record to `meta` and reads it back.
    pub async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadWrite)?;
        tx.store(META)?.put(&meta_record(key, value), None).await?;
        finish(tx).await?;
        match self.meta(key).await? {
            Some(back) if back == value => Ok(()),
            _ => Err(StoreError::ReadBackMismatch(key.to_string())),
        }
    }
}

/// Waits for a transaction to end and reports an abandoned one as [`StoreError::Aborted`]
/// (rexie reports it as `Ok(Aborted)`, which must not count as stored).
async fn finish(tx: rexie::Transaction) -> Result<(), StoreError> {
    match tx.done().await? {
        TransactionResult::Committed => Ok(()),
        TransactionResult::Aborted => Err(StoreError::Aborted),
    }
}

/// Whether the page held a stored run when it chose what to record: the run's device, last
/// seq and last hash (see [`crate::ledger::OfficeLedger::holds_entry`]).
pub type PageHolds<'a> = dyn Fn(&str, u64, &str) -> bool + 'a;

/// What a recording stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The entries sealed (none when every file had been recorded meanwhile).
    pub sealed: Vec<Entry>,
    /// The names of the files left out because another tab or PC had recorded them.
    pub already_recorded: Vec<String>,
}

/// The entries of the stored runs the page did not hold, read inside the caller's
/// transaction. Only the keys are read for the runs it held: one small request.
async fn entries_not_held(
    store: &Store,
    page_holds: &PageHolds<'_>,
) -> Result<Vec<Entry>, StoreError> {
    let keys = store.get_all_keys(None, None).await?;
    let mut out = Vec::new();
    for key in keys {
        let held = key.as_string().is_some_and(|k| {
            parse_segment_key(&k)
                .is_some_and(|(device, _, last, hash)| page_holds(device, last, hash))
        });
        if held {
            continue;
        }
        if let Some(value) = store.get(key).await? {
            out.extend(entries_from_segment(&value)?);
        }
    }
    Ok(out)
}

/// This device's head as `meta` holds it, read inside the caller's transaction.
async fn read_own_head(
    meta: &Store,
    office_number: &str,
    device: &DeviceId,
) -> Result<ChainHead, StoreError> {
    let text = match meta.get(JsValue::from_str(OWN_HEAD_KEY)).await? {
        Some(r) => Some(string_field(&r, "value")?),
        None => None,
    };
    Ok(own_head_from(text.as_deref(), office_number, device))
}

/// Seals `drafts` as this device's next entries after `head`, preceded by a 端末の登録 when
/// the chain is new or the device was renamed (`rename_by`). Returns them and the new head.
fn seal_own(
    mut head: ChainHead,
    device: &DeviceInfo,
    office_number: &str,
    migrated_from: Option<ChainHead>,
    mut drafts: Vec<EntryDraft>,
    rename_by: Option<String>,
    now: Timestamp,
) -> Result<(Vec<Entry>, ChainHead), AppendError> {
    if head.entry_count == 0 || rename_by.is_some() {
        let name = if device.name.is_empty() {
            format!("パソコン {}", device.id.short())
        } else {
            device.name.clone()
        };
        let actor = rename_by
            .or_else(|| drafts.first().map(|d| d.actor.clone()))
            .unwrap_or_default();
        let first_entry = head.entry_count == 0;
        drafts.insert(
            0,
            EntryDraft::new(
                actor,
                Subject::default(),
                Details::DeviceNamed {
                    device_id: device.id.clone(),
                    name,
                    office_number: office_number.to_string(),
                    migrated_from: if first_entry { migrated_from } else { None },
                },
            ),
        );
    }
    let mut sealed = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let entry = seal(&head, draft, now)?;
        head = ChainHead::after(std::slice::from_ref(&entry), head);
        sealed.push(entry);
    }
    Ok((sealed, head))
}

/// The parts of a segment key: device, first seq, last seq, last hash.
fn parse_segment_key(key: &str) -> Option<(&str, u64, u64, &str)> {
    let mut parts = key.split('/');
    let device = parts.next()?;
    let (first, last) = parts.next()?.split_once('-')?;
    let hash = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    Some((device, first.parse().ok()?, last.parse().ok()?, hash))
}

fn own_head_from(text: Option<&str>, office_number: &str, device: &DeviceId) -> ChainHead {
    text.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .and_then(|v| {
            Some(ChainHead {
                device: device.clone(),
                entry_count: v.get("entry_count")?.as_u64()?,
                hash: v.get("hash")?.as_str()?.to_string(),
            })
        })
        .unwrap_or_else(|| ChainHead::genesis(office_number, device))
}

fn own_head_json(head: &ChainHead) -> String {
    serde_json::json!({"entry_count": head.entry_count, "hash": head.hash}).to_string()
}

/// `"<device>/<first>-<last>/<head hash>"` of a run of one device's entries.
fn segment_key<E: Borrow<Entry>>(run: &[E]) -> String {
    let (first, last) = (run[0].borrow(), run[run.len() - 1].borrow());
    format!(
        "{}/{:012}-{:012}/{}",
        first.device, first.seq, last.seq, last.hash
    )
}

fn segment_record<E: Borrow<Entry>>(run: &[E]) -> JsValue {
    segment_record_with_text(run, &JsValue::from_str(&segment_text(run)))
}

/// A segment's record, with `text` its entries' [`segment_text`].
fn segment_record_with_text<E: Borrow<Entry>>(run: &[E], text: &JsValue) -> JsValue {
    let record = Object::new();
    let (first, last) = (run[0].borrow(), run[run.len() - 1].borrow());
    set(&record, "key", &JsValue::from_str(&segment_key(run)));
    set(&record, "device", &JsValue::from_str(first.device.as_str()));
    set(&record, "first", &JsValue::from_f64(first.seq as f64));
    set(&record, "last", &JsValue::from_f64(last.seq as f64));
    set(&record, "head", &JsValue::from_str(&last.hash));
    set(&record, "jsonl", text);
    record.into()
}

fn entries_from_segment(value: &JsValue) -> Result<Vec<Entry>, StoreError> {
    StoredSegment::from_record(value)?.parse()
}

/// One record of `chain_segments` as it is kept: whose entries, which seqs, and their text.
pub struct StoredSegment {
    pub device: DeviceId,
    pub segment: Segment,
    key: String,
    /// One entry's JSON per line, as [`Entry::to_json`] wrote it.
    pub text: String,
}

impl StoredSegment {
    fn from_record(value: &JsValue) -> Result<StoredSegment, StoreError> {
        let device = DeviceId::parse(&string_field(value, "device")?)
            .ok_or_else(|| StoreError::Corrupt("端末IDの形が違います".into()))?;
        let seq = |name: &str| {
            Reflect::get(value, &name.into())
                .ok()
                .and_then(|v| v.as_f64())
                .filter(|n| *n >= 1.0 && n.fract() == 0.0)
                .map(|n| n as u64)
                .ok_or_else(|| StoreError::Corrupt("記録のまとまりの形が違います".into()))
        };
        let segment = Segment {
            first: seq("first")?,
            last: seq("last")?,
        };
        Ok(StoredSegment {
            device,
            segment,
            key: string_field(value, "key")?,
            text: string_field(value, "jsonl")?,
        })
    }

    /// Reads every line (see [`StoredSegment::reader`] for doing it in steps).
    pub fn parse(&self) -> Result<Vec<Entry>, StoreError> {
        let mut reader = self.reader()?;
        while !reader.read_some(usize::MAX).map_err(|m| self.corrupt(m))? {}
        let entries = reader.finish().map_err(|m| self.corrupt(m))?;
        self.check(entries)
    }

    /// A reader of the segment's lines, a few at a time.
    pub fn reader(&self) -> Result<SegmentReader<'_>, StoreError> {
        SegmentReader::new(&self.device, self.segment, &self.text).map_err(|m| self.corrupt(m))
    }

    /// The segment's problem `message` as a store error.
    pub fn corrupt(&self, message: String) -> StoreError {
        StoreError::Corrupt(format!(
            "記録{}〜{}: {message}",
            self.segment.first, self.segment.last
        ))
    }

    /// The entries read, once they are known to be what the record's key says.
    pub fn check(&self, entries: Vec<Entry>) -> Result<Vec<Entry>, StoreError> {
        if entries.is_empty() || self.key != segment_key(&entries) {
            return Err(StoreError::Corrupt(format!(
                "記録{}〜{}の保存場所が中身と合いません",
                self.segment.first, self.segment.last
            )));
        }
        Ok(entries)
    }
}

/// Runs of consecutive entries of one device (each continuing the one before), borrowed.
fn runs_of<'a>(entries: &[&'a Entry]) -> Vec<Vec<&'a Entry>> {
    let mut sorted: Vec<&Entry> = entries.to_vec();
    sorted.sort_by(|a, b| (&a.device, a.seq, &a.hash).cmp(&(&b.device, b.seq, &b.hash)));
    let mut runs: Vec<Vec<&Entry>> = Vec::new();
    for e in sorted {
        match runs.last_mut() {
            Some(run)
                if run.last().is_some_and(|p| {
                    p.device == e.device && p.seq + 1 == e.seq && p.hash == e.prev_hash
                }) =>
            {
                run.push(e)
            }
            _ => runs.push(vec![e]),
        }
    }
    runs
}

fn file_record(sha256: &str, bytes: &[u8]) -> JsValue {
    let record = Object::new();
    set(&record, "sha256", &JsValue::from_str(sha256));
    set(&record, "size", &JsValue::from_f64(bytes.len() as f64));
    set(&record, "bytes", &Uint8Array::from(bytes).into());
    record.into()
}

fn meta_record(key: &str, value: &str) -> JsValue {
    let record = Object::new();
    set(&record, "key", &JsValue::from_str(key));
    set(&record, "value", &JsValue::from_str(value));
    record.into()
}

fn string_field(value: &JsValue, key: &str) -> Result<String, StoreError> {
    Reflect::get(value, &key.into())
        .ok()
        .and_then(|j| j.as_string())
        .ok_or_else(|| StoreError::Corrupt(format!("記録の形が違います({key})")))
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}
