//! The office folder (台帳フォルダ): how the office ledger is laid out in a folder that every PC
//! of the office reaches (next to the HTML file on the USB stick, or on the file server), and
//! how what a PC reads there joins its ledger. Plain data and decisions only; the page moves
//! the bytes with the File System Access API (`store::office_folder`).
//!
//! ```text
//! <chosen folder>/証跡台帳/
//!   devices/<device id>/device.json                      who the device is (rewritten by it)
//!   devices/<device id>/chain/<first>-<last>.jsonl       its chain: immutable segments
//!   devices/<device id>/files/<sha256>.<ext>             the original files it recorded
//!   devices/<device id>/legacy/<legacy id>/<first>-<last>.jsonl
//!                                    one-chain ledgers it migrated or restored (format 1)
//! ```
//!
//! Each device writes only inside its own `devices/<id>/`, so no two PCs ever write the same
//! file. A segment holds entries `first..=last` (12-digit seqs), one entry's JSON per line,
//! and is never changed once written; each write is atomic (`createWritable` + `close`), so a
//! half-written file never appears under a segment's name. Readers verify every entry
//! (the chain is bound to the office and the device) and tolerate overlapping segments (left
//! by a compaction that stopped half-way); a damaged segment is reported by name and what was
//! already held is never given up.

use super::chain::{verify_from_with, DeviceChain, HashCheck, Verification};
use super::device::DeviceId;
use super::entry::{Entry, Kind};
use super::office::{ChainMerge, OfficeLedger};
use super::settings::OfficeSettings;
use super::value_io::FormatError;

/// The folder the app creates inside the chosen one.
pub const ROOT_DIR: &str = "証跡台帳";
/// Below [`ROOT_DIR`].
pub const DEVICES_DIR: &str = "devices";
pub const CHAIN_DIR: &str = "chain";
pub const FILES_DIR: &str = "files";
pub const DEVICE_FILE: &str = "device.json";
/// Below a device's folder: the migrated one-chain ledgers it holds, one folder per legacy id.
pub const LEGACY_DIR: &str = "legacy";

/// A chain segment's place, read from its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Segment {
    pub first: u64,
    pub last: u64,
}

impl Segment {
    /// `000000000001-000000000120.jsonl`.
    pub fn file_name(&self) -> String {
        format!("{:012}-{:012}.jsonl", self.first, self.last)
    }

    /// Reads a segment's file name; anything else (a browser's temporary `.crswap` file, a
    /// copy named by the file server, a stray file) is not a segment.
    pub fn parse(name: &str) -> Option<Segment> {
        let stem = name.strip_suffix(".jsonl")?;
        let (a, b) = stem.split_once('-')?;
        let digits = |s: &str| s.len() == 12 && s.bytes().all(|c| c.is_ascii_digit());
        if !digits(a) || !digits(b) {
            return None;
        }
        let (first, last) = (a.parse().ok()?, b.parse().ok()?);
        (first >= 1 && first <= last).then_some(Segment { first, last })
    }
}

/// The text of a segment: one entry's compact JSON per line, each line ended by `\n`.
pub fn segment_text<E: std::borrow::Borrow<Entry>>(entries: &[E]) -> String {
    let mut out = String::with_capacity(entries.len() * 700);
    for e in entries {
        out.push_str(&e.borrow().to_json());
        out.push('\n');
    }
    out
}

/// Why a segment file was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentProblem {
    pub device: DeviceId,
    /// The segment's file name (or `device.json`).
    pub file: String,
    pub message: String,
}

impl SegmentProblem {
    pub fn message_ja(&self, device_label: &str) -> String {
        format!(
            "台帳フォルダの「{}」({device_label})を使えませんでした: {}。この端末が持っている記録はそのままです",
            self.file, self.message
        )
    }
}

