//! Watched folders (見張るフォルダ, issue 16): the folder where the client app saves received
//! files (受信) and the one the care software writes files to send into (送信). This is what
//! the page decides about them, in plain Rust: which files there are new to the office ledger,
//! what recording each is proposed with, where a received file's copy goes in the office
//! folder, and, for every partner and month, which files the ledger expected and still lacks.
//!
//! The page only lists the folders, reads the bytes and shows these answers; nothing here
//! moves or deletes a file anywhere.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::entry::{ClientKey, DeliveredDocument, Details, Direction, Entry};
use super::query::partners;
use super::recording::{direction_for, partner_office, CheckedFileSummary};
use super::versions::DocumentFamily;
use crate::jpdate::{CivilDate, Timestamp, YearMonth};

/// What a watched folder is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WatchRole {
    /// Where the client app saves the files partners sent us.
    Received,
    /// Where the care software writes the files we send.
    Sent,
}

impl WatchRole {
    /// The direction every file in such a folder is proposed with.
    pub fn direction(self) -> Direction {
        match self {
            WatchRole::Received => Direction::Received,
            WatchRole::Sent => Direction::Sent,
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            WatchRole::Received => "受信",
            WatchRole::Sent => "送信",
        }
    }

    /// Its spelling where the page stores the choice.
    pub fn as_str(self) -> &'static str {
        match self {
            WatchRole::Received => "received",
            WatchRole::Sent => "sent",
        }
    }

    pub fn parse(s: &str) -> Option<WatchRole> {
        match s {
            "received" => Some(WatchRole::Received),
            "sent" => Some(WatchRole::Sent),
            _ => None,
        }
    }
}

/// Whether a file in a watched folder is one the checker reads (the standard's files are
/// `.CSV`; the client app also leaves other files there, which are not ours to judge).
pub fn is_csv_name(name: &str) -> bool {
    name.len() > 4
        && name
            .get(name.len() - 4..)
            .is_some_and(|ext| ext.eq_ignore_ascii_case(".csv"))
}

/// A file found in a watched folder, hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFile {
    pub role: WatchRole,
    pub name: String,
    pub sha256: String,
    /// The file's own last-modified time (when the client app saved it, or the care software
    /// wrote it): the best guess of when it was received or sent.
    pub last_modified: Timestamp,
}

/// The SHA-256 of every file the office ledger holds an entry about.
pub fn held_files(entries: &[Entry]) -> HashSet<&str> {
    entries
        .iter()
        .filter_map(|e| e.subject.file.as_ref())
        .map(|f| f.sha256.as_str())
        .collect()
}

/// The files not yet in the office ledger, in the order listed. By the bytes, never by the
/// name: the same bytes under another name (a copy, 「… (1).CSV」 from a second download) are
/// not new, and a file found in two watched folders is proposed once.
pub fn new_files(listed: Vec<ListedFile>, entries: &[Entry]) -> Vec<ListedFile> {
    let held = held_files(entries);
    let mut seen: HashSet<String> = HashSet::new();
    listed
        .into_iter()
        .filter(|f| is_csv_name(&f.name))
        .filter(|f| !held.contains(f.sha256.as_str()))
        .filter(|f| seen.insert(f.sha256.clone()))
        .collect()
}

/// How a new file is proposed for recording, already filled in; staff may change any of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// From the folder's role.
    pub direction: Direction,
    /// The partner's 事業所番号 from the file's name for that direction.
    pub partner_office: Option<String>,
    /// The partner's name from earlier records (empty when the ledger has never seen it).
    pub partner_name: String,
    /// When the file was received or sent: its last-modified time, never later than `now`
    /// (a PC clock ahead must not make an act later than its recording).
    pub occurred_at: Timestamp,
    /// Ticked: no errors and a partner known from the name. A file with errors stays on the
    /// list, unticked, so staff can still keep it as evidence of what arrived.
    pub include: bool,
    /// Said beside the file when the name disagrees with the folder's role (a file sent by us
    /// in the 受信 folder): the role wins, staff see why.
    pub note: Option<String>,
}

