//! The office ledger (事業所の台帳): the set of every device's chain, merged.
//!
//! Each device writes only its own chain ([`super::chain::DeviceChain`]); the office ledger
//! holds, per device, every *maximal* chain it has seen: a chain that is a prefix of another
//! one adds nothing. Merging is the union of these sets followed by dropping prefixes, so
//!
//! - it is **commutative** and **associative**: any order of imports and syncs gives the same
//!   office ledger;
//! - it is **idempotent**: importing the same backup or folder twice changes nothing;
//! - it never loses an entry: a chain is only dropped when another one contains it.
//!
//! "B is a prefix of A" is decided on one hash: because every hash commits to everything
//! before it, entry n of A having B's head hash means A's first n entries are B's.
//!
//! Per device, the longest chain (ties: the smaller head hash) is the one the views show.
//! Any other maximal chain of the same device is a [`ChainConflict`]: the same device wrote
//! two different histories (a copied browser profile, or tampering). It is kept and shown,
//! never silently replaced.

use super::chain::{
    verify_device_chain, verify_device_chain_with, ChainHead, DeviceChain, HashCheck, Verification,
};
use super::device::DeviceId;
use super::entry::{Entry, EntryRef};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// A second history of one device, kept beside the one the views show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainConflict {
    /// The whole other chain (from seq 1), verified.
    pub chain: DeviceChain,
    /// Entries 1..=`common_prefix` are the same as in the shown chain.
    pub common_prefix: u64,
}

/// What adding one chain did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainMerge {
    /// Nothing new: the office ledger already contains it.
    Nothing,
    /// A device not seen before, with this many entries.
    NewDevice { entries: u64 },
    /// The device's shown chain grew by this many entries.
    Extended { added: u64 },
    /// The chain contradicts what the device wrote elsewhere: kept as a conflict.
    ConflictKept { common_prefix: u64 },
    /// A chain already kept as a conflict grew.
    ConflictExtended,
}

/// Why a chain was not added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeError {
    /// The chain belongs to another office's ledger.
    OtherOffice { theirs: String, ours: String },
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::OtherOffice { theirs, ours } => write!(
                f,
                "別の事業所({theirs})の記録です。この台帳({ours})には入れません"
            ),
        }
    }
}

/// What a merge did, per device, for the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub changes: Vec<(DeviceId, ChainMerge)>,
}

impl MergeReport {
    /// New entries the views now show (new devices and extensions).
    pub fn added_entries(&self) -> u64 {
        self.changes
            .iter()
            .map(|(_, c)| match c {
                ChainMerge::NewDevice { entries } => *entries,
                ChainMerge::Extended { added } => *added,
                _ => 0,
            })
            .sum()
    }

    pub fn new_conflicts(&self) -> usize {
        self.changes
            .iter()
            .filter(|(_, c)| matches!(c, ChainMerge::ConflictKept { .. }))
            .count()
    }

    pub fn changed_anything(&self) -> bool {
        self.changes
            .iter()
            .any(|(_, c)| !matches!(c, ChainMerge::Nothing))
    }

    /// A sentence for the page, after the merge.
    pub fn message_ja(&self) -> String {
        self.sentence(false)
    }

    /// The same sentence before the merge is applied (what it will do).
    pub fn preview_ja(&self) -> String {
        self.sentence(true)
    }

    fn sentence(&self, preview: bool) -> String {
        if !self.changed_anything() {
            return if preview {
                "この台帳はバックアップの記録をすべて持っています。変更はありません。".into()
            } else {
                "新しい記録はありませんでした。台帳は変わっていません。".into()
            };
        }
        let devices = self
            .changes
            .iter()
            .filter(|(_, c)| matches!(c, ChainMerge::NewDevice { .. }))
            .count();
        let (add, keep) = if preview {
            ("加えます", "保管します")
        } else {
            ("加えました", "保管しました")
        };
        let from = if devices > 0 {
            format!("(はじめての端末{devices}台を含む)")
        } else {
            String::new()
        };
        let mut text = format!("新しい記録{}件{from}を{add}。", self.added_entries());
        let conflicts = self.new_conflicts();
        if conflicts > 0 {
            text.push_str(&format!(
                "同じ端末の食い違う記録{conflicts}件を、消さずに別に{keep}。"
            ));
        }
        text
    }
}

