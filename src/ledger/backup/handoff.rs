//! A verified backup handed from the thread that read it (the page's backup worker) to the
//! page's thread, in pieces that cross cheaply: each chain's entries as the text of their
//! canonical lines, the files' bytes as they are, and the rest as a small JSON text.
//!
//! Why: reading and verifying a backup of years of records (hundreds of megabytes) takes
//! seconds; done on the page's thread it froze the page (issue 18). The worker reads and
//! verifies it with [`super::read_backup`] and hands it off; the page puts it together again
//! a few hundred lines at a time ([`BackupAssembler::read_some`]), so it answers the user in
//! between. Every hash was recomputed by the worker; the page reads the lines straight and
//! checks each chain's structure (seq, links, genesis, 端末の登録) once more, which is cheap.

use super::{Backup, BackupError, BackupHeader, StoredFile};
use crate::jpdate::Timestamp;
use crate::ledger::chain::{DeviceChain, HashCheck};
use crate::ledger::device::DeviceId;
use crate::ledger::entry::Entry;
use crate::ledger::office::OfficeLedger;
use crate::ledger::office_folder::segment_text;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Everything of a backup besides its entries' text and its files' bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoffMeta {
    format_version: u64,
    app_version: String,
    office_number: String,
    created_at: String,
    device_count: u64,
    entry_count: u64,
    conflict_count: u64,
    file_count: u64,
    checkpoint_root: String,
    settings: Map<String, Value>,
    document_sha256: String,
    /// The chains, then the conflicts, in the order the backup's ledger holds them; one text
    /// each.
    chains: Vec<HandedChain>,
    /// One SHA-256 per file, in the order of the bytes.
    file_sha256: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct HandedChain {
    device_id: String,
    conflict: bool,
}

/// A verified backup in pieces.
#[derive(Debug, Clone, PartialEq)]
pub struct Handoff {
    pub meta: HandoffMeta,
    /// Per chain (as `meta` lists them), its entries' canonical lines, each ended by `\n`.
    pub chain_texts: Vec<String>,
    /// The files' bytes, as `meta` lists their SHA-256.
    pub files: Vec<Vec<u8>>,
}

impl HandoffMeta {
    /// The meta as JSON text (the form it crosses threads in).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "null".into())
    }

    /// Reads [`HandoffMeta::to_json`].
    pub fn from_json(text: &str) -> Result<HandoffMeta, BackupError> {
        serde_json::from_str(text)
            .map_err(|e| BackupError::Format(format!("受け渡しの内容を読めません: {e}")))
    }
}

/// Splits a verified backup into its pieces (consuming it: nothing is held twice).
pub fn hand_off(backup: Backup) -> Handoff {
    let Backup {
        header,
        ledger,
        files,
        settings,
        document_sha256,
    } = backup;
    let mut chains = Vec::new();
    let mut chain_texts = Vec::new();
    let all = ledger
        .chains()
        .map(|c| (c, false))
        .chain(ledger.conflicts().iter().map(|c| (&c.chain, true)));
    for (chain, conflict) in all {
        chains.push(HandedChain {
            device_id: chain.device().as_str().to_string(),
            conflict,
        });
        chain_texts.push(segment_text(chain.entries()));
    }
    drop(ledger);
    let (file_sha256, files) = files.into_iter().map(|f| (f.sha256, f.bytes)).unzip();
    Handoff {
        meta: HandoffMeta {
            format_version: header.format_version,
            app_version: header.app_version,
            office_number: header.office_number,
            created_at: header.created_at.to_rfc3339(),
            device_count: header.device_count,
            entry_count: header.entry_count,
            conflict_count: header.conflict_count,
            file_count: header.file_count,
            checkpoint_root: header.checkpoint_root,
            settings,
            document_sha256,
            chains,
            file_sha256,
        },
        chain_texts,
        files,
    }
}

