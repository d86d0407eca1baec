//! Checking off the main thread: the same program runs in a Web Worker, so a 20 MB file never
//! freezes the page.
//!
//! The single-file boot script leaves the wasm-bindgen glue's source and the wasm bytes in
//! `globalThis.__careplanBoot`; [`Checker::start`] makes a classic worker from a `blob:` URL
//! of that glue (allowed by the page's `worker-src blob:`), hands it the bytes, and the
//! program's `main` sees it has no window and calls [`serve`]. Where no worker can be made
//! (browser tests, an old browser), files are checked on the main thread instead.
//!
//! Protocol (plain JS objects): page → worker `{op:"check", id, name, bytes}`,
//! `{op:"reconcile", id}` and `{op:"forget"}`; worker → page `{op:"ready"}` and
//! `{op:"done", id, …}` with JSON text: `report`, `counts`, `facts` for a check, `result` for a
//! reconciliation. The worker keeps the checked files (with their records) so the
//! reconciliation of everything on the page runs where the records are.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, MessageEvent, Url, Worker};

use crate::check::{
    check_file, check_file_keeping_records, CheckedFile, CrossFileFinding, FileReport,
};
use crate::facts::FileFacts;
use crate::reconcile::{reconcile, UserMonth};

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

/// What the page shows of the reconciliation of all its files.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ReconcileOutcome {
    pub cross_file: Vec<CrossFileFinding>,
    pub plan_vs_actual: Vec<UserMonth>,
}

thread_local! {
    /// Files checked so far (in the worker, or on the main thread when there is no worker),
    /// kept with their records for reconciling them together, in arrival order.
    static CHECKED: RefCell<Vec<CheckedFile>> = const { RefCell::new(Vec::new()) };
}

/// Checks one file, keeps it for the reconciliation and collects its facts: the work either
/// side does.
fn check_now(name: &str, bytes: &[u8]) -> CheckOutcome {
    if bytes.len() > KEEP_RECORDS_UP_TO_BYTES {
        let report = check_file(name, bytes);
        let facts = FileFacts::of_report(&report);
        return CheckOutcome { report, facts };
    }
    let checked = check_file_keeping_records(name, bytes);
    let outcome = CheckOutcome {
        report: checked.report.clone(),
        facts: FileFacts::of(&checked),
    };
    CHECKED.with(|all| all.borrow_mut().push(checked));
    outcome
}

/// Reconciles every file kept so far.
fn reconcile_now() -> ReconcileOutcome {
    CHECKED.with(|all| {
        let result = reconcile(&all.borrow());
        ReconcileOutcome {
            cross_file: result.cross_file,
            plan_vs_actual: result.plan_vs_actual,
        }
    })
}

