//! The backup file (バックアップ): one JSON document with a header, the entries, kept fork
//! branches, optional file bytes and settings, sealed with a document digest.
//!
//! The format is specified in `docs/backup-format.md`; keep the two in step. Reading never
//! panics and refuses, with a Japanese message, anything that does not verify: a changed entry
//! is reported with its seq; a changed header, setting or file with what changed. What a
//! backup cannot prove is who wrote it: anyone can write a self-consistent backup. The
//! checkpoint (kept outside) is what pins the history.

use super::branch::KeptBranch;
use super::canonical::{canonicalize, parse_strict};
use super::chain::{verify, verify_from, ChainHead, GENESIS_PREV_HASH};
use super::entry::Entry;
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
/// `header.format_version`: bump when a reader of the old version could misread the new one.
pub const FORMAT_VERSION: u64 = 1;
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

/// The header (見出し) of a backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupHeader {
    pub format: String,
    pub format_version: u64,
    pub app_version: String,
    pub office_number: String,
    pub created_at: Timestamp,
    pub hash_algorithm: String,
    pub canonicalization: String,
    pub genesis_prev_hash: String,
    pub entry_count: u64,
    pub head_hash: String,
    pub branch_count: u64,
    pub file_count: u64,
}

/// A parsed and fully verified backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub header: BackupHeader,
    pub entries: Vec<Entry>,
    pub branches: Vec<KeptBranch>,
    pub files: Vec<StoredFile>,
    /// Settings without secrets (office number, office name, staff list, retention years…),
    /// as a JSON object of strings, integers, booleans, arrays and objects.
    pub settings: Map<String, Value>,
    /// The digest that sealed the document.
    pub document_sha256: String,
}

/// What goes into a backup.
#[derive(Debug, Clone, Copy)]
pub struct BackupInput<'a> {
    pub app_version: &'a str,
    pub office_number: &'a str,
    pub created_at: Timestamp,
    pub entries: &'a [Entry],
    pub branches: &'a [KeptBranch],
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
    /// The main chain breaks at `seq`.
    Tampered { seq: u64, message: String },
    /// A kept branch breaks at `seq`.
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

fn header_value(h: &BackupHeader) -> Value {
    json!({
        "format": h.format,
        "format_version": h.format_version,
        "app_version": h.app_version,
        "office_number": h.office_number,
        "created_at": h.created_at.to_rfc3339(),
        "hash_algorithm": h.hash_algorithm,
        "canonicalization": h.canonicalization,
        "genesis_prev_hash": h.genesis_prev_hash,
        "entry_count": h.entry_count,
        "head_hash": h.head_hash,
        "branch_count": h.branch_count,
        "file_count": h.file_count,
    })
}

fn file_value(f: &StoredFile) -> Value {
    json!({
        "sha256": f.sha256,
        "size": f.bytes.len() as u64,
        "base64": base64::engine::general_purpose::STANDARD.encode(&f.bytes),
    })
}

/// The document digest: SHA-256 of the canonical form of the document without
/// `document_sha256`.
fn document_digest(doc_without_digest: &Value) -> Result<String, BackupError> {
    let text = canonicalize(doc_without_digest).map_err(|e| BackupError::BadSettings(e.0))?;
    Ok(to_hex(&Sha256::digest(text.as_bytes())))
}

