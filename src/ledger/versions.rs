//! The version view (版の一覧): for each client, document family, month and partner, the
//! versions exchanged (連番, hash, sent/received, imported?), the newest marked, and the flag
//! 「相手先は旧版の可能性」.
//!
//! A *version* is one transmission unit: the files with the same 連番 (the 14-digit creation
//! timestamp in the file name) exchanged with one partner about one client. Versions are
//! ordered by (計画作成(変更)日, 連番).
//!
//! The flag, precisely: for a client, family and month (the plan family is taken across all
//! plan dates), let N be the newest version *we sent to any partner*; partner P is flagged when
//! the newest version we sent to P is older than N. "Older" compares the plan date first and
//! then the 連番's **day** (`YYYYMMDD`), because the care software exports one set per partner,
//! minutes apart, for the same version; a change sent to one partner on the same day as the
//! previous version is therefore not flagged (a documented blind spot; the list still shows
//! every version). Versions we *received* are the partner's own documents (their 実績, or
//! plans from their 居宅) and are never compared across partners.

use super::device::DeviceId;
use super::entry::EntryRef;
use super::entry::{CheckOutcome, ClientKey, Details, Direction, Entry, FileRef, Kind};
use crate::jpdate::{CivilDate, Timestamp, YearMonth};
use std::collections::{BTreeMap, HashMap};

/// 書類の系統: which documents are versions of one another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentFamily {
    /// 居宅サービス計画書 第1〜3表 (+ 利用者補足 000000), and their delete file.
    Plan,
    /// 第6表 予定 / 第7表 (+ 利用者補足 of the month), and their delete file.
    Schedule,
    /// 第6表 実績, and its delete file.
    Actual,
    /// 利用者基本情報 (介護予防).
    PreventionBasic,
    /// 介護予防サービス・支援計画書.
    PreventionPlan,
    /// A file whose name does not follow the spec.
    Other,
}

impl DocumentFamily {
    pub fn label_ja(self) -> &'static str {
        match self {
            DocumentFamily::Plan => "居宅サービス計画書",
            DocumentFamily::Schedule => "サービス利用票(予定)",
            DocumentFamily::Actual => "実績",
            DocumentFamily::PreventionBasic => "利用者基本情報",
            DocumentFamily::PreventionPlan => "介護予防サービス・支援計画書",
            DocumentFamily::Other => "その他",
        }
    }

    /// The family of a spec file name (V3 or V4), by its prefix.
    pub fn of_file_name(name: &str) -> DocumentFamily {
        let upper = name.to_ascii_uppercase();
        let starts = |p: &str| upper.starts_with(p);
        if starts("UPHOSOKU_000000_") {
            DocumentFamily::Plan
        } else if starts("UPHOSOKU_") {
            DocumentFamily::Schedule
        } else if ["UP1KYO_", "UP2KYO_", "UP3KYO_", "DLT1KYO_"]
            .iter()
            .any(|p| starts(p))
        {
            DocumentFamily::Plan
        } else if ["UPPLAN_", "UPSIKYU_", "DLTPLAN_"]
            .iter()
            .any(|p| starts(p))
        {
            DocumentFamily::Schedule
        } else if ["UPJSK_", "DLTJSK_"].iter().any(|p| starts(p)) {
            DocumentFamily::Actual
        } else if ["UPKIHON", "DLTKIHON_"].iter().any(|p| starts(p)) {
            DocumentFamily::PreventionBasic
        } else if ["UPYOBO", "DLTYOBO_"].iter().any(|p| starts(p)) {
            DocumentFamily::PreventionPlan
        } else {
            DocumentFamily::Other
        }
    }

    /// Whether versions of this family are told apart by month (else by plan date).
    pub fn is_monthly(self) -> bool {
        matches!(self, DocumentFamily::Schedule | DocumentFamily::Actual)
    }
}

/// One chain of versions: a client, a family, a month (monthly families only) and a partner.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VersionKey {
    pub client: ClientKey,
    pub family: DocumentFamily,
    pub month: Option<YearMonth>,
    pub partner_office: String,
}