fn forget_now() {
    CHECKED.with(|all| all.borrow_mut().clear());
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

/// Runs in the worker: answers requests until the page closes it.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let id = get(&data, "id");
        let reply = match get(&data, "op").as_string().as_deref() {
            Some("check") => {
                let name = get(&data, "name").as_string().unwrap_or_default();
                let bytes = get(&data, "bytes")
                    .dyn_into::<Uint8Array>()
                    .map(|b| b.to_vec())
                    .unwrap_or_default();
                let outcome = check_now(&name, &bytes);
                message(&[
                    ("op", "done".into()),
                    ("id", id),
                    ("report", to_json(&outcome.report).into()),
                    // Not part of the report's JSON, but the page's status needs them.
                    ("counts", to_json(&outcome.report.counts).into()),
                    ("facts", to_json(&outcome.facts).into()),
                ])
            }
            Some("reconcile") => message(&[
                ("op", "done".into()),
                ("id", id),
                ("result", to_json(&reconcile_now()).into()),
            ]),
            Some("forget") => {
                forget_now();
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

type Waiting = Rc<RefCell<HashMap<u32, oneshot::Sender<JsValue>>>>;

/// The page's handle on checking: a worker when one could be started, else the main thread.
#[derive(Clone)]
pub struct Checker {
    worker: Option<WorkerLink>,
}

#[derive(Clone)]
struct WorkerLink {
    worker: Worker,
    ready: futures::future::Shared<oneshot::Receiver<()>>,
    /// Set when the worker failed: from then on everything runs on the main thread.
    broken: Rc<RefCell<bool>>,
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
        self.worker.as_ref().is_some_and(|w| !*w.broken.borrow())
    }

    /// Checks one file. Never fails: if the worker died, the file is checked here.
    pub async fn check(&self, name: &str, bytes: &[u8]) -> CheckOutcome {
        if let Some(link) = self.live_worker() {
            let request = [
                ("op", "check".into()),
                ("name", name.into()),
                ("bytes", Uint8Array::from(bytes).into()),
            ];
            let outcome = link.request(&request).await.and_then(|reply| {
                let text = |key| get(&reply, key).as_string().unwrap_or_default();
                let mut report: FileReport = serde_json::from_str(&text("report")).ok()?;
                report.counts = serde_json::from_str(&text("counts")).ok()?;
                let facts = serde_json::from_str(&text("facts")).ok()?;
                Some(CheckOutcome { report, facts })
            });
            if let Some(outcome) = outcome {
                return outcome;
            }
        }
        check_now(name, bytes)
    }

    /// Reconciles every file checked since the last [`Checker::forget`].
    pub async fn reconcile(&self) -> ReconcileOutcome {
        if let Some(link) = self.live_worker() {
            let reply = link.request(&[("op", "reconcile".into())]).await;
            let text = reply.and_then(|r| get(&r, "result").as_string());
            if let Some(outcome) = text.and_then(|t| serde_json::from_str(&t).ok()) {
                return outcome;
            }
        }
        reconcile_now()
    }

    /// Drops the files kept for reconciling (when the page is cleared).
    pub fn forget(&self) {
        forget_now();
        if let Some(link) = &self.worker {
            let _ = link
                .worker
                .post_message(&message(&[("op", "forget".into())]));
        }
    }

    fn live_worker(&self) -> Option<&WorkerLink> {
        self.worker.as_ref().filter(|w| !*w.broken.borrow())
    }
}

impl WorkerLink {
    /// Sends a request and waits for its answer; `None` if the worker failed.
    async fn request(&self, pairs: &[(&str, JsValue)]) -> Option<JsValue> {
        self.ready.clone().await.ok()?;
        let id = {
            let mut next = self.next_id.borrow_mut();
            *next += 1;
            *next
        };
        let (send, receive) = oneshot::channel();
        self.waiting.borrow_mut().insert(id, send);
        let mut all = pairs.to_vec();
        all.push(("id", id.into()));
        if self.worker.post_message(&message(&all)).is_err() {
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
    let broken = Rc::new(RefCell::new(false));
    let (ready_send, ready_receive) = oneshot::channel::<()>();
    let ready_send = Rc::new(RefCell::new(Some(ready_send)));

    let answers = waiting.clone();
    let ready_on_message = ready_send.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        match get(&data, "op").as_string().as_deref() {
            Some("ready") => {
                if let Some(send) = ready_on_message.borrow_mut().take() {
                    let _ = send.send(());
                }
            }
            Some("done") => {
                let id = get(&data, "id").as_f64().unwrap_or(0.0) as u32;
                if let Some(sender) = answers.borrow_mut().remove(&id) {
                    let _ = sender.send(data);
                }
            }
            _ => {}
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    // A worker that fails drops every waiting request (and the wait for "ready"), and is not
    // used again: callers fall back to the main thread.
    let failed = waiting.clone();
    let failed_flag = broken.clone();
    let on_error = Closure::<dyn Fn(JsValue)>::new(move |_| {
        *failed_flag.borrow_mut() = true;
        failed.borrow_mut().clear();
        ready_send.borrow_mut().take();
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();

    worker.post_message(&wasm)?;
    Ok(WorkerLink {
        worker,
        ready: futures::FutureExt::shared(ready_receive),
        broken,
        waiting,
        next_id: Rc::new(RefCell::new(0)),
    })
}
