//! The ledger as the page sees it: the entries, kept branches, settings and last backup time,
//! loaded from the IndexedDB store and shared by every ledger component through context.
//!
//! Who owns what: [`LedgerState`] holds read copies only. Every write goes through the store
//! (awaited and read back), and then [`LedgerState::reload`] refreshes the copies, so the page
//! never shows something the store did not confirm.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::jpdate::Timestamp;
use crate::ledger::settings::{LAST_BACKUP_KEY, SETTINGS_KEY};
use crate::ledger::{verify, Entry, EntryDraft, KeptBranch, OfficeSettings, Verification};
use crate::store::{LedgerStore, StoreError, DATABASE_NAME};

/// Where loading the ledger stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Loading {
    Loading,
    Ready,
    Failed(String),
}

/// The shared ledger state. `Copy`, so components take it from context by value.
#[derive(Clone, Copy)]
pub struct LedgerState {
    db_name: StoredValue<String>,
    pub loading: RwSignal<Loading>,
    pub entries: RwSignal<Vec<Entry>>,
    pub branches: RwSignal<Vec<KeptBranch>>,
    /// `None` until the office and staff are set (first run).
    pub settings: RwSignal<Option<OfficeSettings>>,
    pub last_backup: RwSignal<Option<Timestamp>>,
    /// The staff member recording now (chosen once, used by every form).
    pub actor: RwSignal<String>,
    /// The chain check of the loaded entries.
    pub verification: Memo<Verification>,
    /// The last restore's message. Held here, not in the panel, because a restore into a
    /// fresh browser brings the settings and so replaces the first-run screen (and the panel
    /// that started it) with the ledger.
    pub restore_message: RwSignal<String>,
}

/// The current time, as the ledger stores it.
pub fn now() -> Timestamp {
    Timestamp::from_unix_ms(js_sys::Date::now() as i64)
}

impl LedgerState {
    /// Creates the state for the app's database and starts loading it.
    pub fn provide() -> LedgerState {
        Self::provide_named(DATABASE_NAME)
    }

    /// The same over another database (browser tests use a fresh one each).
    pub fn provide_named(db_name: &str) -> LedgerState {
        let entries = RwSignal::new(Vec::new());
        let state = LedgerState {
            db_name: StoredValue::new(db_name.to_string()),
            loading: RwSignal::new(Loading::Loading),
            entries,
            branches: RwSignal::new(Vec::new()),
            settings: RwSignal::new(None),
            last_backup: RwSignal::new(None),
            actor: RwSignal::new(String::new()),
            verification: Memo::new(move |_| entries.with(|e| verify(e))),
            restore_message: RwSignal::new(String::new()),
        };
        provide_context(state);
        spawn_local(async move {
            state.reload().await;
        });
        state
    }

    pub fn use_context() -> LedgerState {
        use_context::<LedgerState>().expect("LedgerState is provided by the App")
    }

    /// Opens the database (each operation opens and closes its own connection, so another
    /// tab's upgrade is never blocked by an idle page).
    pub async fn open(&self) -> Result<LedgerStore, StoreError> {
        LedgerStore::open_named(&self.db_name.get_value()).await
    }

    /// Reads everything from the store into the signals.
    pub async fn reload(&self) {
        match self.read_all().await {
            Ok((entries, branches, settings, last_backup)) => {
                if let Some(s) = &settings {
                    let actor = self.actor.get_untracked();
                    if !s.staff.contains(&actor) {
                        self.actor.set(if s.staff.len() == 1 {
                            s.staff[0].clone()
                        } else {
                            String::new()
                        });
                    }
                }
                self.entries.set(entries);
                self.branches.set(branches);
                self.settings.set(settings);
                self.last_backup.set(last_backup);
                self.loading.set(Loading::Ready);
            }
            Err(e) => self.loading.set(Loading::Failed(e.to_string())),
        }
    }

    #[allow(clippy::type_complexity)]
    async fn read_all(
        &self,
    ) -> Result<
        (
            Vec<Entry>,
            Vec<KeptBranch>,
            Option<OfficeSettings>,
            Option<Timestamp>,
        ),
        StoreError,
    > {
        let store = self.open().await?;
        let result = async {
            let entries = store.entries().await?;
            let branches = store.branches().await?;
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
            Ok((entries, branches, settings, last_backup))
        }
        .await;
        store.close();
        result
    }

    /// Appends drafts in order (each awaited and read back); returns how many were saved
    /// before the first failure, and that failure.
    pub async fn append_all(&self, drafts: Vec<EntryDraft>) -> Result<usize, (usize, String)> {
        let store = self.open().await.map_err(|e| (0, e.to_string()))?;
        let mut saved = 0;
        let mut failure = None;
        for draft in drafts {
            match store.append(draft, now()).await {
                Ok(_) => saved += 1,
                Err(e) => {
                    failure = Some(e.to_string());
                    break;
                }
            }
        }
        store.close();
        self.reload().await;
        match failure {
            None => Ok(saved),
            Some(e) => Err((saved, e)),
        }
    }

    /// Saves the settings (read back by the store) and reloads.
    pub async fn save_settings(&self, settings: &OfficeSettings) -> Result<(), String> {
        let store = self.open().await.map_err(|e| e.to_string())?;
        let result = store.set_meta(SETTINGS_KEY, &settings.to_json()).await;
        store.close();
        self.reload().await;
        result.map_err(|e| e.to_string())
    }

    /// The settings, when set.
    pub fn office(&self) -> Option<OfficeSettings> {
        self.settings.get()
    }
}
