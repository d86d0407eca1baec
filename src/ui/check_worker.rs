//! Checking off the main thread: the same program runs in a Web Worker, so a 20 MB file never
//! freezes the page.
//!
//! The single-file boot script leaves the wasm-bindgen glue's source and the wasm bytes in
//! `globalThis.__careplanBoot`; [`Checker::start`] makes a classic worker from a `blob:` URL
//! of that glue (allowed by the page's `worker-src blob:`), hands it the bytes, and the
//! program's `main` sees it has no window and calls [`serve`]. Where no worker can be made
//! (browser tests, an old browser), files are checked on the main thread instead.
//!
//! The page hashes each file with the browser's own SHA-256 (see [`browser_hash`]) while the
//! worker checks it, so the two run on two threads; where the browser offers no
//! `crypto.subtle`, the worker's checker hashes with `sha2`.
//!
//! Protocol (plain JS objects): page → worker `{op:"check", id, name, bytes, sha256}`
//! (`bytes` transferred; `sha256`: whether the worker hashes), `{op:"sha256", id, sha256}`
//! (the page's hash for the file of check `id`), `{op:"reconcile", id}` and
//! `{op:"forget"}`; worker → page `{op:"ready"}` and
//! `{op:"done", id, …}` with JSON text: `report`, `counts`, `facts` for a check, `result` for a
//! reconciliation. The worker keeps the checked files (with their records) so the
//! reconciliation of everything on the page runs where the records are.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, MessageEvent, Url, Worker};

use crate::check::{
    check_file_seeing, check_file_with, CheckOptions, CheckedFile, CrossFileFinding, FileReport,
};
use crate::facts::{ClientList, FileFacts};
use crate::fingerprint::sha256_hex;
use crate::reconcile::{reconcile, UserMonth};
use crate::ui::browser_hash::{self, PendingSha256};

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
    static CHECKED: RefCell<Kept> = const {
        RefCell::new(Kept {
            ids: Vec::new(),
            files: Vec::new(),
        })
    };
}

/// The checked files and the request ids they came with (to fill in their SHA-256 later).
struct Kept {
    ids: Vec<u32>,
    files: Vec<CheckedFile>,
}

/// Checks one file, keeps it for the reconciliation and collects its facts: the work either
/// side does. Without `compute_sha256` the report's `sha256` is left empty, for the caller to
/// fill (and to pass on with [`record_sha256`]).
fn check_now(id: u32, name: &str, bytes: &[u8], compute_sha256: bool) -> CheckOutcome {
    let (outcome, checked) = check_one(name, bytes, compute_sha256);
    if let Some(checked) = checked {
        CHECKED.with(|kept| {
            let mut kept = kept.borrow_mut();
            kept.ids.push(id);
            kept.files.push(checked);
        });
    }
    outcome
}

/// The check and its facts, with the checked file to keep (unless it is too big to keep).
fn check_one(
    name: &str,
    bytes: &[u8],
    compute_sha256: bool,
) -> (CheckOutcome, Option<CheckedFile>) {
    let keep_records = bytes.len() <= KEEP_RECORDS_UP_TO_BYTES;
    let options = CheckOptions {
        keep_records,
        compute_sha256,
    };
    if !keep_records {
        let checked = check_file_with(name, bytes, options);
        let facts = FileFacts::of_report(&checked.report);
        let report = checked.report;
        return (CheckOutcome { report, facts }, None);
    }
    // The clients are collected as the records are read (faster than walking them after).
    let mut clients = ClientList::default();
    let checked = check_file_seeing(name, bytes, options, &mut |identity, record| {
        clients.see(identity, record)
    });
    let outcome = CheckOutcome {
        report: checked.report.clone(),
        facts: FileFacts::with_clients(&checked, clients),
    };
    (outcome, Some(checked))
}

/// Gives the kept file of request `id` its SHA-256 (which tells the reconciliation whether
/// two files with the same name are the same).
fn record_sha256(id: u32, sha256: &str) {
    CHECKED.with(|kept| {
        let mut kept = kept.borrow_mut();
        if let Some(i) = kept.ids.iter().position(|&k| k == id) {
            kept.files[i].report.sha256 = sha256.to_owned();
        }
    });
}

/// Reconciles every file kept so far.
fn reconcile_now() -> ReconcileOutcome {
    CHECKED.with(|kept| {
        let result = reconcile(&kept.borrow().files);
        ReconcileOutcome {
            cross_file: result.cross_file,
            plan_vs_actual: result.plan_vs_actual,
        }
    })
}

fn forget_now() {
    CHECKED.with(|kept| {
        let mut kept = kept.borrow_mut();
        kept.ids.clear();
        kept.files.clear();
    });
}

