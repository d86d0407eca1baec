//! Being in force (有効な計画): which 居宅サービス計画 was in force in a month, and which
//! consent (同意) and delivery (交付) belong to which plan. Derived from the records by the
//! rules below, written once here and used by the inspection sheet.
//!
//! The rules:
//! - A plan is one client's 居宅サービス計画 of one 作成(変更)日 (第1〜3表 + 利用者補足 000000;
//!   spec §4, the plan family's key). Its versions are the files of that date exchanged with
//!   each partner (see [`super::versions`]).
//! - It is in force from its 作成(変更)日 until the day before the next plan's 作成(変更)日, or
//!   until the day a 削除 file (DLT1KYO) cancelled it.
//! - A plan is cancelled when every partner that had it got a 削除 of that date after its last
//!   version. When only some did, it stays in force and the sheet says which partners did.
//!   A cancelled plan does not replace the plan before it (the 削除 withdraws it).
//! - Consent and delivery belong to the plan whose 作成(変更)日 they name, not to the month in
//!   which they were recorded. A consent or 第6表控 that names only a month belongs to that
//!   month's 利用票.
//! - The 利用票 version a provider holds for a month is its chain's newest version that is not
//!   cancelled ([`super::versions::Version::is_newest`]).

use super::entry::{ClientKey, ConsentMethod, DeliveredDocument, Details, Entry, EntryRef};
use super::versions::{DocumentFamily, Version, VersionChain};
use crate::jpdate::{CivilDate, Timestamp, YearMonth};
use std::collections::{BTreeMap, HashMap};

/// A consent (利用者同意) as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub entry: EntryRef,
    pub recorded_at: Timestamp,
    pub actor: String,
    pub method: ConsentMethod,
    pub consented_on: CivilDate,
    /// 事前承諾日 for the electronic method.
    pub prior_approval_on: Option<CivilDate>,
    /// 訂正 entries that point at this one.
    pub corrected_by: Vec<EntryRef>,
}

/// A copy handed to the client (利用者へ交付) as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub entry: EntryRef,
    pub recorded_at: Timestamp,
    pub actor: String,
    pub document: DeliveredDocument,
    pub delivered_on: CivilDate,
    pub corrected_by: Vec<EntryRef>,
}

/// One version of a plan exchanged with one partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanExchange {
    pub partner_office: String,
    pub partner_name: String,
    pub version: Version,
}

/// How a plan was cancelled by 削除 files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanCancellation {
    /// The day of the last 削除 exchanged (its act date).
    pub on: CivilDate,
    /// The partners that got a 削除 after their last version of the plan.
    pub partners: Vec<String>,
    /// Whether every partner that had the plan got one (then the plan is cancelled).
    pub at_every_partner: bool,
}

/// One client's plan of one 作成(変更)日, with everything that belongs to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub plan_date: CivilDate,
    /// Every version exchanged (削除 files included), oldest first.
    pub exchanges: Vec<PlanExchange>,
    pub cancellation: Option<PlanCancellation>,
    /// The 作成(変更)日 of the plan that replaced it, if any.
    pub replaced_by: Option<CivilDate>,
    pub consents: Vec<ConsentRecord>,
    pub deliveries: Vec<DeliveryRecord>,
}

impl Plan {
    /// Cancelled at every partner that had it.
    pub fn is_cancelled(&self) -> bool {
        self.cancellation
            .as_ref()
            .is_some_and(|c| c.at_every_partner)
    }

    /// The last day it was in force, if it ended.
    pub fn last_day(&self) -> Option<CivilDate> {
        let replaced = self.replaced_by.map(|d| d.add_days(-1));
        let cancelled = self
            .cancellation
            .as_ref()
            .filter(|c| c.at_every_partner)
            .map(|c| c.on);
        match (replaced, cancelled) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether it was in force on any day of `from..=to`.
    pub fn in_force_during(&self, from: CivilDate, to: CivilDate) -> bool {
        self.plan_date <= to && self.last_day().is_none_or(|last| last >= from)
    }

    /// The newest version that is not a 削除 and not cancelled, across partners (by 連番).
    pub fn newest(&self) -> Option<&PlanExchange> {
        self.exchanges
            .iter()
            .filter(|x| !x.version.is_deletion && x.version.cancelled_by.is_none())
            .max_by(|a, b| a.version.serial.cmp(&b.version.serial))
    }
}

/// The consents and copies that name a month (第6表 and its 控), not a plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MonthRecords {
    pub consents: Vec<ConsentRecord>,
    pub deliveries: Vec<DeliveryRecord>,
}

/// A client's plans (oldest 作成日 first) and the month-level consents and deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientPlans {
    pub plans: Vec<Plan>,
    pub months: BTreeMap<YearMonth, MonthRecords>,
    /// Consents and deliveries that name neither a plan date nor a month.
    pub unplaced: MonthRecords,
}

impl ClientPlans {
    /// The plans in force on some day of the months `from..=to`, oldest first.
    pub fn in_force(&self, from: YearMonth, to: YearMonth) -> Vec<&Plan> {
        let first = CivilDate::new(from.year, from.month, 1).expect("a month's first day");
        self.plans
            .iter()
            .filter(|p| p.in_force_during(first, to.last_day()))
            .collect()
    }
}