/// Reads a segment's text into entries of `device`, checking that it holds exactly the seqs
/// its name says, in order. The chain itself is verified by the caller.
pub fn parse_segment(
    device: &DeviceId,
    segment: Segment,
    text: &str,
) -> Result<Vec<Entry>, String> {
    let mut reader = SegmentReader::new(device, segment, text)?;
    while !reader.read_some(usize::MAX)? {}
    reader.finish()
}

/// [`parse_segment`] a few lines at a time, so a page can read a long segment in steps short
/// enough to keep answering the user in between.
pub struct SegmentReader<'a> {
    device: &'a DeviceId,
    segment: Segment,
    lines: std::iter::Enumerate<std::str::Lines<'a>>,
    entries: Vec<Entry>,
    canonical: bool,
    /// The text has a carriage return somewhere (its lines may still read canonically).
    has_cr: bool,
    /// Lines are read straight, their write-back confirmed on another thread.
    confirmed_elsewhere: bool,
}

impl<'a> SegmentReader<'a> {
    /// Starts reading `text`; a text cut off mid-line is refused at once.
    pub fn new(
        device: &'a DeviceId,
        segment: Segment,
        text: &'a str,
    ) -> Result<SegmentReader<'a>, String> {
        if !text.ends_with('\n') {
            return Err("ファイルが途中で切れています".into());
        }
        if segment.first == 0 || segment.first > segment.last {
            return Err(format!(
                "記録{}〜{}という範囲はありません",
                segment.first, segment.last
            ));
        }
        let expected = usize::try_from(segment.last - segment.first + 1).unwrap_or(0);
        Ok(SegmentReader {
            device,
            segment,
            lines: text.lines().enumerate(),
            entries: Vec::with_capacity(expected.min(text.len() / 64 + 1)),
            canonical: true,
            has_cr: text.as_bytes().contains(&b'\r'),
            confirmed_elsewhere: false,
        })
    }

    /// Reads the lines straight ([`Entry::from_line_unconfirmed`]): for a caller that has
    /// another thread confirm every line by [`crate::ledger::chain::lines_not_confirmed`]
    /// and treats [`SegmentReader::is_canonical`] as "canonical if that confirms it".
    pub fn confirmed_elsewhere(mut self) -> Self {
        self.confirmed_elsewhere = true;
        self
    }

    /// Reads up to `max_lines` more lines; `Ok(true)` once every line is read.
    pub fn read_some(&mut self, max_lines: usize) -> Result<bool, String> {
        for _ in 0..max_lines {
            let Some((i, line)) = self.lines.next() else {
                return Ok(true);
            };
            let straight = if self.confirmed_elsewhere {
                Entry::from_line_unconfirmed(line, self.device)
            } else {
                Entry::from_canonical_json(line, self.device)
            };
            let entry = match straight {
                Some(e) => e,
                None => {
                    self.canonical = false;
                    Entry::from_json(line, self.device)
                        .map_err(|FormatError(m)| format!("{}行目を読めません({m})", i + 1))?
                }
            };
            let expected = self.segment.first + i as u64;
            if entry.seq != expected {
                return Err(format!(
                    "{}行目は記録{}のはずですが、記録{}です",
                    i + 1,
                    expected,
                    entry.seq
                ));
            }
            self.entries.push(entry);
        }
        Ok(false)
    }

    /// Whether every line read so far was its entry's canonical text (what this app writes),
    /// so that [`crate::ledger::chain::lines_not_confirmed`] applies to it.
    pub fn is_canonical(&self) -> bool {
        self.canonical
    }

    /// Whether the whole text is exactly [`segment_text`] of its entries (so it can be kept
    /// as it is, not written again): every line canonical, each ended by one `\n`.
    pub fn is_exact_text(&self) -> bool {
        self.canonical && !self.has_cr
    }

    /// The entries, once every line is read: exactly the seqs the segment's name says.
    pub fn finish(self) -> Result<Vec<Entry>, String> {
        let segment = self.segment;
        if self.entries.len() as u64 != segment.last - segment.first + 1 {
            return Err(format!(
                "記録{}〜{}のはずが{}件しかありません",
                segment.first,
                segment.last,
                self.entries.len()
            ));
        }
        Ok(self.entries)
    }
}

