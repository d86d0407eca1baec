//! The ledger as the page sees it: the office ledger (every device's chain), its entries in
//! time order, this browser's device, settings and last backup time, loaded from the
//! IndexedDB store and shared by every ledger component through context.
//!
//! Who owns what: [`LedgerState`] holds read copies only. Every write goes through the store
//! (awaited and read back), and then [`LedgerState::reload`] refreshes the copies, so the page
//! never shows something the store did not confirm.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::jpdate::Timestamp;
use crate::ledger::office::LoadProblem;
use crate::ledger::settings::{LAST_BACKUP_KEY, SETTINGS_KEY};
use crate::ledger::{
    Details, DeviceId, Entry, EntryDraft, HashCheck, Kind, OfficeLedger, OfficeSettings, StoredFile,
};
use crate::store::{
    mark, DeviceInfo, LedgerStore, Pacer, Recorded, StoreError, StoredSegment, DATABASE_NAME,
};
use crate::ui::ledger_worker::LedgerWorker;

use super::office_folder::{self, FolderSync};

/// Where loading the ledger stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Loading {
    Loading,
    Ready,
    Failed(String),
}

/// The chain check in one line for the page.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainStatusLine {
    pub ok: bool,
    /// The entries are shown, and their hashes are still being recomputed (確認中).
    pub pending: bool,
    pub text: String,
}

/// The shared ledger state. `Copy`, so components take it from context by value.
#[derive(Clone, Copy)]
pub struct LedgerState {
    db_name: StoredValue<String>,
    pub loading: RwSignal<Loading>,
    /// Every device chain of the office, verified. Behind an `Arc`: a sync or a restore takes
    /// it without copying years of entries.
    pub office: RwSignal<Arc<OfficeLedger>>,
    /// The office ledger's entries in time order: what every list shows.
    pub entries: RwSignal<Vec<Entry>>,
    /// Stored entries that did not verify (reported, never hidden).
    pub problems: RwSignal<Vec<LoadProblem>>,
    /// This browser's device.
    pub device: RwSignal<Option<DeviceInfo>>,
    /// `None` until the office and staff are set (first run).
    pub settings: RwSignal<Option<OfficeSettings>>,
    pub last_backup: RwSignal<Option<Timestamp>>,
    /// The staff member recording now: 「本日の担当者」 (`today_staff`), chosen once and used
    /// by every form.
    pub actor: RwSignal<String>,
    /// The chain check of the loaded ledger.
    pub status: Memo<ChainStatusLine>,
    /// The last restore's message. Held here, not in the panel, because a restore into a
    /// fresh browser brings the settings and so replaces the first-run screen (and the panel
    /// that started it) with the ledger.
    pub restore_message: RwSignal<String>,
    /// The office folder (台帳フォルダ) on this PC.
    pub folder: FolderSync,
    /// How long the last load took (read, assemble, verify), in ms: shown to the browser
    /// benchmark as `data-load-ms` on the chain status.
    pub load_ms: RwSignal<f64>,
    /// While the loaded entries are shown but the worker is still recomputing their hashes.
    pub verifying: RwSignal<bool>,
    /// Recomputes hashes off the main thread (see [`LedgerWorker`]).
    worker: StoredValue<LedgerWorker, LocalStorage>,
    /// Counts loads, so a load that a newer one overtook does not overwrite it.
    generation: StoredValue<u64>,
    /// Whether this page has swept orphan file bytes (once, after the first verified load).
    swept: StoredValue<bool>,
}

/// The current time, as the ledger stores it.
pub fn now() -> Timestamp {
    Timestamp::from_unix_ms(js_sys::Date::now() as i64)
}

