//! 予定↔実績 (突合): the 居宅介護支援事業所's plan (第6表 予定, UPPLAN) against what each
//! provider reports as done (第6表 実績, UPJSK), per user, month, provider and service.
//!
//! The national system only carries the files; nobody compares them, and a day planned but not
//! performed (or performed but not planned) is exactly what later shows up as a wrong
//! 給付管理票 or an inspection finding. Both files use the same layout, one record per service
//! code per service date (spec §5), so the comparison key is 保険者番号 + 被保険者番号 + 対象年月,
//! サービス事業者コード + サービス種類 (first 2 characters of サービスコード), then service code
//! and date. Only the current version of each unit is used (see [`super::order`]).
//!
//! A provider's records are compared only when that provider's 実績 for the month is among the
//! files (its *coverage*); otherwise the plan is shown as "not compared" rather than as missing
//! work, because the 実績 simply has not been received yet.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::findings::{ReconcileCode, Report};
use super::units::{SubjectKey, TransmissionUnit, UnitSet, VersionState};
use super::view::{int, month_ja, time_ja, Col, FileView, UserKey, USER_NAME};
use crate::check::{CrossFileFinding, RecordRef};
use crate::jpdate::YearMonth;

/// One user's month: the calendar the page draws (days × services) and the differences.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserMonth {
    pub user: UserKey,
    /// 利用者氏名 from the 利用者補足情報 of the same 利用票, when present.
    pub name: Option<String>,
    /// 対象年月 (YYYYMM).
    pub month: String,
    /// Number of days of the month (the calendar's columns), 0 if the month is not real.
    pub days_in_month: u8,
    /// One line per provider and service code.
    pub services: Vec<ServiceLine>,
    /// Every difference, in date order.
    pub differences: Vec<Difference>,
    /// The 予定 files used for this user and month.
    pub plan_files: Vec<String>,
    /// The 実績 files used.
    pub actual_files: Vec<String>,
}

/// How a user's month came out, so the page can show the clients with differences first and
/// fold the others into one line (「違いなし: 18人」).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MonthOutcome {
    /// At least one day differs.
    Differs,
    /// Some service could not be compared (the other side's file is not among the files).
    NotCompared,
    /// Every service compared, no difference.
    Same,
}

impl UserMonth {
    pub fn outcome(&self) -> MonthOutcome {
        if !self.differences.is_empty() {
            MonthOutcome::Differs
        } else if self.services.iter().all(|l| l.compared) {
            MonthOutcome::Same
        } else {
            MonthOutcome::NotCompared
        }
    }
}

/// One service (provider + サービスコード) of a user's month.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ServiceLine {
    /// サービス事業者コード (事業所番号).
    pub provider: String,
    /// サービス種類 (first 2 characters of the code).
    pub service_type: String,
    /// サービスコード.
    pub service_code: String,
    /// Whether 予定 and 実績 were both available to compare.
    pub compared: bool,
    /// Days with a 予定 or a 実績, in order.
    pub days: Vec<DayCell>,
    /// Month totals of the 予定.
    pub planned: Tally,
    /// Month totals of the 実績.
    pub actual: Tally,
}

/// Month totals of one service on one side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Records (one per day and service, more for 福祉用具 with 明細判別コード).
    pub records: u32,
    /// Σ サービス回数.
    pub count: i64,
    /// Σ 単位数 × サービス回数 (records without 単位数 count as 0; see `units_complete`).
    pub units: i64,
    /// Whether every record had a 単位数.
    pub units_complete: bool,
}

/// One day of one service line.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DayCell {
    pub day: u8,
    pub state: DayState,
    pub planned: Vec<Visit>,
    pub actual: Vec<Visit>,
}

/// What a calendar cell shows. Each state has a mark and a word ([`DayState::mark`],
/// [`DayState::label_ja`]) so the page never relies on colour alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayState {
    /// 予定どおり: same times, count and units.
    Same,
    /// 相違: both exist but time, count or units differ (or the numbers of records differ).
    Different,
    /// 実績なし: planned, not performed.
    PlannedOnly,
    /// 予定外: performed, not planned.
    ActualOnly,
    /// 予定のみ（実績未受領）: the provider's 実績 for the month is not among the files.
    PlannedNotCompared,
    /// 実績のみ（予定未受領）: no 予定 for this user and month among the files.
    ActualNotCompared,
}