/// Writes a backup. Refuses a ledger whose chain does not verify (a broken ledger should be
/// restored, not copied) and file bytes that do not match their hash.
///
/// Layout: one entry per line, so the file can be read and compared with ordinary tools;
/// whitespace carries no meaning (the digest is over the canonical form).
pub fn write_backup(input: &BackupInput<'_>) -> Result<String, BackupError> {
    let v = verify(input.entries);
    if let Some((seq, _)) = v.first_bad {
        return Err(BackupError::Tampered {
            seq,
            message: v.message_ja(),
        });
    }
    for (i, b) in input.branches.iter().enumerate() {
        if let Some((seq, _)) = b.verify().first_bad {
            return Err(BackupError::BranchTampered { branch: i, seq });
        }
    }
    let mut files: BTreeMap<&str, &StoredFile> = BTreeMap::new();
    for f in input.files {
        if sha256_hex(&f.bytes) != f.sha256 {
            return Err(BackupError::FileCorrupt {
                sha256: f.sha256.clone(),
            });
        }
        files.insert(&f.sha256, f);
    }
    let head = ChainHead::of(input.entries);
    let header = BackupHeader {
        format: FORMAT_NAME.into(),
        format_version: FORMAT_VERSION,
        app_version: input.app_version.into(),
        office_number: input.office_number.into(),
        created_at: input.created_at,
        hash_algorithm: HASH_ALGORITHM.into(),
        canonicalization: CANONICALIZATION.into(),
        genesis_prev_hash: GENESIS_PREV_HASH.into(),
        entry_count: head.entry_count,
        head_hash: head.hash,
        branch_count: input.branches.len() as u64,
        file_count: files.len() as u64,
    };

    let header_v = header_value(&header);
    let entry_vs: Vec<Value> = input.entries.iter().map(Entry::to_value).collect();
    let branch_vs: Vec<Value> = input.branches.iter().map(KeptBranch::to_value).collect();
    let file_vs: Vec<Value> = files.values().map(|f| file_value(f)).collect();
    let settings_v = Value::Object(input.settings.clone());

    let mut doc = Map::new();
    doc.insert("header".into(), header_v);
    doc.insert("entries".into(), Value::Array(entry_vs));
    doc.insert("branches".into(), Value::Array(branch_vs));
    doc.insert("files".into(), Value::Array(file_vs));
    doc.insert("settings".into(), settings_v);
    let doc = Value::Object(doc);
    let digest = document_digest(&doc)?;

    let mut out = String::with_capacity(input.entries.len() * 700 + 1024);
    let line = |v: &Value| serde_json::to_string(v).expect("a Value always serializes");
    out.push_str("{\n\"header\": ");
    out.push_str(&line(&doc["header"]));
    for key in ["entries", "branches", "files"] {
        out.push_str(",\n\"");
        out.push_str(key);
        out.push_str("\": [");
        let items = doc[key].as_array().expect("built as array");
        for (i, item) in items.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(&line(item));
        }
        out.push_str(if items.is_empty() { "]" } else { "\n]" });
    }
    out.push_str(",\n\"settings\": ");
    out.push_str(&line(&doc["settings"]));
    out.push_str(",\n\"document_sha256\": \"");
    out.push_str(&digest);
    out.push_str("\"\n}\n");
    Ok(out)
}

fn read_header(v: &Value) -> Result<BackupHeader, BackupError> {
    let mut o = Obj::new(v, "header")?;
    // Identify the document before anything else, so a wrong file gets the plain message.
    let format = o.str("format").map_err(|_| BackupError::NotABackup)?;
    if format != FORMAT_NAME {
        return Err(BackupError::NotABackup);
    }
    let format_version = o.u64("format_version")?;
    if format_version != FORMAT_VERSION {
        return Err(BackupError::UnsupportedVersion(format_version));
    }
    let created_at_text = o.str("created_at")?;
    let header = BackupHeader {
        format: format.to_string(),
        format_version,
        app_version: o.str("app_version")?.to_string(),
        office_number: o.str("office_number")?.to_string(),
        created_at: Timestamp::parse_rfc3339(created_at_text)
            .map_err(|e| BackupError::Format(format!("header.created_at: {e}")))?,
        hash_algorithm: o.str("hash_algorithm")?.to_string(),
        canonicalization: o.str("canonicalization")?.to_string(),
        genesis_prev_hash: o.str("genesis_prev_hash")?.to_string(),
        entry_count: o.u64("entry_count")?,
        head_hash: o.str("head_hash")?.to_string(),
        branch_count: o.u64("branch_count")?,
        file_count: o.u64("file_count")?,
    };
    o.finish()?;
    if header.hash_algorithm != HASH_ALGORITHM
        || header.canonicalization != CANONICALIZATION
        || header.genesis_prev_hash != GENESIS_PREV_HASH
    {
        return Err(BackupError::HeaderMismatch(
            "ハッシュ方式・正規化方式が対応していないものです".into(),
        ));
    }
    Ok(header)
}

