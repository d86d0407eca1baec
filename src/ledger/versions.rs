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
    /// When it was recorded.
    pub at: Timestamp,
    /// When the act happened, where staff gave a time apart from the recording.
    pub occurred_at: Option<Timestamp>,
    pub actor: String,
}

impl Event {
    fn of(e: &Entry) -> Event {
        Event {
            device: e.device.clone(),
            seq: e.seq,
            at: e.recorded_at,
            occurred_at: e.occurred_at,
            actor: e.actor.clone(),
        }
    }

    /// When the act happened: the time staff gave, else the recording time.
    pub fn act_time(&self) -> Timestamp {
        self.occurred_at.unwrap_or(self.at)
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
    /// 取消: the 削除 version (its 連番) that cancelled this one, with when it was exchanged.
    pub cancelled_by: Option<(String, Event)>,
    /// 【最新】: the newest version that is neither a 削除 nor cancelled by one.
    pub is_newest: bool,
}

impl Version {
    /// The 連番 as the time the file was made: 「2025年4月20日 09:30作成」, when it is one.
    pub fn made_at_ja(&self) -> Option<String> {
        serial_made_at_ja(&self.serial)
    }
}

/// A 連番 (`YYYYMMDDHHMMSS`, the file's creation) in words: 「2025年4月20日 09:30作成」.
pub fn serial_made_at_ja(serial: &str) -> Option<String> {
    if !crate::check::identify::is_file_serial(serial) {
        return None;
    }
    let date = CivilDate::parse_yyyymmdd(&serial[..8])?;
    Some(format!(
        "{}年{}月{}日 {}:{}作成",
        date.year,
        date.month,
        date.day,
        &serial[8..10],
        &serial[10..12]
    ))
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
                cancelled_by: None,
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
            apply_deletions(key.family, &mut versions);
            if let Some(newest) = versions
                .iter_mut()
                .rev()
                .find(|v| !v.is_deletion && v.cancelled_by.is_none())
            {
                newest.is_newest = true;
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
        for v in c.versions.iter().filter(|v| v.is_sent_document()) {
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
            .filter(|v| v.is_sent_document())
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

impl Version {
    /// A document we sent that still stands (not a 削除, not cancelled by one): what
    /// 「相手先は旧版の可能性」 compares. A partner whose versions were all cancelled holds no
    /// old version; it holds none.
    fn is_sent_document(&self) -> bool {
        self.direction == Direction::Sent && !self.is_deletion && self.cancelled_by.is_none()
    }
}

/// Marks the versions each 削除 version cancels, by the key the spec gives its family
/// (spec §4 "Deletes"): DLT1KYO and DLTYOBO name the plan's 作成(変更)日, so they cancel the
/// earlier versions of that plan date; DLTPLAN and DLTJSK name the month, which is the
/// chain's own, so they cancel every earlier version of the chain (DLTJSK only those of its
/// サービス種類, where both file names carry one). DLTKIHON names a 相談日, which the ledger
/// does not record, so it cancels nothing here; the sheet says so
/// ([`cancellation_unknown`]). A version made after the 削除 (a later 連番) is a new one.
fn apply_deletions(family: DocumentFamily, versions: &mut [Version]) {
    /// What a 削除 version names: its place, 連番, plan date, サービス種類 and when.
    struct Deletion {
        at: usize,
        serial: String,
        plan_date: Option<CivilDate>,
        service_type: Option<String>,
        event: Event,
    }
    let deletions: Vec<Deletion> = versions
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_deletion)
        .map(|(at, v)| Deletion {
            at,
            serial: v.serial.clone(),
            plan_date: v.plan_date,
            service_type: service_type_of(v),
            event: v.recorded.clone(),
        })
        .collect();
    for Deletion {
        at,
        serial,
        plan_date,
        service_type,
        event,
    } in deletions
    {
        for (i, v) in versions.iter_mut().enumerate() {
            if i == at || v.is_deletion || v.cancelled_by.is_some() || v.serial >= serial {
                continue;
            }
            let named = match family {
                DocumentFamily::Plan | DocumentFamily::PreventionPlan => {
                    plan_date.is_some() && v.plan_date == plan_date
                }
                DocumentFamily::Schedule => true,
                DocumentFamily::Actual => match (&service_type, service_type_of(v)) {
                    (Some(a), Some(b)) => *a == b,
                    _ => true,
                },
                DocumentFamily::PreventionBasic | DocumentFamily::Other => false,
            };
            if named {
                v.cancelled_by = Some((serial.clone(), event.clone()));
            }
        }
    }
}

/// The 送信元 サービス種類 in a version's file name (V4 names only).
fn service_type_of(v: &Version) -> Option<String> {
    let file = v.files.first()?;
    let (name, _) = crate::check::identify::parse_file_name(&file.name);
    name.sender.and_then(|p| p.service_type)
}

/// Why the ledger cannot tell what a 削除 version cancels, if it cannot.
pub fn cancellation_unknown(family: DocumentFamily, deletion: &Version) -> Option<&'static str> {
    if !deletion.is_deletion {
        return None;
    }
    match family {
        DocumentFamily::PreventionBasic => Some(
            "利用者基本情報の削除は相談日で対象を決めますが、台帳には相談日が記録されていないため、どの版を取り消したかは表示していません",
        ),
        DocumentFamily::Plan | DocumentFamily::PreventionPlan if deletion.plan_date.is_none() => {
            Some("削除ファイルに計画の作成(変更)日が読み取れなかったため、どの版を取り消したかは表示していません")
        }
        DocumentFamily::Other => Some("仕様にない名前のファイルのため、何を取り消したかは分かりません"),
        _ => None,
    }
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
