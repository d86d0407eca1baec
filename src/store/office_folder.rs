//! Syncing with the office folder (台帳フォルダ): this PC writes its own chain, original files
//! and `device.json` under `証跡台帳/devices/<its id>/`, and reads every other device's.
//! The layout and every decision about what was read are `ledger::office_folder`'s; this
//! module only moves bytes between the folder, IndexedDB and the office ledger.
//!
//! A sync never gives up anything already held: what the folder adds is verified, merged in
//! memory and then added to IndexedDB in one transaction; a damaged or truncated file is
//! reported by name. When the folder is not reachable (stick unplugged, server down, no
//! permission), the page goes on with its IndexedDB copy and catches up at the next sync.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;

use wasm_bindgen::JsValue;

use super::database::{DeviceInfo, LedgerStore};
use super::folder_access as fs;
use super::pacing::{mark, Pacer};
use crate::jpdate::Timestamp;
use crate::ledger::office_folder::{
    add_continuation, add_full_chain, entries_after, keeps_bytes, segment_text, segments_to_read,
    settings_in_device_file, sha256_of_stored_name, stored_file_name, DeviceFile, ExactText,
    FolderMerge, Segment, SegmentProblem, SegmentReader, CHAIN_DIR, DEVICES_DIR, DEVICE_FILE,
    FILES_DIR, LEGACY_DIR, ROOT_DIR,
};
use crate::ledger::{
    ChainOrigin, DeviceChain, DeviceId, Entry, HashCheck, OfficeLedger, OfficeSettings, StoredFile,
};

/// This PC writes its whole chain as one segment again (and removes the small ones) when it
/// has more segments than this, so a new PC reads a few files, not thousands.
const COMPACT_AFTER: usize = 64;

/// What this page remembers between syncs (not stored: rebuilt after a reload).
#[derive(Debug, Default, Clone)]
pub struct FolderMemory {
    /// Segment names already read or written, per chain folder (`<device>` or
    /// `<device>/legacy/<id>`).
    seen: HashMap<String, HashSet<String>>,
    /// Files already known to be in this device's `files/`.
    own_files: Option<HashSet<String>>,
}

/// One device as the folder shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceSeen {
    pub device: DeviceId,
    pub name: String,
    pub entries: u64,
    pub last_entry_at: Option<Timestamp>,
    pub is_this_pc: bool,
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncReport {
    /// Entries this PC wrote to the folder.
    pub written: u64,
    /// Entries of other devices (or of this device's other history) added here.
    pub added: u64,
    pub files_copied: u64,
    pub devices: Vec<DeviceSeen>,
    pub problems: Vec<SegmentProblem>,
}

async fn dir(parent: &JsValue, name: &str) -> Result<JsValue, String> {
    fs::subfolder(parent, name, true)
        .await?
        .ok_or_else(|| format!("フォルダ「{name}」を作れませんでした"))
}

fn segments_in(listing: &[(String, bool)]) -> Vec<(Segment, String)> {
    listing
        .iter()
        .filter(|(_, is_dir)| !is_dir)
        .filter_map(|(name, _)| Segment::parse(name).map(|s| (s, name.clone())))
        .collect()
}

/// What one sync gives back: its report and, when it added entries, the merged office
/// ledger exactly as it was verified and stored (so the page can show it without reading
/// and verifying everything again).
#[derive(Debug, Default)]
pub struct Synced {
    pub report: SyncReport,
    pub merged: Option<OfficeLedger>,
}

/// Syncs `ledger` (this PC's office ledger as loaded from `store`) with the folder.
///
/// With a `checker`, what is read has its chains' structure checked here and every entry's
/// hash recomputed by the checker, all before anything is kept; if the checker finds a wrong
/// hash (or cannot check), the sync is done again verifying everything here, so what is
/// reported and kept is exactly what a sync without a checker reports and keeps.
#[allow(clippy::too_many_arguments)]
pub async fn sync(
    folder: &JsValue,
    store: &LedgerStore,
    ledger: &OfficeLedger,
    own: &DeviceInfo,
    settings: &OfficeSettings,
    memory: &mut FolderMemory,
    now: Timestamp,
    checker: Option<&dyn HashChecker>,
) -> Result<Synced, String> {
    if let Some(checker) = checker {
        let before = memory.clone();
        let pass = sync_pass(
            folder,
            store,
            ledger,
            own,
            settings,
            memory,
            now,
            Some(checker),
        );
        if let Some(report) = pass.await? {
            return Ok(report);
        }
        *memory = before;
    }
    sync_pass(folder, store, ledger, own, settings, memory, now, None)
        .await
        .map(Option::unwrap_or_default)
}

