//! Checking off the main thread: the same program runs in a Web Worker, so a 20 MB file never
//! freezes the page.
//!
//! The single-file boot script leaves the wasm-bindgen glue's source and the wasm bytes in
//! `globalThis.__careplanBoot`; [`Checker::start`] makes a classic worker from a `blob:` URL
//! of that glue (allowed by the page's `worker-src blob:`), hands it the bytes, and the
//! program's `main` sees it has no window and calls [`serve`]. Where no worker can be made
//! (browser tests, an old browser), files are checked on the main thread instead.
//!
//! Protocol (plain JS objects): page → worker `{op:"check", id, name, bytes}` and
//! `{op:"reconcile"}` / `{op:"forget"}`; worker → page `{op:"ready"}`,
//! `{op:"checked", id, report, counts, facts}` (JSON text) and `{op:"reconciled", json}`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, MessageEvent, Url, Worker};

use crate::check::{check_file, check_file_keeping_records, CheckedFile, FileReport};
use crate::facts::FileFacts;

/// One checked file as the page receives it.
#[derive(Clone, Debug)]
pub struct CheckOutcome {
    pub report: FileReport,
    pub facts: FileFacts,
}

/// Files larger than this are checked without keeping their decoded records (which take a
/// few times the file's size in memory): they get the full report, but no client list and
/// no reconciliation. Real monthly files are far smaller.
pub const KEEP_RECORDS_UP_TO_BYTES: usize = 32 * 1024 * 1024;

/// Checks one file and collects its facts: the work either side does.
fn check_now(name: &str, bytes: &[u8]) -> (CheckOutcome, Option<CheckedFile>) {
    if bytes.len() > KEEP_RECORDS_UP_TO_BYTES {
        let report = check_file(name, bytes);
        let facts = FileFacts::of_report(&report);
        return (CheckOutcome { report, facts }, None);
    }
    let checked = check_file_keeping_records(name, bytes);
    let outcome = CheckOutcome {
        report: checked.report.clone(),
        facts: FileFacts::of(&checked),
    };
    (outcome, Some(checked))
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn message(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}

// ---------------------------------------------------------------- the worker's side

thread_local! {
    /// Files checked in this worker, kept for reconciling them together.
    static CHECKED: RefCell<Vec<CheckedFile>> = const { RefCell::new(Vec::new()) };
}

/// Runs in the worker: answers check requests until the page closes it.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let reply = match get(&data, "op").as_string().as_deref() {
            Some("check") => {
                let name = get(&data, "name").as_string().unwrap_or_default();
                let bytes = get(&data, "bytes")
                    .dyn_into::<Uint8Array>()
                    .map(|b| b.to_vec())
                    .unwrap_or_default();
                let (outcome, checked) = check_now(&name, &bytes);
                if let Some(checked) = checked {
                    CHECKED.with(|all| all.borrow_mut().push(checked));
                }
                message(&[
                    ("op", "checked".into()),
                    ("id", get(&data, "id")),
                    ("report", to_json(&outcome.report).into()),
                    // Not part of the report's JSON, but the page's status needs them.
                    ("counts", to_json(&outcome.report.counts).into()),
                    ("facts", to_json(&outcome.facts).into()),
                ])
            }
            Some("forget") => {
                CHECKED.with(|all| all.borrow_mut().clear());
                return;
            }
            _ => return,
        };
        let _ = reply_scope.post_message(&reply);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&message(&[("op", "ready".into())]));
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

// ---------------------------------------------------------------- the page's side

type Waiting = Rc<RefCell<HashMap<u32, oneshot::Sender<CheckOutcome>>>>;

/// The page's handle on checking: a worker when one could be started, else the main thread.
#[derive(Clone)]
pub struct Checker {
    worker: Option<WorkerLink>,
}

#[derive(Clone)]
struct WorkerLink {
    worker: Worker,
    ready: Rc<RefCell<Option<futures::future::Shared<oneshot::Receiver<()>>>>>,
    waiting: Waiting,
    next_id: Rc<RefCell<u32>>,
}

impl Checker {
    /// Starts the checking worker, or falls back to the main thread when that is impossible.
    pub fn start() -> Checker {
        Checker {
            worker: start_worker().ok(),
        }
    }

