//! The backup file (バックアップ): one JSON document with every device chain of the office
//! ledger, the kept conflicts, optional file bytes and settings, the office checkpoint's
//! まとめハッシュ, sealed with a document digest.
//!
//! The format is specified in `docs/backup-format.md`; keep the two in step. Format 2 is
//! written; formats 1 and 2 are read (format 1 is migrated: its chain becomes a legacy device
//! chain, [`super::migration`]). Reading never panics and refuses, with a Japanese message,
//! anything that does not verify. What a backup cannot prove is who wrote it: anyone can
//! write a self-consistent one. A checkpoint kept outside is what pins the history.

mod fast;
pub mod handoff;
pub mod v1;

use super::canonical::{canonicalize, parse_strict};
use super::chain::{verify_device_chain_with, ChainOrigin, DeviceChain, HashCheck};
use super::checkpoint::office_root;
use super::checkpoint::{DeviceHead, OfficeCheckpoint};
use super::device::DeviceId;
use super::entry::Entry;
use super::office::OfficeLedger;
use super::value_io::{FormatError, Obj};
use crate::fingerprint::{sha256_hex, to_hex};
use crate::jpdate::Timestamp;
use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;

/// `header.format`.
pub const FORMAT_NAME: &str = "careplan-ledger-backup";
/// `header.format_version` written now.
pub const FORMAT_VERSION: u64 = 2;
/// `header.hash_algorithm`.
pub const HASH_ALGORITHM: &str = "SHA-256";
/// `header.canonicalization`: RFC 8785 with integers only.
pub const CANONICALIZATION: &str = "RFC8785-JCS (integers only)";

/// The original bytes of a recorded file, kept once per SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub sha256: String,
    pub bytes: Vec<u8>,
}

impl StoredFile {
    pub fn new(bytes: Vec<u8>) -> StoredFile {
        StoredFile {
            sha256: sha256_hex(&bytes),
            bytes,
        }
    }
}

/// The header (見出し) of a format-2 backup (a format-1 one is described in the same terms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupHeader {
    /// The format the file was written in (1 or 2).
    pub format_version: u64,
    pub app_version: String,
    pub office_number: String,
    pub created_at: Timestamp,
    pub device_count: u64,
    pub entry_count: u64,
    pub conflict_count: u64,
    pub file_count: u64,
    /// The office checkpoint's まとめハッシュ over the chains (format 2).
    pub checkpoint_root: String,
}

/// A parsed and fully verified backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub header: BackupHeader,
    /// Every chain and conflict, verified and merged.
    pub ledger: OfficeLedger,
    pub files: Vec<StoredFile>,
    /// Settings without secrets (`docs/backup-format.md` lists the keys).
    pub settings: Map<String, Value>,
    /// The digest that sealed the document.
    pub document_sha256: String,
}

impl Backup {
    /// The office checkpoint of the backup's ledger (its まとめハッシュ is the header's).
    pub fn checkpoint(&self) -> OfficeCheckpoint {
        OfficeCheckpoint::of(&self.ledger, self.header.created_at)
    }
}

/// What goes into a backup.
#[derive(Debug, Clone, Copy)]
pub struct BackupInput<'a> {
    pub app_version: &'a str,
    pub created_at: Timestamp,
    pub ledger: &'a OfficeLedger,
    /// File bytes to include (empty for a backup without files). Duplicates are dropped.
    pub files: &'a [StoredFile],
    /// Must not contain secrets: this module cannot know which keys are secret.
    pub settings: &'a Map<String, Value>,
}