/// One sync; `None` when the checker found a wrong hash or could not check (then nothing
/// read was kept).
#[allow(clippy::too_many_arguments)]
async fn sync_pass(
    folder: &JsValue,
    store: &LedgerStore,
    ledger: &OfficeLedger,
    own: &DeviceInfo,
    settings: &OfficeSettings,
    memory: &mut FolderMemory,
    now: Timestamp,
    checker: Option<&dyn HashChecker>,
) -> Result<Option<Synced>, String> {
    mark("sync-start");
    let root = dir(folder, ROOT_DIR).await?;
    let devices_dir = dir(&root, DEVICES_DIR).await?;
    let mut report = SyncReport::default();
    let mut hashes = HashWork {
        mode: if checker.is_some() {
            HashCheck::Deferred
        } else {
            HashCheck::Recompute
        },
        checker,
        pending: Vec::new(),
        canonical: true,
        pacer: Pacer::new(),
        candidates: Vec::new(),
        accepted: Vec::new(),
        ahead: HashMap::new(),
    };

    // 1. This PC's own chain, files and device.json.
    if let Some(chain) = ledger.chain(&own.id) {
        let own_dir = dir(&devices_dir, own.id.as_str()).await?;
        let chain_dir = dir(&own_dir, CHAIN_DIR).await?;
        let seen = memory.seen.entry(own.id.as_str().to_string()).or_default();
        report.written = write_chain_dir(&chain_dir, chain, seen).await?;

        // The one-chain ledgers this PC migrated or restored: kept under its own folder, so
        // every PC sees them and no two PCs write the same file.
        let legacy: Vec<&DeviceChain> = ledger
            .chains()
            .filter(|c| c.origin() == ChainOrigin::Legacy)
            .collect();
        if !legacy.is_empty() {
            let legacy_dir = dir(&own_dir, LEGACY_DIR).await?;
            for c in legacy {
                let chain_dir = dir(&legacy_dir, c.device().as_str()).await?;
                let key = format!("{}/{LEGACY_DIR}/{}", own.id, c.device());
                let seen = memory.seen.entry(key).or_default();
                report.written += write_chain_dir(&chain_dir, c, seen).await?;
            }
        }

        let files_dir = dir(&own_dir, FILES_DIR).await?;
        if memory.own_files.is_none() {
            let names = fs::list(&files_dir).await?;
            memory.own_files = Some(names.into_iter().map(|(n, _)| n).collect());
        }
        let own_files = memory.own_files.as_mut().expect("just listed");
        let mut written_now = HashSet::new();
        let legacy_entries = ledger
            .chains()
            .filter(|c| c.origin() == ChainOrigin::Legacy)
            .flat_map(|c| c.entries());
        for e in chain.entries().iter().chain(legacy_entries) {
            let (true, Some(file)) = (keeps_bytes(e.kind()), &e.subject.file) else {
                continue;
            };
            let name = stored_file_name(&file.sha256, &file.name);
            if own_files.contains(&name) || !written_now.insert(name.clone()) {
                continue;
            }
            if let Some(bytes) = store.file(&file.sha256).await.map_err(|e| e.to_string())? {
                fs::write_bytes_checked(&files_dir, &name, &bytes).await?;
                own_files.insert(name);
            }
        }

        let head = chain.head();
        let text = DeviceFile {
            device: &own.id,
            name: &ledger.device_label(&own.id),
            entry_count: head.entry_count,
            head_hash: &head.hash,
            updated_at: &now.to_rfc3339(),
            settings,
        }
        .to_text();
        let old = fs::read_text(&own_dir, DEVICE_FILE).await.ok().flatten();
        let same = old.as_deref().is_some_and(|o| {
            let strip = |t: &str| {
                serde_json::from_str::<serde_json::Value>(t)
                    .ok()
                    .map(|mut v| {
                        v.as_object_mut().map(|m| m.remove("updated_at"));
                        v
                    })
            };
            strip(o).is_some() && strip(o) == strip(&text)
        });
        if !same {
            fs::write(&own_dir, DEVICE_FILE, &JsValue::from_str(&text)).await?;
        }
    }

    // 2. Every device's chain (this PC's too: another PC may write under a copied id), and
    //    the migrated one-chain ledgers each PC keeps under its own folder.
    // Copied only when some folder holds something unseen: years of entries are not copied
    // for a sync that finds nothing.
    let mut merged: Option<OfficeLedger> = None;
    // First every chain folder and what it lists; the files not seen yet start to be read
    // at once, so the browser reads the next device's chain while this one is parsed.
    let mut folders: Vec<ChainFolder> = Vec::new();
    for (name, is_dir) in fs::list(&devices_dir).await? {
        let Some(device) = DeviceId::parse(&name).filter(|_| is_dir) else {
            continue;
        };
        let Some(device_dir) = fs::subfolder(&devices_dir, &name, false).await? else {
            continue;
        };
        if let Some(chain_dir) = fs::subfolder(&device_dir, CHAIN_DIR, false).await? {
            let listing = fs::list(&chain_dir).await?;
            folders.push(ChainFolder {
                dir: chain_dir,
                device: device.clone(),
                key: name.clone(),
                listing,
            });
        }
        if let Some(legacy_dir) = fs::subfolder(&device_dir, LEGACY_DIR, false).await? {
            for (legacy_name, is_dir) in fs::list(&legacy_dir).await? {
                let Some(legacy) = DeviceId::parse(&legacy_name).filter(|_| is_dir) else {
                    continue;
                };
                let Some(chain_dir) = fs::subfolder(&legacy_dir, &legacy_name, false).await? else {
                    continue;
                };
                let key = format!("{name}/{LEGACY_DIR}/{legacy_name}");
                let listing = fs::list(&chain_dir).await?;
                folders.push(ChainFolder {
                    dir: chain_dir,
                    device: legacy,
                    key,
                    listing,
                });
            }
        }
    }
    for f in &folders {
        let seen = memory.seen.get(&f.key);
        for (_, name) in segments_in(&f.listing) {
            if seen.is_none_or(|s| !s.contains(&name)) {
                hashes.prefetch(&f.dir, &f.key, &name);
            }
        }
    }
    for f in &folders {
        read_chain_dir(
            &f.dir,
            &f.device,
            &f.key,
            &f.listing,
            ledger,
            &mut merged,
            memory,
            &mut report,
            &mut hashes,
        )
        .await?;
    }

    mark("sync-read");
    // Nothing read is kept before its hashes are checked.
    if checker.is_some() {
        if !hashes.canonical {
            return Ok(None);
        }
        for answer in std::mem::take(&mut hashes.pending) {
            match answer.await {
                Ok(Some(bad)) if bad.iter().all(Vec::is_empty) => {}
                _ => return Ok(None),
            }
        }
    }

    mark("sync-hashes");
    // 3. What is new here goes into IndexedDB in one transaction, with the files it names.
    let new: Vec<&Entry> = match &merged {
        None => Vec::new(),
        Some(merged) => {
            let held: HashSet<&str> = ledger
                .all_entries()
                .iter()
                .map(|e| e.hash.as_str())
                .collect();
            merged
                .all_entries()
                .into_iter()
                .filter(|e| !held.contains(e.hash.as_str()))
                .collect()
        }
    };
    mark("sync-new");
    if !new.is_empty() {
        let files = copy_files(&devices_dir, store, &new).await;
        report.files_copied = files.len() as u64;
        report.added = store
            .add_entries_keeping(&new, &files, &hashes.accepted)
            .await
            .map_err(|e| e.to_string())? as u64;
    }
    mark("sync-stored");
    let shown = merged.as_ref().unwrap_or(ledger);
    report.devices = shown
        .chains()
        .map(|c| DeviceSeen {
            device: c.device().clone(),
            name: shown.device_label(c.device()),
            entries: c.len() as u64,
            last_entry_at: c.entries().iter().map(|e| e.recorded_at).max(),
            is_this_pc: *c.device() == own.id,
        })
        .collect();
    let merged = merged.filter(|_| report.added > 0);
    Ok(Some(Synced { report, merged }))
}