/// The office number stored entries belong to when no settings exist yet (a browser that got
/// entries but no settings): the one their 端末の登録 names.
fn office_of(entries: &[Entry]) -> String {
    entries
        .iter()
        .find_map(|e| match &e.details {
            Details::DeviceNamed { office_number, .. } => Some(office_number.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// What one read of the store gives, before the entries are read from their text.
struct Stored {
    segments: Vec<StoredSegment>,
    settings: Option<OfficeSettings>,
    last_backup: Option<Timestamp>,
    device: DeviceInfo,
}

/// Reads every segment's entries in steps short enough to keep the page answering; also
/// says whether every line was its entry's canonical text (what the worker's hash check
/// needs).
///
/// `confirmed_elsewhere`: the ledger worker confirms every line (canonical, right hash), so
/// lines are read straight here, without writing each back.
async fn read_segments_in_steps(
    segments: &[StoredSegment],
    confirmed_elsewhere: bool,
) -> Result<(Vec<Entry>, bool), StoreError> {
    let mut pacer = Pacer::new();
    let mut entries = Vec::new();
    let mut canonical = true;
    for segment in segments {
        let mut reader = segment.reader()?;
        if confirmed_elsewhere {
            reader = reader.confirmed_elsewhere();
        }
        while !reader.read_some(256).map_err(|m| segment.corrupt(m))? {
            pacer.step().await;
        }
        canonical &= reader.is_canonical();
        let read = reader.finish().map_err(|m| segment.corrupt(m))?;
        entries.extend(segment.check(read)?);
        pacer.step().await;
    }
    Ok((entries, canonical))
}

/// The union in time order, copied in steps.
async fn time_order_in_steps(office: &OfficeLedger) -> Vec<Entry> {
    let order = office.time_order();
    let mut pacer = Pacer::new();
    let mut out = Vec::with_capacity(order.len());
    for chunk in order.chunks(1024) {
        out.extend(chunk.iter().map(|e| (*e).clone()));
        pacer.step().await;
    }
    out
}

impl LedgerState {
    /// Creates the state for the app's database and starts loading it.
    pub fn provide() -> LedgerState {
        Self::provide_named(DATABASE_NAME)
    }

    /// The same over another database (browser tests use a fresh one each).
    pub fn provide_named(db_name: &str) -> LedgerState {
        let office = RwSignal::new(Arc::new(OfficeLedger::new("")));
        let problems = RwSignal::new(Vec::<LoadProblem>::new());
        let verifying = RwSignal::new(false);
        let state = LedgerState {
            db_name: StoredValue::new(db_name.to_string()),
            loading: RwSignal::new(Loading::Loading),
            office,
            entries: RwSignal::new(Vec::new()),
            problems,
            device: RwSignal::new(None),
            settings: RwSignal::new(None),
            last_backup: RwSignal::new(None),
            actor: RwSignal::new(String::new()),
            status: Memo::new(move |_| {
                problems.with(|p| {
                    if p.is_empty() && verifying.get() {
                        ChainStatusLine {
                            ok: true,
                            pending: true,
                            text: office.with(|o| {
                                format!(
                                    "端末{}台の記録{}件を表示しています。書き換えがないか確認中です…",
                                    o.device_count(),
                                    o.entry_count()
                                )
                            }),
                        }
                    } else if p.is_empty() {
                        ChainStatusLine {
                            ok: true,
                            pending: false,
                            text: office.with(|o| o.status_ja()),
                        }
                    } else {
                        let names = office.with_untracked(|o| {
                            p.iter()
                                .map(|p| format!("{}: {}", o.device_label(&p.device), p.message))
                                .collect::<Vec<_>>()
                        });
                        ChainStatusLine {
                            ok: false,
                            pending: false,
                            text: format!(
                                "台帳に問題が見つかりました。{}。問題のない記録はそのまま使えます。バックアップから復元すると、欠けた記録を取り戻せます",
                                names.join("。")
                            ),
                        }
                    }
                })
            }),
            restore_message: RwSignal::new(String::new()),
            folder: FolderSync::new(),
            load_ms: RwSignal::new(0.0),
            verifying,
            worker: StoredValue::new_local(LedgerWorker::start()),
            generation: StoredValue::new(0),
            swept: StoredValue::new(false),
        };
        provide_context(state);
        spawn_local(async move {
            state.reload().await;
            office_folder::start(state).await;
        });
        state
    }

    pub fn use_context() -> LedgerState {
        use_context::<LedgerState>().expect("LedgerState is provided by the App")
    }

    /// Opens the database (each operation opens and closes its own connection, so another
    /// tab's upgrade is never blocked by an idle page).
    pub async fn open(&self) -> Result<LedgerStore, StoreError> {
        // A task may outlive the page's state (tests mount and drop components).
        let name = self
            .db_name
            .try_get_value()
            .ok_or_else(|| StoreError::Browser("この画面はもう閉じられています".into()))?;
        LedgerStore::open_named(&name).await
    }

    /// Reads everything from the store into the signals.
    ///
    /// The entries are read from their text in steps, their chains' structure checked here
    /// while the ledger worker recomputes every hash from the same text; the ledger is shown
    /// as soon as it is assembled (status 「確認中」) and called verified when the worker
    /// found every hash right. If it found a wrong one, or no worker could help, the entries
    /// are verified here the whole way, so damage is reported exactly as before. Returns when
    /// the ledger is verified.
    pub async fn reload(&self) {
        let started = js_sys::Date::now();
        // A reload started by a task can outlive the components that owned the state (in
        // tests that mount and drop them): then it stops quietly instead of touching them.
        let Some(generation) = self.generation.try_get_value().map(|g| g + 1) else {
            return;
        };
        self.generation.try_set_value(generation);
        let current =
            move |state: &LedgerState| state.generation.try_get_value() == Some(generation);
        let stored = match self.read_store().await {
            Ok(s) => s,
            Err(e) => {
                self.loading.set(Loading::Failed(e.to_string()));
                return;
            }
        };
        let texts: Vec<&str> = stored.segments.iter().map(|s| s.text.as_str()).collect();
        let Some(worker) = self.worker.try_get_value() else {
            return;
        };
        let hash_check = (!texts.is_empty() && worker.available()).then(|| {
            let pending = worker.wrong_hashes(&texts);
            let (send, receive) = futures::channel::oneshot::channel();
            spawn_local(async move {
                let _ = send.send(pending.await);
            });
            receive
        });
        mark("ledger-read");
        let (entries, canonical) =
            match read_segments_in_steps(&stored.segments, hash_check.is_some()).await {
                Ok(e) => e,
                Err(e) => {
                    self.loading.set(Loading::Failed(e.to_string()));
                    return;
                }
            };
        mark("ledger-parsed");
        // The worker's check holds only for lines that are their entries' canonical text.
        let hash_check = hash_check.filter(|_| canonical);
        let office_number = stored
            .settings
            .as_ref()
            .map(|s| s.office_number.clone())
            .filter(|o| !o.is_empty())
            .unwrap_or_else(|| office_of(&entries));
        let hashes = if hash_check.is_some() {
            HashCheck::Deferred
        } else {
            HashCheck::Recompute
        };
        let (office, problems) = OfficeLedger::from_entries_with(&office_number, entries, hashes);
        if !current(self) {
            return;
        }
        if let Some(s) = &stored.settings {
            let actor = self.actor.get_untracked();
            let chosen = super::today_staff::choose(&actor, &s.staff);
            if chosen != actor {
                self.actor.set(chosen);
            }
        }
        mark("ledger-assembled");
        let in_order = time_order_in_steps(&office).await;
        if !current(self) {
            return;
        }
        self.verifying.set(hash_check.is_some());
        self.entries.set(in_order);
        self.office.set(Arc::new(office));
        self.problems.set(problems);
        self.settings.set(stored.settings);
        self.last_backup.set(stored.last_backup);
        self.device.set(Some(stored.device));
        self.loading.set(Loading::Ready);
        mark("ledger-shown");
        if let Some(check) = hash_check {
            mark("ledger-hashes-in-worker");
            let all_right = check
                .await
                .ok()
                .flatten()
                .is_some_and(|bad| bad.iter().all(Vec::is_empty));
            if !current(self) {
                return;
            }
            if !all_right {
                // A changed entry (or the worker failed): verify here, the whole way.
                match read_segments_in_steps(&stored.segments, false).await {
                    Ok((entries, _)) => {
                        let (office, problems) =
                            OfficeLedger::from_entries(&office_number, entries);
                        if !current(self) {
                            return;
                        }
                        self.entries.set(office.entries_in_time_order());
                        self.office.set(Arc::new(office));
                        self.problems.set(problems);
                    }
                    Err(e) => {
                        self.verifying.set(false);
                        self.loading.set(Loading::Failed(e.to_string()));
                        return;
                    }
                }
            }
            self.verifying.set(false);
        }
        mark("ledger-verified");
        self.load_ms.set(js_sys::Date::now() - started);
        if self.swept.try_get_value() == Some(false) && self.problems.with_untracked(Vec::is_empty)
        {
            self.swept.try_set_value(true);
            let state = *self;
            spawn_local(async move { state.sweep_orphan_files().await });
        }
    }

    /// Deletes file bytes no entry names, once per page (see
    /// [`LedgerStore::sweep_orphan_files`]; only older versions could leave them).
    async fn sweep_orphan_files(&self) {
        let Ok(store) = self.open().await else {
            return;
        };
        let shown = self.office.get_untracked();
        let entries = shown.all_entries();
        // A failed sweep changes nothing; it is tried again on the next opening.
        let _ = store
            .sweep_orphan_files(&page_holds(&shown), &entries)
            .await;
        store.close();
    }

    /// Shows the office ledger a sync merged, verified and stored, instead of reading the
    /// store and verifying every entry again (at 100,000 entries that is seconds). Only when
    /// the page still shows the ledger the sync started from, fully verified and without
    /// problems: otherwise the store decides, by [`LedgerState::reload`].
    pub async fn show_merged(&self, started_from: &Arc<OfficeLedger>, merged: OfficeLedger) {
        let unchanged = self
            .office
            .try_with_untracked(|o| Arc::ptr_eq(o, started_from))
            .unwrap_or(false);
        let settled = !self.verifying.get_untracked()
            && self.problems.with_untracked(Vec::is_empty)
            && self.loading.get_untracked() == Loading::Ready;
        if !(unchanged && settled) {
            self.reload().await;
            return;
        }
        let Some(generation) = self.generation.try_get_value().map(|g| g + 1) else {
            return;
        };
        self.generation.try_set_value(generation);
        let in_order = time_order_in_steps(&merged).await;
        if self.generation.try_get_value() != Some(generation) {
            return;
        }
        self.entries.set(in_order);
        self.office.set(Arc::new(merged));
        mark("ledger-shown");
        mark("ledger-verified");
    }

    async fn read_store(&self) -> Result<Stored, StoreError> {
        let store = self.open().await?;
        let result = async {
            let segments = store.segments().await?;
            let settings = match store.meta(SETTINGS_KEY).await? {
                Some(text) => Some(
                    OfficeSettings::from_json(&text)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                ),
                None => None,
            };
            let last_backup = store
                .meta(LAST_BACKUP_KEY)
                .await?
                .and_then(|t| Timestamp::parse_rfc3339(&t).ok());
            let device = store.device().await?;
            Ok(Stored {
                segments,
                settings,
                last_backup,
                device,
            })
        }
        .await;
        store.close();
        result
    }

    fn office_number(&self) -> Result<String, String> {
        self.settings
            .with_untracked(|s| s.as_ref().map(|s| s.office_number.clone()))
            .filter(|o| !o.is_empty())
            .ok_or_else(|| "先に設定(自事業所番号)を保存してください".to_string())
    }

    /// Records a batch on this device's chain in one transaction: the files' bytes and the
    /// drafts' entries, all or nothing. Returns how many of the drafts were saved.
    pub async fn record(&self, files: &[&[u8]], drafts: Vec<EntryDraft>) -> Result<usize, String> {
        self.record_batch(files, drafts).await.map(|r| {
            r.sealed
                .iter()
                .filter(|e| e.kind() != Kind::DeviceNamed)
                .count()
        })
    }

    /// [`LedgerState::record`], saying which files another tab or PC had recorded meanwhile
    /// (left out, with their チェック結果: a file is recorded once).
    pub async fn record_batch(
        &self,
        files: &[&[u8]],
        drafts: Vec<EntryDraft>,
    ) -> Result<Recorded, String> {
        let office = self.office_number()?;
        let store = self.open().await.map_err(|e| e.to_string())?;
        let shown = self.office.get_untracked();
        let holds = page_holds(&shown);
        let result = store
            .record(&office, files, drafts, None, now(), &holds)
            .await;
        store.close();
        self.reload().await;
        if result.as_ref().is_ok_and(|r| !r.sealed.is_empty()) {
            // The office folder gets the new entries at once (when one is chosen).
            let state = *self;
            spawn_local(async move { office_folder::sync_now(state).await });
        }
        result.map_err(|e| e.to_string())
    }

    /// A restore, in one transaction (see [`LedgerStore::restore`]): the merged ledger's
    /// entries not held yet, the backup's files, its settings and backup time where this
    /// browser has none, and the 復元 entry when `restored` is given. Returns how many
    /// entries were new.
    pub async fn restore(
        &self,
        incoming: &OfficeLedger,
        files: &[StoredFile],
        meta_if_absent: &[(&str, String)],
        restored: Option<EntryDraft>,
    ) -> Result<usize, String> {
        let office = incoming.office_number().to_string();
        let new = self.not_held(incoming);
        let store = self.open().await.map_err(|e| e.to_string())?;
        let own = restored.map(|d| (office.as_str(), d, now()));
        let result = store
            .restore(&new, files, meta_if_absent, own)
            .await
            .map_err(|e| e.to_string());
        store.close();
        self.reload().await;
        if result.is_ok() {
            let state = *self;
            spawn_local(async move { office_folder::sync_now(state).await });
        }
        result
    }

    /// The entries of `incoming` the page does not hold.
    fn not_held<'a>(&self, incoming: &'a OfficeLedger) -> Vec<&'a Entry> {
        let held: std::collections::HashSet<String> = self
            .office
            .with_untracked(|o| o.all_entries().iter().map(|e| e.hash.clone()).collect());
        incoming
            .all_entries()
            .into_iter()
            .filter(|e| !held.contains(&e.hash))
            .collect()
    }

    /// Saves the settings (read back by the store) and reloads. The office number cannot
    /// change once chains exist: it is bound into them.
    pub async fn save_settings(&self, settings: &OfficeSettings) -> Result<(), String> {
        let bound = self.office.with_untracked(|o| {
            (o.device_count() > 0 && o.office_number() != settings.office_number)
                .then(|| o.office_number().to_string())
        });
        if let Some(old) = bound.filter(|o| !o.is_empty()) {
            return Err(format!(
                "自事業所番号は、記録を始めた後は変えられません(台帳は{old}の記録として守られています)。別の事業所の台帳は、別のブラウザ(プロファイル)で使ってください"
            ));
        }
        let store = self.open().await.map_err(|e| e.to_string())?;
        let result = store.set_meta(SETTINGS_KEY, &settings.to_json()).await;
        store.close();
        self.reload().await;
        result.map_err(|e| e.to_string())
    }

    /// Names this PC. When its chain already exists, the new name is recorded in it (a
    /// 端末の登録 entry) so every other PC sees it too.
    pub async fn save_device_name(&self, name: &str) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("このパソコンの名前を入力してください(例: 事務室PC)".into());
        }
        if name.chars().count() > 40 {
            return Err("パソコンの名前は40文字までにしてください".into());
        }
        let store = self.open().await.map_err(|e| e.to_string())?;
        let result = async {
            let device = store.device().await.map_err(|e| e.to_string())?;
            if device.name == name {
                return Ok(());
            }
            store
                .set_device_name(name)
                .await
                .map_err(|e| e.to_string())?;
            let has_chain = self
                .office
                .with_untracked(|o| o.chain(&device.id).is_some());
            if has_chain {
                let office = self.office_number()?;
                let actor = self.actor.get_untracked();
                if actor.is_empty() {
                    return Err("記録者を選んでください".to_string());
                }
                let shown = self.office.get_untracked();
                store
                    .record(
                        &office,
                        &[],
                        Vec::new(),
                        Some(actor),
                        now(),
                        &page_holds(&shown),
                    )
                    .await
                    .map_err(|e| e.to_string())?;
            }
            Ok(())
        }
        .await;
        store.close();
        self.reload().await;
        result
    }

    /// The ledger's worker (for work that would otherwise hold up the page).
    pub fn ledger_worker(&self) -> LedgerWorker {
        self.worker.get_value()
    }

    /// The settings, when set.
    pub fn office(&self) -> Option<OfficeSettings> {
        self.settings.get()
    }

    /// The name of a device for the views.
    pub fn device_label(&self, device: &crate::ledger::DeviceId) -> String {
        self.office.with(|o| o.device_label(device))
    }
}

/// What the page holds, as the store asks it inside a write: a stored run is held when its
/// last entry is (see [`OfficeLedger::holds_entry`]).
fn page_holds(shown: &OfficeLedger) -> impl Fn(&str, u64, &str) -> bool + '_ {
    move |device, seq, hash| {
        DeviceId::parse(device).is_some_and(|d| shown.holds_entry(&d, seq, hash))
    }
}