/// Why a backup was not written or not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupError {
    /// Not JSON, or JSON without the documented shape.
    Format(String),
    /// A JSON file, but not one of our backups.
    NotABackup,
    /// A backup from a newer app.
    UnsupportedVersion(u64),
    /// A chain breaks at `seq` (`device` names it; empty for a format-1 main chain).
    Tampered { seq: u64, message: String },
    /// A kept branch (format 1) or conflict (format 2) breaks at `seq`.
    BranchTampered { branch: usize, seq: u64 },
    /// The header does not describe the entries.
    HeaderMismatch(String),
    /// File bytes do not match their SHA-256.
    FileCorrupt { sha256: String },
    /// Something outside the entries (header, settings, files) changed after writing.
    DigestMismatch,
    /// Settings contain a value the canonical form refuses (e.g. a float).
    BadSettings(String),
}

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupError::Format(m) => write!(f, "バックアップファイルの形式が正しくありません: {m}"),
            BackupError::NotABackup => {
                f.write_str("このファイルは証跡台帳のバックアップではありません")
            }
            BackupError::UnsupportedVersion(v) => write!(
                f,
                "このバックアップは新しい版(形式 {v})で作られています。アプリを新しくしてから読み込んでください"
            ),
            BackupError::Tampered { seq, message } => write!(
                f,
                "バックアップの記録{seq}が書き換えられているため、読み込みを中止しました。{message}"
            ),
            BackupError::BranchTampered { branch, seq } => write!(
                f,
                "バックアップ内の保管分岐{}の記録{seq}が書き換えられているため、読み込みを中止しました",
                branch + 1
            ),
            BackupError::HeaderMismatch(m) => write!(
                f,
                "バックアップの見出しと記録が一致しないため、読み込みを中止しました: {m}"
            ),
            BackupError::FileCorrupt { sha256 } => write!(
                f,
                "バックアップ内のファイル(SHA-256 {}…)の中身が壊れているため、読み込みを中止しました",
                &sha256[..sha256.len().min(16)]
            ),
            BackupError::DigestMismatch => f.write_str(
                "バックアップの見出し・設定・ファイルのどこかが書き出し後に変わっているため、読み込みを中止しました",
            ),
            BackupError::BadSettings(m) => write!(f, "設定を書き出せません: {m}"),
        }
    }
}

impl std::error::Error for BackupError {}

impl From<FormatError> for BackupError {
    fn from(e: FormatError) -> Self {
        BackupError::Format(e.0)
    }
}

pub(crate) fn file_value(f: &StoredFile) -> Value {
    json!({
        "sha256": f.sha256,
        "size": f.bytes.len() as u64,
        "base64": base64::engine::general_purpose::STANDARD.encode(&f.bytes),
    })
}

/// The document digest: SHA-256 of the canonical form of the document without
/// `document_sha256`.
pub(crate) fn document_digest(doc_without_digest: &Value) -> Result<String, BackupError> {
    let text = canonicalize(doc_without_digest).map_err(|e| BackupError::BadSettings(e.0))?;
    Ok(to_hex(&Sha256::digest(text.as_bytes())))
}

/// Reads `files`: each decoded and checked against its size and SHA-256, in ascending
/// SHA-256 order without repeats.
pub(crate) fn read_files(items: &[Value]) -> Result<Vec<StoredFile>, BackupError> {
    let mut files: Vec<StoredFile> = Vec::new();
    for (i, fv) in items.iter().enumerate() {
        let mut f = Obj::new(fv, format!("files[{i}]"))?;
        let sha256 = f.str("sha256")?.to_string();
        let size = f.u64("size")?;
        let encoded = f.str("base64")?;
        f.finish()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| BackupError::FileCorrupt {
                sha256: sha256.clone(),
            })?;
        if bytes.len() as u64 != size || sha256_hex(&bytes) != sha256 {
            return Err(BackupError::FileCorrupt { sha256 });
        }
        if files.last().is_some_and(|prev| prev.sha256 >= sha256) {
            return Err(BackupError::Format(
                "files は SHA-256 の昇順で、重複なしに並んでいる必要があります".into(),
            ));
        }
        files.push(StoredFile { sha256, bytes });
    }
    Ok(files)
}

/// A backup's files, settings and document digest, as read by [`read_sealed_rest`].
pub(crate) type SealedRest = (Vec<StoredFile>, Map<String, Value>, String);