impl DayState {
    pub fn mark(self) -> &'static str {
        match self {
            DayState::Same => "○",
            DayState::Different => "△",
            DayState::PlannedOnly => "×",
            DayState::ActualOnly => "＋",
            DayState::PlannedNotCompared => "予",
            DayState::ActualNotCompared => "実",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            DayState::Same => "予定どおり",
            DayState::Different => "予定と実績が違う",
            DayState::PlannedOnly => "予定あり・実績なし",
            DayState::ActualOnly => "実績あり・予定なし",
            DayState::PlannedNotCompared => "予定のみ（実績未受領）",
            DayState::ActualNotCompared => "実績のみ（予定未受領）",
        }
    }
}

/// One 第6表 record as the calendar shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    /// サービス開始時刻 (HHMM, 9999 = no time shown).
    pub start: String,
    /// サービス終了時刻.
    pub end: String,
    /// サービス回数.
    pub count: Option<i64>,
    /// 単位数.
    pub units: Option<i64>,
    /// 明細判別コード (福祉用具).
    pub detail_no: String,
    /// The file and record it comes from.
    pub file: String,
    pub record: u64,
    pub line: u64,
}

/// What differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    NotPerformed,
    NotPlanned,
    Time,
    Count,
    Units,
}

impl DifferenceKind {
    /// What differs, in words for the list under the calendar.
    pub fn label_ja(self) -> &'static str {
        match self {
            DifferenceKind::NotPerformed => "実績なし",
            DifferenceKind::NotPlanned => "予定外の実績",
            DifferenceKind::Time => "時刻が違う",
            DifferenceKind::Count => "回数が違う",
            DifferenceKind::Units => "単位数が違う",
        }
    }
}

/// One difference for the list under the calendar.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Difference {
    /// サービス利用日 (YYYYMMDD).
    pub date: String,
    pub provider: String,
    pub service_code: String,
    pub kind: DifferenceKind,
    /// The 予定 value (times as HH:MM–HH:MM, or the number).
    pub planned: Option<String>,
    /// The 実績 value.
    pub actual: Option<String>,
    /// The same sentence as the finding.
    pub message: String,
}

/// A user, borrowed: (保険者番号, 被保険者番号).
type UserRef<'a> = (&'a str, &'a str);

/// (user, 対象年月, provider, サービス種類), borrowed from the records.
type GroupKey<'a> = (UserRef<'a>, &'a str, &'a str, &'a str);

struct Row<'a> {
    view: usize,
    rec: RecordRef<'a>,
    date: &'a str,
    code: &'a str,
}

/// What is compared of one 第6表 record, borrowed from it.
#[derive(Clone, Copy)]
struct Seen<'a> {
    start: &'a str,
    end: &'a str,
    count: Option<i64>,
    units: Option<i64>,
}

/// (date, code, 実績?, 明細判別コード, start, record): the order rows are compared in.
type DayOrder<'a> = (&'a str, &'a str, bool, &'a str, &'a str, u64);

/// Rows of one side of a group, from one chosen unit.
struct Side<'a> {
    rows: Vec<Row<'a>>,
}