/// Puts a handed-off backup together again, a few lines at a time.
pub struct BackupAssembler {
    meta: HandoffMeta,
    texts: Vec<String>,
    files: Vec<Vec<u8>>,
    ledger: OfficeLedger,
    /// The chain being read, and where in its text.
    chain: usize,
    at: usize,
    device: Option<DeviceId>,
    entries: Vec<Entry>,
}

impl BackupAssembler {
    /// Starts; refuses pieces that do not fit together.
    pub fn new(handoff: Handoff) -> Result<BackupAssembler, BackupError> {
        let Handoff {
            meta,
            chain_texts,
            files,
        } = handoff;
        if chain_texts.len() != meta.chains.len() || files.len() != meta.file_sha256.len() {
            return Err(BackupError::Format("受け渡しの内容の数が合いません".into()));
        }
        let ledger = OfficeLedger::new(&meta.office_number);
        Ok(BackupAssembler {
            meta,
            texts: chain_texts,
            files,
            ledger,
            chain: 0,
            at: 0,
            device: None,
            entries: Vec::new(),
        })
    }

    /// Reads up to `max_lines` more entries; `Ok(true)` once every chain is read.
    pub fn read_some(&mut self, max_lines: usize) -> Result<bool, BackupError> {
        let mut budget = max_lines;
        while self.chain < self.texts.len() {
            let device = match &self.device {
                Some(d) => d.clone(),
                None => {
                    let stated = &self.meta.chains[self.chain].device_id;
                    let d = DeviceId::parse(stated).ok_or_else(|| {
                        BackupError::Format(format!("端末ID {stated} が正しくありません"))
                    })?;
                    self.device = Some(d.clone());
                    d
                }
            };
            let text = &self.texts[self.chain];
            while self.at < text.len() {
                if budget == 0 {
                    return Ok(false);
                }
                budget -= 1;
                let end = text[self.at..]
                    .find('\n')
                    .map_or(text.len(), |i| self.at + i);
                let line = &text[self.at..end];
                self.at = end + 1;
                let entry = match Entry::from_line_unconfirmed(line, &device) {
                    Some(e) => e,
                    None => Entry::from_json(line, &device).map_err(|e| {
                        BackupError::Format(format!("受け渡しの記録を読めません: {}", e.0))
                    })?,
                };
                self.entries.push(entry);
            }
            self.finish_chain(device)?;
        }
        Ok(true)
    }

    /// The chain just read joins the ledger, its structure checked again.
    fn finish_chain(&mut self, device: DeviceId) -> Result<(), BackupError> {
        let entries = std::mem::take(&mut self.entries);
        let chain = DeviceChain::open_with(
            &self.meta.office_number,
            device,
            entries,
            HashCheck::Deferred,
        )
        .map_err(|v| BackupError::Tampered {
            seq: v.first_bad.as_ref().map_or(0, |(seq, _)| *seq),
            message: v.message_ja(),
        })?;
        self.ledger
            .add_chain(chain)
            .map_err(|e| BackupError::Format(e.to_string()))?;
        // The text is read: its memory goes now, not with the whole assembler.
        self.texts[self.chain] = String::new();
        self.chain += 1;
        self.at = 0;
        self.device = None;
        Ok(())
    }