/// Every device chain of one office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeLedger {
    office_number: String,
    /// The shown chain of each device.
    chains: BTreeMap<DeviceId, DeviceChain>,
    /// Other maximal chains, sorted by device and head hash (so equal ledgers compare equal).
    conflicts: Vec<ChainConflict>,
}

/// See [`OfficeLedger::summary`]: per chain its device id, entry count and head hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LedgerSummary {
    pub office_number: String,
    pub chains: Vec<(String, u64, String)>,
    pub conflicts: Vec<(String, u64, String)>,
}

/// One problem found while assembling a ledger from stored entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProblem {
    pub device: DeviceId,
    /// What went wrong, in Japanese.
    pub message: String,
}

impl OfficeLedger {
    /// An empty ledger of `office_number`.
    pub fn new(office_number: &str) -> OfficeLedger {
        OfficeLedger {
            office_number: office_number.to_string(),
            chains: BTreeMap::new(),
            conflicts: Vec::new(),
        }
    }

    pub fn office_number(&self) -> &str {
        &self.office_number
    }

    /// The shown chains, by device id.
    pub fn chains(&self) -> impl Iterator<Item = &DeviceChain> {
        self.chains.values()
    }

    pub fn chain(&self, device: &DeviceId) -> Option<&DeviceChain> {
        self.chains.get(device)
    }

    pub fn conflicts(&self) -> &[ChainConflict] {
        &self.conflicts
    }

    pub fn device_count(&self) -> usize {
        self.chains.len()
    }

    /// Entries of all shown chains.
    pub fn entry_count(&self) -> u64 {
        self.chains.values().map(|c| c.len() as u64).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.chains.is_empty() && self.conflicts.is_empty()
    }

    /// The device's name as it recorded it, or 「端末 1a2b3c4d」.
    pub fn device_label(&self, device: &DeviceId) -> String {
        device_label(self.chains.get(device).and_then(DeviceChain::name), device)
    }

    /// The names of all devices, for the views.
    pub fn device_labels(&self) -> HashMap<DeviceId, String> {
        self.chains
            .keys()
            .map(|d| (d.clone(), self.device_label(d)))
            .collect()
    }

    /// The entry at `id` in the shown chains.
    pub fn entry(&self, id: &EntryRef) -> Option<&Entry> {
        self.chains.get(&id.device)?.get(id.seq)
    }

    /// Whether the ledger holds the entry `seq` of `device` with this hash, in a shown chain
    /// or a conflict. Since a hash commits to every earlier entry, holding a stored run's last
    /// entry means holding the whole run: how a write transaction tells what another tab
    /// wrote since the page read the store.
    pub fn holds_entry(&self, device: &DeviceId, seq: u64, hash: &str) -> bool {
        let held = |c: &DeviceChain| c.get(seq).is_some_and(|e| e.hash == hash);
        self.chains.get(device).is_some_and(held)
            || self
                .conflicts
                .iter()
                .any(|c| c.chain.device() == device && held(&c.chain))
    }

    /// Every entry of the shown chains in time order (recorded_at, then device, then seq):
    /// what every view lists.
    pub fn entries_in_time_order(&self) -> Vec<Entry> {
        self.time_order().into_iter().cloned().collect()
    }

    /// [`OfficeLedger::entries_in_time_order`] without copying the entries (sorting
    /// references is much cheaper than moving entries; a page copies them in steps).
    pub fn time_order(&self) -> Vec<&Entry> {
        let mut all: Vec<&Entry> = self.chains.values().flat_map(|c| c.entries()).collect();
        all.sort_by(|a, b| {
            (a.recorded_at, &a.device, a.seq).cmp(&(b.recorded_at, &b.device, b.seq))
        });
        all
    }

