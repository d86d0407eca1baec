//! The inspection sheet (運営指導用の記録): per client and period, everything an inspector
//! asks about on one page: versions per partner with dates, people and file fingerprints,
//! storage places, imports, consent and its method, copies handed over, corrections, and the
//! latest checkpoint. This is data only; the print layout and the CSV are built from it.

use super::checkpoint::OfficeCheckpoint;
use super::device::DeviceId;
use super::entry::{
    Client, ClientKey, ConsentMethod, DeliveredDocument, Details, Entry, EntryRef, Kind,
};
use super::office::OfficeLedger;
use super::versions::{version_chains_for_client, VersionChain};
use crate::jpdate::{CivilDate, Timestamp, YearMonth};

/// A consent (利用者同意) row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRow {
    pub seq: u64,
    /// The device that recorded it, by its name.
    pub device: String,
    pub recorded_at: Timestamp,
    pub actor: String,
    pub method: ConsentMethod,
    pub consented_on: CivilDate,
    pub prior_approval_on: Option<CivilDate>,
    pub plan_date: Option<CivilDate>,
    pub month: Option<YearMonth>,
}

/// A copy handed to the client (利用者へ交付).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    pub seq: u64,
    /// The device that recorded it, by its name.
    pub device: String,
    pub recorded_at: Timestamp,
    pub actor: String,
    pub document: DeliveredDocument,
    pub delivered_on: CivilDate,
    pub plan_date: Option<CivilDate>,
    pub month: Option<YearMonth>,
}

/// A free-text row: メモ, 訂正 (with the seq it corrects) or 完結.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    pub seq: u64,
    /// The device that recorded it, by its name.
    pub device: String,
    pub recorded_at: Timestamp,
    pub actor: String,
    pub kind: Kind,
    pub corrects_seq: Option<u64>,
    pub text: String,
}

/// The latest checkpoint recorded in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointRow {
    pub seq: u64,
    /// The device that recorded it, by its name.
    pub device: String,
    pub recorded_at: Timestamp,
    pub entry_count: u64,
    pub head_hash: String,
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
    /// One chain per partner, family and month, restricted to the period.
    pub chains: Vec<VersionChain>,
    pub consents: Vec<ConsentRow>,
    pub deliveries: Vec<DeliveryRow>,
    pub notes: Vec<NoteRow>,
    pub latest_checkpoint: Option<CheckpointRow>,
    /// The office ledger's state when the sheet was made (printed as a sentence).
    pub chain_status: String,
    pub device_count: usize,
    pub entry_count: u64,
    /// The office checkpoint's まとめハッシュ at that moment.
    pub head_hash: String,
}

/// Device names by id, for rows that say who recorded.
struct Labels<'a>(&'a OfficeLedger);

impl Labels<'_> {
    fn label(&self, device: &DeviceId) -> String {
        self.0.device_label(device)
    }
}

fn in_period(e: &Entry, from: YearMonth, to: YearMonth) -> bool {
    let month_ok = |m: YearMonth| m >= from && m <= to;
    e.subject.service_month.is_some_and(month_ok)
        || e.subject
            .clients
            .iter()
            .any(|c| c.plan_date.is_some_and(|d| month_ok(d.year_month())))
}

/// Builds the sheet for `client` over the months `from..=to` (a plan counts when its
/// 作成(変更)日 falls in the period). `None` when the client has no entries.
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
    let labels = Labels(ledger);
    let office_number = ledger.office_number();
    let of_client = |e: &&Entry| e.subject.clients.iter().any(|c| &c.key() == client);
    let latest_client = entries
        .iter()
        .rev()
        .filter(of_client)
        .find_map(|e| e.subject.clients.iter().find(|c| &c.key() == client))?
        .clone();

    let chains: Vec<VersionChain> = version_chains_for_client(entries, client)
        .into_iter()
        .filter_map(|mut c| {
            c.versions.retain(|v| match (c.key.month, v.plan_date) {
                (Some(m), _) => m >= from && m <= to,
                (None, Some(d)) => d.year_month() >= from && d.year_month() <= to,
                (None, None) => true,
            });
            (!c.versions.is_empty()).then_some(c)
        })
        .collect();

    let mut consents = Vec::new();
    let mut deliveries = Vec::new();
    let mut notes = Vec::new();
    let client_entries: std::collections::HashSet<EntryRef> =
        entries.iter().filter(of_client).map(Entry::id).collect();
    for e in entries {
        let mine = of_client(&e);
        let plan_date = e
            .subject
            .clients
            .iter()
            .find(|c| &c.key() == client)
            .and_then(|c| c.plan_date);
        match &e.details {
            Details::Consent {
                method,
                consented_on,
                prior_approval_on,
            } if mine && in_period(e, from, to) => consents.push(ConsentRow {
                seq: e.seq,
                device: labels.label(&e.device),
                recorded_at: e.recorded_at,
                actor: e.actor.clone(),
                method: *method,
                consented_on: *consented_on,
                prior_approval_on: *prior_approval_on,
                plan_date,
                month: e.subject.service_month,
            }),
            Details::DeliveredToClient {
                document,
                delivered_on,
            } if mine && in_period(e, from, to) => deliveries.push(DeliveryRow {
                seq: e.seq,
                device: labels.label(&e.device),
                recorded_at: e.recorded_at,
                actor: e.actor.clone(),
                document: *document,
                delivered_on: *delivered_on,
                plan_date,
                month: e.subject.service_month,
            }),
            Details::Memo { text } if mine && in_period(e, from, to) => notes.push(NoteRow {
                seq: e.seq,
                device: labels.label(&e.device),
                recorded_at: e.recorded_at,
                actor: e.actor.clone(),
                kind: Kind::Memo,
                corrects_seq: None,
                text: text.clone(),
            }),
            Details::Completion { completed_on } if mine && in_period(e, from, to) => {
                notes.push(NoteRow {
                    seq: e.seq,
                    device: labels.label(&e.device),
                    recorded_at: e.recorded_at,
                    actor: e.actor.clone(),
                    kind: Kind::Completion,
                    corrects_seq: None,
                    text: format!("完結日 {}", completed_on.format_ja()),
                })
            }
            Details::Correction {
                corrects_seq, text, ..
            } if mine || e.refers_to().is_some_and(|r| client_entries.contains(&r)) => {
                notes.push(NoteRow {
                    seq: e.seq,
                    device: labels.label(&e.device),
                    recorded_at: e.recorded_at,
                    actor: e.actor.clone(),
                    kind: Kind::Correction,
                    corrects_seq: Some(*corrects_seq),
                    text: text.clone(),
                })
            }
            _ => {}
        }
    }

    let latest_checkpoint = entries.iter().rev().find_map(|e| match &e.details {
        Details::Checkpoint {
            entry_count,
            head_hash,
            ..
        } => Some(CheckpointRow {
            seq: e.seq,
            device: labels.label(&e.device),
            recorded_at: e.recorded_at,
            entry_count: *entry_count,
            head_hash: head_hash.clone(),
        }),
        _ => None,
    });
    let checkpoint = OfficeCheckpoint::of(ledger, now);
    Some(InspectionSheet {
        office_number: office_number.to_string(),
        office_name: office_name.to_string(),
        client: latest_client,
        from,
        to,
        generated_at: now,
        chains,
        consents,
        deliveries,
        notes,
        latest_checkpoint,
        chain_status: ledger.status_ja(),
        device_count: ledger.device_count(),
        entry_count: checkpoint.entry_count(),
        head_hash: checkpoint.root,
    })
}
