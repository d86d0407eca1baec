//! One device's append-only hash chain: sealing a draft into the next entry, and verifying a
//! sequence of entries.
//!
//! `hash` = lower-case hex SHA-256 of the UTF-8 bytes of the RFC 8785 canonical JSON of the
//! entry without its `hash` field; `prev_hash` = the previous entry's `hash`, or for seq 1 the
//! chain's genesis value, which binds the office and the device ([`super::device`]). A changed byte anywhere in an entry changes its hash; a removed, inserted or
//! reordered entry breaks a link or the `seq` run. This shows accidental or naive change, not
//! a determined forger who recomputes every hash: that is what checkpoints kept outside the
//! browser are for (see [`super::checkpoint`]).

use super::device::{bound_genesis, DeviceId, LEGACY_GENESIS};
use super::entry::{Details, Entry, EntryDraft, ValidationIssue};
use crate::fingerprint::to_hex;
use crate::jpdate::Timestamp;
use sha2::{Digest, Sha256};
use std::fmt;

/// `prev_hash` of the first entry of a format-1 (one-chain) ledger.
pub const GENESIS_PREV_HASH: &str = LEGACY_GENESIS;

/// Where a device's chain currently ends: its device, how many entries it has and the last
/// hash (the genesis value for an empty chain). Two tabs compare heads to avoid forking it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub device: DeviceId,
    pub entry_count: u64,
    pub hash: String,
}

impl ChainHead {
    /// The head of a device's empty chain in an office's ledger.
    pub fn genesis(office_number: &str, device: &DeviceId) -> ChainHead {
        ChainHead {
            device: device.clone(),
            entry_count: 0,
            hash: bound_genesis(office_number, device),
        }
    }

    /// The head of an empty format-1 ledger (64 zeros), for `device`.
    pub fn legacy_genesis(device: &DeviceId) -> ChainHead {
        ChainHead {
            device: device.clone(),
            entry_count: 0,
            hash: GENESIS_PREV_HASH.to_string(),
        }
    }

    /// The head after `entries` (assumed to be a verified chain), or `empty` when there are
    /// none.
    pub fn after(entries: &[Entry], empty: ChainHead) -> ChainHead {
        entries.last().map_or(empty, |e| ChainHead {
            device: e.device.clone(),
            entry_count: e.seq,
            hash: e.hash.clone(),
        })
    }
}