/// The part every format ends with: `files` (as many as the header says), `settings` (an
/// object), and the document digest, checked over the whole document. Finishes `o` (unknown
/// keys refused).
pub(crate) fn read_sealed_rest(
    mut o: Obj<'_>,
    doc: &Value,
    file_count: u64,
) -> Result<SealedRest, BackupError> {
    let files = read_files(o.array("files")?)?;
    if files.len() as u64 != file_count {
        return Err(BackupError::HeaderMismatch(
            "ファイルの数が見出しと違います".into(),
        ));
    }
    let settings = match o.req("settings")? {
        Value::Object(m) => m.clone(),
        _ => {
            return Err(BackupError::Format(
                "settings はオブジェクトである必要があります".into(),
            ))
        }
    };
    let stated_digest = o.str("document_sha256")?.to_string();
    o.finish()?;
    let mut without_digest = doc.clone();
    if let Value::Object(m) = &mut without_digest {
        m.remove("document_sha256");
    }
    if document_digest(&without_digest)? != stated_digest {
        return Err(BackupError::DigestMismatch);
    }
    Ok((files, settings, stated_digest))
}

/// The heads of a ledger's shown chains, as the まとめハッシュ's leaves.
pub(crate) fn heads_of(ledger: &OfficeLedger) -> Vec<DeviceHead> {
    ledger
        .chains()
        .map(|c| {
            let h = c.head();
            DeviceHead {
                device: h.device,
                entry_count: h.entry_count,
                head_hash: h.hash,
                name: String::new(),
            }
        })
        .collect()
}

/// A chain's fields besides its entries, and its entries' lines, as a backup writes them.
struct ChainText {
    device_id: String,
    origin: &'static str,
    entry_count: u64,
    head_hash: String,
    lines: Vec<String>,
}

impl ChainText {
    fn of(chain: &DeviceChain) -> ChainText {
        let head = chain.head();
        ChainText {
            device_id: chain.device().as_str().to_string(),
            origin: match chain.origin() {
                ChainOrigin::Bound => "bound",
                ChainOrigin::Legacy => "legacy",
            },
            entry_count: head.entry_count,
            head_hash: head.hash,
            lines: chain.entries().iter().map(Entry::to_json).collect(),
        }
    }

    fn parts(&self) -> fast::ChainParts<'_> {
        fast::ChainParts {
            device_id: &self.device_id,
            origin: self.origin,
            entry_count: self.entry_count,
            head_hash: &self.head_hash,
            lines: self.lines.iter().map(String::as_str).collect(),
        }
    }
}