/// A text read from the office folder that is exactly [`segment_text`] of a device's
/// entries `first..=last` (see [`SegmentReader::is_exact_text`]) and whose entries joined the
/// office ledger: storing those entries again can keep this text instead of writing it anew.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactText {
    pub device: DeviceId,
    pub first: u64,
    pub last: u64,
    /// The hash of entry `last`: it commits to every entry before it in the text's chain.
    pub last_hash: String,
}

/// Which of `texts` (in order) are, one after another, exactly the run of `device`'s entries
/// `first..=last` ending in `last_hash`; `None` when they do not tile the run exactly.
pub fn texts_for_run(
    texts: &[ExactText],
    device: &DeviceId,
    first: u64,
    last: u64,
    last_hash: &str,
) -> Option<Vec<usize>> {
    let mut picked = Vec::new();
    let mut next = first;
    while next <= last {
        let i = texts
            .iter()
            .position(|t| &t.device == device && t.first == next && t.last <= last)?;
        picked.push(i);
        next = texts[i].last + 1;
    }
    let end = &texts[*picked.last()?];
    (end.last == last && end.last_hash == last_hash).then_some(picked)
}

/// Which of a device's segments to read to learn what comes after the `held` entries this PC
/// already has: those reaching past `held`, in order, without overlaps where possible. `None`
/// when the segments leave a gap (an entry no segment holds).
pub fn segments_to_read(segments: &[Segment], held: u64) -> Option<Vec<Segment>> {
    let end = segments.iter().map(|s| s.last).max().unwrap_or(0);
    let mut plan = Vec::new();
    let mut covered = held;
    while covered < end {
        // Of the segments that continue right after what is covered, the one reaching
        // furthest; among those, the one that starts latest (the least to read).
        let next = segments
            .iter()
            .filter(|s| s.first <= covered + 1 && s.last > covered)
            .max_by(|a, b| a.last.cmp(&b.last).then(a.first.cmp(&b.first)))?;
        covered = next.last;
        plan.push(*next);
    }
    Some(plan)
}

/// The entries after `held` from segments read in [`segments_to_read`]'s order (overlaps
/// dropped; an overlapping entry must be the same entry, else the folder holds a second
/// history of the device).
pub fn entries_after(held: u64, read: Vec<(Segment, Vec<Entry>)>) -> Result<Vec<Entry>, String> {
    let mut out: Vec<Entry> = Vec::new();
    for (_, entries) in read {
        for e in entries {
            let have = held + out.len() as u64;
            if e.seq <= held {
                continue;
            }
            if e.seq <= have {
                let same = &out[(e.seq - held - 1) as usize];
                if same.hash != e.hash {
                    return Err(format!("記録{}が2通りあります", e.seq));
                }
                continue;
            }
            out.push(e);
        }
    }
    Ok(out)
}

/// What reading one device's folder did to the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderMerge {
    /// The device's entries after what was held, verified and added.
    Merged(ChainMerge),
    /// They did not continue what is held; the whole chain was read and added on its own.
    NeedsFullRead,
}

/// Adds `new_entries` (what follows the device's held chain in the folder) to `ledger`.
/// When they do not continue the held chain (another history of the device), says so: the
/// caller then reads every segment and calls [`add_full_chain`].
///
/// `hashes`: [`HashCheck::Deferred`] when the caller has the entries' own hashes checked
/// elsewhere before it keeps anything.
pub fn add_continuation(
    ledger: &mut OfficeLedger,
    device: &DeviceId,
    new_entries: &[Entry],
    hashes: HashCheck,
) -> Result<FolderMerge, Verification> {
    let held = ledger
        .chain(device)
        .cloned()
        .unwrap_or_else(|| DeviceChain::new(ledger.office_number(), device.clone()));
    if new_entries.is_empty() {
        return Ok(FolderMerge::Merged(ChainMerge::Nothing));
    }
    if held.is_empty() {
        return add_full_chain(ledger, device, new_entries.to_vec(), hashes)
            .map(FolderMerge::Merged);
    }
    if new_entries[0].prev_hash != held.head().hash {
        return Ok(FolderMerge::NeedsFullRead);
    }
    let v = verify_from_with(&held.head(), new_entries, hashes);
    let mut grown = held;
    let ok = (v.ok_up_to - grown.len() as u64) as usize;
    // Verified just now: not again.
    grown
        .extend_verified_with(&new_entries[..ok], HashCheck::Deferred)
        .expect("the verified part continues the head");
    let change = ledger
        .add_chain(grown)
        .expect("a chain of this ledger's office");
    if v.is_ok() {
        Ok(FolderMerge::Merged(change))
    } else {
        Err(v)
    }
}

