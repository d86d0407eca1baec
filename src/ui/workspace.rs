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
    /// Set when the file was found in a watched folder (見張るフォルダ): its folder's role
    /// and its own last-modified time, which the recording proposes.
    pub watched: Option<WatchedOrigin>,
}

/// Where a file found in a watched folder came from.
#[derive(Clone, Debug)]
pub struct WatchedOrigin {
    pub role: crate::ledger::watched::WatchRole,
    pub last_modified: crate::jpdate::Timestamp,
    /// The bytes' SHA-256 as hashed when the folder was listed (not proposed twice).
    pub sha256: String,
}

/// Where a file is in its life on the page.
#[derive(Clone, Debug)]
pub enum UploadState {
    /// Being read and checked (the page shows files done a few times a second, all at once).
    Reading,
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
        self.add_files_from(files.into_iter().map(|(f, p)| (f, p, None)).collect());
    }

    /// Like [`Workspace::add_files`], for files found in a watched folder.
    pub fn add_watched_files(self, files: Vec<(File, WatchedOrigin)>) {
        self.add_files_from(files.into_iter().map(|(f, w)| (f, None, Some(w))).collect());
    }

    fn add_files_from(self, files: Vec<(File, Option<String>, Option<WatchedOrigin>)>) {
        let mut jobs = Vec::new();
        self.uploads.update(|all| {
            for (file, dropped_path, watched) in files {
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
                    watched,
                });
                jobs.push((id, file));
            }
        });
        self.reconciliation.set(None);
        let checker = self.checker.get_value();
        spawn_local(async move {
            // Files done since the page last showed progress.
            let mut done: Vec<(u64, Arc<Vec<u8>>, UploadState)> = Vec::new();
            let mut shown = js_sys::Date::now();
            for (id, file) in jobs {
                let blob = gloo_file::File::from(file.unchecked_into::<File>());
                let Ok(buffer) = gloo_file::futures::read_as_array_buffer(&blob).await else {
                    done.push((id, Arc::default(), UploadState::Unreadable));
                    continue;
                };
                // The page keeps a copy (for the ledger; a `Vec` shared as it is, as making
                // it an `Arc<[u8]>` would copy it again); the browser's buffer itself goes
                // to the checking worker.
                let bytes = Arc::new(js_sys::Uint8Array::new(&buffer).to_vec());
                let path = self
                    .with_upload(id, |u| u.path().to_owned())
                    .unwrap_or_default();
                let outcome = checker.check(&path, &bytes, Some(buffer)).await;
                done.push((id, bytes, UploadState::Checked(Box::new(outcome))));
                if js_sys::Date::now() - shown >= SHOW_PROGRESS_MS {
                    self.show_done(&mut done);
                    shown = js_sys::Date::now();
                }
            }
            self.show_done(&mut done);
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

    /// Puts the files in `done` on the page, all in one change (emptying `done`).
    fn show_done(self, done: &mut Vec<(u64, Arc<Vec<u8>>, UploadState)>) {
        if done.is_empty() {
            return;
        }
        self.uploads.update(|all| {
            let mut done = done.drain(..).peekable();
            // Files are done in the order they were added.
            for upload in all.iter_mut() {
                let Some((id, ..)) = done.peek() else { break };
                if upload.id == *id {
                    if let Some((_, bytes, state)) = done.next() {
                        upload.bytes = bytes;
                        upload.state = state;
                    }
                }
            }
        });
        done.clear();
    }

    fn with_upload<T>(self, id: u64, read: impl FnOnce(&Upload) -> T) -> Option<T> {
        self.uploads
            .with_untracked(|all| all.iter().find(|u| u.id == id).map(read))
    }
}

/// How often the page shows the files checked so far while a batch is checked, in ms. Each
/// showing redraws the results, so one per file would redraw a month of 250 files 250 times
/// (the check page's benchmark: tasks of several hundred ms at the end of a month's check).
const SHOW_PROGRESS_MS: f64 = 250.0;

fn busy_in(uploads: &[Upload]) -> usize {
    uploads
        .iter()
        .filter(|u| matches!(u.state, UploadState::Reading))
        .count()
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace::new()
    }
}