/// When and by whom something happened to a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The device that recorded it (its name is shown beside it).
    pub device: DeviceId,
    pub seq: u64,
    pub at: Timestamp,
    pub actor: String,
}

impl Event {
    fn of(e: &Entry) -> Event {
        Event {
            device: e.device.clone(),
            seq: e.seq,
            at: e.recorded_at,
            actor: e.actor.clone(),
        }
    }
}

/// One version in a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// 連番 (or, for a file without one, its SHA-256).
    pub serial: String,
    pub plan_date: Option<CivilDate>,
    pub direction: Direction,
    /// 削除ファイル (a DLT… file).
    pub is_deletion: bool,
    pub files: Vec<FileRef>,
    /// The first 受信/送信 record.
    pub recorded: Event,
    /// 介護ソフトへ取込完了 (the first one).
    pub imported: Option<Event>,
    /// The latest 保存場所.
    pub storage_place: Option<(String, Event)>,
    /// 差替 reasons recorded for this version.
    pub replaced: Vec<(String, Event)>,
    /// The latest チェック結果.
    pub check: Option<(CheckOutcome, Event)>,
    /// Seqs of entries about this version that were later corrected (訂正).
    pub corrected: Vec<u64>,
    pub is_newest: bool,
}

/// The versions exchanged with one partner about one client, family and month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionChain {
    pub key: VersionKey,
    pub client_name: String,
    pub partner_name: String,
    /// Oldest first; the last one has `is_newest`.
    pub versions: Vec<Version>,
    /// 「相手先は旧版の可能性」: the 連番 of the newer version sent to someone else, if any.
    pub newer_version_sent_elsewhere: Option<String>,
}

impl VersionChain {
    /// The flag text for the page, if flagged.
    pub fn flag_ja(&self) -> Option<&'static str> {
        self.newer_version_sent_elsewhere
            .as_ref()
            .map(|_| "相手先は旧版の可能性")
    }

    pub fn newest(&self) -> Option<&Version> {
        self.versions.last()
    }
}

type VersionId = (Option<CivilDate>, String);

fn comparison_key(v: &Version) -> (Option<CivilDate>, String) {
    (v.plan_date, v.serial.chars().take(8).collect())
}

/// Builds every version chain of the ledger, sorted by key.
pub fn version_chains(entries: &[Entry]) -> Vec<VersionChain> {
    build(&entries.iter().collect::<Vec<_>>())
}