/// Adds a device's whole chain as read from the folder. A chain that breaks part-way is added
/// up to its last good entry, and the break is returned.
pub fn add_full_chain(
    ledger: &mut OfficeLedger,
    device: &DeviceId,
    entries: Vec<Entry>,
    hashes: HashCheck,
) -> Result<ChainMerge, Verification> {
    let office = ledger.office_number().to_string();
    let v = super::chain::verify_device_chain_with(&office, device, &entries, hashes);
    let ok = v.ok_up_to as usize;
    let mut entries = entries;
    entries.truncate(ok);
    // The verified part (all of it, or up to the break), not verified again.
    let chain = DeviceChain::verified(&office, device.clone(), entries);
    match v.first_bad {
        None => Ok(ledger.add_chain(chain).expect("same office")),
        Some(_) => {
            if ok > 0 {
                let prefix = chain;
                let _ = ledger.add_chain(prefix);
            }
            Err(v)
        }
    }
}

/// Whether an entry of `kind` names bytes that go to `files/`: a file received or sent, and
/// an attachment (送受信一覧, 添付). A チェック結果 or 取込 names the same file again.
pub fn keeps_bytes(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Received | Kind::Sent | Kind::DeletionReceived | Kind::SendList | Kind::Attachment
    )
}

/// Extensions a kept file keeps in `files/`: documents staff open from the folder. Anything
/// else (an attached `.exe`, `.js`, `.lnk` …) becomes `.bin`, so a double click in the shared
/// folder never runs what someone attached.
const KEPT_EXTENSIONS: [&str; 9] = [
    "csv", "pdf", "png", "jpg", "jpeg", "txt", "xlsx", "docx", "json",
];

/// The name a recorded file gets in `files/`: its SHA-256 and a short extension from its
/// original name (`.csv`, `.pdf`…), so staff browsing the folder can open it.
pub fn stored_file_name(sha256: &str, original_name: &str) -> String {
    let ext = original_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| KEPT_EXTENSIONS.contains(&e.as_str()))
        .unwrap_or_else(|| "bin".into());
    format!("{sha256}.{ext}")
}

/// The SHA-256 a `files/` name stands for, if it is one of ours.
pub fn sha256_of_stored_name(name: &str) -> Option<&str> {
    let (stem, _) = name.split_once('.')?;
    (stem.len() == 64 && stem.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then_some(stem)
}

/// `device.json`: who the device is and the office settings it uses, for people browsing the
/// folder and for a new PC joining the office (which takes the settings from the newest one).
/// Informational: the chain is the evidence, and nothing here is trusted without it.
pub struct DeviceFile<'a> {
    pub device: &'a DeviceId,
    pub name: &'a str,
    pub entry_count: u64,
    pub head_hash: &'a str,
    pub updated_at: &'a str,
    pub settings: &'a OfficeSettings,
}

impl DeviceFile<'_> {
    pub fn to_text(&self) -> String {
        let v = serde_json::json!({
            "format": "careplan-ledger-device",
            "device_id": self.device.as_str(),
            "name": self.name,
            "office_number": self.settings.office_number,
            "entry_count": self.entry_count,
            "head_hash": self.head_hash,
            "updated_at": self.updated_at,
            "settings": self.settings.to_value(),
        });
        format!("{v}\n")
    }
}