async fn read_segments(
    chain_dir: &JsValue,
    device: &DeviceId,
    key: &str,
    plan: &[Segment],
    hashes: &mut HashWork<'_>,
) -> Result<Vec<(Segment, Vec<Entry>)>, SegmentProblem> {
    let mut out = Vec::with_capacity(plan.len());
    for s in plan {
        let name = s.file_name();
        let problem = |message: String| SegmentProblem {
            device: device.clone(),
            file: name.clone(),
            message,
        };
        let value = hashes
            .read(chain_dir, key, &name)
            .await
            .map_err(&problem)?
            .ok_or_else(|| problem("ファイルがありません".into()))?;
        let text = value
            .as_string()
            .ok_or_else(|| problem("文字として読めません".into()))?;
        // The checker confirms every line (canonical, right hash) on its thread while this
        // one reads the lines straight; its answer counts only if the text reads here.
        let confirming = hashes.checker.map(|checker| {
            let pending = checker.wrong_hashes(&[&text]);
            let (send, receive) = futures::channel::oneshot::channel();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = send.send(pending.await);
            });
            receive
        });
        let mut reader = SegmentReader::new(device, *s, &text).map_err(&problem)?;
        if confirming.is_some() {
            reader = reader.confirmed_elsewhere();
        }
        while !reader.read_some(512).map_err(&problem)? {
            hashes.pacer.step().await;
        }
        hashes.canonical &= reader.is_canonical();
        let exact = reader.is_exact_text();
        let entries = reader.finish().map_err(problem)?;
        if let (true, Some(last)) = (exact, entries.last()) {
            hashes.candidates.push((
                ExactText {
                    device: device.clone(),
                    first: s.first,
                    last: s.last,
                    last_hash: last.hash.clone(),
                },
                value,
            ));
        }
        hashes.pending.extend(confirming);
        out.push((*s, entries));
    }
    Ok(out)
}