pub(crate) fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub(crate) fn message(pairs: &[(&str, JsValue)]) -> JsValue {
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
                let compute_sha256 = get(&data, "sha256").as_bool().unwrap_or(true);
                let request = id.as_f64().unwrap_or(0.0) as u32;
                let outcome = check_now(request, &name, &bytes, compute_sha256);
                message(&[
                    ("op", "done".into()),
                    ("id", id),
                    ("report", to_json(&outcome.report).into()),
                    // Not part of the report's JSON, but the page's status needs them.
                    ("counts", to_json(&outcome.report.counts).into()),
                    ("csv_version", to_json(&outcome.report.csv_version).into()),
                    ("facts", to_json(&outcome.facts).into()),
                ])
            }
            Some("reconcile") => message(&[
                ("op", "done".into()),
                ("id", id),
                ("result", to_json(&reconcile_now()).into()),
            ]),
            Some("sha256") => {
                let sha256 = get(&data, "sha256").as_string().unwrap_or_default();
                record_sha256(id.as_f64().unwrap_or(0.0) as u32, &sha256);
                return;
            }
            Some("forget") => {
                forget_now();
                return;
            }
            // The same program also serves as the ledger's worker.
            Some(op) if op.starts_with("ledger_") => {
                match crate::ui::ledger_worker::answer(op, &data) {
                    Some(answer) => {
                        let mut all = vec![("op", JsValue::from("done")), ("id", id)];
                        all.extend(answer.fields);
                        let reply = message(&all);
                        if let Some(buffers) = answer.transfer {
                            let _ = reply_scope.post_message_with_transfer(&reply, &buffers);
                            return;
                        }
                        reply
                    }
                    None => return,
                }
            }
            _ => return,
        };
        let _ = reply_scope.post_message(&reply);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&message(&[("op", "ready".into())]));
    if get(&js_sys::global(), "__careplanRole")
        .as_string()
        .as_deref()
        != Some("ledger")
    {
        warm_up();
    }
}

/// Checks a small generated 第6表 once, so the browser compiles the checker's hot code with
/// its optimising compiler before the user's first file: the first check of a big file is
/// otherwise slower by half (measured on 20 MB: 245–272 ms without, 172–176 ms with it;
/// 127 ms once warm). Requests that come meanwhile wait a few milliseconds.
fn warm_up() {
    let sample = crate::fixtures::large_upplan(WARM_UP_BYTES);
    let name = "UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV";
    let _ = check_one(name, &sample, true);
}

/// Size of the warm-up sample.
const WARM_UP_BYTES: usize = 256 * 1024;

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

// ---------------------------------------------------------------- the page's side

type Waiting = Rc<RefCell<HashMap<u32, oneshot::Sender<JsValue>>>>;

/// The page's handle on checking: a worker when one could be started, else the main thread.
#[derive(Clone)]
pub struct Checker {
    worker: Option<WorkerLink>,
    next_id: Rc<Cell<u32>>,
}

/// A started worker of this program, with the requests waiting for its answers (also the
/// ledger worker's, see [`crate::ui::ledger_worker`]).
#[derive(Clone)]
pub(crate) struct WorkerLink {
    worker: Worker,
    ready: futures::future::Shared<oneshot::Receiver<()>>,
    /// Set when the worker failed: from then on everything runs on the main thread.
    broken: Rc<RefCell<bool>>,
    waiting: Waiting,
}

impl Checker {
    /// Starts the checking worker, or falls back to the main thread when that is impossible.
    pub fn start() -> Checker {
        Checker {
            worker: start_worker(WorkerRole::Check).ok(),
            next_id: Rc::default(),
        }
    }

    /// Whether checks run off the main thread.
    pub fn uses_worker(&self) -> bool {
        self.worker.as_ref().is_some_and(|w| !*w.broken.borrow())
    }

    /// Checks one file. Never fails: if the worker died, the file is checked here.
    ///
    /// `buffer`: the browser's buffer `bytes` were copied from (as a `FileReader` gives it),
    /// if the caller has no more use for it: it is moved to the worker as it is, so the
    /// worker can start without the page copying the file again.
    pub async fn check(
        &self,
        name: &str,
        bytes: &[u8],
        buffer: Option<js_sys::ArrayBuffer>,
    ) -> CheckOutcome {
        let id = self.new_id();
        let use_browser = browser_hash::available();
        if let Some(link) = self.live_worker() {
            if link.ready.clone().await.is_ok() {
                let for_worker = match buffer {
                    Some(buffer) if buffer.byte_length() as usize == bytes.len() => {
                        Uint8Array::new(&buffer)
                    }
                    _ => Uint8Array::from(bytes),
                };
                let request = [
                    ("op", "check".into()),
                    ("name", name.into()),
                    ("bytes", for_worker.clone().into()),
                    ("sha256", (!use_browser).into()),
                ];
                let reply = link.send(id, &request, Some(&Array::of1(&for_worker.buffer())));
                // While the worker checks, this thread hashes.
                let digest = if use_browser {
                    browser_hash::start_sha256(bytes)
                } else {
                    None
                };
                if let Some(reply) = reply {
                    if let Some(mut outcome) = reply.await.ok().and_then(|r| read_outcome(&r)) {
                        if use_browser {
                            let sha256 = finish_sha256(digest, bytes).await;
                            let _ = link.worker.post_message(&message(&[
                                ("op", "sha256".into()),
                                ("id", id.into()),
                                ("sha256", sha256.as_str().into()),
                            ]));
                            outcome.report.sha256 = sha256;
                        }
                        return outcome;
                    }
                }
            }
        }
        let digest = browser_hash::start_sha256(bytes);
        let mut outcome = check_now(id, name, bytes, digest.is_none());
        if digest.is_some() {
            let sha256 = finish_sha256(digest, bytes).await;
            record_sha256(id, &sha256);
            outcome.report.sha256 = sha256;
        }
        outcome
    }