/// The proposal for a file found in a folder of `role`.
pub fn propose(
    role: WatchRole,
    our_office: &str,
    file: &CheckedFileSummary,
    last_modified: Timestamp,
    now: Timestamp,
    entries: &[Entry],
) -> Proposal {
    let direction = role.direction();
    let partner_office = partner_office(&file.facts, direction);
    let partner_name = partner_office
        .as_deref()
        .and_then(|office| {
            partners(entries)
                .into_iter()
                .find(|(n, _)| n == office)
                .map(|(_, name)| name)
        })
        .unwrap_or_default();
    let note = match direction_for(our_office, &file.facts) {
        Some(named) if named != direction => Some(format!(
            "ファイル名では{}のファイルですが、{}フォルダにありました。",
            direction_label(named),
            role.label_ja()
        )),
        _ => None,
    };
    Proposal {
        direction,
        include: file.errors == 0 && partner_office.is_some(),
        partner_office,
        partner_name,
        occurred_at: if last_modified > now {
            now
        } else {
            last_modified
        },
        note,
    }
}

fn direction_label(d: Direction) -> &'static str {
    match d {
        Direction::Received => "受信",
        Direction::Sent => "送信",
    }
}

/// A name the office folder can hold: characters Windows forbids in a file or folder name
/// (and controls) become 「_」, trailing dots and spaces go, an empty name becomes `fallback`.
pub fn safe_folder_name(name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\\' | '/' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_end_matches(['.', ' ']).to_string();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '_') {
        fallback.to_string()
    } else {
        cleaned
    }
}

/// Where a received file's copy goes in the office folder: 受信 / the month it was received
/// (「2025年05月」, sorting as text) / the partner's name / the file's own name, as folder
/// names from the top. The month is the receipt's, not the file's 対象年月: a 計画 set has
/// none, and staff look for a file by when it came.
pub fn kept_copy_path(
    received_at: Timestamp,
    partner_name: &str,
    partner_office: &str,
    file_name: &str,
) -> Vec<String> {
    let m = received_at.japan_date().year_month();
    vec![
        "受信".to_string(),
        format!("{}年{:02}月", m.year, m.month),
        safe_folder_name(partner_name, partner_office),
        safe_folder_name(file_name, "名前のないファイル.CSV"),
    ]
}

/// The 保存場所 recorded for a kept copy: the office folder's name and the path inside it.
pub fn kept_copy_place(office_folder_name: &str, path: &[String]) -> String {
    let mut place = office_folder_name.to_string();
    for part in path {
        place.push('/');
        place.push_str(part);
    }
    place
}

/// A file the ledger expected and does not hold.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Missing {
    /// 予定 sent to a provider for a month, and no 実績 back after the month ended.
    Actual {
        month: YearMonth,
        partner_office: String,
        partner_name: String,
    },
    /// 第1〜3表 sent, and no consent recorded for that plan.
    Consent {
        plan_date: CivilDate,
        client: ClientKey,
        client_name: String,
    },
    /// 第1〜3表 sent, and no delivery of the plan to the client recorded.
    Delivery {
        plan_date: CivilDate,
        client: ClientKey,
        client_name: String,
    },
}

impl Missing {
    /// 「ひまわり訪問介護の2025年5月分の実績がまだ届いていません」, 「山田 和子 様の4月20日作成の
    /// 計画に同意の記録がありません」.
    pub fn message_ja(&self) -> String {
        match self {
            Missing::Actual {
                month,
                partner_office,
                partner_name,
            } => {
                let who = if partner_name.trim().is_empty() {
                    format!("事業所 {partner_office}")
                } else {
                    partner_name.clone()
                };
                format!("{who}の{}分の実績がまだ届いていません", month.format_ja())
            }
            Missing::Consent {
                plan_date,
                client_name,
                ..
            } => format!(
                "{client_name} 様の{}作成の計画に同意の記録がありません",
                month_day(*plan_date)
            ),
            Missing::Delivery {
                plan_date,
                client_name,
                ..
            } => format!(
                "{client_name} 様の{}作成の計画を利用者へ交付した記録がありません",
                month_day(*plan_date)
            ),
        }
    }
}

fn month_day(d: CivilDate) -> String {
    format!("{}月{}日", d.month, d.day)
}

fn act_time(e: &Entry) -> Timestamp {
    e.occurred_at.unwrap_or(e.recorded_at)
}

fn family_of(e: &Entry) -> Option<(DocumentFamily, bool)> {
    let name = &e.subject.file.as_ref()?.name;
    let deletion = name.to_ascii_uppercase().starts_with("DLT");
    Some((DocumentFamily::of_file_name(name), deletion))
}