/// The hash an entry should carry: SHA-256 over the canonical JSON without `hash`.
/// The text is written straight from the typed entry ([`Entry::hashed_text`]), the same bytes
/// as `canonicalize(&entry.unhashed_value())`.
pub fn compute_hash(entry: &Entry) -> String {
    to_hex(&Sha256::digest(entry.hashed_text().as_bytes()))
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
    draft
        .validate_at(recorded_at)
        .map_err(AppendError::Invalid)?;
    let seq = head.entry_count + 1;
    // A reference into this same chain must point backwards; one into another device's
    // chain is checked by the office ledger, which knows the other chains.
    let refers_to = match &draft.details {
        Details::Correction {
            corrects_seq,
            corrects_device,
            ..
        } => Some((*corrects_seq, corrects_device)),
        Details::Replaced {
            replaces_seq: Some(s),
            replaces_device,
            ..
        } => Some((*s, replaces_device)),
        Details::Attachment {
            attached_to_seq: Some(s),
            attached_to_device,
            ..
        } => Some((*s, attached_to_device)),
        _ => None,
    };
    if let Some((r, device)) = refers_to {
        let same_chain = device.as_ref().is_none_or(|d| *d == head.device);
        if r == 0 || (same_chain && r >= seq) {
            return Err(AppendError::BadReference { seq: r });
        }
    }
    let mut entry = Entry {
        device: head.device.clone(),
        seq,
        recorded_at,
        occurred_at: draft.occurred_at,
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
    /// The chain is labelled with another device or office than the one it was written for.
    WrongDevice,
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
                    ChainProblem::WrongDevice => {
                        "別の端末または別の事業所の記録として書き換えられています"
                    }
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

/// Verifies a format-1 (one-chain) ledger from seq 1: genesis 64 zeros.
pub fn verify(entries: &[Entry]) -> Verification {
    let device = entries.first().map_or_else(
        || DeviceId::legacy_of(GENESIS_PREV_HASH),
        |e| e.device.clone(),
    );
    verify_from(&ChainHead::legacy_genesis(&device), entries)
}

/// What kind of start a device chain has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainOrigin {
    /// Started by this app's office ledger: genesis = [`bound_genesis`] of office and device.
    Bound,
    /// Migrated from a format-1 ledger: genesis 64 zeros, id derived from the first entry.
    Legacy,
}

/// The origin `entries` claim (a chain whose first entry starts at zeros is a legacy one).
pub fn origin_of(entries: &[Entry]) -> ChainOrigin {
    match entries.first() {
        Some(e) if e.prev_hash == GENESIS_PREV_HASH => ChainOrigin::Legacy,
        _ => ChainOrigin::Bound,
    }
}

/// Verifies one device's whole chain as part of `office_number`'s ledger: the links and
/// hashes, the genesis binding (or for a legacy chain, the id derived from its first entry),
/// and that its 端末の登録 entries name this device and office. A chain relabelled to another
/// office or device fails at seq 1 (or at its first 端末の登録).
pub fn verify_device_chain(
    office_number: &str,
    device: &DeviceId,
    entries: &[Entry],
) -> Verification {
    verify_device_chain_with(office_number, device, entries, HashCheck::Recompute)
}

/// [`verify_device_chain`], with each entry's own hash recomputed or left to the caller.
pub fn verify_device_chain_with(
    office_number: &str,
    device: &DeviceId,
    entries: &[Entry],
    hashes: HashCheck,
) -> Verification {
    let base = match origin_of(entries) {
        ChainOrigin::Legacy => ChainHead::legacy_genesis(device),
        ChainOrigin::Bound => ChainHead::genesis(office_number, device),
    };
    let mut v = verify_from_with(&base, entries, hashes);
    if origin_of(entries) == ChainOrigin::Legacy && v.ok_up_to >= 1 {
        let first = &entries[0];
        if DeviceId::legacy_of(&first.hash) != *device {
            return Verification {
                ok_up_to: 0,
                first_bad: Some((1, ChainProblem::WrongDevice)),
            };
        }
    }
    let verified = v.ok_up_to as usize;
    if let Some(bad) = entries[..verified].iter().find(|e| match &e.details {
        Details::DeviceNamed {
            device_id,
            office_number: office,
            ..
        } => device_id != device || office != office_number,
        _ => false,
    }) {
        v = Verification {
            ok_up_to: bad.seq - 1,
            first_bad: Some((bad.seq, ChainProblem::WrongDevice)),
        };
    }
    v
}

/// Verifies `entries` as the continuation of a chain whose head is `base` (used for kept
/// fork branches, which start after a common prefix).
pub fn verify_from(base: &ChainHead, entries: &[Entry]) -> Verification {
    verify_from_with(base, entries, HashCheck::Recompute)
}

/// How a verification treats each entry's own `hash`.
///
/// Recomputing every hash is most of the cost of verifying years of entries. Everything else
/// (seq run, links, the genesis binding, 端末の登録) is cheap and needs the chain in order;
/// whether an entry's content matches its hash needs nothing but the entry. So the page checks
/// the structure where it assembles the ledger and has the hashes recomputed on another
/// thread ([`entries_with_wrong_hash`] in the ledger worker), at the same time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashCheck {
    /// Recompute each entry's hash from its content: the whole verification.
    Recompute,
    /// Take each entry's stored hash as given and check the structure only. The result is
    /// a verification only together with an [`entries_with_wrong_hash`] that finds nothing
    /// in the same entries.
    Deferred,
}