/// What a [`HashChecker`] answers: per text, the lines whose content does not match their
/// hash, or `None` when it could not check.
pub type WrongHashes = Pin<Box<dyn Future<Output = Option<Vec<Vec<usize>>>>>>;

/// Checks each entry's own hash on another thread (the page's ledger worker).
pub trait HashChecker {
    fn wrong_hashes(&self, texts: &[&str]) -> WrongHashes;
}

/// How one sync treats the hashes of what it reads, and the checks of them under way.
struct HashWork<'a> {
    mode: HashCheck,
    checker: Option<&'a dyn HashChecker>,
    /// The checker's answers to come, one per text read.
    pending: Vec<futures::channel::oneshot::Receiver<Option<Vec<Vec<usize>>>>>,
    /// Whether every line read was its entry's canonical text (what the checker needs).
    canonical: bool,
    pacer: Pacer,
    /// Exact texts of the chain folder being read, until its entries are accepted.
    candidates: Vec<(ExactText, JsValue)>,
    /// Exact texts whose entries joined the ledger: stored as they are.
    accepted: Vec<(ExactText, JsValue)>,
    /// Segment files being read ahead, by chain folder key and file name.
    ahead: HashMap<(String, String), futures::channel::oneshot::Receiver<TextRead>>,
}

/// One chain folder of the office folder: a device's chain, or a one-chain ledger a device
/// keeps under `legacy/`; `key` names it for remembering what was seen.
struct ChainFolder {
    dir: JsValue,
    device: DeviceId,
    key: String,
    listing: Vec<(String, bool)>,
}

/// A file's text as the browser read it (`None`: there is no such file).
type TextRead = Result<Option<JsValue>, String>;

impl HashWork<'_> {
    /// Starts reading a segment file now, for [`HashWork::read`] to take later.
    fn prefetch(&mut self, chain_dir: &JsValue, key: &str, name: &str) {
        let (send, receive) = futures::channel::oneshot::channel();
        let (dir, file) = (chain_dir.clone(), name.to_string());
        wasm_bindgen_futures::spawn_local(async move {
            let _ = send.send(fs::read_text_value(&dir, &file).await);
        });
        self.ahead
            .insert((key.to_string(), name.to_string()), receive);
    }

    /// A segment file's text: read ahead if it was, else read now.
    async fn read(&mut self, chain_dir: &JsValue, key: &str, name: &str) -> TextRead {
        if let Some(ahead) = self.ahead.remove(&(key.to_string(), name.to_string())) {
            if let Ok(read) = ahead.await {
                return read;
            }
        }
        fs::read_text_value(chain_dir, name).await
    }
}

