//! Format 1 of the backup file (one chain, kept fork branches), as the one-browser ledger
//! wrote it. Still read, and migrated into an office ledger; still writable, so tests can
//! make the files older versions of the app made.
//!
//! The format is specified in `docs/backup-format.md` (its §1–§10 describe format 1); keep
//! the two in step. Reading never
//! panics and refuses, with a Japanese message, anything that does not verify: a changed entry
//! is reported with its seq; a changed header, setting or file with what changed. What a
//! backup cannot prove is who wrote it: anyone can write a self-consistent backup. The
//! checkpoint (kept outside) is what pins the history.

use super::{
    document_digest, file_value, json_line, push_array_lines, push_sealed_tail, read_sealed_rest,
    BackupError, StoredFile,
};
use crate::fingerprint::sha256_hex;
use crate::jpdate::Timestamp;
use crate::ledger::branch::KeptBranch;
use crate::ledger::chain::{verify, GENESIS_PREV_HASH};
use crate::ledger::device::DeviceId;
use crate::ledger::entry::Entry;
use crate::ledger::value_io::Obj;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

use super::{CANONICALIZATION, FORMAT_NAME, HASH_ALGORITHM};

/// `header.format_version` of this format.
pub const FORMAT_VERSION: u64 = 1;

/// The header (見出し) of a backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V1Header {
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
pub struct V1Backup {
    pub header: V1Header,
    pub entries: Vec<Entry>,
    pub branches: Vec<KeptBranch>,
    pub files: Vec<StoredFile>,
    /// Settings without secrets (office number, office name, staff list, retention years…),
    /// as a JSON object of strings, integers, booleans, arrays and objects.
    pub settings: Map<String, Value>,
    /// The digest that sealed the document.
    pub document_sha256: String,
}

fn header_value(h: &V1Header) -> Value {
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

/// Writes a backup. Refuses a ledger whose chain does not verify (a broken ledger should be
/// restored, not copied) and file bytes that do not match their hash.
///
/// Layout: one entry per line, so the file can be read and compared with ordinary tools;
/// whitespace carries no meaning (the digest is over the canonical form).
pub fn write_v1(input: &V1Input<'_>) -> Result<String, BackupError> {
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
    let (entry_count, head_hash) = head_of(input.entries);
    let header = V1Header {
        format: FORMAT_NAME.into(),
        format_version: FORMAT_VERSION,
        app_version: input.app_version.into(),
        office_number: input.office_number.into(),
        created_at: input.created_at,
        hash_algorithm: HASH_ALGORITHM.into(),
        canonicalization: CANONICALIZATION.into(),
        genesis_prev_hash: GENESIS_PREV_HASH.into(),
        entry_count,
        head_hash,
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
    out.push_str("{\n\"header\": ");
    out.push_str(&json_line(&doc["header"]));
    for key in ["entries", "branches", "files"] {
        push_array_lines(&mut out, &doc, key);
    }
    push_sealed_tail(&mut out, &doc, &digest);
    Ok(out)
}

fn read_header(v: &Value) -> Result<V1Header, BackupError> {
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
    let header = V1Header {
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
        .map(|(i, v)| {
            Entry::from_value(v, &format!("{path}[{i}]"), &placeholder_device()).map_err(Into::into)
        })
        .collect()
}

/// Reads and verifies a format-1 backup (`doc` is the whole parsed document). Order of
/// checks: header identity, main chain (first bad seq), header against chain, branches, files
/// against their SHA-256, and finally the document digest over everything.
pub fn read_v1(doc: Value) -> Result<V1Backup, BackupError> {
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
    let (entry_count, head_hash) = head_of(&entries);
    if entry_count != header.entry_count {
        return Err(BackupError::HeaderMismatch(format!(
            "見出しの記録件数は{}件、実際は{}件です",
            header.entry_count, entry_count
        )));
    }
    if head_hash != header.head_hash {
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

    let (files, settings, stated_digest) = read_sealed_rest(o, &doc, header.file_count)?;

    Ok(V1Backup {
        header,
        entries,
        branches,
        files,
        settings,
        document_sha256: stated_digest,
    })
}

fn head_of(entries: &[Entry]) -> (u64, String) {
    entries
        .last()
        .map_or((0, GENESIS_PREV_HASH.to_string()), |e| {
            (e.seq, e.hash.clone())
        })
}

/// Entries of a format-1 document are read before their chain's (legacy) id is known; the
/// migration relabels them.
fn placeholder_device() -> DeviceId {
    DeviceId::legacy_of(GENESIS_PREV_HASH)
}

/// What goes into a format-1 backup.
#[derive(Debug, Clone, Copy)]
pub struct V1Input<'a> {
    pub app_version: &'a str,
    pub office_number: &'a str,
    pub created_at: Timestamp,
    pub entries: &'a [Entry],
    pub branches: &'a [KeptBranch],
    pub files: &'a [StoredFile],
    pub settings: &'a Map<String, Value>,
}
