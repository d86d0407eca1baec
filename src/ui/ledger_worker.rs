//! The ledger's worker: recomputing every entry's hash off the main thread, while the page
//! reads the same entries, checks the chains' structure ([`HashCheck::Deferred`]) and shows
//! them. Two cores then share the work, and the page stays responsive while years of entries
//! are verified.
//!
//! It is a second worker of the same program, started like the checking worker
//! ([`crate::ui::check_worker`]; the program's `serve` answers both kinds of request), so a
//! long check of files and a verification of the ledger do not wait for each other.
//!
//! Protocol: page → worker `{op:"ledger_hashes", id, texts}` (`texts`: an array of UTF-8
//! `Uint8Array`s of entries' canonical JSON, one per line, their buffers moved to the worker);
//! worker → page `{op:"done", id, bad}`, `bad` JSON text: per text, the lines (from 0) that are
//! not their entry's canonical text or whose content does not match their hash, as
//! [`lines_not_confirmed`] finds them. The page reads the same lines straight meanwhile
//! (`SegmentReader::confirmed_elsewhere`, half the cost), and any line found here makes it
//! verify everything itself.
//!
//! `{op:"ledger_read_backup", id, text}` (`text`: a backup's UTF-8 bytes, moved) reads and
//! verifies a backup as a restore would; the answer `{answer}` is JSON text of either the
//! read ledger's summary and file count or the reason it was refused.
//!
//! `{op:"ledger_read_backup_file", id, file}` (`file`: the chosen `File`, a handle, not its
//! bytes) is answered by a worker started for it alone and closed afterwards (its memory,
//! a few times the backup's size, goes with it): it reads the file, reads and verifies it as a
//! restore would, and hands it off ([`hand_off`]): `{meta}` JSON text, `texts` (each chain's
//! lines as UTF-8 bytes) and `files` (each file's bytes), the buffers moved to the page; or
//! `{refused}` with the reason, or `{unreadable: true}`. The page never holds the backup's
//! text, and puts the backup together in steps ([`read_chosen_backup`]).
//!
//! Where no worker can be started (browser tests, an old browser) or it fails, the caller is
//! told (`None`) and verifies on the main thread as before: nothing is ever taken as verified
//! without the hashes having been recomputed somewhere.
//!
//! [`HashCheck::Deferred`]: crate::ledger::HashCheck::Deferred

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use super::check_worker::{get, start_worker, WorkerLink, WorkerRole};
use crate::ledger::backup::handoff::{hand_off, BackupAssembler, Handoff, HandoffMeta};
use crate::ledger::office::LedgerSummary;
use crate::ledger::{lines_not_confirmed, read_backup, Backup};
use crate::store::Pacer;

