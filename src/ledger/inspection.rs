//! The inspection sheet (運営指導用の記録) as data: for one client and a period of months,
//! what the inspector asks, in their order: the plan in force with its consent and delivery;
//! per provider, each 利用票 version sent and which one is current; the 実績 received; the
//! 差替 reasons; notes; the files' fingerprints; the ledger's state. What is in force comes
//! from [`super::in_force`]; the words and rows printed (and saved as CSV) come from
//! [`super::inspection_rows`].

use super::attachments::{client_attachments, send_lists_of};
use super::checkpoint::OfficeCheckpoint;
use super::device::DeviceId;
use super::entry::{Client, ClientKey, Details, Entry, EntryRef, FileRef, Kind};
use super::in_force::{client_plans, MonthRecords, Plan};
use super::office::OfficeLedger;
use super::versions::{version_chains_for_client, DocumentFamily, Event, VersionChain};
use crate::jpdate::{Timestamp, YearMonth};
use std::collections::{BTreeMap, HashSet};

/// A 差替 (replacement) with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub family: DocumentFamily,
    pub month: Option<YearMonth>,
    pub partner_name: String,
    pub partner_office: String,
    /// The 連番 of the version that replaced the earlier one.
    pub serial: String,
    pub reason: String,
    pub event: Event,
}

/// A free-text row: メモ, 訂正 (with the entry it corrects) or 完結.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    pub entry: EntryRef,
    pub recorded_at: Timestamp,
    pub actor: String,
    pub kind: Kind,
    pub corrects: Option<EntryRef>,
    pub text: String,
}

/// A kept document on the sheet: an 添付 about the client, or the month's 送受信一覧.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    pub entry: EntryRef,
    /// 「送受信一覧 令和7年5月」, 「差替の添付」, 「資料」.
    pub what: String,
    pub note: Option<String>,
    pub file: FileRef,
    pub recorded_at: Timestamp,
    pub actor: String,
}

/// The latest checkpoint recorded in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointRow {
    pub entry: EntryRef,
    pub recorded_at: Timestamp,
    pub entry_count: u64,
    pub head_hash: String,
}

/// What was exchanged with one partner about the client in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerSection {
    pub office_number: String,
    pub name: String,
    /// サービス利用票 (第6表/第7表) chains, one per month, oldest month first.
    pub schedules: Vec<VersionChain>,
    /// 実績 chains, one per month.
    pub actuals: Vec<VersionChain>,
    /// Other families (介護予防 documents, files outside the spec).
    pub others: Vec<VersionChain>,
}

/// 予定↔実績 of one provider and month, worked out from the kept files by the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanActualResult {
    /// Compared: the differences in words (empty: 「違い: 0件」).
    Compared(Vec<String>),
    /// Not compared, and why (files not kept, a file unreadable …).
    NotCompared(String),
}

/// Everything on the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionSheet {
    pub office_number: String,
    pub office_name: String,
    pub client: Client,
    pub from: YearMonth,
    pub to: YearMonth,
    pub generated_at: Timestamp,
    /// The plans in force on some day of the period, oldest first.
    pub plans: Vec<Plan>,
    /// How many of the client's plans were not in force in the period (to say, when none
    /// was, that other periods have plans).
    pub plans_outside: usize,
    pub partners: Vec<PartnerSection>,
    /// Consents and 第6表控 that name a month of the period.
    pub months: BTreeMap<YearMonth, MonthRecords>,
    /// Consents and deliveries that name neither a plan nor a month.
    pub unplaced: MonthRecords,
    pub replacements: Vec<Replacement>,
    pub notes: Vec<NoteRow>,
    /// The 添付 about the client in the period, then the period's 送受信一覧, oldest first.
    pub attachments: Vec<AttachmentRow>,
    /// 予定↔実績 per (provider 事業所番号, month), filled in by the page from the kept files.
    pub plan_actual: BTreeMap<(String, YearMonth), PlanActualResult>,
    pub latest_checkpoint: Option<CheckpointRow>,
    /// Device names by id, for rows that say who recorded.
    pub device_names: BTreeMap<DeviceId, String>,
    /// The office ledger's state when the sheet was made (printed as a sentence).
    pub chain_status: String,
    pub device_count: usize,
    pub entry_count: u64,
    /// The office checkpoint's まとめハッシュ at that moment.
    pub head_hash: String,
}

impl InspectionSheet {
    /// Whether the sheet covers every month (no period chosen).
    pub fn is_all_time(&self) -> bool {
        self.from.year <= 1989 && self.to.year >= 9999
    }