fn build(entries: &[&Entry]) -> Vec<VersionChain> {
    let mut chains: BTreeMap<VersionKey, (String, String, BTreeMap<VersionId, Version>)> =
        BTreeMap::new();
    // Which versions a file (by SHA-256) belongs to, to attach later events.
    let mut by_file: HashMap<&str, Vec<(VersionKey, VersionId)>> = HashMap::new();
    let mut by_entry: HashMap<EntryRef, Vec<(VersionKey, VersionId)>> = HashMap::new();

    for &e in entries {
        let direction = match e.kind() {
            Kind::Received | Kind::DeletionReceived => Direction::Received,
            Kind::Sent => Direction::Sent,
            _ => continue,
        };
        let (Some(file), Some(partner)) = (&e.subject.file, &e.subject.partner) else {
            continue;
        };
        let family = DocumentFamily::of_file_name(&file.name);
        let serial = e.serial().unwrap_or_else(|| file.sha256.clone());
        for c in &e.subject.clients {
            let key = VersionKey {
                client: c.key(),
                family,
                month: if family.is_monthly() {
                    e.subject.service_month
                } else {
                    None
                },
                partner_office: partner.office_number.clone(),
            };
            let id: VersionId = (c.plan_date, serial.clone());
            let chain = chains
                .entry(key.clone())
                .or_insert_with(|| (c.name.clone(), partner.name.clone(), BTreeMap::new()));
            let v = chain.2.entry(id.clone()).or_insert_with(|| Version {
                serial: serial.clone(),
                plan_date: c.plan_date,
                direction,
                is_deletion: e.kind() == Kind::DeletionReceived
                    || file.name.to_ascii_uppercase().starts_with("DLT"),
                files: Vec::new(),
                recorded: Event::of(e),
                imported: None,
                storage_place: None,
                replaced: Vec::new(),
                check: None,
                corrected: Vec::new(),
                is_newest: false,
            });
            if !v.files.contains(file) {
                v.files.push(file.clone());
            }
            by_file
                .entry(file.sha256.as_str())
                .or_default()
                .push((key.clone(), id.clone()));
            by_entry.entry(e.id()).or_default().push((key, id));
        }
    }

    for &e in entries {
        let targets: Vec<(VersionKey, VersionId)> = match &e.details {
            Details::Correction { corrects_seq, .. } => {
                let target = e.refers_to().expect("a correction refers to an entry");
                for (key, id) in by_entry.get(&target).into_iter().flatten() {
                    if let Some(v) = chains.get_mut(key).and_then(|c| c.2.get_mut(id)) {
                        v.corrected.push(*corrects_seq);
                    }
                }
                continue;
            }
            Details::Imported { .. }
            | Details::StoragePlace { .. }
            | Details::Replaced { .. }
            | Details::CheckResult { .. } => match &e.subject.file {
                Some(f) => by_file.get(f.sha256.as_str()).cloned().unwrap_or_default(),
                None => continue,
            },
            _ => continue,
        };
        for (key, id) in targets {
            let Some(v) = chains.get_mut(&key).and_then(|c| c.2.get_mut(&id)) else {
                continue;
            };
            match &e.details {
                Details::Imported { .. } => {
                    v.imported.get_or_insert_with(|| Event::of(e));
                }
                Details::StoragePlace { place } => {
                    v.storage_place = Some((place.clone(), Event::of(e)))
                }
                Details::Replaced { reason, .. } => v.replaced.push((reason.clone(), Event::of(e))),
                Details::CheckResult { outcome, .. } => v.check = Some((*outcome, Event::of(e))),
                _ => {}
            }
        }
    }

    let mut out: Vec<VersionChain> = chains
        .into_iter()
        .map(|(key, (client_name, partner_name, versions))| {
            let mut versions: Vec<Version> = versions.into_values().collect();
            if let Some(last) = versions.last_mut() {
                last.is_newest = true;
            }
            VersionChain {
                key,
                client_name,
                partner_name,
                versions,
                newer_version_sent_elsewhere: None,
            }
        })
        .collect();

    // Newest version sent to anyone, per client + family + month.
    let mut newest_sent: HashMap<
        (ClientKey, DocumentFamily, Option<YearMonth>),
        (VersionId, String),
    > = HashMap::new();
    for c in &out {
        for v in c.versions.iter().filter(|v| v.direction == Direction::Sent) {
            let group = (c.key.client.clone(), c.key.family, c.key.month);
            let k = comparison_key(v);
            let slot = newest_sent
                .entry(group)
                .or_insert_with(|| (k.clone(), v.serial.clone()));
            if k > slot.0 {
                *slot = (k, v.serial.clone());
            }
        }
    }
    for c in &mut out {
        let ours = c
            .versions
            .iter()
            .filter(|v| v.direction == Direction::Sent)
            .map(comparison_key)
            .max();
        let group = (c.key.client.clone(), c.key.family, c.key.month);
        if let (Some(ours), Some((newest, serial))) = (ours, newest_sent.get(&group)) {
            if ours < *newest {
                c.newer_version_sent_elsewhere = Some(serial.clone());
            }
        }
    }
    out
}

/// The chains of one client.
pub fn version_chains_for_client(entries: &[Entry], client: &ClientKey) -> Vec<VersionChain> {
    // The client's own entries, plus the events that attach to files (they may name no
    // client); the flag only compares chains of the same client, so this is complete.
    let mine: Vec<&Entry> = entries
        .iter()
        .filter(|e| {
            e.subject
                .clients
                .iter()
                .any(|c| c.insured_number == client.insured_number && &c.key() == client)
                || matches!(
                    e.kind(),
                    Kind::Imported
                        | Kind::StoragePlace
                        | Kind::Replaced
                        | Kind::CheckResult
                        | Kind::Correction
                )
        })
        .collect();
    build(&mine)
        .into_iter()
        .filter(|c| &c.key.client == client)
        .collect()
}