/// A worker's answer: the reply's fields besides `op` and `id`, and the buffers it moves to
/// the page.
pub(crate) struct Answer {
    pub fields: Vec<(&'static str, JsValue)>,
    pub transfer: Option<Array>,
}

/// Answers a `ledger_…` request in the worker.
pub(crate) fn answer(op: &str, data: &JsValue) -> Option<Answer> {
    if op == "ledger_read_backup_file" {
        return Some(read_backup_file(&get(data, "file")));
    }
    let fields = answer_fields(op, data)?;
    Some(Answer {
        fields,
        transfer: None,
    })
}

/// Reads, verifies and hands off the chosen backup file (in the worker).
fn read_backup_file(file: &JsValue) -> Answer {
    let bytes = file
        .dyn_ref::<web_sys::Blob>()
        .and_then(|blob| {
            web_sys::FileReaderSync::new()
                .ok()?
                .read_as_array_buffer(blob)
                .ok()
        })
        .map(|buffer| Uint8Array::new(&buffer).to_vec());
    let Some(bytes) = bytes else {
        return Answer {
            fields: vec![("unreadable", true.into())],
            transfer: None,
        };
    };
    // As the page read it before: as text, anything not UTF-8 replaced (the reading then
    // refuses it with the same message as ever).
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    let read = read_backup(&text);
    drop(text);
    match read {
        Err(e) => Answer {
            fields: vec![("refused", e.to_string().into())],
            transfer: None,
        },
        Ok(backup) => {
            let Handoff {
                meta,
                chain_texts,
                files,
            } = hand_off(backup);
            let transfer = Array::new();
            let moved = |pieces: Vec<Vec<u8>>| {
                let out = Array::new();
                for piece in pieces {
                    let array = Uint8Array::from(piece.as_slice());
                    drop(piece);
                    transfer.push(&array.buffer());
                    out.push(&array);
                }
                out
            };
            let texts = moved(chain_texts.into_iter().map(String::into_bytes).collect());
            let files = moved(files);
            Answer {
                fields: vec![
                    ("meta", meta.to_json().into()),
                    ("texts", texts.into()),
                    ("files", files.into()),
                ],
                transfer: Some(transfer),
            }
        }
    }
}

fn answer_fields(op: &str, data: &JsValue) -> Option<Vec<(&'static str, JsValue)>> {
    match op {
        "ledger_hashes" => {
            let texts: Array = get(data, "texts").dyn_into().ok()?;
            let bad: Vec<Vec<usize>> = texts
                .iter()
                .map(|t| match t.dyn_into::<Uint8Array>() {
                    Ok(bytes) => wrong_hashes_in(&bytes.to_vec()),
                    Err(_) => vec![0],
                })
                .collect();
            let text = serde_json::to_string(&bad).unwrap_or_else(|_| "null".into());
            Some(vec![("bad", text.into())])
        }
        "ledger_read_backup" => {
            let bytes: Uint8Array = get(data, "text").dyn_into().ok()?;
            let answer = match String::from_utf8(bytes.to_vec()) {
                Err(_) => Err("UTF-8 ではありません".to_string()),
                Ok(text) => read_backup(&text)
                    .map(|b| (b.ledger.summary(), b.files.len()))
                    .map_err(|e| e.to_string()),
            };
            let text = serde_json::to_string(&answer).unwrap_or_else(|_| "null".into());
            Some(vec![("answer", text.into())])
        }
        _ => None,
    }
}

/// The lines of `bytes` whose hash is wrong; text that is not UTF-8 counts as wrong as a
/// whole (line 0), since no entry can be read from it.
fn wrong_hashes_in(bytes: &[u8]) -> Vec<usize> {
    match std::str::from_utf8(bytes) {
        Ok(text) => lines_not_confirmed(text),
        Err(_) => vec![0],
    }
}

/// The page's handle on the ledger worker, started when there is first work for it (a page
/// whose ledger is empty starts none).
#[derive(Clone)]
pub struct LedgerWorker {
    link: Rc<RefCell<Option<WorkerLink>>>,
    tried: Rc<Cell<bool>>,
    next_id: Rc<Cell<u32>>,
}

impl LedgerWorker {
    /// A handle; the worker itself starts on first use.
    pub fn start() -> LedgerWorker {
        LedgerWorker {
            link: Rc::default(),
            tried: Rc::default(),
            next_id: Rc::default(),
        }
    }

    /// The running worker, started now if it was not yet; `None` where none can run.
    fn live(&self) -> Option<WorkerLink> {
        if !self.tried.replace(true) {
            *self.link.borrow_mut() = start_worker(WorkerRole::Ledger).ok();
        }
        self.link.borrow().clone().filter(|l| !l.is_broken())
    }

    /// Whether hashes can be checked off the main thread now (starts the worker).
    pub fn available(&self) -> bool {
        self.live().is_some()
    }

    /// Recomputes the hash of every entry in `texts` (each one entry's canonical JSON per
    /// line) in the worker: per text, the lines whose content does not match their hash.
    /// `None` when no worker could do it; the caller then verifies here.
    ///
    /// The texts are copied for the worker at once; the returned future owns everything it
    /// needs, so the caller can spawn it and go on reading the same texts meanwhile.
    pub fn wrong_hashes(
        &self,
        texts: &[&str],
    ) -> impl std::future::Future<Output = Option<Vec<Vec<usize>>>> + 'static {
        let link = self.live();
        let count = texts.len();
        let arrays = Array::new();
        let buffers = Array::new();
        if link.is_some() {
            for text in texts {
                let bytes = Uint8Array::from(text.as_bytes());
                buffers.push(&bytes.buffer());
                arrays.push(&bytes);
            }
        }
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        async move {
            let reply = link?
                .request_moving(
                    id,
                    &[("op", "ledger_hashes".into()), ("texts", arrays.into())],
                    &buffers,
                )
                .await?;
            let bad: Vec<Vec<usize>> =
                serde_json::from_str(&get(&reply, "bad").as_string()?).ok()?;
            (bad.len() == count).then_some(bad)
        }
    }
}

