//! Format 2 without a `serde_json::Value` of the whole document: the document digest from its
//! parts, and a reader for backups whose entries are written the way this app writes them.
//!
//! Why: a backup of years of records is tens of megabytes, and building a value tree of it,
//! copying it to drop `document_sha256`, printing it again canonically and building each
//! entry's value twice cost seconds (the page's restore and export were several times slower
//! than the goals of issue 17).
//!
//! The fast reader never decides anything the strict reader would decide otherwise: it gives
//! `None` at the first thing it does not expect (another spelling of an entry, a duplicate or
//! unknown key, a wrong hash, a mismatch anywhere) and the caller then reads the document the
//! strict way, which accepts or refuses it and names the problem exactly as before. What it
//! accepts it accepts for the same reasons: the document parses with unique keys, every entry
//! is its canonical text (so reading it equals the strict reading), the chains verify (the
//! structure here, each entry's hash from its line, [`canonical_line_hash_is_right`]), the
//! header and files are checked by the same functions, and the digest is over the same bytes
//! (the canonical document without `document_sha256`: keys `chains`, `conflicts`, `files`,
//! `header`, `settings`, each chain `device_id`, `entries`, `entry_count`, `head_hash`,
//! `origin`), fed to SHA-256 piece by piece.

use super::{
    add_chains, chain_of, check_header, heads_of, read_files, read_header_v2, Backup, BackupError,
    StatedChain, FORMAT_NAME,
};
use crate::fingerprint::to_hex;
use crate::ledger::canonical::{canonicalize, write_string, StrictValue, MAX_SAFE_INTEGER};
use crate::ledger::chain::{canonical_line_hash_is_right, HashCheck};
use crate::ledger::device::DeviceId;
use crate::ledger::entry::Entry;
use crate::ledger::office::OfficeLedger;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::borrow::Cow;

/// One chain as the digest sees it.
pub(crate) struct ChainParts<'a> {
    pub device_id: &'a str,
    pub origin: &'a str,
    pub entry_count: u64,
    pub head_hash: &'a str,
    /// Each entry's canonical text.
    pub lines: Vec<&'a str>,
}