/// The bytes of the files the new entries name, from whichever device folder holds them,
/// each checked against its SHA-256. A file that is missing or damaged there is left out: the
/// entries still join, and the file can come with a later sync or a backup.
async fn copy_files(devices_dir: &JsValue, store: &LedgerStore, new: &[&Entry]) -> Vec<StoredFile> {
    let held = store.file_keys().await.unwrap_or_default();
    let mut wanted: HashSet<&str> = new
        .iter()
        .filter_map(|e| e.subject.file.as_ref())
        .map(|f| f.sha256.as_str())
        .filter(|sha| !held.contains(*sha))
        .collect();
    let mut out: Vec<StoredFile> = Vec::new();
    if wanted.is_empty() {
        return out;
    }
    for (name, is_dir) in fs::list(devices_dir).await.unwrap_or_default() {
        if !is_dir || DeviceId::parse(&name).is_none() {
            continue;
        }
        let Ok(Some(device_dir)) = fs::subfolder(devices_dir, &name, false).await else {
            continue;
        };
        let Ok(Some(files_dir)) = fs::subfolder(&device_dir, FILES_DIR, false).await else {
            continue;
        };
        for (file_name, _) in fs::list(&files_dir).await.unwrap_or_default() {
            let Some(sha) = sha256_of_stored_name(&file_name).filter(|s| wanted.contains(s)) else {
                continue;
            };
            if let Ok(Some(bytes)) = fs::read_bytes(&files_dir, &file_name).await {
                let stored = StoredFile::new(bytes);
                if stored.sha256 == sha {
                    wanted.remove(stored.sha256.as_str());
                    out.push(stored);
                }
            }
        }
        if wanted.is_empty() {
            break;
        }
    }
    out
}

/// The office settings of the newest `device.json` in the folder, for a PC that joins the
/// office by choosing its folder (so nothing is typed twice).
pub async fn settings_from_folder(folder: &JsValue) -> Result<Option<OfficeSettings>, String> {
    let Some(root) = fs::subfolder(folder, ROOT_DIR, false).await? else {
        return Ok(None);
    };
    let Some(devices_dir) = fs::subfolder(&root, DEVICES_DIR, false).await? else {
        return Ok(None);
    };
    let mut newest: Option<(String, OfficeSettings)> = None;
    for (name, is_dir) in fs::list(&devices_dir).await? {
        if !is_dir || DeviceId::parse(&name).is_none() {
            continue;
        }
        let Some(device_dir) = fs::subfolder(&devices_dir, &name, false).await? else {
            continue;
        };
        let Ok(Some(text)) = fs::read_text(&device_dir, DEVICE_FILE).await else {
            continue;
        };
        if let Some((at, s)) = settings_in_device_file(&text) {
            if newest.as_ref().is_none_or(|(t, _)| at > *t) {
                newest = Some((at, s));
            }
        }
    }
    Ok(newest.map(|(_, s)| s))
}