impl LedgerWorker {
    /// Reads and verifies backup `text` in the worker, as a restore would: the summary of the
    /// ledger it holds and its number of files, or why it was refused. `None` when no worker
    /// could do it; the caller then reads it here.
    pub async fn read_backup(&self, text: &str) -> Option<Result<(LedgerSummary, usize), String>> {
        let link = self.live()?;
        let bytes = Uint8Array::from(text.as_bytes());
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        let reply = link
            .request_moving(
                id,
                &[
                    ("op", "ledger_read_backup".into()),
                    ("text", bytes.clone().into()),
                ],
                &Array::of1(&bytes.buffer()),
            )
            .await?;
        serde_json::from_str(&get(&reply, "answer").as_string()?).ok()
    }
}

/// What reading a chosen backup file gave.
pub enum ChosenBackup {
    /// Read and verified.
    Read(Box<Backup>),
    /// Refused, with the reason in Japanese.
    Refused(String),
    /// The browser could not read the file.
    Unreadable,
}

/// Reads and verifies a chosen backup file in a worker started for it, and puts it together
/// here in steps that let the page answer. `None` when no worker could do it (the caller then
/// reads it here, as before).
pub async fn read_chosen_backup(file: &web_sys::File) -> Option<ChosenBackup> {
    let link = start_worker(WorkerRole::Ledger).ok()?;
    let reply = link
        .request_moving(
            1,
            &[
                ("op", "ledger_read_backup_file".into()),
                ("file", file.clone().into()),
            ],
            &Array::new(),
        )
        .await;
    // Its memory (the backup's text, decoded files) goes now.
    link.terminate();
    let reply = reply?;
    if get(&reply, "unreadable").as_bool() == Some(true) {
        return Some(ChosenBackup::Unreadable);
    }
    if let Some(reason) = get(&reply, "refused").as_string() {
        return Some(ChosenBackup::Refused(reason));
    }
    let meta = HandoffMeta::from_json(&get(&reply, "meta").as_string()?).ok()?;
    let mut pacer = Pacer::new();
    let mut chain_texts = Vec::new();
    for piece in Array::from(&get(&reply, "texts")).iter() {
        let bytes = piece.dyn_into::<Uint8Array>().ok()?.to_vec();
        chain_texts.push(String::from_utf8(bytes).ok()?);
        pacer.step().await;
    }
    let mut files = Vec::new();
    for piece in Array::from(&get(&reply, "files")).iter() {
        files.push(piece.dyn_into::<Uint8Array>().ok()?.to_vec());
        pacer.step().await;
    }
    drop(reply);
    let mut assembler = match BackupAssembler::new(Handoff {
        meta,
        chain_texts,
        files,
    }) {
        Ok(a) => a,
        Err(e) => return Some(ChosenBackup::Refused(e.to_string())),
    };
    loop {
        match assembler.read_some(256) {
            Ok(true) => break,
            Ok(false) => pacer.step().await,
            Err(e) => return Some(ChosenBackup::Refused(e.to_string())),
        }
    }
    Some(match assembler.finish() {
        Ok(backup) => ChosenBackup::Read(Box::new(backup)),
        Err(e) => ChosenBackup::Refused(e.to_string()),
    })
}

impl crate::store::office_folder::HashChecker for LedgerWorker {
    fn wrong_hashes(&self, texts: &[&str]) -> crate::store::office_folder::WrongHashes {
        Box::pin(LedgerWorker::wrong_hashes(self, texts))
    }
}