    /// The device's name, as rows show it.
    pub fn device_name(&self, device: &DeviceId) -> String {
        self.device_names
            .get(device)
            .cloned()
            .unwrap_or_else(|| format!("端末{}", &device.as_str()[..4]))
    }

    /// Every file the sheet mentions, once, in the order they appear (for the appendix).
    pub fn files(&self) -> Vec<(String, FileRef)> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut push = |what: String, f: &FileRef| {
            if seen.insert(f.sha256.clone()) {
                out.push((what, f.clone()));
            }
        };
        for p in &self.plans {
            for x in &p.exchanges {
                for f in &x.version.files {
                    push(format!("計画 {}", x.partner_name), f);
                }
            }
        }
        for a in &self.attachments {
            push(a.what.clone(), &a.file);
        }
        for s in &self.partners {
            for c in s.schedules.iter().chain(&s.actuals).chain(&s.others) {
                for v in &c.versions {
                    for f in &v.files {
                        push(format!("{} {}", c.key.family.label_ja(), s.name), f);
                    }
                }
            }
        }
        out
    }

    /// The (provider, month) pairs whose 予定↔実績 the page may work out: the newest 利用票
    /// we sent and the newest 実績 received, both of the period.
    pub fn plan_actual_pairs(&self) -> Vec<(String, YearMonth, FileRef, FileRef)> {
        let mut out = Vec::new();
        for s in &self.partners {
            for actual in &s.actuals {
                let Some(month) = actual.key.month else {
                    continue;
                };
                let newest_actual = actual.versions.iter().find(|v| v.is_newest);
                let newest_plan = s
                    .schedules
                    .iter()
                    .find(|c| c.key.month == Some(month))
                    .and_then(|c| c.versions.iter().find(|v| v.is_newest));
                let main_file = |files: &[FileRef], prefix: &str| {
                    files
                        .iter()
                        .find(|f| f.name.to_ascii_uppercase().starts_with(prefix))
                        .cloned()
                };
                if let (Some(a), Some(p)) = (newest_actual, newest_plan) {
                    if let (Some(pf), Some(af)) =
                        (main_file(&p.files, "UPPLAN"), main_file(&a.files, "UPJSK"))
                    {
                        out.push((s.office_number.clone(), month, pf, af));
                    }
                }
            }
        }
        out
    }
}

/// The 差替 reasons recorded for one version of a chain.
fn replacements_of<'a>(
    chain: &'a VersionChain,
    v: &'a super::versions::Version,
) -> impl Iterator<Item = Replacement> + 'a {
    v.replaced.iter().map(move |(reason, event)| Replacement {
        family: chain.key.family,
        month: chain.key.month,
        partner_name: chain.partner_name.clone(),
        partner_office: chain.key.partner_office.clone(),
        serial: v.serial.clone(),
        reason: reason.clone(),
        event: event.clone(),
    })
}

fn month_in(m: Option<YearMonth>, from: YearMonth, to: YearMonth) -> bool {
    m.is_some_and(|m| m >= from && m <= to)
}