/// The settings and `updated_at` a `device.json` carries, when it is one of ours.
pub fn settings_in_device_file(text: &str) -> Option<(String, OfficeSettings)> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    if v.get("format")?.as_str()? != "careplan-ledger-device" {
        return None;
    }
    let settings = OfficeSettings::from_value(v.get("settings")?).ok()?;
    settings.is_ready().then_some(())?;
    Some((v.get("updated_at")?.as_str()?.to_string(), settings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::sample::{sample_device, sample_device_chain, SAMPLE_OFFICE};

    #[test]
    fn segment_names_round_trip_and_strangers_are_ignored() {
        let s = Segment {
            first: 1,
            last: 120,
        };
        assert_eq!(s.file_name(), "000000000001-000000000120.jsonl");
        assert_eq!(Segment::parse(&s.file_name()), Some(s));
        for name in [
            "000000000001-000000000120.jsonl.crswap",
            "000000000001-000000000120 (1).jsonl",
            "000000000005-000000000001.jsonl",
            "000000000000-000000000001.jsonl",
            "1-2.jsonl",
            "../000000000001-000000000001.jsonl",
            "device.json",
        ] {
            assert_eq!(Segment::parse(name), None, "{name}");
        }
    }

    #[test]
    fn segments_are_parsed_strictly() {
        let (chain, _) = sample_device_chain(1, 10, 3, 2, false);
        let d = sample_device(1);
        let s = Segment { first: 3, last: 6 };
        let text = segment_text(&chain.entries()[2..6]);
        assert_eq!(parse_segment(&d, s, &text).unwrap(), chain.entries()[2..6]);
        // Truncated mid-line, a missing line, a line of another seq, junk.
        let cut = &text[..text.len() - 10];
        assert!(parse_segment(&d, s, cut)
            .unwrap_err()
            .contains("途中で切れて"));
        let short = segment_text(&chain.entries()[2..5]);
        assert!(parse_segment(&d, s, &short)
            .unwrap_err()
            .contains("件しかありません"));
        let shifted = segment_text(&chain.entries()[3..7]);
        assert!(parse_segment(&d, s, &shifted)
            .unwrap_err()
            .contains("のはずですが"));
        assert!(parse_segment(&d, s, "\u{0}\u{1}garbage\n").is_err());
        // A range no segment name can give (a damaged store record) is refused, not a panic.
        let backwards = Segment { first: 6, last: 3 };
        assert!(parse_segment(&d, backwards, &text).is_err());
        assert!(parse_segment(&d, Segment { first: 0, last: 3 }, &text).is_err());
        assert!(parse_segment(&d, s, "").is_err());
    }

    #[test]
    fn a_text_is_exact_only_when_it_is_the_segment_text_itself() {
        let (chain, _) = sample_device_chain(1, 6, 3, 2, false);
        let d = sample_device(1);
        let s = Segment { first: 1, last: 6 };
        let text = segment_text(chain.entries());
        let mut exact = SegmentReader::new(&d, s, &text).unwrap();
        while !exact.read_some(2).unwrap() {}
        assert!(exact.is_exact_text());
        // Windows line ends read the same entries, but the text is not what this app writes.
        let crlf = text.replace('\n', "\r\n");
        let mut other = SegmentReader::new(&d, s, &crlf).unwrap();
        while !other.read_some(2).unwrap() {}
        assert!(!other.is_exact_text());
        assert_eq!(other.finish().unwrap(), chain.entries());
    }

    #[test]
    fn lines_read_straight_are_the_same_entries_and_the_other_thread_finds_what_is_not_canonical() {
        let (chain, _) = sample_device_chain(1, 8, 3, 2, false);
        let d = sample_device(1);
        let s = Segment { first: 1, last: 8 };
        let text = segment_text(chain.entries());
        let mut straight = SegmentReader::new(&d, s, &text)
            .unwrap()
            .confirmed_elsewhere();
        while !straight.read_some(3).unwrap() {}
        assert!(straight.is_canonical());
        assert_eq!(straight.finish().unwrap(), chain.entries());
        assert!(crate::ledger::chain::lines_not_confirmed(&text).is_empty());
        // A line that reads straight but is not the canonical text (an escape this app never
        // writes), and a line whose content does not match its hash: both found.
        let lines: Vec<&str> = text.lines().collect();
        let escaped = lines[2].replacen("\"actor\":\"", "\"actor\":\"\\u0020", 1);
        assert_ne!(escaped, lines[2]);
        // Its stated hash made right for its own bytes: the hash check alone would pass it.
        let member = ",\"hash\":\"";
        let at = escaped.find(member).unwrap() + member.len();
        let without = format!("{}{}", &escaped[..at - member.len()], &escaped[at + 65..]);
        let escaped = format!(
            "{}{}{}",
            &escaped[..at],
            crate::fingerprint::sha256_hex(without.as_bytes()),
            &escaped[at + 64..]
        );
        assert!(crate::ledger::chain::canonical_line_hash_is_right(&escaped));
        assert!(Entry::from_line_unconfirmed(&escaped, &d).is_some());
        let changed = lines[5].replacen("\"seq\":6", "\"seq\":6 ", 1);
        let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        edited[2] = escaped;
        edited[5] = changed;
        let edited = edited.join("\n") + "\n";
        assert_eq!(
            crate::ledger::chain::lines_not_confirmed(&edited),
            vec![2, 5]
        );
    }

    #[test]
    fn texts_tile_a_run_only_exactly_and_up_to_its_last_hash() {
        let d = sample_device(1);
        let other = sample_device(2);
        let t = |device: &DeviceId, first, last, hash: &str| ExactText {
            device: device.clone(),
            first,
            last,
            last_hash: hash.into(),
        };
        let texts = [
            t(&d, 11, 20, "h20"),
            t(&other, 1, 10, "x10"),
            t(&d, 1, 10, "h10"),
            t(&d, 21, 25, "h25"),
        ];
        assert_eq!(texts_for_run(&texts, &d, 1, 25, "h25"), Some(vec![2, 0, 3]));
        assert_eq!(texts_for_run(&texts, &d, 1, 10, "h10"), Some(vec![2]));
        // Another history ending elsewhere, a run starting mid-text, a run past the texts.
        assert_eq!(texts_for_run(&texts, &d, 1, 20, "other"), None);
        assert_eq!(texts_for_run(&texts, &d, 5, 20, "h20"), None);
        assert_eq!(texts_for_run(&texts, &d, 1, 30, "h30"), None);
        assert_eq!(texts_for_run(&texts, &d, 1, 15, "h15"), None);
        assert_eq!(texts_for_run(&texts, &other, 1, 10, "x10"), Some(vec![1]));
    }

    #[test]
    fn only_the_segments_past_what_is_held_are_read() {
        let seg = |first, last| Segment { first, last };
        let all = [seg(1, 10), seg(11, 20), seg(21, 25), seg(1, 20)];
        assert_eq!(
            segments_to_read(&all, 0),
            Some(vec![seg(1, 20), seg(21, 25)])
        );
        assert_eq!(
            segments_to_read(&all, 15),
            Some(vec![seg(11, 20), seg(21, 25)])
        );
        assert_eq!(segments_to_read(&all, 25), Some(vec![]));
        assert_eq!(
            segments_to_read(&[seg(1, 10), seg(15, 20)], 0),
            None,
            "a gap"
        );
        assert_eq!(segments_to_read(&[seg(5, 10)], 4), Some(vec![seg(5, 10)]));
    }

    #[test]
    fn a_continuation_joins_and_a_broken_one_keeps_what_verifies() {
        let (chain, _) = sample_device_chain(2, 12, 3, 2, false);
        let d = sample_device(2);
        let mut ledger = OfficeLedger::new(SAMPLE_OFFICE);
        let first =
            DeviceChain::open(SAMPLE_OFFICE, d.clone(), chain.entries()[..5].to_vec()).unwrap();
        ledger.add_chain(first).unwrap();
        let read = vec![
            (Segment { first: 1, last: 8 }, chain.entries()[..8].to_vec()),
            (
                Segment { first: 6, last: 12 },
                chain.entries()[5..].to_vec(),
            ),
        ];
        let after = entries_after(5, read).unwrap();
        assert_eq!(after, chain.entries()[5..]);
        assert_eq!(
            add_continuation(&mut ledger, &d, &after, HashCheck::Recompute).unwrap(),
            FolderMerge::Merged(ChainMerge::Extended { added: 7 })
        );
        assert_eq!(ledger.chain(&d).unwrap(), &chain);

        // A forged entry 10: entries 6..=9 join, the rest is refused and reported.
        let mut ledger = OfficeLedger::new(SAMPLE_OFFICE);
        ledger
            .add_chain(
                DeviceChain::open(SAMPLE_OFFICE, d.clone(), chain.entries()[..5].to_vec()).unwrap(),
            )
            .unwrap();
        let mut forged = chain.entries()[5..].to_vec();
        forged[4].actor = "改ざん者".into();
        let v = add_continuation(&mut ledger, &d, &forged, HashCheck::Recompute).unwrap_err();
        assert_eq!(v.first_bad.as_ref().map(|(s, _)| *s), Some(10));
        assert_eq!(ledger.chain(&d).unwrap().len(), 9);

        // Another history of the device does not continue the held head.
        let other = sample_device_chain(2, 8, 5, 5, false).0;
        assert_eq!(
            add_continuation(&mut ledger, &d, &other.entries()[6..], HashCheck::Recompute).unwrap(),
            FolderMerge::NeedsFullRead
        );
    }

    #[test]
    fn a_new_pc_takes_the_settings_of_a_device_file() {
        let settings = OfficeSettings {
            office_number: SAMPLE_OFFICE.into(),
            office_name: "さくら居宅".into(),
            staff: vec!["佐々木".into()],
            ..OfficeSettings::default()
        };
        let text = DeviceFile {
            device: &sample_device(1),
            name: "事務室PC",
            entry_count: 3,
            head_hash: &"0".repeat(64),
            updated_at: "2025-06-01T00:00:00.000Z",
            settings: &settings,
        }
        .to_text();
        let (at, back) = settings_in_device_file(&text).unwrap();
        assert_eq!(at, "2025-06-01T00:00:00.000Z");
        assert_eq!(back, settings);
        assert_eq!(settings_in_device_file("{}"), None);
        assert_eq!(settings_in_device_file("not json"), None);
    }

    #[test]
    fn stored_file_names() {
        let sha = "ab".repeat(32);
        assert_eq!(stored_file_name(&sha, "UPPLAN_x.CSV"), format!("{sha}.csv"));
        assert_eq!(stored_file_name(&sha, "no extension"), format!("{sha}.bin"));
        assert_eq!(stored_file_name(&sha, "evil.c/sv"), format!("{sha}.bin"));
        assert_eq!(stored_file_name(&sha, "一覧.PDF"), format!("{sha}.pdf"));
        // Attachments' bytes go to files/ like received and sent files; a check result
        // only names a file already there.
        assert!(
            keeps_bytes(Kind::SendList) && keeps_bytes(Kind::Attachment) && keeps_bytes(Kind::Sent)
        );
        assert!(!keeps_bytes(Kind::CheckResult) && !keeps_bytes(Kind::RenewalDone));
        assert_eq!(
            stored_file_name(&sha, "資料\u{202E}fdp.exe"),
            format!("{sha}.bin")
        );
        assert_eq!(
            sha256_of_stored_name(&format!("{sha}.csv")),
            Some(sha.as_str())
        );
        assert_eq!(sha256_of_stored_name("x.csv"), None);
    }
}
