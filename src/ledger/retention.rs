//! Retention (保存期間): each plan or month record of a client knows its 完結日 (set by a
//! 完結 entry; the latest one counts) and its retention end (2 years by default, 5 where the
//! municipality requires it). The list shows what is past retention. Nothing is ever deleted
//! automatically: deleting records is a decision for the office, outside this ledger.

use super::entry::{ClientKey, Details, Entry};
use crate::jpdate::{CivilDate, YearMonth};
use std::collections::BTreeMap;

/// Retention years allowed by the setting.
pub const RETENTION_YEARS_CHOICES: [u8; 2] = [2, 5];

/// Which record of a client: a plan (by 作成(変更)日) or a month (対象年月).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordPeriod {
    PlanDate(CivilDate),
    Month(YearMonth),
}

impl RecordPeriod {
    pub fn label_ja(self) -> String {
        match self {
            RecordPeriod::PlanDate(d) => format!("計画 {}作成", d.format_ja()),
            RecordPeriod::Month(m) => m.format_ja(),
        }
    }
}

/// One plan or month record and its retention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRecord {
    pub client: ClientKey,
    pub client_name: String,
    pub period: RecordPeriod,
    /// 完結日, if a 完結 entry set it.
    pub completed_on: Option<CivilDate>,
    /// The 完結 entry that set it.
    pub completion_seq: Option<u64>,
    /// 保存期限: the last day it must be kept (completion + years).
    pub retention_end: Option<CivilDate>,
    /// Today is after the retention end.
    pub past_retention: bool,
}

/// The periods an entry is about, per client.
pub fn periods_of(e: &Entry) -> Vec<(ClientKey, String, RecordPeriod)> {
    let mut out = Vec::new();
    for c in &e.subject.clients {
        if let Some(d) = c.plan_date {
            out.push((c.key(), c.name.clone(), RecordPeriod::PlanDate(d)));
        }
        if let Some(m) = e.subject.service_month {
            out.push((c.key(), c.name.clone(), RecordPeriod::Month(m)));
        }
    }
    out
}

/// Every record in the ledger with its retention, sorted by client and period. `years` is the
/// setting (2 or 5; other values are used as given); `today` is the Japan date.
pub fn retention_records(entries: &[Entry], years: u8, today: CivilDate) -> Vec<RetentionRecord> {
    let mut records: BTreeMap<(ClientKey, RecordPeriod), RetentionRecord> = BTreeMap::new();
    for e in entries {
        for (client, name, period) in periods_of(e) {
            let r = records
                .entry((client.clone(), period))
                .or_insert_with(|| RetentionRecord {
                    client,
                    client_name: name,
                    period,
                    completed_on: None,
                    completion_seq: None,
                    retention_end: None,
                    past_retention: false,
                });
            if let Details::Completion { completed_on } = e.details {
                r.completed_on = Some(completed_on);
                r.completion_seq = Some(e.seq);
            }
        }
    }
    records
        .into_values()
        .map(|mut r| {
            r.retention_end = r.completed_on.map(|d| d.add_years(i32::from(years)));
            r.past_retention = r.retention_end.is_some_and(|end| today > end);
            r
        })
        .collect()
}

/// Only the records past retention (「保存期間を過ぎた記録」).
pub fn past_retention(entries: &[Entry], years: u8, today: CivilDate) -> Vec<RetentionRecord> {
    retention_records(entries, years, today)
        .into_iter()
        .filter(|r| r.past_retention)
        .collect()
}