/// Builds a client's plans from the office's entries (in time order) and the client's version
/// chains ([`super::versions::version_chains_for_client`]).
pub fn client_plans(entries: &[Entry], chains: &[VersionChain], client: &ClientKey) -> ClientPlans {
    let corrections = corrections_by_target(entries);
    let corrected = |e: &Entry| corrections.get(&e.id()).cloned().unwrap_or_default();

    let mut plans: BTreeMap<CivilDate, Plan> = BTreeMap::new();
    let new_plan = |plan_date| Plan {
        plan_date,
        exchanges: Vec::new(),
        cancellation: None,
        replaced_by: None,
        consents: Vec::new(),
        deliveries: Vec::new(),
    };
    for chain in chains
        .iter()
        .filter(|c| c.key.family == DocumentFamily::Plan)
    {
        for v in &chain.versions {
            let Some(date) = v.plan_date else { continue };
            plans
                .entry(date)
                .or_insert_with(|| new_plan(date))
                .exchanges
                .push(PlanExchange {
                    partner_office: chain.key.partner_office.clone(),
                    partner_name: chain.partner_name.clone(),
                    version: v.clone(),
                });
        }
    }

    let mut out = ClientPlans::default();
    for e in entries {
        let Some(c) = e.subject.clients.iter().find(|c| &c.key() == client) else {
            continue;
        };
        let month = e.subject.service_month;
        enum Record {
            Consent(ConsentRecord),
            Delivery(DeliveryRecord),
        }
        let record = match &e.details {
            Details::Consent {
                method,
                consented_on,
                prior_approval_on,
            } => Record::Consent(ConsentRecord {
                entry: e.id(),
                recorded_at: e.recorded_at,
                actor: e.actor.clone(),
                method: *method,
                consented_on: *consented_on,
                prior_approval_on: *prior_approval_on,
                corrected_by: corrected(e),
            }),
            Details::DeliveredToClient {
                document,
                delivered_on,
            } => Record::Delivery(DeliveryRecord {
                entry: e.id(),
                recorded_at: e.recorded_at,
                actor: e.actor.clone(),
                document: *document,
                delivered_on: *delivered_on,
                corrected_by: corrected(e),
            }),
            _ => continue,
        };
        let (consents, deliveries) = match (c.plan_date, month) {
            (Some(date), _) => {
                let plan = plans.entry(date).or_insert_with(|| new_plan(date));
                (&mut plan.consents, &mut plan.deliveries)
            }
            (None, Some(m)) => {
                let r = out.months.entry(m).or_default();
                (&mut r.consents, &mut r.deliveries)
            }
            (None, None) => (&mut out.unplaced.consents, &mut out.unplaced.deliveries),
        };
        match record {
            Record::Consent(r) => consents.push(r),
            Record::Delivery(r) => deliveries.push(r),
        }
    }

    for plan in plans.values_mut() {
        plan.cancellation = cancellation_of(&plan.exchanges);
    }
    // Each plan is replaced by the next plan that was not cancelled.
    let dates: Vec<CivilDate> = plans
        .values()
        .filter(|p| !p.is_cancelled())
        .map(|p| p.plan_date)
        .collect();
    for plan in plans.values_mut() {
        plan.replaced_by = dates.iter().copied().find(|d| *d > plan.plan_date);
    }
    out.plans = plans.into_values().collect();
    out
}

/// Whether the 削除 files among a plan's exchanges cancel it, and where.
fn cancellation_of(exchanges: &[PlanExchange]) -> Option<PlanCancellation> {
    let mut by_partner: BTreeMap<&str, Vec<&Version>> = BTreeMap::new();
    for x in exchanges {
        by_partner
            .entry(x.partner_office.as_str())
            .or_default()
            .push(&x.version);
    }
    let mut cancelled = Vec::new();
    let mut had_plan = 0;
    let mut on: Option<CivilDate> = None;
    for (partner, versions) in &by_partner {
        let documents: Vec<&&Version> = versions.iter().filter(|v| !v.is_deletion).collect();
        let deletion = versions
            .iter()
            .filter(|v| v.is_deletion)
            .max_by_key(|v| v.recorded.act_time());
        if !documents.is_empty() {
            had_plan += 1;
        }
        let Some(deletion) = deletion else { continue };
        if documents.iter().all(|v| v.cancelled_by.is_some()) {
            cancelled.push(partner.to_string());
            let day = deletion.recorded.act_time().japan_date();
            on = Some(on.map_or(day, |d| d.max(day)));
        }
    }
    let on = on?;
    Some(PlanCancellation {
        on,
        at_every_partner: cancelled.len() >= had_plan,
        partners: cancelled,
    })
}

/// 訂正 entries by the entry they correct.
fn corrections_by_target(entries: &[Entry]) -> HashMap<EntryRef, Vec<EntryRef>> {
    let mut out: HashMap<EntryRef, Vec<EntryRef>> = HashMap::new();
    for e in entries {
        if let (Details::Correction { .. }, Some(target)) = (&e.details, e.refers_to()) {
            out.entry(target).or_default().push(e.id());
        }
    }
    out
}