/// Compares every user's current 予定 with the current 実績. With `calendars` false only the
/// findings are made (the command line prints no calendar) and no [`UserMonth`] is returned.
pub(crate) fn compare(
    units: &[TransmissionUnit],
    views: &[FileView],
    out: &mut Vec<CrossFileFinding>,
    calendars: bool,
) -> Vec<UserMonth> {
    // (unit, user, key) of every current version, to look each record up in.
    let mut current: FxHashSet<(usize, UserRef, SubjectKey)> = FxHashSet::default();
    for (ui, u) in units.iter().enumerate() {
        for x in u.users.iter().filter(|x| x.state == VersionState::Current) {
            current.insert((
                ui,
                (&x.user.insurer, &x.user.insured),
                SubjectKey::whole(&x.key),
            ));
        }
    }
    // 予定: per group, the candidate units; prefer the copy sent to the provider itself.
    let mut plan = Groups::default();
    let mut names: FxHashMap<UserRef, &str> = FxHashMap::default();
    let mut actual = Groups::default();
    let mut coverage: FxHashSet<(&str, &str, &str)> = FxHashSet::default();
    for (ui, u) in units.iter().enumerate() {
        for &fi in &u.file_indexes {
            let v = &views[fi];
            match (u.set, v.kind) {
                (UnitSet::Usage, "UPPLAN") | (UnitSet::Actual, "UPJSK") => {
                    let is_plan = v.kind == "UPPLAN";
                    if !is_plan {
                        if let (Some(m), Some(p)) =
                            (v.month_token(), v.identity.name.sender.as_ref())
                        {
                            if let Some(t) = &p.service_type {
                                coverage.insert((m, &p.office, t));
                            }
                        }
                    }
                    let groups = if is_plan { &mut plan } else { &mut actual };
                    // Looked up once per run of records with the same user and keys, and
                    // a file's runs come user by user: most are of the group of the run
                    // before, whose lookups are kept.
                    let mut last: Option<(GroupKey, bool, usize)> = None;
                    for (rec, run) in v.runs() {
                        let user = v.user_ref(rec);
                        let month = v.get(rec, Col::Month);
                        let code = v.get(rec, Col::ServiceCode);
                        let ty = code.get(..2).unwrap_or(code);
                        let provider = v.get(rec, Col::Provider);
                        let group = (user, month, provider, ty);
                        let (is_current, at) = match last {
                            Some((g, c, at)) if g == group => (c, at),
                            _ => {
                                if !is_plan {
                                    coverage.insert((month, provider, ty));
                                }
                                let key = if is_plan {
                                    SubjectKey::whole(month)
                                } else {
                                    SubjectKey::new([month, "/", ty])
                                };
                                let c = current.contains(&(ui, user, key));
                                let at = if c { groups.at(group, ui) } else { 0 };
                                last = Some((group, c, at));
                                (c, at)
                            }
                        };
                        if is_current {
                            groups.runs[at].push((fi, run));
                        }
                    }
                }
                (UnitSet::Usage, "UPHOSOKU") if calendars => {
                    for rec in v.records() {
                        let name = v.value(rec, USER_NAME);
                        if !name.is_empty() {
                            names.entry(v.user_ref(rec)).or_insert(name);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let plan_users: FxHashSet<(UserRef, &str)> = plan.index.keys().map(|k| (k.0, k.1)).collect();
    let mut keys: Vec<GroupKey> = plan
        .index
        .keys()
        .chain(actual.index.keys())
        .copied()
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut months: BTreeMap<(UserRef, &str), UserMonth> = BTreeMap::new();
    // The rows of the runs of the chosen unit.
    let side = |runs: Vec<Run>| {
        let mut rows = Vec::with_capacity(runs.iter().map(|(_, r)| r.len()).sum());
        for (fi, run) in runs {
            let v = &views[fi];
            for rec in v.records_in(run) {
                rows.push(Row {
                    view: fi,
                    rec,
                    date: v.get(rec, Col::Date),
                    code: v.get(rec, Col::ServiceCode),
                });
            }
        }
        Side { rows }
    };
    for key in keys {
        let p = plan.take(&key).map(|c| side(choose(units, &key, c, true)));
        let a = actual
            .take(&key)
            .map(|c| side(choose(units, &key, c, false)));
        let (user, month, provider, ty) = key;
        let um = months.entry((user, month)).or_insert_with(|| UserMonth {
            user: UserKey {
                insurer: user.0.to_owned(),
                insured: user.1.to_owned(),
            },
            name: names.get(&user).map(|n| (*n).to_owned()),
            month: month.to_owned(),
            days_in_month: YearMonth::parse_yyyymm(month)
                .map(|m| m.last_day().day)
                .unwrap_or(0),
            services: Vec::new(),
            differences: Vec::new(),
            plan_files: Vec::new(),
            actual_files: Vec::new(),
        });
        let files = |s: &Option<Side>| -> Vec<String> {
            let mut f: Vec<&str> = s
                .iter()
                .flat_map(|s| s.rows.iter().map(|r| views[r.view].path()))
                .collect();
            f.dedup();
            f.into_iter().map(str::to_owned).collect()
        };
        let pf = files(&p);
        let af = files(&a);
        for f in &pf {
            if !um.plan_files.contains(f) {
                um.plan_files.push(f.clone());
            }
        }
        for f in &af {
            if !um.actual_files.contains(f) {
                um.actual_files.push(f.clone());
            }
        }
        let user_key = um.user.clone();
        let ctx = Context {
            views,
            user: &user_key,
            month,
            provider,
            plan_files: &pf,
            actual_files: &af,
            calendars,
        };
        match (p, a) {
            (Some(p), Some(a)) => ctx.compare_group(p, a, um, out),
            (Some(p), None) => {
                let covered = coverage.contains(&(month, provider, ty));
                let state = if covered {
                    DayState::PlannedOnly
                } else {
                    DayState::PlannedNotCompared
                };
                let lines = ctx.one_sided(&p, true, state, covered, um);
                if covered {
                    let mut files = pf.clone();
                    files.extend(jsk_files(units, views, month, provider, ty));
                    out.push(
                        Report::new(
                            ReconcileCode::PLAN_ACTUAL_NO_ACTUAL,
                            format!(
                                "{}の{}のサービス種類{}（事業所{}）は予定が{}件ありますが、その事業所の実績ファイルにこの利用者の実績がありません。",
                                user_key.label(), month_ja(month), ty, provider, lines
                            ),
                            "サービスを提供しなかったのか、実績の入力漏れかを事業所に確認してください。提供しなかった場合は予定（第6表）を変更します。",
                            files,
                        )
                        .at(p.rows[0].rec)
                        .build(),
                    );
                }
            }
            (None, Some(a)) => {
                let has_plan = plan_users.contains(&(user, month));
                let state = if has_plan {
                    DayState::ActualOnly
                } else {
                    DayState::ActualNotCompared
                };
                let lines = ctx.one_sided(&a, false, state, has_plan, um);
                if has_plan {
                    let mut files = af.clone();
                    files.extend(um.plan_files.iter().filter(|f| !af.contains(f)).cloned());
                    out.push(
                        Report::new(
                            ReconcileCode::PLAN_ACTUAL_NO_PLAN,
                            format!(
                                "{}の{}に、予定（第6表）にない事業所{}・サービス種類{}の実績が{}件あります。",
                                user_key.label(), month_ja(month), provider, ty, lines
                            ),
                            "居宅サービス計画にないサービスは給付管理の対象になりません。予定（第6表・第7表）を変更して送り直すか、事業所に実績の誤りを確認してください。",
                            files,
                        )
                        .at(a.rows[0].rec)
                        .build(),
                    );
                }
            }
            (None, None) => {}
        }
    }
    if !calendars {
        return Vec::new();
    }
    let mut result: Vec<UserMonth> = months.into_values().collect();
    for um in &mut result {
        um.services
            .sort_by(|a, b| (&a.provider, &a.service_code).cmp(&(&b.provider, &b.service_code)));
        um.differences.sort_by(|a, b| {
            (&a.date, &a.provider, &a.service_code).cmp(&(&b.date, &b.provider, &b.service_code))
        });
    }
    result
}

/// A run of a file's records: (view, where in its records; see `FileView::runs`).
type Run = (usize, std::ops::Range<usize>);

/// The runs of one side (予定 or 実績) per group and unit.
#[derive(Default)]
struct Groups<'a> {
    /// Group → its units → index into `runs`.
    index: FxHashMap<GroupKey<'a>, BTreeMap<usize, usize>>,
    runs: Vec<Vec<Run>>,
}

impl<'a> Groups<'a> {
    /// The index of the runs of `group` from unit `ui`, new if need be.
    fn at(&mut self, group: GroupKey<'a>, ui: usize) -> usize {
        let next = self.runs.len();
        let at = *self
            .index
            .entry(group)
            .or_default()
            .entry(ui)
            .or_insert(next);
        if at == next {
            self.runs.push(Vec::new());
        }
        at
    }

    /// The group's runs per unit, taken out.
    fn take(&mut self, group: &GroupKey<'a>) -> Option<BTreeMap<usize, Vec<Run>>> {
        let units = self.index.remove(group)?;
        Some(
            units
                .into_iter()
                .map(|(ui, at)| (ui, std::mem::take(&mut self.runs[at])))
                .collect(),
        )
    }
}

/// Of several units carrying the same group, the one to compare: the newest 連番, and for the
/// 予定 preferably the copy sent to the provider itself (each provider receives the whole
/// 利用票, so the copies should be the same).
fn choose<T>(
    units: &[TransmissionUnit],
    key: &GroupKey,
    mut cands: BTreeMap<usize, Vec<T>>,
    prefer_receiver: bool,
) -> Vec<T> {
    let best = cands
        .keys()
        .copied()
        .max_by_key(|&ui| {
            let u = &units[ui];
            (prefer_receiver && u.receiver == key.2, &u.sequence)
        })
        .unwrap_or(0);
    cands.remove(&best).unwrap_or_default()
}

/// The 実績 files of a provider and month (to name them in a finding).
fn jsk_files(
    units: &[TransmissionUnit],
    views: &[FileView],
    month: &str,
    provider: &str,
    ty: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for u in units.iter().filter(|u| u.set == UnitSet::Actual) {
        if u.month.as_deref() != Some(month) || u.sender != provider {
            continue;
        }
        for &fi in &u.file_indexes {
            let v = &views[fi];
            let t = v
                .identity
                .name
                .sender
                .as_ref()
                .and_then(|p| p.service_type.as_deref());
            if t.is_none_or(|t| t == ty) {
                out.push(v.path().to_owned());
            }
        }
    }
    out
}

struct Context<'c> {
    views: &'c [FileView<'c>],
    user: &'c UserKey,
    month: &'c str,
    provider: &'c str,
    plan_files: &'c [String],
    actual_files: &'c [String],
    /// Whether to fill the calendar (`UserMonth::services`, `differences`).
    calendars: bool,
}

impl<'c> Context<'c> {
    fn seen(&self, r: &Row<'c>) -> Seen<'c> {
        let v = &self.views[r.view];
        Seen {
            start: v.get(r.rec, Col::Start),
            end: v.get(r.rec, Col::End),
            count: int(v.get(r.rec, Col::Count)),
            units: int(v.get(r.rec, Col::Units)),
        }
    }

    /// Where a row sorts among a group's rows (see `compare_group`).
    fn day_order(&self, r: &Row<'c>, actual: bool) -> DayOrder<'c> {
        let v = &self.views[r.view];
        (
            r.date,
            r.code,
            actual,
            v.get(r.rec, Col::DetailNo),
            v.get(r.rec, Col::Start),
            r.rec.index,
        )
    }

    fn visit(&self, r: &Row<'c>, s: &Seen) -> Visit {
        let v = &self.views[r.view];
        Visit {
            start: s.start.to_owned(),
            end: s.end.to_owned(),
            count: s.count,
            units: s.units,
            detail_no: v.get(r.rec, Col::DetailNo).to_owned(),
            file: v.path().to_owned(),
            record: r.rec.index,
            line: r.rec.line,
        }
    }

    fn line<'m>(&self, um: &'m mut UserMonth, code: &str, compared: bool) -> &'m mut ServiceLine {
        let pos = um
            .services
            .iter()
            .position(|l| l.provider == self.provider && l.service_code == code);
        let i = match pos {
            Some(i) => i,
            None => {
                um.services.push(ServiceLine {
                    provider: self.provider.to_owned(),
                    service_type: code.get(..2).unwrap_or(code).to_owned(),
                    service_code: code.to_owned(),
                    compared,
                    days: Vec::new(),
                    planned: Tally {
                        units_complete: true,
                        ..Tally::default()
                    },
                    actual: Tally {
                        units_complete: true,
                        ..Tally::default()
                    },
                });
                um.services.len() - 1
            }
        };
        &mut um.services[i]
    }

    /// A group with only one side: cells of one state; returns the number of records.
    fn one_sided(
        &self,
        side: &Side<'c>,
        planned: bool,
        state: DayState,
        report: bool,
        um: &mut UserMonth,
    ) -> usize {
        if !self.calendars {
            return side.rows.len();
        }
        for r in &side.rows {
            let seen = self.seen(r);
            let visit = self.visit(r, &seen);
            let day = day_of(r.date);
            let compared = matches!(state, DayState::PlannedOnly | DayState::ActualOnly);
            let line = self.line(um, r.code, compared);
            tally(
                if planned {
                    &mut line.planned
                } else {
                    &mut line.actual
                },
                &seen,
            );
            let cell = cell(line, day, state);
            if planned {
                cell.planned.push(visit);
            } else {
                cell.actual.push(visit);
            }
            if report {
                let kind = if planned {
                    DifferenceKind::NotPerformed
                } else {
                    DifferenceKind::NotPlanned
                };
                let message = self.day_message(r.date, r.code, kind, Some(&seen));
                push_difference(
                    um,
                    r.date,
                    self.provider,
                    r.code,
                    kind,
                    &seen,
                    planned,
                    message,
                );
            }
        }
        side.rows.len()
    }

    fn compare_group(
        &self,
        p: Side<'c>,
        a: Side<'c>,
        um: &mut UserMonth,
        out: &mut Vec<CrossFileFinding>,
    ) {
        // Both sides' rows sorted by date and code, then 予定 before 実績, and on each side
        // by 明細判別コード, start and record: a day's rows are one run, compared in order.
        // (A sort rather than a map of day → rows: no allocation per day.)
        let mut rows: Vec<(DayOrder<'c>, &Row<'c>)> = p
            .rows
            .iter()
            .map(|r| (self.day_order(r, false), r))
            .chain(a.rows.iter().map(|r| (self.day_order(r, true), r)))
            .collect();
        rows.sort_by(|x, y| x.0.cmp(&y.0));
        let mut totals: BTreeMap<&str, (Tally, Tally)> = BTreeMap::new();
        let (mut pv, mut av): (Vec<Seen>, Vec<Seen>) = (Vec::new(), Vec::new());
        for day in rows.chunk_by(|x, y| (x.0 .0, x.0 .1) == (y.0 .0, y.0 .1)) {
            let (date, code) = (day[0].0 .0, day[0].0 .1);
            let split = day.partition_point(|(o, _)| !o.2);
            let (pr, ar) = day.split_at(split);
            pv.clear();
            av.clear();
            pv.extend(pr.iter().map(|(_, r)| self.seen(r)));
            av.extend(ar.iter().map(|(_, r)| self.seen(r)));
            let mut differs = pv.len() != av.len();
            for (i, (x, y)) in pv.iter().zip(&av).enumerate() {
                let rec = ar[i].1.rec;
                if x.start != y.start || x.end != y.end {
                    differs = true;
                    let (pl, al) = (
                        format!("{}〜{}", time_ja(x.start), time_ja(x.end)),
                        format!("{}〜{}", time_ja(y.start), time_ja(y.end)),
                    );
                    self.report_pair(um, out, rec, date, code, DifferenceKind::Time, pl, al);
                }
                if x.count != y.count {
                    differs = true;
                    let (pl, al) = (num(x.count, "回"), num(y.count, "回"));
                    self.report_pair(um, out, rec, date, code, DifferenceKind::Count, pl, al);
                }
                if x.units.is_some() && y.units.is_some() && x.units != y.units {
                    differs = true;
                    let (pl, al) = (num(x.units, "単位"), num(y.units, "単位"));
                    self.report_pair(um, out, rec, date, code, DifferenceKind::Units, pl, al);
                }
            }
            for ((_, r), seen) in pr.iter().zip(&pv).skip(av.len()) {
                let message =
                    self.day_message(date, code, DifferenceKind::NotPerformed, Some(seen));
                out.push(
                    self.finding(
                        ReconcileCode::PLAN_ACTUAL_NOT_PERFORMED,
                        message.clone(),
                        true,
                    )
                    .at(r.rec)
                    .build(),
                );
                if self.calendars {
                    push_difference(
                        um,
                        date,
                        self.provider,
                        code,
                        DifferenceKind::NotPerformed,
                        seen,
                        true,
                        message,
                    );
                }
            }
            for ((_, r), seen) in ar.iter().zip(&av).skip(pv.len()) {
                let message = self.day_message(date, code, DifferenceKind::NotPlanned, Some(seen));
                out.push(
                    self.finding(
                        ReconcileCode::PLAN_ACTUAL_NOT_PLANNED,
                        message.clone(),
                        false,
                    )
                    .at(r.rec)
                    .build(),
                );
                if self.calendars {
                    push_difference(
                        um,
                        date,
                        self.provider,
                        code,
                        DifferenceKind::NotPlanned,
                        seen,
                        false,
                        message,
                    );
                }
            }
            let state = match (pv.is_empty(), av.is_empty()) {
                (false, true) => DayState::PlannedOnly,
                (true, false) => DayState::ActualOnly,
                _ if differs => DayState::Different,
                _ => DayState::Same,
            };
            let t = totals.entry(code).or_default();
            for x in &pv {
                tally(&mut t.0, x);
            }
            for y in &av {
                tally(&mut t.1, y);
            }
            if !self.calendars {
                continue;
            }
            let line = self.line(um, code, true);
            for x in &pv {
                tally(&mut line.planned, x);
            }
            for y in &av {
                tally(&mut line.actual, y);
            }
            let c = cell(line, day_of(date), state);
            c.planned
                .extend(pr.iter().zip(&pv).map(|((_, r), x)| self.visit(r, x)));
            c.actual
                .extend(ar.iter().zip(&av).map(|((_, r), y)| self.visit(r, y)));
        }
        for (code, (pt, at)) in totals {
            if pt.count != at.count || pt.units != at.units {
                let message = format!(
                    "{}の{} サービスコード{}（事業所{}）の月合計が違います: 予定 {}回・{}単位、実績 {}回・{}単位。",
                    self.user.label(),
                    month_ja(self.month),
                    code,
                    self.provider,
                    pt.count,
                    pt.units,
                    at.count,
                    at.units
                );
                out.push(
                    self.finding(ReconcileCode::PLAN_ACTUAL_TOTAL, message, false)
                        .build(),
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn report_pair(
        &self,
        um: &mut UserMonth,
        out: &mut Vec<CrossFileFinding>,
        rec: RecordRef<'_>,
        date: &str,
        code: &str,
        kind: DifferenceKind,
        planned: String,
        actual: String,
    ) {
        let (code_id, what) = match kind {
            DifferenceKind::Time => (ReconcileCode::PLAN_ACTUAL_TIME, "時刻"),
            DifferenceKind::Count => (ReconcileCode::PLAN_ACTUAL_COUNT, "サービス回数"),
            _ => (ReconcileCode::PLAN_ACTUAL_UNITS, "単位数"),
        };
        let message = format!(
            "{}の{} サービスコード{}（事業所{}）の{}が違います: 予定 {}、実績 {}。",
            self.user.label(),
            date_ja(date),
            code,
            self.provider,
            what,
            planned,
            actual
        );
        out.push(
            self.finding(code_id, message.clone(), false)
                .at(rec)
                .build(),
        );
        if self.calendars {
            um.differences.push(Difference {
                date: date.to_owned(),
                provider: self.provider.to_owned(),
                service_code: code.to_owned(),
                kind,
                planned: Some(planned),
                actual: Some(actual),
                message,
            });
        }
    }

    fn day_message(
        &self,
        date: &str,
        code: &str,
        kind: DifferenceKind,
        v: Option<&Seen>,
    ) -> String {
        let when = v
            .map(|v| format!("（{}〜{}）", time_ja(v.start), time_ja(v.end)))
            .unwrap_or_default();
        let what = if kind == DifferenceKind::NotPerformed {
            "予定がありますが、実績がありません"
        } else {
            "実績がありますが、予定がありません"
        };
        format!(
            "{}の{} サービスコード{}{}（事業所{}）は{}。",
            self.user.label(),
            date_ja(date),
            code,
            when,
            self.provider,
            what
        )
    }

    /// A finding whose files start with the side its position points into.
    fn finding(&self, code: ReconcileCode, message: String, plan_first: bool) -> Report {
        let (first, second) = if plan_first {
            (self.plan_files, self.actual_files)
        } else {
            (self.actual_files, self.plan_files)
        };
        let mut files = first.to_vec();
        files.extend(second.iter().cloned());
        let hint = match code {
            ReconcileCode::PLAN_ACTUAL_NOT_PERFORMED => "中止・キャンセルなら予定（第6表）の変更が必要か確認し、提供していれば事業所に実績の送り直しを依頼してください。",
            ReconcileCode::PLAN_ACTUAL_NOT_PLANNED => "予定外の提供なら予定（第6表・第7表）を変更して送り直し、誤りなら事業所に実績の訂正を依頼してください。",
            ReconcileCode::PLAN_ACTUAL_TIME => "時刻の違いが算定区分（所要時間）に影響しないか確認し、必要なら予定か実績を直してください。",
            ReconcileCode::PLAN_ACTUAL_COUNT => "回数の違いを事業所に確認し、予定か実績を直してください。",
            ReconcileCode::PLAN_ACTUAL_UNITS => "単位数の違いを確認してください。率で加減算するサービスコードは実績で0のことがあり、共生型の減算は月初日だけに入ります（仕様 第6表 No.8）。",
            _ => "日ごとの違いは一覧を見てください。給付管理票を作る前に予定と実績をそろえます。",
        };
        Report::new(code, message, hint, files)
    }
}

#[allow(clippy::too_many_arguments)]
fn push_difference(
    um: &mut UserMonth,
    date: &str,
    provider: &str,
    code: &str,
    kind: DifferenceKind,
    visit: &Seen,
    planned: bool,
    message: String,
) {
    let value = format!(
        "{}〜{} {}",
        time_ja(visit.start),
        time_ja(visit.end),
        num(visit.count, "回")
    );
    um.differences.push(Difference {
        date: date.to_owned(),
        provider: provider.to_owned(),
        service_code: code.to_owned(),
        kind,
        planned: planned.then(|| value.clone()),
        actual: (!planned).then_some(value),
        message,
    });
}

fn tally(t: &mut Tally, v: &Seen) {
    t.records += 1;
    let count = v.count.unwrap_or(0);
    t.count += count;
    match v.units {
        Some(u) => t.units += u.saturating_mul(count),
        None => t.units_complete = false,
    }
}

fn cell(line: &mut ServiceLine, day: u8, state: DayState) -> &mut DayCell {
    let i = match line.days.binary_search_by_key(&day, |c| c.day) {
        Ok(i) => {
            let c = &mut line.days[i];
            if c.state != state {
                c.state = DayState::Different;
            }
            i
        }
        Err(i) => {
            line.days.insert(
                i,
                DayCell {
                    day,
                    state,
                    planned: Vec::new(),
                    actual: Vec::new(),
                },
            );
            i
        }
    };
    &mut line.days[i]
}

fn day_of(date: &str) -> u8 {
    date.get(6..8).and_then(|d| d.parse().ok()).unwrap_or(0)
}

fn date_ja(date: &str) -> String {
    match crate::jpdate::CivilDate::parse_yyyymmdd(date) {
        Some(d) => d.format_ja(),
        None => format!("サービス利用日「{date}」"),
    }
}

fn num(v: Option<i64>, unit: &str) -> String {
    match v {
        Some(n) => format!("{n}{unit}"),
        None => "（空）".to_owned(),
    }
}
