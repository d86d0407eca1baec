//! The hash chain: sealing a draft into the next entry, and verifying a sequence of entries.
//!
//! `hash` = lower-case hex SHA-256 of the UTF-8 bytes of the RFC 8785 canonical JSON of the
//! entry without its `hash` field; `prev_hash` = the previous entry's `hash`, or 64 zeros for
//! seq 1. A changed byte anywhere in an entry changes its hash; a removed, inserted or
//! reordered entry breaks a link or the `seq` run. This shows accidental or naive change, not
//! a determined forger who recomputes every hash: that is what checkpoints kept outside the
//! browser are for (see [`super::checkpoint`]).

use super::canonical::canonicalize;
use super::entry::{Details, Entry, EntryDraft, ValidationIssue};
use crate::fingerprint::to_hex;
use crate::jpdate::Timestamp;
use sha2::{Digest, Sha256};
use std::fmt;

/// `prev_hash` of the first entry.
pub const GENESIS_PREV_HASH: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// Where a chain currently ends: how many entries it has and the last hash (the genesis
/// value for an empty chain). Two tabs compare heads to avoid forking the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub entry_count: u64,
    pub hash: String,
}

impl ChainHead {
    /// The head of an empty ledger.
    pub fn genesis() -> ChainHead {
        ChainHead {
            entry_count: 0,
            hash: GENESIS_PREV_HASH.to_string(),
        }
    }

    /// The head after `entries` (which are assumed to be a verified chain).
    pub fn of(entries: &[Entry]) -> ChainHead {
        entries
            .last()
            .map_or_else(ChainHead::genesis, |e| ChainHead {
                entry_count: e.seq,
                hash: e.hash.clone(),
            })
    }
}

/// The hash an entry should carry: SHA-256 over the canonical JSON without `hash`.
pub fn compute_hash(entry: &Entry) -> String {
    let text = canonicalize(&entry.unhashed_value())
        .expect("entries contain only strings, safe integers, booleans, objects and arrays");
    to_hex(&Sha256::digest(text.as_bytes()))
}

/// Why a draft could not be appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendError {
    /// The draft itself has problems (shown next to the form fields).
    Invalid(Vec<ValidationIssue>),
    /// Someone else (another tab) appended since this writer read the head.
    HeadMoved { expected: String, actual: String },
    /// A correction or replacement points at an entry that does not exist yet.
    BadReference { seq: u64 },
}

impl fmt::Display for AppendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppendError::Invalid(issues) => {
                let msgs: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
                f.write_str(&msgs.join("\n"))
            }
            AppendError::HeadMoved { .. } => f.write_str(
                "別のタブやウィンドウで台帳に記録がありました。画面を読み込み直してから、もう一度記録してください",
            ),
            AppendError::BadReference { seq } => {
                write!(f, "記録番号 {seq} はまだありません。訂正・差替の対象を選び直してください")
            }
        }
    }
}

impl std::error::Error for AppendError {}

/// Turns a valid draft into the entry that follows `head`. Pure: the IndexedDB store calls
/// this inside the transaction in which it has read `head`, then writes the result.
pub fn seal(
    head: &ChainHead,
    draft: EntryDraft,
    recorded_at: Timestamp,
) -> Result<Entry, AppendError> {
    draft.validate().map_err(AppendError::Invalid)?;
    let seq = head.entry_count + 1;
    let refers_to = match &draft.details {
        Details::Correction { corrects_seq, .. } => Some(*corrects_seq),
        Details::Replaced {
            replaces_seq: Some(s),
            ..
        } => Some(*s),
        _ => None,
    };
    if let Some(r) = refers_to {
        if r == 0 || r >= seq {
            return Err(AppendError::BadReference { seq: r });
        }
    }
    let mut entry = Entry {
        seq,
        recorded_at,
        actor: draft.actor,
        subject: draft.subject,
        details: draft.details,
        prev_hash: head.hash.clone(),
        hash: String::new(),
    };
    entry.hash = compute_hash(&entry);
    Ok(entry)
}

/// What is wrong at the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainProblem {
    /// The stored hash is not the hash of the entry's content: the entry was changed.
    HashMismatch { stored: String, computed: String },
    /// `prev_hash` is not the previous entry's hash: an entry was removed, inserted or
    /// swapped, or the previous one was changed together with its hash.
    BrokenLink { expected: String, found: String },
    /// `seq` does not continue the run.
    SeqGap { expected: u64, found: u64 },
}

/// The outcome of verifying a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Entries that verified, counted from the start ("OK up to seq N"; 0 = none).
    pub ok_up_to: u64,
    /// The first bad entry, if any: its position's seq (the one expected there) and why.
    pub first_bad: Option<(u64, ChainProblem)>,
}