/// Writes a format-2 backup of `input.ledger` (whose chains are verified by construction) and
/// the given files (refused when their bytes do not match their hash).
///
/// Layout: the header, each chain's fields and then one entry per line, so the file can be
/// read and compared with ordinary tools; whitespace carries no meaning (the digest is over
/// the canonical form). Each entry's line is its canonical text, written once and used for
/// both the file and the digest.
pub fn write_backup(input: &BackupInput<'_>) -> Result<String, BackupError> {
    let ledger = input.ledger;
    let mut files: BTreeMap<&str, &StoredFile> = BTreeMap::new();
    for f in input.files {
        if sha256_hex(&f.bytes) != f.sha256 {
            return Err(BackupError::FileCorrupt {
                sha256: f.sha256.clone(),
            });
        }
        files.insert(&f.sha256, f);
    }
    let header = json!({
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "app_version": input.app_version,
        "office_number": ledger.office_number(),
        "created_at": input.created_at.to_rfc3339(),
        "hash_algorithm": HASH_ALGORITHM,
        "canonicalization": CANONICALIZATION,
        "device_count": ledger.device_count() as u64,
        "entry_count": ledger.entry_count(),
        "conflict_count": ledger.conflicts().len() as u64,
        "file_count": files.len() as u64,
        "checkpoint_root": office_root(&heads_of(ledger)),
    });
    let chains: Vec<ChainText> = ledger.chains().map(ChainText::of).collect();
    let conflicts: Vec<ChainText> = ledger
        .conflicts()
        .iter()
        .map(|c| ChainText::of(&c.chain))
        .collect();
    let file_vs: Vec<Value> = files.values().map(|f| file_value(f)).collect();

    // Everything but the chains, for the parts written from a value.
    let mut doc = Map::new();
    doc.insert("header".into(), header);
    doc.insert("files".into(), Value::Array(file_vs));
    doc.insert("settings".into(), Value::Object(input.settings.clone()));
    let doc = Value::Object(doc);
    let chain_parts: Vec<fast::ChainParts<'_>> = chains.iter().map(ChainText::parts).collect();
    let conflict_parts: Vec<fast::ChainParts<'_>> =
        conflicts.iter().map(ChainText::parts).collect();
    let digest = fast::digest_v2(
        &doc["header"],
        &chain_parts,
        &conflict_parts,
        &doc["files"],
        &doc["settings"],
    )?;

    let mut out = String::with_capacity(ledger.entry_count() as usize * 700 + 1024);
    out.push_str("{\n\"header\": ");
    out.push_str(&json_line(&doc["header"]));
    for (key, items) in [("chains", &chains), ("conflicts", &conflicts)] {
        out.push_str(",\n\"");
        out.push_str(key);
        out.push_str("\": [");
        for (i, item) in items.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            // The chain's own fields on one line, then its entries one per line.
            let head_text = json_line(&json!({
                "device_id": item.device_id,
                "origin": item.origin,
                "entry_count": item.entry_count,
                "head_hash": item.head_hash,
            }));
            out.push_str(&head_text[..head_text.len() - 1]);
            out.push_str(",\"entries\":[");
            for (j, line) in item.lines.iter().enumerate() {
                out.push_str(if j == 0 { "\n" } else { ",\n" });
                out.push_str(line);
            }
            out.push_str(if item.lines.is_empty() { "]}" } else { "\n]}" });
        }
        out.push_str(if items.is_empty() { "]" } else { "\n]" });
    }
    push_array_lines(&mut out, &doc, "files");
    push_sealed_tail(&mut out, &doc, &digest);
    Ok(out)
}

/// One JSON value as compact text (a line of the written backup).
pub(crate) fn json_line(v: &Value) -> String {
    serde_json::to_string(v).expect("a Value always serializes")
}

/// Writes `,\n"<key>": [` with each item of `doc[key]` on its own line.
pub(crate) fn push_array_lines(out: &mut String, doc: &Value, key: &str) {
    out.push_str(",\n\"");
    out.push_str(key);
    out.push_str("\": [");
    let items = doc[key].as_array().expect("built as array");
    for (i, item) in items.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&json_line(item));
    }
    out.push_str(if items.is_empty() { "]" } else { "\n]" });
}

/// Writes the end every format shares: `settings`, then `document_sha256`, and the close.
pub(crate) fn push_sealed_tail(out: &mut String, doc: &Value, digest: &str) {
    out.push_str(",\n\"settings\": ");
    out.push_str(&json_line(&doc["settings"]));
    out.push_str(",\n\"document_sha256\": \"");
    out.push_str(digest);
    out.push_str("\"\n}\n");
}

fn read_chain(
    v: &Value,
    path: &str,
    office_number: &str,
    index: usize,
    conflict: bool,
) -> Result<DeviceChain, BackupError> {
    let mut o = Obj::new(v, path)?;
    let device_text = o.str("device_id")?;
    let device = DeviceId::parse(device_text).ok_or_else(|| {
        BackupError::Format(format!("{path}.device_id は小文字16進32桁の端末IDです"))
    })?;
    let origin = o.str("origin")?;
    let entry_count = o.u64("entry_count")?;
    let head_hash = o.str("head_hash")?;
    let entries = o
        .array("entries")?
        .iter()
        .enumerate()
        .map(|(i, e)| Entry::from_value(e, &format!("{path}.entries[{i}]"), &device))
        .collect::<Result<Vec<_>, _>>()?;
    o.finish()?;
    let stated = StatedChain {
        path,
        origin,
        entry_count,
        head_hash,
        index,
        conflict,
    };
    chain_of(
        office_number,
        device,
        entries,
        &stated,
        HashCheck::Recompute,
    )
}

