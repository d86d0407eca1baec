//! The files on the page: what was dropped, their bytes, and each check's outcome. Shared by
//! the checking view and the ledger (which records these files), through Leptos context.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::File;

use super::check_worker::{CheckOutcome, Checker, ReconcileOutcome};

/// One dropped or chosen file.
#[derive(Clone, Debug)]
pub struct Upload {
    /// Unique on this page, in arrival order.
    pub id: u64,
    /// The file's own name.
    pub name: String,
    /// The path inside a chosen folder, if any (used as the report's `path`).
    pub relative_path: Option<String>,
    pub size: u64,
    /// The original bytes (kept so the ledger can store them).
    pub bytes: Arc<Vec<u8>>,
    pub state: UploadState,
}

/// Where a file is in its life on the page.
#[derive(Clone, Debug)]
pub enum UploadState {
    Reading,
    Checking,
    Checked(Box<CheckOutcome>),
    /// The browser could not read it (removed stick, permission).
    Unreadable,
}

impl Upload {
    /// The path shown and exported: the folder-relative path, or the name.
    pub fn path(&self) -> &str {
        self.relative_path.as_deref().unwrap_or(&self.name)
    }

    pub fn outcome(&self) -> Option<&CheckOutcome> {
        match &self.state {
            UploadState::Checked(outcome) => Some(outcome),
            _ => None,
        }
    }
}

/// The page's files. `Copy`, so components take it by value from context.
#[derive(Clone, Copy)]
pub struct Workspace {
    pub uploads: RwSignal<Vec<Upload>>,
    /// Findings across files and 予定↔実績, for everything checked; `None` while files are
    /// still being checked (or none were).
    pub reconciliation: RwSignal<Option<ReconcileOutcome>>,
    next_id: StoredValue<u64>,
    checker: StoredValue<Checker, LocalStorage>,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace {
            uploads: RwSignal::new(Vec::new()),
            reconciliation: RwSignal::new(None),
            next_id: StoredValue::new(0),
            checker: StoredValue::new_local(Checker::start()),
        }
    }

    /// The workspace provided by [`super::App`].
    pub fn use_context() -> Workspace {
        use_context::<Workspace>().expect("App provides the Workspace")
    }

    /// Files still being read or checked (reactive: views update as it changes).
    pub fn busy_count(&self) -> usize {
        self.uploads.with(|all| busy_in(all))
    }

    /// Reads and checks new files, one after another, updating each as it goes. A file's
    /// folder-relative path comes with it from a dropped folder, or from the folder picker's
    /// `webkitRelativePath`.
    pub fn add_files(self, files: Vec<(File, Option<String>)>) {
        let mut jobs = Vec::new();
        self.uploads.update(|all| {
            for (file, dropped_path) in files {
                let id = self.next_id.get_value() + 1;
                self.next_id.set_value(id);
                let relative_path = dropped_path.or_else(|| {
                    js_sys::Reflect::get(&file, &"webkitRelativePath".into())
                        .ok()
                        .and_then(|v| v.as_string())
                        .filter(|p| !p.is_empty())
                });
                all.push(Upload {
                    id,
                    name: file.name(),
                    relative_path,
                    size: file.size() as u64,
                    bytes: Arc::default(),
                    state: UploadState::Reading,
                });
                jobs.push((id, file));
            }
        });
        self.reconciliation.set(None);
        let checker = self.checker.get_value();
        spawn_local(async move {
            for (id, file) in jobs {
                let blob = gloo_file::File::from(file.unchecked_into::<File>());
                let Ok(buffer) = gloo_file::futures::read_as_array_buffer(&blob).await else {
                    self.set_state(id, |u| u.state = UploadState::Unreadable);
                    continue;
                };
                // The page keeps a copy (for the ledger; a `Vec` shared as it is, as making
                // it an `Arc<[u8]>` would copy it again); the browser's buffer itself goes
                // to the checking worker.
                let bytes = Arc::new(js_sys::Uint8Array::new(&buffer).to_vec());
                self.set_state(id, |u| {
                    u.bytes = bytes.clone();
                    u.state = UploadState::Checking;
                });
                let path = self
                    .with_upload(id, |u| u.path().to_owned())
                    .unwrap_or_default();
                let outcome = checker.check(&path, &bytes, Some(buffer)).await;
                self.set_state(id, |u| u.state = UploadState::Checked(Box::new(outcome)));
            }
            // The last batch to finish reconciles everything on the page.
            if self.uploads.with_untracked(|all| busy_in(all)) == 0 {
                let outcome = checker.reconcile().await;
                if self.uploads.with_untracked(|all| busy_in(all)) == 0 {
                    self.reconciliation.set(Some(outcome));
                }
            }
        });
    }

    /// Removes every file from the page (the ledger keeps what was recorded).
    pub fn clear(self) {
        self.uploads.set(Vec::new());
        self.reconciliation.set(None);
        self.checker.with_value(Checker::forget);
    }

    fn set_state(self, id: u64, change: impl FnOnce(&mut Upload)) {
        self.uploads.update(|all| {
            if let Some(upload) = all.iter_mut().find(|u| u.id == id) {
                change(upload);
            }
        });
    }

    fn with_upload<T>(self, id: u64, read: impl FnOnce(&Upload) -> T) -> Option<T> {
        self.uploads
            .with_untracked(|all| all.iter().find(|u| u.id == id).map(read))
    }
}

fn busy_in(uploads: &[Upload]) -> usize {
    uploads
        .iter()
        .filter(|u| matches!(u.state, UploadState::Reading | UploadState::Checking))
        .count()
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace::new()
    }
}