/// The positions of the lines (entries' JSON, one per line, as stored) whose content does
/// not match their `hash`, or that are not entries at all: the half of a verification that
/// [`HashCheck::Deferred`] leaves out. Lines are counted from 0; an empty line is skipped.
pub fn entries_with_wrong_hash(jsonl: &str) -> Vec<usize> {
    let device = DeviceId::legacy_of(GENESIS_PREV_HASH);
    jsonl
        .split('\n')
        .enumerate()
        .filter(|(_, line)| !line.is_empty())
        .filter(|(_, line)| {
            Entry::from_json(line, &device).map_or(true, |e| compute_hash(&e) != e.hash)
        })
        .map(|(i, _)| i)
        .collect()
}

/// The lines (from 0) of `jsonl` that are not both their entry's canonical text (read
/// straight, written back to the same bytes) and carrying the hash of their content: what
/// another thread confirms for a reader that read the lines by
/// [`Entry::from_line_unconfirmed`]. An empty answer means every line is exactly what
/// [`Entry::from_canonical_json`] accepts, with a right hash.
pub fn lines_not_confirmed(jsonl: &str) -> Vec<usize> {
    // The lines do not name their device, and no canonical text holds it: any id reads them.
    let any = DeviceId::from_random([0; 16]);
    jsonl
        .split('\n')
        .enumerate()
        .filter(|(_, line)| {
            let confirmed = canonical_line_hash_is_right(line)
                && Entry::from_canonical_json(line, &any).is_some();
            !line.is_empty() && !confirmed
        })
        .map(|(i, _)| i)
        .collect()
}

/// Whether one entry's canonical text (each line exactly [`Entry::to_json`] of the entry read
/// from it) carries the hash of its content, recomputed straight from the line without
/// reading it: the whole cost of a verification on another thread.
///
/// Why the text without `hash` is the line without its `,"hash":"…"` member: the canonical
/// text writes the members in key order (`actor`, `details`, `hash`, …), so the text that is
/// hashed ([`Entry::hashed_text`]) is the same bytes with that one member left out. And the
/// first `,"hash":"` in the line is that member: before it come only the `actor` string and
/// the `details` object, strings cannot hold an unescaped `"`, and no key inside `details` is
/// `hash`. A line not shaped like that is counted as wrong.
pub fn canonical_line_hash_is_right(line: &str) -> bool {
    const MEMBER: &str = ",\"hash\":\"";
    let Some(start) = line.find(MEMBER) else {
        return false;
    };
    let hex_at = start + MEMBER.len();
    let (Some(stated), Some(b'"')) = (
        line.get(hex_at..hex_at + 64),
        line.as_bytes().get(hex_at + 64),
    ) else {
        return false;
    };
    let mut hasher = Sha256::new();
    hasher.update(&line.as_bytes()[..start]);
    hasher.update(&line.as_bytes()[hex_at + 65..]);
    to_hex(&hasher.finalize()) == stated
}

/// [`verify_from`], with each entry's own hash recomputed or left to the caller.
pub fn verify_from_with(base: &ChainHead, entries: &[Entry], hashes: HashCheck) -> Verification {
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
        } else if hashes == HashCheck::Deferred {
            None
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

/// One device's chain in memory: the verified entries and the one way to add to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceChain {
    office_number: String,
    device: DeviceId,
    entries: Vec<Entry>,
}

impl DeviceChain {
    /// A new, empty chain of `device` in `office_number`'s ledger.
    pub fn new(office_number: &str, device: DeviceId) -> DeviceChain {
        DeviceChain {
            office_number: office_number.to_string(),
            device,
            entries: Vec::new(),
        }
    }

    /// Opens a chain from stored entries, verifying it first. A broken chain is not opened
    /// for writing: the page shows the [`Verification`] and offers a restore.
    pub fn open(
        office_number: &str,
        device: DeviceId,
        entries: Vec<Entry>,
    ) -> Result<DeviceChain, Verification> {
        DeviceChain::open_with(office_number, device, entries, HashCheck::Recompute)
    }

    /// [`DeviceChain::open`], with the entries' own hashes recomputed or left to the caller
    /// (see [`HashCheck::Deferred`]).
    pub fn open_with(
        office_number: &str,
        device: DeviceId,
        entries: Vec<Entry>,
        hashes: HashCheck,
    ) -> Result<DeviceChain, Verification> {
        let v = verify_device_chain_with(office_number, &device, &entries, hashes);
        if v.is_ok() {
            Ok(DeviceChain {
                office_number: office_number.to_string(),
                device,
                entries,
            })
        } else {
            Err(v)
        }
    }