/// The document digest of a format-2 backup from its parts: the same value as
/// [`super::document_digest`] of the whole document without `document_sha256`.
pub(crate) fn digest_v2(
    header: &Value,
    chains: &[ChainParts<'_>],
    conflicts: &[ChainParts<'_>],
    files: &Value,
    settings: &Value,
) -> Result<String, BackupError> {
    let canonical = |v: &Value| canonicalize(v).map_err(|e| BackupError::BadSettings(e.0));
    let mut hasher = Sha256::new();
    let mut piece = String::new();
    let mut chains_of = |hasher: &mut Sha256, list: &[ChainParts<'_>]| {
        hasher.update(b"[");
        for (i, c) in list.iter().enumerate() {
            piece.clear();
            if i > 0 {
                piece.push(',');
            }
            piece.push_str("{\"device_id\":");
            write_string(&mut piece, c.device_id);
            piece.push_str(",\"entries\":[");
            hasher.update(piece.as_bytes());
            for (j, line) in c.lines.iter().enumerate() {
                if j > 0 {
                    hasher.update(b",");
                }
                hasher.update(line.as_bytes());
            }
            piece.clear();
            piece.push_str("],\"entry_count\":");
            piece.push_str(&c.entry_count.to_string());
            piece.push_str(",\"head_hash\":");
            write_string(&mut piece, c.head_hash);
            piece.push_str(",\"origin\":");
            write_string(&mut piece, c.origin);
            piece.push('}');
            hasher.update(piece.as_bytes());
        }
        hasher.update(b"]");
    };
    hasher.update(b"{\"chains\":");
    chains_of(&mut hasher, chains);
    hasher.update(b",\"conflicts\":");
    chains_of(&mut hasher, conflicts);
    hasher.update(b",\"files\":");
    hasher.update(canonical(files)?.as_bytes());
    hasher.update(b",\"header\":");
    hasher.update(canonical(header)?.as_bytes());
    hasher.update(b",\"settings\":");
    hasher.update(canonical(settings)?.as_bytes());
    hasher.update(b"}");
    Ok(to_hex(&hasher.finalize()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document<'a> {
    header: StrictValue,
    #[serde(borrow)]
    chains: Vec<Chain<'a>>,
    #[serde(borrow)]
    conflicts: Vec<Chain<'a>>,
    files: StrictValue,
    settings: StrictValue,
    #[serde(borrow)]
    document_sha256: Cow<'a, str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Chain<'a> {
    #[serde(borrow)]
    device_id: Cow<'a, str>,
    #[serde(borrow)]
    origin: Cow<'a, str>,
    entry_count: u64,
    #[serde(borrow)]
    head_hash: Cow<'a, str>,
    #[serde(borrow)]
    entries: Vec<&'a RawValue>,
}

impl<'a> Chain<'a> {
    fn parts(&'a self) -> ChainParts<'a> {
        ChainParts {
            device_id: &self.device_id,
            origin: &self.origin,
            entry_count: self.entry_count,
            head_hash: &self.head_hash,
            lines: self.entries.iter().map(|e| e.get()).collect(),
        }
    }
}

/// Reads a format-2 backup the fast way, or `None` (then the strict reader decides).
pub(crate) fn read_v2(text: &str) -> Option<Backup> {
    let doc: Document<'_> = serde_json::from_str(text).ok()?;
    let header_value = &doc.header.0;
    if header_value.get("format")?.as_str()? != FORMAT_NAME
        || header_value.get("format_version")?.as_u64()? != 2
    {
        return None;
    }
    let header = read_header_v2(header_value).ok()?;
    let office = header.office_number.clone();
    let chain = |c: &Chain<'_>, path: String, index: usize, conflict: bool| {
        if c.entry_count > MAX_SAFE_INTEGER {
            return None;
        }
        let device = DeviceId::parse(&c.device_id)?;
        let entries = c
            .entries
            .iter()
            .map(|raw| {
                let line = raw.get();
                let entry = Entry::from_canonical_json(line, &device)?;
                canonical_line_hash_is_right(line).then_some(entry)
            })
            .collect::<Option<Vec<_>>>()?;
        let stated = StatedChain {
            path: &path,
            origin: &c.origin,
            entry_count: c.entry_count,
            head_hash: &c.head_hash,
            index,
            conflict,
        };
        // Every hash was checked from its line just now: the structure is what is left.
        chain_of(&office, device, entries, &stated, HashCheck::Deferred).ok()
    };
    let mut ledger = OfficeLedger::new(&office);
    let chains =
        doc.chains.iter().enumerate().map(|(i, c)| {
            chain(c, format!("chains[{i}]"), i, false).ok_or(BackupError::NotABackup)
        });
    add_chains(&mut ledger, chains).ok()?;
    let stated_heads = heads_of(&ledger);
    for (i, c) in doc.conflicts.iter().enumerate() {
        ledger
            .add_chain(chain(c, format!("conflicts[{i}]"), i, true)?)
            .ok()?;
    }
    check_header(&header, &ledger, &stated_heads).ok()?;
    let files = read_files(doc.files.0.as_array()?).ok()?;
    if files.len() as u64 != header.file_count {
        return None;
    }
    let Value::Object(settings) = &doc.settings.0 else {
        return None;
    };
    let chains: Vec<ChainParts<'_>> = doc.chains.iter().map(Chain::parts).collect();
    let conflicts: Vec<ChainParts<'_>> = doc.conflicts.iter().map(Chain::parts).collect();
    let digest = digest_v2(
        header_value,
        &chains,
        &conflicts,
        &doc.files.0,
        &doc.settings.0,
    )
    .ok()?;
    if digest != doc.document_sha256 {
        return None;
    }
    Some(Backup {
        header,
        ledger,
        files,
        settings: settings.clone(),
        document_sha256: digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jpdate::Timestamp;
    use crate::ledger::backup::{read_backup_strictly, write_backup, BackupInput};
    use crate::ledger::chain::DeviceChain;
    use crate::ledger::sample::{sample_device_chain, sample_ledger, SAMPLE_OFFICE};

    /// What this app writes is read the fast way, to exactly what the strict reading gives:
    /// bound and legacy chains, a kept conflict, files and settings.
    #[test]
    fn written_backups_read_fast_to_the_strict_result() {
        let mut ledger = OfficeLedger::new(SAMPLE_OFFICE);
        let mut files = Vec::new();
        for no in 1..=3 {
            let (chain, f) = sample_device_chain(no, 40, 8, 3, true);
            ledger.add_chain(chain).unwrap();
            files.extend(f);
        }
        let (legacy, _) = sample_ledger(12, 3, 2, false);
        ledger
            .add_chain(DeviceChain::from_legacy(SAMPLE_OFFICE, legacy).unwrap())
            .unwrap();
        let (a, _) = sample_device_chain(1, 5, 3, 3, false);
        let conflict = DeviceChain::open(SAMPLE_OFFICE, a.device().clone(), a.entries().to_vec());
        ledger.add_chain(conflict.unwrap()).unwrap();
        assert_eq!(ledger.conflicts().len(), 1);
        let mut settings = serde_json::Map::new();
        settings.insert("office_name".into(), "さくら \"居宅\"".into());
        let text = write_backup(&BackupInput {
            app_version: "0.1.0",
            created_at: Timestamp::parse_rfc3339("2025-05-31T09:00:00.000Z").unwrap(),
            ledger: &ledger,
            files: &files,
            settings: &settings,
        })
        .unwrap();
        let fast = read_v2(&text).expect("read the fast way");
        assert_eq!(Ok(&fast), read_backup_strictly(&text).as_ref());
        assert_eq!(fast.ledger, ledger);

        // Whitespace between entries is read the fast way; inside an entry it is the same
        // backup, but for the strict reading to decide.
        let spaced = text.replace("\n", "\n  ");
        assert!(
            read_v2(&spaced).is_some(),
            "whitespace between entries is fine"
        );
        let entry_spaced = text.replacen("{\"actor\"", "{ \"actor\"", 1);
        assert!(read_v2(&entry_spaced).is_none());
        assert_eq!(read_backup_strictly(&entry_spaced).as_ref(), Ok(&fast));
    }
}