impl Verification {
    pub fn is_ok(&self) -> bool {
        self.first_bad.is_none()
    }

    /// A sentence for the page: 「記録1〜120は改ざんされていません」 or where it breaks.
    pub fn message_ja(&self) -> String {
        match &self.first_bad {
            None if self.ok_up_to == 0 => "記録はまだありません".to_string(),
            None => format!(
                "記録1〜{}のつながりを確認しました。書き換えは見つかりませんでした",
                self.ok_up_to
            ),
            Some((seq, problem)) => {
                let why = match problem {
                    ChainProblem::HashMismatch { .. } => {
                        "記録の内容がハッシュと一致しません(内容が書き換えられています)"
                    }
                    ChainProblem::BrokenLink { .. } => {
                        "前の記録とのつながりが切れています(記録の削除・挿入・入替の可能性)"
                    }
                    ChainProblem::SeqGap { .. } => "記録番号が連続していません(記録の欠落・重複)",
                };
                let ok = if self.ok_up_to == 0 {
                    "正しく確認できた記録はありません".to_string()
                } else {
                    format!("記録1〜{}は正常です", self.ok_up_to)
                };
                format!("記録{seq}で問題が見つかりました: {why}。{ok}")
            }
        }
    }
}

/// Verifies a whole ledger from seq 1.
pub fn verify(entries: &[Entry]) -> Verification {
    verify_from(&ChainHead::genesis(), entries)
}

/// Verifies `entries` as the continuation of a chain whose head is `base` (used for kept
/// fork branches, which start after a common prefix).
pub fn verify_from(base: &ChainHead, entries: &[Entry]) -> Verification {
    let mut prev_hash = base.hash.as_str();
    let mut ok_up_to = base.entry_count;
    for entry in entries {
        let expected_seq = ok_up_to + 1;
        let problem = if entry.seq != expected_seq {
            Some(ChainProblem::SeqGap {
                expected: expected_seq,
                found: entry.seq,
            })
        } else if entry.prev_hash != prev_hash {
            Some(ChainProblem::BrokenLink {
                expected: prev_hash.to_string(),
                found: entry.prev_hash.clone(),
            })
        } else {
            let computed = compute_hash(entry);
            (computed != entry.hash).then(|| ChainProblem::HashMismatch {
                stored: entry.hash.clone(),
                computed,
            })
        };
        if let Some(p) = problem {
            return Verification {
                ok_up_to,
                first_bad: Some((expected_seq, p)),
            };
        }
        ok_up_to = entry.seq;
        prev_hash = &entry.hash;
    }
    Verification {
        ok_up_to,
        first_bad: None,
    }
}

/// An in-memory ledger: the verified entries and the one way to add to them. The page keeps
/// one of these as its state; the store persists what [`Ledger::append`] returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    entries: Vec<Entry>,
}

impl Ledger {
    pub fn new() -> Ledger {
        Ledger::default()
    }

    /// Opens a ledger from stored entries, verifying the chain first. A broken chain is not
    /// opened for writing: the page shows the [`Verification`] and offers a restore.
    pub fn open(entries: Vec<Entry>) -> Result<Ledger, Verification> {
        let v = verify(&entries);
        if v.is_ok() {
            Ok(Ledger { entries })
        } else {
            Err(v)
        }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn head(&self) -> ChainHead {
        ChainHead::of(&self.entries)
    }

    /// The entry with this seq.
    pub fn get(&self, seq: u64) -> Option<&Entry> {
        let i = usize::try_from(seq.checked_sub(1)?).ok()?;
        self.entries.get(i)
    }

    /// Appends a draft if the head is still `expected_head_hash` (what the caller last saw),
    /// so a writer that missed someone else's entry cannot fork the chain.
    pub fn append(
        &mut self,
        draft: EntryDraft,
        expected_head_hash: &str,
        recorded_at: Timestamp,
    ) -> Result<&Entry, AppendError> {
        let head = self.head();
        if head.hash != expected_head_hash {
            return Err(AppendError::HeadMoved {
                expected: expected_head_hash.to_string(),
                actual: head.hash,
            });
        }
        let entry = seal(&head, draft, recorded_at)?;
        self.entries.push(entry);
        Ok(self.entries.last().expect("just pushed"))
    }

    /// Appends entries that are already sealed (from a backup that extends this ledger),
    /// refusing them unless they verify as the continuation of the current head.
    pub fn extend_verified(&mut self, entries: &[Entry]) -> Result<(), Verification> {
        let v = verify_from(&self.head(), entries);
        if !v.is_ok() {
            return Err(v);
        }
        self.entries.extend_from_slice(entries);
        Ok(())
    }
}