    /// Adds one verified chain (see the module doc for what happens).
    pub fn add_chain(&mut self, chain: DeviceChain) -> Result<ChainMerge, MergeError> {
        if chain.office_number() != self.office_number {
            return Err(MergeError::OtherOffice {
                theirs: chain.office_number().to_string(),
                ours: self.office_number.clone(),
            });
        }
        if chain.is_empty() {
            return Ok(ChainMerge::Nothing);
        }
        let device = chain.device().clone();
        if self.holds(&chain) {
            return Ok(ChainMerge::Nothing);
        }
        let Some(shown) = self.chains.remove(&device) else {
            let entries = chain.len() as u64;
            self.chains.insert(device, chain);
            return Ok(ChainMerge::NewDevice { entries });
        };
        let mut maximal: Vec<DeviceChain> = vec![shown.clone()];
        let mut rest = Vec::new();
        for c in std::mem::take(&mut self.conflicts) {
            if *c.chain.device() == device {
                maximal.push(c.chain);
            } else {
                rest.push(c);
            }
        }
        self.conflicts = rest;
        let conflicts_before = maximal.len() - 1;
        if maximal.iter().any(|m| is_prefix(&chain, m)) {
            self.put_back(shown, maximal.into_iter().skip(1));
            return Ok(ChainMerge::Nothing);
        }
        maximal.retain(|m| !is_prefix(m, &chain));
        maximal.push(chain);
        // Choose the shown chain: longest, then smallest head hash.
        maximal.sort_by(|a, b| {
            b.len()
                .cmp(&a.len())
                .then(a.head().hash.cmp(&b.head().hash))
        });
        let mut maximal = maximal.into_iter();
        let new_shown = maximal.next().expect("at least the old shown chain");
        for other in maximal {
            let common_prefix = common_prefix(new_shown.entries(), other.entries());
            self.conflicts.push(ChainConflict {
                chain: other,
                common_prefix,
            });
        }
        self.conflicts.sort_by(|a, b| {
            (a.chain.device(), a.chain.head().hash).cmp(&(b.chain.device(), b.chain.head().hash))
        });
        let conflicts_after = self
            .conflicts
            .iter()
            .filter(|c| *c.chain.device() == device)
            .count();
        let outcome = if new_shown.len() > shown.len() && is_prefix(&shown, &new_shown) {
            ChainMerge::Extended {
                added: (new_shown.len() - shown.len()) as u64,
            }
        } else if conflicts_after > conflicts_before {
            ChainMerge::ConflictKept {
                common_prefix: self
                    .conflicts
                    .iter()
                    .filter(|c| *c.chain.device() == device)
                    .map(|c| c.common_prefix)
                    .min()
                    .unwrap_or(0),
            }
        } else {
            ChainMerge::ConflictExtended
        };
        self.chains.insert(device, new_shown);
        Ok(outcome)
    }

    fn put_back(&mut self, shown: DeviceChain, others: impl Iterator<Item = DeviceChain>) {
        for chain in others {
            let common_prefix = common_prefix(shown.entries(), chain.entries());
            self.conflicts.push(ChainConflict {
                chain,
                common_prefix,
            });
        }
        self.conflicts.sort_by(|a, b| {
            (a.chain.device(), a.chain.head().hash).cmp(&(b.chain.device(), b.chain.head().hash))
        });
        self.chains.insert(shown.device().clone(), shown);
    }

    /// Whether this ledger already holds everything of `chain` (the usual case of a sync or
    /// a repeated import): decided on one hash per held history, without copying anything.
    pub fn holds(&self, chain: &DeviceChain) -> bool {
        let device = chain.device();
        self.chains
            .get(device)
            .into_iter()
            .chain(
                self.conflicts
                    .iter()
                    .map(|c| &c.chain)
                    .filter(|c| c.device() == device),
            )
            .any(|h| is_prefix(chain, h))
    }