    /// The backup, once every chain is read.
    pub fn finish(mut self) -> Result<Backup, BackupError> {
        if !self.read_some(usize::MAX)? {
            return Err(BackupError::Format("受け渡しの内容が途中です".into()));
        }
        let m = self.meta;
        let created_at = Timestamp::parse_rfc3339(&m.created_at)
            .map_err(|e| BackupError::Format(format!("header.created_at: {e}")))?;
        let conflicts = m.chains.iter().filter(|c| c.conflict).count() as u64;
        if self.ledger.conflicts().len() as u64 != conflicts
            || self.ledger.entry_count() != m.entry_count
        {
            return Err(BackupError::HeaderMismatch(
                "受け渡しの前後で記録の数が違います".into(),
            ));
        }
        let files = m
            .file_sha256
            .into_iter()
            .zip(self.files)
            .map(|(sha256, bytes)| StoredFile { sha256, bytes })
            .collect();
        Ok(Backup {
            header: BackupHeader {
                format_version: m.format_version,
                app_version: m.app_version,
                office_number: m.office_number,
                created_at,
                device_count: m.device_count,
                entry_count: m.entry_count,
                conflict_count: m.conflict_count,
                file_count: m.file_count,
                checkpoint_root: m.checkpoint_root,
            },
            ledger: self.ledger,
            files,
            settings: m.settings,
            document_sha256: m.document_sha256,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::sample::{sample_device_chain, sample_ledger, SAMPLE_OFFICE};
    use crate::ledger::{read_backup, write_backup, BackupInput};

    /// Bound and legacy chains, a kept conflict, files and settings.
    fn sample_backup() -> Backup {
        let mut office = OfficeLedger::new(SAMPLE_OFFICE);
        let mut all_files = Vec::new();
        for no in 1..=3 {
            let (chain, files) = sample_device_chain(no, 120, 20, 5, no == 2);
            office.add_chain(chain).unwrap();
            all_files.extend(files);
        }
        let (legacy, _) = sample_ledger(12, 3, 2, false);
        office
            .add_chain(DeviceChain::from_legacy(SAMPLE_OFFICE, legacy).unwrap())
            .unwrap();
        // Device 1 with another history (other clients): kept as a conflict.
        let (other, _) = sample_device_chain(1, 5, 3, 3, false);
        office.add_chain(other).unwrap();
        assert_eq!(office.conflicts().len(), 1);
        let mut settings = Map::new();
        settings.insert("office_name".into(), "さくら \"居宅\"".into());
        settings.insert("staff".into(), serde_json::json!(["佐々木", "木村"]));
        let text = write_backup(&BackupInput {
            app_version: "test",
            created_at: Timestamp::parse_rfc3339("2025-06-01T00:00:00.000Z").unwrap(),
            ledger: &office,
            files: &all_files,
            settings: &settings,
        })
        .unwrap();
        read_backup(&text).unwrap()
    }

    #[test]
    fn a_handed_off_backup_is_put_together_as_it_was_read() {
        let backup = sample_backup();
        assert!(!backup.files.is_empty());
        let handoff = hand_off(backup.clone());
        // Across threads the meta goes as text.
        let meta = HandoffMeta::from_json(&handoff.meta.to_json()).unwrap();
        assert_eq!(meta, handoff.meta);
        let mut assembler = BackupAssembler::new(Handoff { meta, ..handoff }).unwrap();
        let mut steps = 0;
        while !assembler.read_some(50).unwrap() {
            steps += 1;
        }
        assert!(steps >= 7, "read in steps, not at once: {steps}");
        assert_eq!(assembler.finish().unwrap(), backup);
    }

    #[test]
    fn pieces_that_do_not_fit_are_refused_not_guessed() {
        // A line lost on the way: the chain's structure no longer holds.
        let mut handoff = hand_off(sample_backup());
        let text = &mut handoff.chain_texts[0];
        let second = text.find('\n').unwrap() + 1;
        let end = second + text[second..].find('\n').unwrap() + 1;
        text.replace_range(second..end, "");
        let refused = BackupAssembler::new(handoff).unwrap().finish();
        assert!(
            matches!(refused, Err(BackupError::Tampered { seq: 2, .. })),
            "{refused:?}"
        );
        // A line that is no entry at all.
        let mut handoff = hand_off(sample_backup());
        handoff.chain_texts[1].insert_str(0, "{}\n");
        assert!(BackupAssembler::new(handoff).unwrap().finish().is_err());
        // A missing file.
        let mut short = hand_off(sample_backup());
        short.files.pop();
        assert!(BackupAssembler::new(short).is_err());
    }
}