fn read_entries(items: &[Value], path: &str) -> Result<Vec<Entry>, BackupError> {
    items
        .iter()
        .enumerate()
        .map(|(i, v)| Entry::from_value(v, &format!("{path}[{i}]")).map_err(Into::into))
        .collect()
}

/// Reads and verifies a backup. Order of checks: JSON and shape, header identity, main chain
/// (first bad seq), header against chain, branches, files against their SHA-256, and finally
/// the document digest over everything.
pub fn read_backup(text: &str) -> Result<Backup, BackupError> {
    let doc = parse_strict(text).map_err(|e| BackupError::Format(e.0))?;
    let mut o = Obj::new(&doc, "").map_err(|_| BackupError::NotABackup)?;
    let header = read_header(o.req("header").map_err(|_| BackupError::NotABackup)?)?;

    let entries = read_entries(o.array("entries")?, "entries")?;
    let v = verify(&entries);
    if let Some((seq, _)) = v.first_bad {
        return Err(BackupError::Tampered {
            seq,
            message: v.message_ja(),
        });
    }
    let head = ChainHead::of(&entries);
    if head.entry_count != header.entry_count {
        return Err(BackupError::HeaderMismatch(format!(
            "見出しの記録件数は{}件、実際は{}件です",
            header.entry_count, head.entry_count
        )));
    }
    if head.hash != header.head_hash {
        return Err(BackupError::HeaderMismatch(
            "見出しの最終ハッシュが最後の記録と一致しません".into(),
        ));
    }

    let mut branches = Vec::new();
    for (i, bv) in o.array("branches")?.iter().enumerate() {
        let path = format!("branches[{i}]");
        let branch = KeptBranch::from_value(bv, &path)?;
        if let Some((seq, _)) = branch.verify().first_bad {
            return Err(BackupError::BranchTampered { branch: i, seq });
        }
        branches.push(branch);
    }
    if branches.len() as u64 != header.branch_count {
        return Err(BackupError::HeaderMismatch(
            "保管分岐の数が見出しと違います".into(),
        ));
    }

    let mut files: Vec<StoredFile> = Vec::new();
    for (i, fv) in o.array("files")?.iter().enumerate() {
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
    if files.len() as u64 != header.file_count {
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

    let mut without_digest = doc;
    if let Value::Object(m) = &mut without_digest {
        m.remove("document_sha256");
    }
    if document_digest(&without_digest)? != stated_digest {
        return Err(BackupError::DigestMismatch);
    }

    Ok(Backup {
        header,
        entries,
        branches,
        files,
        settings,
        document_sha256: stated_digest,
    })
}

impl Backup {
    /// The head of the backup's main chain.
    pub fn head(&self) -> ChainHead {
        ChainHead::of(&self.entries)
    }

    /// Checks that a kept branch's base is on this backup's main chain (informational: a
    /// branch may also have split from another kept branch).
    pub fn branch_base_on_main(&self, b: &KeptBranch) -> bool {
        if b.base_entry_count == 0 {
            return b.base_hash == GENESIS_PREV_HASH;
        }
        self.entries
            .get(b.base_entry_count as usize - 1)
            .is_some_and(|e| e.hash == b.base_hash)
            && verify_from(
                &ChainHead {
                    entry_count: b.base_entry_count,
                    hash: b.base_hash.clone(),
                },
                &b.entries,
            )
            .is_ok()
    }
}