    /// Merges another office ledger into this one (its shown chains and its conflicts).
    pub fn merge(&mut self, other: &OfficeLedger) -> Result<MergeReport, MergeError> {
        if other.office_number != self.office_number && !other.is_empty() {
            return Err(MergeError::OtherOffice {
                theirs: other.office_number.clone(),
                ours: self.office_number.clone(),
            });
        }
        let mut report = MergeReport::default();
        let incoming = other
            .chains
            .values()
            .chain(other.conflicts.iter().map(|c| &c.chain));
        for chain in incoming {
            let change = if chain.is_empty() || self.holds(chain) {
                ChainMerge::Nothing
            } else {
                self.add_chain(chain.clone())?
            };
            report.changes.push((chain.device().clone(), change));
        }
        Ok(report)
    }

    /// Assembles a ledger from stored entries of any devices, in any order and possibly
    /// repeated (the IndexedDB store keeps runs of entries, which may overlap). Every device's entries are followed from its genesis; each
    /// maximal path is verified and added. Entries that are not on a verified path (changed,
    /// or cut off from their start) are reported and left out, never hidden.
    pub fn from_entries(
        office_number: &str,
        entries: Vec<Entry>,
    ) -> (OfficeLedger, Vec<LoadProblem>) {
        OfficeLedger::from_entries_with(office_number, entries, HashCheck::Recompute)
    }

    /// [`OfficeLedger::from_entries`], with the entries' own hashes recomputed or left to the
    /// caller ([`HashCheck::Deferred`]: the ledger is verified only once
    /// [`super::chain::entries_with_wrong_hash`] finds nothing in the same entries).
    pub fn from_entries_with(
        office_number: &str,
        entries: Vec<Entry>,
        hashes: HashCheck,
    ) -> (OfficeLedger, Vec<LoadProblem>) {
        let mut ledger = OfficeLedger::new(office_number);
        let mut problems = Vec::new();
        let mut by_device: BTreeMap<DeviceId, Vec<Entry>> = BTreeMap::new();
        for e in entries {
            by_device.entry(e.device.clone()).or_default().push(e);
        }
        for (device, mut list) in by_device {
            list.sort_by(|a, b| (a.seq, &a.hash).cmp(&(b.seq, &b.hash)));
            // The same entry stored twice (in overlapping runs) is one entry.
            list.dedup_by(|a, b| a.hash == b.hash);
            let total = list.len();
            let paths = maximal_paths(list);
            let mut used = 0;
            for path in paths {
                let v = verify_device_chain_with(office_number, &device, &path, hashes);
                let ok = v.ok_up_to as usize;
                if !v.is_ok() {
                    problems.push(LoadProblem {
                        device: device.clone(),
                        message: v.message_ja(),
                    });
                }
                if ok == 0 {
                    continue;
                }
                let mut path = path;
                path.truncate(ok);
                used += ok;
                // Verified just now: not again (it is most of the cost of opening a ledger).
                let chain = DeviceChain::verified(office_number, device.clone(), path);
                let _ = ledger.add_chain(chain);
            }
            // Shared prefixes are counted once per path; only a shortfall means entries that
            // no verified path reached.
            if used < total && problems.iter().all(|p| p.device != device) {
                problems.push(LoadProblem {
                    device: device.clone(),
                    message: format!("始まりの記録につながらない記録が{}件あります", total - used),
                });
            }
        }
        (ledger, problems)
    }

    /// Every entry the ledger holds once (shown chains and conflicts), for a store that keeps
    /// entries by hash.
    pub fn all_entries(&self) -> Vec<&Entry> {
        let mut seen = std::collections::HashSet::new();
        self.chains
            .values()
            .chain(self.conflicts.iter().map(|c| &c.chain))
            .flat_map(|c| c.entries())
            .filter(|e| seen.insert(e.hash.as_str()))
            .collect()
    }