/// Builds the sheet for `client` over the months `from..=to`. `None` when the client has no
/// entries.
pub fn inspection_sheet(
    ledger: &OfficeLedger,
    client: &ClientKey,
    from: YearMonth,
    to: YearMonth,
    office_name: &str,
    now: Timestamp,
) -> Option<InspectionSheet> {
    let entries_owned = ledger.entries_in_time_order();
    let entries: &[Entry] = &entries_owned;
    let of_client = |e: &&Entry| e.subject.clients.iter().any(|c| &c.key() == client);
    let latest_client = entries
        .iter()
        .rev()
        .filter(of_client)
        .find_map(|e| e.subject.clients.iter().find(|c| &c.key() == client))?
        .clone();

    let chains = version_chains_for_client(entries, client);
    let all_plans = client_plans(entries, &chains, client);
    let plans: Vec<Plan> = all_plans.in_force(from, to).into_iter().cloned().collect();
    let plans_outside = all_plans.plans.len() - plans.len();

    let mut partners: BTreeMap<String, PartnerSection> = BTreeMap::new();
    let mut replacements = Vec::new();
    for chain in &chains {
        let family = chain.key.family;
        if family == DocumentFamily::Plan {
            // Plans are shown with the plan in force; their 差替 reasons count when the plan
            // is on the sheet.
            for v in &chain.versions {
                if plans.iter().any(|p| Some(p.plan_date) == v.plan_date) {
                    replacements.extend(replacements_of(chain, v));
                }
            }
            continue;
        }
        let in_period = match chain.key.month {
            Some(_) => month_in(chain.key.month, from, to),
            None => chain.versions.iter().any(|v| {
                v.plan_date
                    .is_none_or(|d| month_in(Some(d.year_month()), from, to))
            }),
        };
        if !in_period {
            continue;
        }
        for v in &chain.versions {
            replacements.extend(replacements_of(chain, v));
        }
        let section = partners
            .entry(chain.key.partner_office.clone())
            .or_insert_with(|| PartnerSection {
                office_number: chain.key.partner_office.clone(),
                name: chain.partner_name.clone(),
                schedules: Vec::new(),
                actuals: Vec::new(),
                others: Vec::new(),
            });
        match family {
            DocumentFamily::Schedule => section.schedules.push(chain.clone()),
            DocumentFamily::Actual => section.actuals.push(chain.clone()),
            _ => section.others.push(chain.clone()),
        }
    }
    replacements.sort_by_key(|r| r.event.act_time());

    let client_entries: HashSet<EntryRef> =
        entries.iter().filter(of_client).map(Entry::id).collect();
    let in_period = |e: &Entry| {
        month_in(e.subject.service_month, from, to)
            || e.subject.clients.iter().any(|c| {
                &c.key() == client
                    && c.plan_date.is_some_and(|d| {
                        plans.iter().any(|p| p.plan_date == d)
                            || month_in(Some(d.year_month()), from, to)
                    })
            })
    };
    let mut notes = Vec::new();
    for e in entries {
        let mine = client_entries.contains(&e.id());
        let (text, corrects) = match &e.details {
            Details::Memo { text } if mine && in_period(e) => (text.clone(), None),
            Details::Completion { completed_on } if mine && in_period(e) => {
                (format!("完結日 {}", completed_on.format_wareki_ja()), None)
            }
            Details::Correction { text, .. }
                if mine || e.refers_to().is_some_and(|r| client_entries.contains(&r)) =>
            {
                (text.clone(), e.refers_to())
            }
            _ => continue,
        };
        notes.push(NoteRow {
            entry: e.id(),
            recorded_at: e.recorded_at,
            actor: e.actor.clone(),
            kind: e.kind(),
            corrects,
            text,
        });
    }

    let months = all_plans
        .months
        .into_iter()
        .filter(|(m, _)| *m >= from && *m <= to)
        .collect();
    let latest_checkpoint = entries.iter().rev().find_map(|e| match &e.details {
        Details::Checkpoint {
            entry_count,
            head_hash,
            ..
        } => Some(CheckpointRow {
            entry: e.id(),
            recorded_at: e.recorded_at,
            entry_count: *entry_count,
            head_hash: head_hash.clone(),
        }),
        _ => None,
    });
    let attachments = attachment_rows(entries, client, from, to);
    let device_names = ledger.device_labels().into_iter().collect();
    let checkpoint = OfficeCheckpoint::of(ledger, now);
    Some(InspectionSheet {
        office_number: ledger.office_number().to_string(),
        office_name: office_name.to_string(),
        client: latest_client,
        from,
        to,
        generated_at: now,
        plans,
        plans_outside,
        partners: partners.into_values().collect(),
        months,
        unplaced: all_plans.unplaced,
        replacements,
        notes,
        attachments,
        plan_actual: BTreeMap::new(),
        latest_checkpoint,
        device_names,
        chain_status: ledger.status_ja(),
        device_count: ledger.device_count(),
        entry_count: checkpoint.entry_count(),
        head_hash: checkpoint.root,
    })
}

/// The sheet's kept documents: the client's 添付 of the period, then its 送受信一覧.
fn attachment_rows(
    entries: &[Entry],
    client: &ClientKey,
    from: YearMonth,
    to: YearMonth,
) -> Vec<AttachmentRow> {
    let row = |e: &Entry, what: String, note: Option<String>| {
        e.subject.file.clone().map(|file| AttachmentRow {
            entry: e.id(),
            what,
            note,
            file,
            recorded_at: e.recorded_at,
            actor: e.actor.clone(),
        })
    };
    let mut out: Vec<AttachmentRow> = client_attachments(entries, client, from, to)
        .into_iter()
        .filter_map(|e| {
            let note = match &e.details {
                Details::Attachment { note, .. } => note.clone(),
                _ => None,
            };
            let what = match e
                .attached_to()
                .and_then(|r| entries.iter().find(|x| x.id() == r))
            {
                Some(target) => format!("{}の添付", target.kind().label_ja()),
                None => "資料".to_string(),
            };
            row(e, what, note)
        })
        .collect();
    out.extend(
        send_lists_of(entries, from, to)
            .into_iter()
            .filter_map(|e| {
                let month = e.subject.service_month?;
                let what = format!(
                    "送受信一覧 {}",
                    month.format_wareki().unwrap_or_else(|| month.format_ja())
                );
                row(e, what, None)
            }),
    );
    out
}