/// Reads one chain folder of `device` (`key` names the folder, for remembering what was seen)
/// into `merged`: only the segments past what is held, and the whole chain when the folder
/// holds another history of the device.
#[allow(clippy::too_many_arguments)]
async fn read_chain_dir(
    chain_dir: &JsValue,
    device: &DeviceId,
    key: &str,
    listing: &[(String, bool)],
    ledger: &OfficeLedger,
    merged: &mut Option<OfficeLedger>,
    memory: &mut FolderMemory,
    report: &mut SyncReport,
    hashes: &mut HashWork<'_>,
) -> Result<(), String> {
    let segments = segments_in(listing);
    hashes.candidates.clear();
    let seen = memory.seen.entry(key.to_string()).or_default();
    if segments.iter().all(|(_, n)| seen.contains(n)) {
        return Ok(());
    }
    let merged = merged.get_or_insert_with(|| ledger.clone());
    let problem = |file: &str, message: String| SegmentProblem {
        device: device.clone(),
        file: file.to_string(),
        message,
    };
    let only: Vec<Segment> = segments.iter().map(|(s, _)| *s).collect();
    let held_chain = merged.chain(device).cloned();
    let held = held_chain.as_ref().map_or(0, |c| c.len() as u64);
    let Some(plan) = segments_to_read(&only, held) else {
        report.problems.push(problem(
            CHAIN_DIR,
            format!("記録{held}より後のファイルが欠けています"),
        ));
        return Ok(());
    };
    let mut outcome = Ok(FolderMerge::Merged(crate::ledger::ChainMerge::Nothing));
    if plan.is_empty() {
        // Nothing past what is held: still, the folder's version of the held part must be the
        // held one; its last segment's last entry says so.
        if let (Some(chain), Some(last)) = (&held_chain, only.iter().max_by_key(|s| s.last)) {
            match read_segments(chain_dir, device, key, &[*last], hashes).await {
                Err(p) => report.problems.push(p),
                Ok(read) => {
                    let tail = read[0]
                        .1
                        .last()
                        .expect("a segment holds at least one entry");
                    if chain.get(tail.seq).is_none_or(|e| e.hash != tail.hash) {
                        outcome = Ok(FolderMerge::NeedsFullRead);
                    }
                }
            }
        }
    } else {
        let read = match read_segments(chain_dir, device, key, &plan, hashes).await {
            Ok(r) => r,
            Err(p) => {
                report.problems.push(p);
                return Ok(());
            }
        };
        let after = match entries_after(held, read) {
            Ok(a) => a,
            Err(m) => {
                report.problems.push(problem(CHAIN_DIR, m));
                return Ok(());
            }
        };
        outcome = add_continuation(merged, device, &after, hashes.mode);
    }
    let outcome = match outcome {
        Ok(FolderMerge::NeedsFullRead) => {
            // Another history of this device: read it whole, keep it beside.
            let Some(full_plan) = segments_to_read(&only, 0) else {
                return Ok(());
            };
            match read_segments(chain_dir, device, key, &full_plan, hashes).await {
                Err(p) => {
                    report.problems.push(p);
                    return Ok(());
                }
                Ok(read) => match entries_after(0, read) {
                    Err(m) => {
                        report.problems.push(problem(CHAIN_DIR, m));
                        return Ok(());
                    }
                    Ok(all) => add_full_chain(merged, device, all, hashes.mode).map(|_| ()),
                },
            }
        }
        Ok(FolderMerge::Merged(_)) => Ok(()),
        Err(v) => Err(v),
    };
    match outcome {
        Ok(()) => {
            for (_, n) in &segments {
                seen.insert(n.clone());
            }
            hashes.accepted.append(&mut hashes.candidates);
        }
        Err(v) => {
            let bad = v.first_bad.as_ref().map_or(0, |(s, _)| *s);
            let file = plan
                .iter()
                .find(|s| s.first <= bad && bad <= s.last)
                .map_or_else(|| CHAIN_DIR.to_string(), Segment::file_name);
            report.problems.push(problem(&file, v.message_ja()));
        }
    }
    Ok(())
}

/// Writes what `chain_dir` lacks of `chain` as one new segment (or, past [`COMPACT_AFTER`]
/// segments, the whole chain as one and removes the others). Returns the entries written.
async fn write_chain_dir(
    chain_dir: &JsValue,
    chain: &DeviceChain,
    seen: &mut HashSet<String>,
) -> Result<u64, String> {
    let listing = fs::list(chain_dir).await?;
    let segments = segments_in(&listing);
    let only: Vec<Segment> = segments.iter().map(|(s, _)| *s).collect();
    let covered = match segments_to_read(&only, 0) {
        Some(plan) => plan.last().map_or(0, |s| s.last),
        None => 0,
    };
    let held = chain.len() as u64;
    let mut written = 0;
    if held > covered {
        let compact = segments.len() >= COMPACT_AFTER;
        let from = if compact { 1 } else { covered + 1 };
        let seg = Segment {
            first: from,
            last: held,
        };
        let text = segment_text(&chain.entries()[(from - 1) as usize..]);
        let back = fs::write_and_read_back(chain_dir, &seg.file_name(), &text).await?;
        if back != text {
            return Err(format!(
                "台帳フォルダに書いた「{}」を読み直したところ一致しませんでした",
                seg.file_name()
            ));
        }
        seen.insert(seg.file_name());
        written = held - covered;
        if compact {
            for (s, name) in &segments {
                if *s != seg {
                    fs::remove(chain_dir, name).await?;
                    seen.remove(name);
                }
            }
        }
    }
    for (_, name) in segments {
        seen.insert(name);
    }
    Ok(written)
}