    /// What identifies this ledger: every shown chain's and every conflict's head (each
    /// head hash commits to its whole chain, so two ledgers with the same summary hold the
    /// same entries). What the ledger worker answers about a backup it has read.
    pub fn summary(&self) -> LedgerSummary {
        let head = |c: &DeviceChain| {
            let h = c.head();
            (h.device.as_str().to_string(), h.entry_count, h.hash)
        };
        LedgerSummary {
            office_number: self.office_number.clone(),
            chains: self.chains.values().map(head).collect(),
            conflicts: self.conflicts.iter().map(|c| head(&c.chain)).collect(),
        }
    }

    /// The heads of the shown chains, by device id.
    pub fn heads(&self) -> Vec<ChainHead> {
        self.chains.values().map(DeviceChain::head).collect()
    }

    /// The ledger's state in one sentence for people.
    pub fn status_ja(&self) -> String {
        let conflicts = if self.conflicts.is_empty() {
            String::new()
        } else {
            format!(
                "。同じ端末の食い違う記録が{}件あります(消さずに保管しています)",
                self.conflicts.len()
            )
        };
        if self.chains.is_empty() {
            return format!("記録はまだありません{conflicts}");
        }
        format!(
            "端末{}台の記録 計{}件のつながりを確認しました。書き換えは見つかりませんでした{conflicts}",
            self.chains.len(),
            self.entry_count()
        )
    }

    /// Whether every chain verifies (always true for a ledger built through this type; the
    /// page calls it on what it reloaded).
    pub fn verify(&self) -> Vec<(DeviceId, Verification)> {
        self.chains
            .values()
            .map(|c| {
                (
                    c.device().clone(),
                    verify_device_chain(&self.office_number, c.device(), c.entries()),
                )
            })
            .collect()
    }
}

/// 「事務室PC」 or, for a device that has not named itself, 「端末 1a2b3c4d」.
pub fn device_label(name: Option<&str>, device: &DeviceId) -> String {
    match name {
        Some(n) => n.to_string(),
        None => format!("端末 {}", device.short()),
    }
}

/// Whether `a` is a prefix of `b` (equal counts as a prefix).
fn is_prefix(a: &DeviceChain, b: &DeviceChain) -> bool {
    a.len() <= b.len()
        && (a.is_empty() || b.entries()[a.len() - 1].hash == a.entries()[a.len() - 1].hash)
}

/// Number of leading entries with equal hashes.
pub fn common_prefix(a: &[Entry], b: &[Entry]) -> u64 {
    a.iter()
        .zip(b)
        .take_while(|(x, y)| x.hash == y.hash)
        .count() as u64
}

/// The maximal paths through one device's entries (sorted by seq), following `prev_hash`
/// from entries whose seq is 1. Usually exactly one path.
fn maximal_paths(list: Vec<Entry>) -> Vec<Vec<Entry>> {
    // Usually the entries are exactly one chain, in order: hand it over without copying.
    let single = list
        .iter()
        .enumerate()
        .all(|(i, e)| e.seq == i as u64 + 1 && (i == 0 || e.prev_hash == list[i - 1].hash));
    if single {
        return vec![list];
    }
    let mut children: HashMap<String, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, e) in list.iter().enumerate() {
        if e.seq == 1 {
            roots.push(i);
        } else {
            children.entry(e.prev_hash.clone()).or_default().push(i);
        }
    }
    let mut paths = Vec::new();
    // Depth-first, iteratively (chains are long); a path is emitted at each leaf.
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|r| (r, 0)).collect();
    let mut path: Vec<usize> = Vec::new();
    while let Some((i, depth)) = stack.pop() {
        path.truncate(depth);
        path.push(i);
        let next: Vec<usize> = children
            .get(&list[i].hash)
            .map(|c| {
                c.iter()
                    .copied()
                    .filter(|&j| list[j].seq == list[i].seq + 1)
                    .collect()
            })
            .unwrap_or_default();
        if next.is_empty() {
            paths.push(path.iter().map(|&k| list[k].clone()).collect());
        } else {
            for j in next.into_iter().rev() {
                stack.push((j, depth + 1));
            }
        }
    }
    paths
}
