//! Finding entries: by client (name or 被保険者番号), month, partner, file name, kind and date,
//! for the per-user / per-month / per-partner views and the search box.
//!
//! Staff type names with or without the space between family and given name, in full-width or
//! half-width, so everything is compared after [`normalize`]. A [`SearchIndex`] keeps the
//! normalized text per entry (built once when the ledger is opened, extended on append), which
//! keeps a search over 100,000 entries well under the 50 ms goal.

use super::checkpoint::legacy::to_half_width;
use super::entry::{ClientKey, Entry, Kind};
use crate::jpdate::{CivilDate, Timestamp, YearMonth};
use std::collections::BTreeMap;

/// Half-width, lower-case, without any spaces: 「山田　花子」, 「山田花子」 and 「山田 花子」
/// compare equal, as do ０１２ and 012.
pub fn normalize(s: &str) -> String {
    to_half_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What to look for. Empty fields match everything; all given fields must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryFilter {
    /// Free text: matches client name, 被保険者番号, partner name or number, file name,
    /// actor, and memo/reason texts.
    pub text: String,
    /// Part of a client's name.
    pub client_name: String,
    /// Part of a 被保険者番号.
    pub insured_number: String,
    /// Exactly this client.
    pub client: Option<ClientKey>,
    /// 対象年月, or a plan whose 作成(変更)日 falls in this month.
    pub month: Option<YearMonth>,
    /// Part of the partner's office number or name.
    pub partner: String,
    /// Part of the file name.
    pub file_name: String,
    /// Only these kinds (empty = all).
    pub kinds: Vec<Kind>,
    /// Recorded on or after / on or before these Japan dates.
    pub recorded_from: Option<CivilDate>,
    pub recorded_to: Option<CivilDate>,
}

/// The normalized searchable text of one entry.
#[derive(Debug, Clone, Default)]
struct Row {
    names: String,
    insured: String,
    partner: String,
    file: String,
    all: String,
}

/// Normalized text per entry, in the order of the entries it was built from.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    rows: Vec<Row>,
}

fn row_of(e: &Entry) -> Row {
    let mut r = Row::default();
    for c in &e.subject.clients {
        r.names.push_str(&normalize(&c.name));
        r.names.push('\u{1}');
        if let Some(k) = &c.kana {
            r.names.push_str(&crate::kana::search_form(k));
            r.names.push('\u{1}');
        }
        r.insured.push_str(&normalize(&c.insured_number));
        r.insured.push('\u{1}');
    }
    if let Some(p) = &e.subject.partner {
        r.partner = normalize(&format!("{}\u{1}{}", p.office_number, p.name));
    }
    if let Some(f) = &e.subject.file {
        r.file = normalize(&f.name);
    }
    let details = match &e.details {
        super::entry::Details::Memo { text } | super::entry::Details::Correction { text, .. } => {
            normalize(text)
        }
        super::entry::Details::Replaced { reason, .. } => normalize(reason),
        super::entry::Details::StoragePlace { place } => normalize(place),
        _ => String::new(),
    };
    r.all = [
        r.names.as_str(),
        &r.insured,
        &r.partner,
        &r.file,
        &normalize(&e.actor),
        &details,
    ]
    .join("\u{1}");
    r
}

impl SearchIndex {
    pub fn build(entries: &[Entry]) -> SearchIndex {
        SearchIndex {
            rows: entries.iter().map(row_of).collect(),
        }
    }

    /// Keeps the index in step after an append.
    pub fn push(&mut self, e: &Entry) {
        self.rows.push(row_of(e));
    }

    /// Positions of matching entries in `entries`, in order. `entries` must be the list the
    /// index was built from.
    pub fn filter(&self, entries: &[Entry], f: &EntryFilter) -> Vec<usize> {
        let text = normalize(&f.text);
        // Readings are kept in ひらがな: 「ハマダ」 and 「ﾊﾏﾀﾞ」 find 「はまだ」 too.
        let text_kana = crate::kana::search_form(&f.text);
        let name = normalize(&f.client_name);
        let name_kana = crate::kana::search_form(&f.client_name);
        let insured = normalize(&f.insured_number);
        let partner = normalize(&f.partner);
        let file = normalize(&f.file_name);
        let from = f.recorded_from.map(japan_day_start);
        let to = f.recorded_to.map(|d| japan_day_start(d.add_days(1)));
        entries
            .iter()
            .zip(&self.rows)
            .enumerate()
            .filter(|(_, (e, r))| {
                (text.is_empty() || r.all.contains(&text) || r.all.contains(&text_kana))
                    && (name.is_empty() || r.names.contains(&name) || r.names.contains(&name_kana))
                    && (insured.is_empty() || r.insured.contains(&insured))
                    && (partner.is_empty() || r.partner.contains(&partner))
                    && (file.is_empty() || r.file.contains(&file))
                    && (f.kinds.is_empty() || f.kinds.contains(&e.kind()))
                    && f.client.as_ref().is_none_or(|k| {
                        e.subject.clients.iter().any(|c| {
                            c.insured_number == k.insured_number
                                && c.insurer_number == k.insurer_number
                        })
                    })
                    && f.month.is_none_or(|m| entry_in_month(e, m))
                    && from.is_none_or(|t| e.recorded_at >= t)
                    && to.is_none_or(|t| e.recorded_at < t)
            })
            .map(|(i, _)| i)
            .collect()
    }
}

fn japan_day_start(d: CivilDate) -> Timestamp {
    Timestamp(d.days_since_epoch() * 86_400_000 - 9 * 3_600_000)
}

/// Whether an entry concerns month `m` (its 対象年月, or a plan date in that month).
pub fn entry_in_month(e: &Entry, m: YearMonth) -> bool {
    e.subject.service_month == Some(m)
        || e.subject
            .clients
            .iter()
            .any(|c| c.plan_date.is_some_and(|d| d.year_month() == m))
}

/// A client as listed in the per-user view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSummary {
    pub key: ClientKey,
    /// The most recently recorded name.
    pub name: String,
    /// The most recently recorded reading (フリガナ), if any entry had one.
    pub kana: Option<String>,
    pub entry_count: usize,
    pub last_recorded_at: Timestamp,
}

/// Every client in the ledger, in 五十音 order of their readings (clients without one after,
/// by name).
pub fn clients(entries: &[Entry]) -> Vec<ClientSummary> {
    let mut map: BTreeMap<ClientKey, ClientSummary> = BTreeMap::new();
    for e in entries {
        for c in &e.subject.clients {
            let s = map.entry(c.key()).or_insert_with(|| ClientSummary {
                key: c.key(),
                name: c.name.clone(),
                kana: None,
                entry_count: 0,
                last_recorded_at: e.recorded_at,
            });
            s.name.clone_from(&c.name);
            if c.kana.is_some() {
                s.kana.clone_from(&c.kana);
            }
            s.entry_count += 1;
            s.last_recorded_at = e.recorded_at;
        }
    }
    let mut out: Vec<ClientSummary> = map.into_values().collect();
    out.sort_by(|a, b| {
        crate::kana::compare_clients((a.kana.as_deref(), &a.name), (b.kana.as_deref(), &b.name))
            .then_with(|| a.key.cmp(&b.key))
    });
    out
}

/// Every partner (事業所番号 → latest name), sorted by number.
pub fn partners(entries: &[Entry]) -> Vec<(String, String)> {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    for e in entries {
        if let Some(p) = &e.subject.partner {
            map.insert(p.office_number.clone(), p.name.clone());
        }
    }
    map.into_iter().collect()
}