    /// Whether checks run off the main thread.
    pub fn uses_worker(&self) -> bool {
        self.worker.is_some()
    }

    /// Checks one file. Never fails: a worker that died is replaced by main-thread checking
    /// for this file.
    pub async fn check(&self, name: &str, bytes: &[u8]) -> CheckOutcome {
        if let Some(link) = &self.worker {
            if let Some(outcome) = link.check(name, bytes).await {
                return outcome;
            }
        }
        check_now(name, bytes).0
    }

    /// Drops what the worker kept of earlier files (when the page is cleared).
    pub fn forget(&self) {
        if let Some(link) = &self.worker {
            let _ = link
                .worker
                .post_message(&message(&[("op", "forget".into())]));
        }
    }
}

impl WorkerLink {
    async fn check(&self, name: &str, bytes: &[u8]) -> Option<CheckOutcome> {
        let ready = self.ready.borrow().clone();
        if let Some(ready) = ready {
            ready.await.ok()?;
        }
        let id = {
            let mut next = self.next_id.borrow_mut();
            *next += 1;
            *next
        };
        let (send, receive) = oneshot::channel();
        self.waiting.borrow_mut().insert(id, send);
        let request = message(&[
            ("op", "check".into()),
            ("id", id.into()),
            ("name", name.into()),
            ("bytes", Uint8Array::from(bytes).into()),
        ]);
        if self.worker.post_message(&request).is_err() {
            self.waiting.borrow_mut().remove(&id);
            return None;
        }
        receive.await.ok()
    }
}

fn start_worker() -> Result<WorkerLink, JsValue> {
    let boot = get(&js_sys::global(), "__careplanBoot");
    let glue = get(&boot, "glue")
        .as_string()
        .ok_or_else(|| JsValue::from_str("no boot data"))?;
    let wasm: Uint8Array = get(&boot, "wasm").dyn_into()?;
    // The worker waits for the wasm bytes, starts the program, and the program's main calls
    // `serve`, which says "ready".
    let source = format!(
        "{glue}\n;self.onmessage = function (e) {{ self.onmessage = null; \
         wasm_bindgen({{ module_or_path: e.data }}); }};"
    );
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&Array::of1(&source.into()), &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let worker = Worker::new(&url)?;
    let _ = Url::revoke_object_url(&url);

    let waiting: Waiting = Rc::new(RefCell::new(HashMap::new()));
    let (ready_send, ready_receive) = oneshot::channel::<()>();
    let ready_send = Rc::new(RefCell::new(Some(ready_send)));
    let answers = waiting.clone();
    let ready_on_error = ready_send.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        match get(&data, "op").as_string().as_deref() {
            Some("ready") => {
                if let Some(send) = ready_send.borrow_mut().take() {
                    let _ = send.send(());
                }
            }
            Some("checked") => {
                let id = get(&data, "id").as_f64().unwrap_or(0.0) as u32;
                let report = get(&data, "report").as_string().unwrap_or_default();
                let counts = get(&data, "counts").as_string().unwrap_or_default();
                let facts = get(&data, "facts").as_string().unwrap_or_default();
                let outcome = (|| {
                    let mut report: FileReport = serde_json::from_str(&report).ok()?;
                    report.counts = serde_json::from_str(&counts).ok()?;
                    let facts = serde_json::from_str(&facts).ok()?;
                    Some(CheckOutcome { report, facts })
                })();
                let sender = answers.borrow_mut().remove(&id);
                if let (Some(sender), Some(outcome)) = (sender, outcome) {
                    let _ = sender.send(outcome);
                }
            }
            _ => {}
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // A worker that fails drops every waiting request (and the wait for "ready"), so callers
    // fall back to the main thread.
    let failed = waiting.clone();
    let on_error = Closure::<dyn Fn(JsValue)>::new(move |_| {
        failed.borrow_mut().clear();
        ready_on_error.borrow_mut().take();
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();

    worker.post_message(&wasm)?;
    Ok(WorkerLink {
        worker,
        ready: Rc::new(RefCell::new(Some(futures::FutureExt::shared(
            ready_receive,
        )))),
        waiting,
        next_id: Rc::new(RefCell::new(0)),
    })
}