/// The day from which a month's 実績 is missing when it has not come: the first day after
/// the month (providers send it in the first days of the next month; until the month is over
/// it cannot exist).
pub fn actual_due_on(m: YearMonth) -> CivilDate {
    m.last_day().add_days(1)
}

/// What the ledger expected and does not hold on `today`, by these rules:
/// - a 利用票 (第6表 予定, 第7表, 利用者補足) sent to a provider for a month ⇒ that provider's
///   実績 of the month received, from the day after the month; not when the last file we
///   sent it for that month was a 削除 (DLTPLAN);
/// - a plan (第1〜3表, 利用者補足 000000) sent ⇒ a consent and a delivery to the client
///   recorded for that client and 作成(変更)日; not when a DLT1KYO of that date was sent after.
///
/// Sorted: 実績 by month and partner, then plans by date and client.
pub fn missing_files(entries: &[Entry], today: CivilDate) -> Vec<Missing> {
    // (month, partner) → (last schedule file sent: act time, was a deletion; partner name)
    let mut schedules: BTreeMap<(YearMonth, String), (Timestamp, bool, String)> = BTreeMap::new();
    let mut actuals: BTreeSet<(YearMonth, String)> = BTreeSet::new();
    // (plan date, client) → (last plan file sent: act time, was a deletion; client name)
    let mut plans: BTreeMap<(CivilDate, ClientKey), (Timestamp, bool, String)> = BTreeMap::new();
    let mut consents: HashSet<(CivilDate, ClientKey)> = HashSet::new();
    let mut deliveries: HashSet<(CivilDate, ClientKey)> = HashSet::new();

    for e in entries {
        match (&e.details, e.subject.direction) {
            (Details::Sent, _) => {
                let Some((family, deletion)) = family_of(e) else {
                    continue;
                };
                let at = act_time(e);
                match family {
                    DocumentFamily::Schedule => {
                        let (Some(month), Some(p)) = (e.subject.service_month, &e.subject.partner)
                        else {
                            continue;
                        };
                        let slot = schedules
                            .entry((month, p.office_number.clone()))
                            .or_insert((at, deletion, p.name.clone()));
                        if at >= slot.0 {
                            *slot = (at, deletion, p.name.clone());
                        }
                    }
                    DocumentFamily::Plan => {
                        for c in &e.subject.clients {
                            let Some(date) = c.plan_date else { continue };
                            let slot = plans.entry((date, c.key())).or_insert((
                                at,
                                deletion,
                                c.name.clone(),
                            ));
                            if at >= slot.0 {
                                *slot = (at, deletion, c.name.clone());
                            }
                        }
                    }
                    _ => {}
                }
            }
            (Details::Received, _) => {
                if let (Some((DocumentFamily::Actual, false)), Some(month), Some(p)) =
                    (family_of(e), e.subject.service_month, &e.subject.partner)
                {
                    actuals.insert((month, p.office_number.clone()));
                }
            }
            (Details::Consent { .. }, _) => {
                for c in &e.subject.clients {
                    if let Some(date) = c.plan_date {
                        consents.insert((date, c.key()));
                    }
                }
            }
            (
                Details::DeliveredToClient {
                    document: DeliveredDocument::CarePlan,
                    ..
                },
                _,
            ) => {
                for c in &e.subject.clients {
                    if let Some(date) = c.plan_date {
                        deliveries.insert((date, c.key()));
                    }
                }
            }
            _ => {}
        }
    }

    let mut out = Vec::new();
    for ((month, office), (_, deletion, name)) in schedules {
        if deletion || today < actual_due_on(month) || actuals.contains(&(month, office.clone())) {
            continue;
        }
        out.push(Missing::Actual {
            month,
            partner_office: office,
            partner_name: name,
        });
    }
    for ((date, client), (_, deletion, name)) in plans {
        if deletion {
            continue;
        }
        let key = (date, client.clone());
        if !consents.contains(&key) {
            out.push(Missing::Consent {
                plan_date: date,
                client: client.clone(),
                client_name: name.clone(),
            });
        }
        if !deliveries.contains(&key) {
            out.push(Missing::Delivery {
                plan_date: date,
                client,
                client_name: name,
            });
        }
    }
    out
}