/// What a backup says about one chain besides its entries.
struct StatedChain<'a> {
    path: &'a str,
    origin: &'a str,
    entry_count: u64,
    head_hash: &'a str,
    /// Its place in `chains` or `conflicts`.
    index: usize,
    conflict: bool,
}

/// Verifies a chain read from a backup and checks it against what the backup says of it.
/// `hashes`: [`HashCheck::Deferred`] only when the caller has checked every entry's hash.
fn chain_of(
    office_number: &str,
    device: DeviceId,
    entries: Vec<Entry>,
    stated: &StatedChain<'_>,
    hashes: HashCheck,
) -> Result<DeviceChain, BackupError> {
    let v = verify_device_chain_with(office_number, &device, &entries, hashes);
    if let Some((seq, _)) = v.first_bad {
        return Err(if stated.conflict {
            BackupError::BranchTampered {
                branch: stated.index,
                seq,
            }
        } else {
            BackupError::Tampered {
                seq,
                message: format!("端末 {}: {}", device.short(), v.message_ja()),
            }
        });
    }
    // Verified just now: not again.
    let chain = DeviceChain::verified(office_number, device, entries);
    let head = chain.head();
    let stated_origin = match chain.origin() {
        ChainOrigin::Bound => "bound",
        ChainOrigin::Legacy => "legacy",
    };
    if head.entry_count != stated.entry_count
        || head.hash != stated.head_hash
        || stated.origin != stated_origin
    {
        return Err(BackupError::HeaderMismatch(format!(
            "{} の件数・最終ハッシュ・始まりの種類が記録と一致しません",
            stated.path
        )));
    }
    Ok(chain)
}

/// Reads and verifies a backup of either format. Order of checks (format 2): JSON and shape,
/// header identity, every chain (first bad seq), the header's counts and まとめハッシュ, files
/// against their SHA-256, and finally the document digest over everything.
pub fn read_backup(text: &str) -> Result<Backup, BackupError> {
    // A backup written as this app writes it is read without a value of the whole document;
    // anything else (or anything wrong) is decided by the strict reading below.
    if let Some(backup) = fast::read_v2(text) {
        return Ok(backup);
    }
    read_backup_strictly(text)
}

/// [`read_backup`] through a value of the whole document, always (every problem is named
/// here; tests compare the two readings).
pub fn read_backup_strictly(text: &str) -> Result<Backup, BackupError> {
    let doc = parse_strict(text).map_err(|e| BackupError::Format(e.0))?;
    let version = doc
        .get("header")
        .and_then(|h| h.get("format"))
        .and_then(Value::as_str)
        .filter(|f| *f == FORMAT_NAME)
        .and_then(|_| doc["header"].get("format_version"))
        .and_then(Value::as_u64)
        .ok_or(BackupError::NotABackup)?;
    match version {
        1 => {
            let old = v1::read_v1(doc)?;
            super::migration::backup_from_v1(old)
        }
        2 => read_v2(&doc),
        v => Err(BackupError::UnsupportedVersion(v)),
    }
}