    /// Reconciles every file checked since the last [`Checker::forget`].
    pub async fn reconcile(&self) -> ReconcileOutcome {
        if let Some(link) = self.live_worker() {
            let reply = link
                .request(self.new_id(), &[("op", "reconcile".into())])
                .await;
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

    /// A number for the next request, unique for this checker.
    fn new_id(&self) -> u32 {
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        id
    }

    fn live_worker(&self) -> Option<&WorkerLink> {
        self.worker.as_ref().filter(|w| !*w.broken.borrow())
    }
}

impl WorkerLink {
    /// Sends request `id` and waits for its answer; `None` if the worker failed.
    async fn request(&self, id: u32, pairs: &[(&str, JsValue)]) -> Option<JsValue> {
        self.ready.clone().await.ok()?;
        self.send(id, pairs, None)?.await.ok()
    }

    /// Stops the worker at once (its memory goes with it); waiting requests are dropped.
    pub(crate) fn terminate(&self) {
        self.worker.terminate();
        *self.broken.borrow_mut() = true;
        self.waiting.borrow_mut().clear();
    }

    /// Whether the worker has failed (then callers do the work on the main thread).
    pub(crate) fn is_broken(&self) -> bool {
        *self.broken.borrow()
    }

    /// Sends request `id`, handing every buffer in `transfer` over, and waits for its answer;
    /// `None` if the worker failed.
    pub(crate) async fn request_moving(
        &self,
        id: u32,
        pairs: &[(&str, JsValue)],
        transfer: &Array,
    ) -> Option<JsValue> {
        self.ready.clone().await.ok()?;
        self.send(id, pairs, Some(transfer))?.await.ok()
    }

    /// Sends request `id` to the (ready) worker, handing `transfer` over to it; the receiver
    /// gets its answer, or is dropped if the worker fails. `None` if it could not be sent.
    fn send(
        &self,
        id: u32,
        pairs: &[(&str, JsValue)],
        transfer: Option<&Array>,
    ) -> Option<oneshot::Receiver<JsValue>> {
        let (send, receive) = oneshot::channel();
        self.waiting.borrow_mut().insert(id, send);
        let mut all = pairs.to_vec();
        all.push(("id", id.into()));
        let sent = match transfer {
            Some(buffers) => self
                .worker
                .post_message_with_transfer(&message(&all), buffers),
            None => self.worker.post_message(&message(&all)),
        };
        if sent.is_err() {
            self.waiting.borrow_mut().remove(&id);
            return None;
        }
        Some(receive)
    }
}

/// The worker's answer to a check, read back into the page's types.
fn read_outcome(reply: &JsValue) -> Option<CheckOutcome> {
    let text = |key| get(reply, key).as_string().unwrap_or_default();
    let mut report: FileReport = serde_json::from_str(&text("report")).ok()?;
    report.counts = serde_json::from_str(&text("counts")).ok()?;
    report.csv_version = serde_json::from_str(&text("csv_version")).unwrap_or_default();
    let facts = serde_json::from_str(&text("facts")).ok()?;
    Some(CheckOutcome { report, facts })
}

/// The browser's digest, or `sha2`'s if the browser could not give one.
async fn finish_sha256(digest: Option<PendingSha256>, bytes: &[u8]) -> String {
    match digest {
        Some(pending) => match pending.finish().await {
            Some(hex) => hex,
            None => sha256_hex(bytes),
        },
        None => sha256_hex(bytes),
    }
}

/// What a started worker is for: the checking worker warms the checker up when it starts, the
/// ledger's worker does not need to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WorkerRole {
    Check,
    Ledger,
}

/// Starts a worker running this program (from the boot data the single file leaves).
pub(crate) fn start_worker(role: WorkerRole) -> Result<WorkerLink, JsValue> {
    let boot = get(&js_sys::global(), "__careplanBoot");
    let glue = get(&boot, "glue")
        .as_string()
        .ok_or_else(|| JsValue::from_str("no boot data"))?;
    let wasm: Uint8Array = get(&boot, "wasm").dyn_into()?;
    // The worker waits for the wasm bytes, starts the program, and the program's main calls
    // `serve`, which says "ready".
    let role = match role {
        WorkerRole::Check => "check",
        WorkerRole::Ledger => "ledger",
    };
    let source = format!(
        "self.__careplanRole = \"{role}\";\n{glue}\n;self.onmessage = function (e) {{ \
         self.onmessage = null; wasm_bindgen({{ module_or_path: e.data }}); }};"
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
    })
}