    /// A chain whose entries the caller has just verified with [`verify_device_chain`] (or
    /// its structure, with [`HashCheck::Deferred`]).
    pub(crate) fn verified(
        office_number: &str,
        device: DeviceId,
        entries: Vec<Entry>,
    ) -> DeviceChain {
        debug_assert!(verify_device_chain_with(
            office_number,
            &device,
            &entries,
            HashCheck::Deferred
        )
        .is_ok());
        DeviceChain {
            office_number: office_number.to_string(),
            device,
            entries,
        }
    }

    /// A format-1 ledger's chain as a legacy device chain (its id derived from entry 1).
    /// `entries` may carry any device id; they are relabelled. Verified before and after.
    pub fn from_legacy(
        office_number: &str,
        mut entries: Vec<Entry>,
    ) -> Result<DeviceChain, Verification> {
        let v = verify(&entries);
        if !v.is_ok() {
            return Err(v);
        }
        let Some(first) = entries.first() else {
            return Err(Verification {
                ok_up_to: 0,
                first_bad: None,
            });
        };
        let device = DeviceId::legacy_of(&first.hash);
        for e in &mut entries {
            e.device = device.clone();
        }
        DeviceChain::open(office_number, device, entries)
    }

    pub fn device(&self) -> &DeviceId {
        &self.device
    }

    pub fn office_number(&self) -> &str {
        &self.office_number
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn into_entries(self) -> Vec<Entry> {
        self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn origin(&self) -> ChainOrigin {
        origin_of(&self.entries)
    }

    /// The head (the genesis value while empty).
    pub fn head(&self) -> ChainHead {
        ChainHead::after(
            &self.entries,
            ChainHead::genesis(&self.office_number, &self.device),
        )
    }

    /// `prev_hash` of this chain's first entry.
    pub fn genesis_hash(&self) -> String {
        match self.origin() {
            ChainOrigin::Legacy => GENESIS_PREV_HASH.to_string(),
            ChainOrigin::Bound => bound_genesis(&self.office_number, &self.device),
        }
    }

    /// The name the device gave itself last (its latest 端末の登録), if any.
    pub fn name(&self) -> Option<&str> {
        device_name(&self.entries)
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

    /// Appends entries that are already sealed (read from a backup or the office folder),
    /// refusing them unless they verify as the continuation of the current head.
    pub fn extend_verified(&mut self, entries: &[Entry]) -> Result<(), Verification> {
        self.extend_verified_with(entries, HashCheck::Recompute)
    }

    /// [`DeviceChain::extend_verified`], with the entries' own hashes recomputed or left to
    /// the caller (see [`HashCheck::Deferred`]).
    pub fn extend_verified_with(
        &mut self,
        entries: &[Entry],
        hashes: HashCheck,
    ) -> Result<(), Verification> {
        if self.entries.is_empty() {
            *self = DeviceChain::open_with(
                &self.office_number,
                self.device.clone(),
                entries.to_vec(),
                hashes,
            )?;
            return Ok(());
        }
        let v = verify_from_with(&self.head(), entries, hashes);
        if !v.is_ok() {
            return Err(v);
        }
        if let Some(bad) = entries.iter().find(|e| match &e.details {
            Details::DeviceNamed {
                device_id,
                office_number,
                ..
            } => *device_id != self.device || *office_number != self.office_number,
            _ => false,
        }) {
            return Err(Verification {
                ok_up_to: bad.seq - 1,
                first_bad: Some((bad.seq, ChainProblem::WrongDevice)),
            });
        }
        self.entries.extend_from_slice(entries);
        Ok(())
    }
}

/// The name in the latest 端末の登録 of a chain.
pub fn device_name(entries: &[Entry]) -> Option<&str> {
    entries.iter().rev().find_map(|e| match &e.details {
        Details::DeviceNamed { name, .. } => Some(name.as_str()),
        _ => None,
    })
}