fn read_v2(doc: &Value) -> Result<Backup, BackupError> {
    let mut o = Obj::new(doc, "").map_err(|_| BackupError::NotABackup)?;
    let header = read_header_v2(o.req("header")?)?;
    let office = header.office_number.clone();
    let chains = o
        .array("chains")?
        .iter()
        .enumerate()
        .map(|(i, cv)| read_chain(cv, &format!("chains[{i}]"), &office, i, false));
    let conflicts = |o: &mut Obj<'_>| -> Result<Vec<DeviceChain>, BackupError> {
        o.array("conflicts")?
            .iter()
            .enumerate()
            .map(|(i, cv)| read_chain(cv, &format!("conflicts[{i}]"), &office, i, true))
            .collect()
    };
    let mut ledger = OfficeLedger::new(&office);
    add_chains(&mut ledger, chains)?;
    let stated_heads = heads_of(&ledger);
    for chain in conflicts(&mut o)? {
        ledger
            .add_chain(chain)
            .map_err(|e| BackupError::Format(e.to_string()))?;
    }
    check_header(&header, &ledger, &stated_heads)?;
    let (files, settings, stated_digest) = read_sealed_rest(o, doc, header.file_count)?;
    Ok(Backup {
        header,
        ledger,
        files,
        settings,
        document_sha256: stated_digest,
    })
}

/// The header of a format-2 backup (its `format` and `format_version` already recognised).
fn read_header_v2(v: &Value) -> Result<BackupHeader, BackupError> {
    let mut h = Obj::new(v, "header")?;
    h.str("format")?;
    h.u64("format_version")?;
    let created_at_text = h.str("created_at")?;
    let header = BackupHeader {
        format_version: FORMAT_VERSION,
        app_version: h.str("app_version")?.to_string(),
        office_number: h.str("office_number")?.to_string(),
        created_at: Timestamp::parse_rfc3339(created_at_text)
            .map_err(|e| BackupError::Format(format!("header.created_at: {e}")))?,
        device_count: h.u64("device_count")?,
        entry_count: h.u64("entry_count")?,
        conflict_count: h.u64("conflict_count")?,
        file_count: h.u64("file_count")?,
        checkpoint_root: h.str("checkpoint_root")?.to_string(),
    };
    let algorithm_ok = h.str("hash_algorithm")? == HASH_ALGORITHM
        && h.str("canonicalization")? == CANONICALIZATION;
    h.finish()?;
    if !algorithm_ok {
        return Err(BackupError::HeaderMismatch(
            "ハッシュ方式・正規化方式が対応していないものです".into(),
        ));
    }
    Ok(header)
}

/// Adds the backup's `chains` in order: one per device.
fn add_chains(
    ledger: &mut OfficeLedger,
    chains: impl Iterator<Item = Result<DeviceChain, BackupError>>,
) -> Result<(), BackupError> {
    let mut seen = std::collections::BTreeSet::new();
    for (i, chain) in chains.enumerate() {
        let chain = chain?;
        if !seen.insert(chain.device().clone()) {
            return Err(BackupError::Format(format!(
                "chains[{i}]: 同じ端末の鎖が2つあります(食い違いは conflicts に入ります)"
            )));
        }
        ledger
            .add_chain(chain)
            .map_err(|e| BackupError::Format(e.to_string()))?;
    }
    Ok(())
}

/// The header's counts and まとめハッシュ against the chains read (`stated_heads`: the heads
/// of `chains` before the conflicts were added).
fn check_header(
    header: &BackupHeader,
    ledger: &OfficeLedger,
    stated_heads: &[DeviceHead],
) -> Result<(), BackupError> {
    if ledger.device_count() as u64 != header.device_count
        || ledger.conflicts().len() as u64 != header.conflict_count
    {
        return Err(BackupError::HeaderMismatch(
            "端末の数または食い違いの数が見出しと違います".into(),
        ));
    }
    if ledger.entry_count() != header.entry_count {
        return Err(BackupError::HeaderMismatch(format!(
            "見出しの記録件数は{}件、実際は{}件です",
            header.entry_count,
            ledger.entry_count()
        )));
    }
    if heads_of(ledger) != stated_heads || office_root(stated_heads) != header.checkpoint_root {
        return Err(BackupError::HeaderMismatch(
            "見出しのまとめハッシュが端末の記録と一致しません".into(),
        ));
    }
    Ok(())
}
