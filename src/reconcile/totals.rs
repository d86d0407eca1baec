//! 合計: whether the numbers of one 利用票 unit add up, per user:
//! - 第6表 Σ サービス回数 and Σ(単位数 × サービス回数) per 事業所 + サービスコード against the
//!   第7表 row of that 事業所 and code;
//! - 第7表 種類別小計 (種類CD+`AAAA`) and 全合計 (`999999`) against the rows they sum;
//! - 区分支給限度基準 超 + 内 against 給付管理単位数 on each 第7表 row;
//! - 利用者補足情報 種類別 合計単位数 / 限度超単位数 and 合計限度超単位数 against 第7表;
//! - the month's 給付管理単位数 against 区分支給限度基準額 (利用者補足情報 No.19).
//!
//! The spec lists these as *suggested* checks ("derived, not stated", §5) and several 第7表
//! columns (No.14–37) were re-aligned from a shifted OCR with medium confidence
//! (`docs/spec/resolutions.md`), so every finding here is a warning whose hint says so.
//! Choices made where the spec is silent (which rows a 小計 sums, what 全合計 sums) are
//! written next to the code that makes them, and listed in the module report.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};

use super::findings::{ReconcileCode, Report};
use super::units::{TransmissionUnit, UnitSet};
use super::view::{int, month_ja, Col as Field, FileView, UserKey};
use crate::check::{CrossFileFinding, RecordRef, Severity};
use crate::spec::roles;

const TOTAL_CODE: &str = "999999";
const SUBTOTAL: &str = "AAAA";
/// 区分支給対象外 小計 and 30日超過分 小計: their presence means some of a type's rows are not
/// in the `AAAA` 小計.
const OTHER_SUBTOTALS: [&str; 2] = ["EEEE", "ZZZZ"];

const COUNT_DAYS: &str = "回数／日数";
const AMOUNT: &str = "サービス単位金額";
const MANAGED: &str = "給付管理単位数";
const KIND_OVER: &str = "種類支給限度基準超単位数";
const KIND_WITHIN: &str = "種類支給限度基準内単位数";
const OVER: &str = "区分支給限度基準超単位数";
const WITHIN: &str = "区分支給限度基準内単位数";
const LIMIT: &str = "区分支給限度基準額";
const TOTAL_OVER: &str = "合計限度超単位数";

const DERIVED: &str =
    "（この照合は仕様に明記されておらず、第7表の列の位置にも不確かさがあるため警告にしています。）";

/// One 第7表 row with the numbers the checks use.
struct SikyuRow<'a> {
    rec: RecordRef<'a>,
    office: &'a str,
    code: &'a str,
    units: Option<i64>,
    discounted: Option<i64>,
    count: Option<i64>,
    cols: [Option<i64>; 6],
}

/// Index into [`SikyuRow::cols`].
#[derive(Clone, Copy)]
enum Col {
    Amount = 0,
    Managed = 1,
    KindOver = 2,
    KindWithin = 3,
    Over = 4,
    Within = 5,
}

const COL_NAMES: [&str; 6] = [AMOUNT, MANAGED, KIND_OVER, KIND_WITHIN, OVER, WITHIN];

impl SikyuRow<'_> {
    fn get(&self, c: Col) -> Option<i64> {
        self.cols[c as usize]
    }
    fn service_type(&self) -> &str {
        self.code.get(..2).unwrap_or(self.code)
    }
    fn is_detail(&self) -> bool {
        self.code != TOTAL_CODE
            && !(self.code.len() == 6
                && [SUBTOTAL]
                    .iter()
                    .chain(&OTHER_SUBTOTALS)
                    .any(|s| self.code.ends_with(s)))
    }
    /// The row's units for the month: サービス単位金額, else (割引後)単位数 × 回数／日数.
    fn month_units(&self) -> Option<i64> {
        self.get(Col::Amount)
            .or_else(|| Some(self.discounted.or(self.units)?.saturating_mul(self.count?)))
    }
}

/// One user's 第7表 rows.
#[derive(Default)]
struct UserSikyu<'a> {
    details: Vec<SikyuRow<'a>>,
    /// サービス種類 → its `AAAA` row.
    subtotals: BTreeMap<String, SikyuRow<'a>>,
    /// サービス種類 with an `EEEE` or `ZZZZ` row.
    other_subtotals: Vec<String>,
    total: Option<SikyuRow<'a>>,
}

impl UserSikyu<'_> {
    /// The rows an `AAAA` 小計 of type `t` sums: the type's rows with a 給付管理単位数 (rows
    /// outside 区分支給限度 carry Null there, spec 第7表 No.18); when none has one and the type has
    /// no EEEE/ZZZZ 小計, all its rows.
    fn members(&self, t: &str) -> Vec<&SikyuRow<'_>> {
        let of_type: Vec<&SikyuRow> = self
            .details
            .iter()
            .filter(|r| r.service_type() == t)
            .collect();
        let managed: Vec<&SikyuRow> = of_type
            .iter()
            .copied()
            .filter(|r| r.get(Col::Managed).is_some())
            .collect();
        if !managed.is_empty() {
            managed
        } else if self.other_subtotals.iter().any(|o| o == t) {
            Vec::new()
        } else {
            of_type
        }
    }

    /// A type's value of a column: its `AAAA` row's, else the sum of its rows (None if no row
    /// has a value).
    fn type_value(&self, t: &str, c: Col) -> Option<i64> {
        if let Some(v) = self.subtotals.get(t).and_then(|s| s.get(c)) {
            return Some(v);
        }
        sum(self
            .details
            .iter()
            .filter(|r| r.service_type() == t)
            .map(|r| r.get(c)))
    }

    fn types(&self) -> Vec<String> {
        let mut t: Vec<String> = self
            .details
            .iter()
            .map(|r| r.service_type().to_owned())
            .collect();
        t.extend(self.subtotals.keys().cloned());
        t.sort();
        t.dedup();
        t
    }
}

/// Σ of the values present; None when none is.
fn sum(values: impl Iterator<Item = Option<i64>>) -> Option<i64> {
    values.fold(None, |acc, v| match (acc, v) {
        (a, None) => a,
        (None, Some(v)) => Some(v),
        (Some(a), Some(v)) => Some(a.saturating_add(v)),
    })
}

/// Checks the totals of every 利用票 unit.
pub(crate) fn check_totals(
    units: &[TransmissionUnit],
    views: &[FileView],
    out: &mut Vec<CrossFileFinding>,
) {
    for u in units.iter().filter(|u| u.set == UnitSet::Usage) {
        let file_of = |kind: &str| {
            u.file_indexes
                .iter()
                .copied()
                .find(|&i| views[i].kind == kind)
                .map(|i| &views[i])
        };
        let Some(sikyu) = file_of("UPSIKYU") else {
            continue;
        };
        let by_user = read_sikyu(sikyu);
        if let Some(plan) = file_of("UPPLAN") {
            plan_against_sikyu(plan, sikyu, &by_user, out);
        }
        for (user, rows) in &by_user {
            sums_within_sikyu(sikyu, &UserKey::of(*user), rows, out);
        }
        if let Some(hosoku) = file_of("UPHOSOKU") {
            hosoku_against_sikyu(
                hosoku,
                sikyu,
                &by_user,
                u.month.as_deref().unwrap_or(""),
                out,
            );
        }
    }
}

/// Each user's 第7表 rows, by (保険者番号, 被保険者番号) borrowed from the records.
type ByUser<'a> = BTreeMap<(&'a str, &'a str), UserSikyu<'a>>;

fn read_sikyu<'a>(v: &FileView<'a>) -> ByUser<'a> {
    let mut users: ByUser = BTreeMap::new();
    let n = |rec: RecordRef<'a>, name: &str| int(v.value(rec, name));
    for rec in v.records() {
        let row = SikyuRow {
            rec,
            office: v.value(rec, roles::SUMMARY_OFFICE_CODE),
            code: v.value(rec, roles::SERVICE_CODE),
            units: n(rec, roles::UNITS),
            discounted: n(rec, roles::DISCOUNTED_UNITS),
            count: n(rec, COUNT_DAYS),
            cols: COL_NAMES.map(|c| n(rec, c)),
        };
        let user = users.entry(v.user_ref(rec)).or_default();
        if row.code == TOTAL_CODE {
            user.total.get_or_insert(row);
        } else if row.is_detail() {
            user.details.push(row);
        } else if row.code.ends_with(SUBTOTAL) {
            user.subtotals
                .entry(row.service_type().to_owned())
                .or_insert(row);
        } else {
            user.other_subtotals.push(row.service_type().to_owned());
        }
    }
    users
}

/// Σ回数, Σ(単位数×回数), whether every row had 単位数, and the first record.
type PlanSum<'a> = (i64, i64, bool, RecordRef<'a>);

/// 第6表 Σ回数 and Σ(単位数×回数) per 事業所 + サービスコード against the 第7表 row.
fn plan_against_sikyu(
    plan: &FileView,
    sikyu: &FileView,
    by_user: &ByUser,
    out: &mut Vec<CrossFileFinding>,
) {
    // (user, office, code) → (Σ回数, Σ単位数×回数, all units known, first record), in the
    // order of the key; found through a hash map, and most records are of the key of the
    // record before.
    type SumKey<'a> = ((&'a str, &'a str), (&'a str, &'a str));
    let mut index: FxHashMap<SumKey, usize> = FxHashMap::default();
    let mut list: Vec<(SumKey, PlanSum)> = Vec::new();
    let mut last: Option<(SumKey, usize)> = None;
    // Within a run of records (see `FileView::runs`) the user and the provider are the same.
    for (first, run) in plan.runs() {
        let (user, provider) = (plan.user_ref(first), plan.get(first, Field::Provider));
        for rec in plan.records_in(run) {
            let count = int(plan.get(rec, Field::Count)).unwrap_or(0);
            let units = int(plan.get(rec, Field::Units));
            let key = (user, (provider, plan.get(rec, Field::ServiceCode)));
            let at = match last {
                Some((k, at)) if k == key => at,
                _ => {
                    let at = *index.entry(key).or_insert_with(|| {
                        list.push((key, (0, 0, true, rec)));
                        list.len() - 1
                    });
                    last = Some((key, at));
                    at
                }
            };
            let e = &mut list[at].1;
            e.0 += count;
            match units {
                Some(u) => e.1 += u.saturating_mul(count),
                None => e.2 = false,
            }
        }
    }
    list.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    type UserSums<'a> = ((&'a str, &'a str), Vec<((&'a str, &'a str), PlanSum<'a>)>);
    let mut sums: Vec<UserSums> = Vec::new();
    for (key, sum) in list {
        match sums.last_mut() {
            Some((user, services)) if *user == key.0 => services.push((key.1, sum)),
            _ => sums.push((key.0, vec![(key.1, sum)])),
        }
    }
    let files = |first: &FileView, second: &FileView| {
        vec![first.path().to_owned(), second.path().to_owned()]
    };
    for ((insurer, insured), services) in sums {
        let Some(rows) = by_user.get(&(insurer, insured)) else {
            continue; // UNIT_KEY_NO_DEPENDENT already names the user.
        };
        let user = UserKey::of((insurer, insured));
        for ((office, code), (count, units, complete, first)) in services {
            let matching: Vec<&SikyuRow> = rows
                .details
                .iter()
                .filter(|r| r.office == office && r.code == code)
                .collect();
            if matching.is_empty() {
                out.push(
                    Report::new(
                        ReconcileCode::TOTAL_SIKYU_ROW_MISSING,
                        format!(
                            "{}の第6表にある事業所{}・サービスコード{}（{}回）の行が、第7表にありません。",
                            user.label(), office, code, count
                        ),
                        &format!("第7表には第6表のサービスごとに事業所とサービスコードの行を入れます。{DERIVED}"),
                        files(plan, sikyu),
                    )
                    .at(first)
                    .build(),
                );
                continue;
            }
            let at = matching[0].rec;
            let sikyu_count = sum(matching.iter().map(|r| r.count));
            if let Some(sc) = sikyu_count {
                if sc != count {
                    let col = sikyu.col(COUNT_DAYS).unwrap_or(16);
                    out.push(
                        Report::new(
                            ReconcileCode::TOTAL_COUNT_6_7,
                            format!(
                                "{}の事業所{}・サービスコード{}: 第6表の回数の合計は{}回、第7表の回数／日数は{}です。",
                                user.label(), office, code, count, sc
                            ),
                            &format!("第6表と第7表の回数をそろえてください。月額・日割のサービスは日数で数えることがあります。{DERIVED}"),
                            files(sikyu, plan),
                        )
                        .field(at, col, COUNT_DAYS)
                        .build(),
                    );
                }
            }
            let sikyu_units = sum(matching.iter().map(|r| r.month_units()));
            if let (true, Some(su)) = (complete, sikyu_units) {
                if su != units {
                    out.push(
                        Report::new(
                            ReconcileCode::TOTAL_UNITS_6_7,
                            format!(
                                "{}の事業所{}・サービスコード{}: 第6表の単位数×回数の合計は{}単位、第7表は{}単位です。",
                                user.label(), office, code, units, su
                            ),
                            &format!("第7表の単位数・割引後単位数・回数（またはサービス単位金額）を第6表とそろえてください。{DERIVED}"),
                            files(sikyu, plan),
                        )
                        .at(at)
                        .build(),
                    );
                }
            }
        }
    }
}

fn push_sum(
    out: &mut Vec<CrossFileFinding>,
    code: ReconcileCode,
    sikyu: &FileView,
    rec: RecordRef<'_>,
    col: &str,
    message: String,
    hint: &str,
) {
    let no = sikyu.col(col).unwrap_or(1);
    out.push(
        Report::new(
            code,
            message,
            &format!("{hint}{DERIVED}"),
            vec![sikyu.path().to_owned()],
        )
        .field(rec, no, col)
        .build(),
    );
}

/// 種類別小計, 全合計 and 超/内 splits inside one user's 第7表 rows.
fn sums_within_sikyu(
    sikyu: &FileView,
    user: &UserKey,
    rows: &UserSikyu,
    out: &mut Vec<CrossFileFinding>,
) {
    for (t, sub) in &rows.subtotals {
        let members = rows.members(t);
        for c in [Col::Amount, Col::Managed, Col::Over, Col::Within] {
            let (Some(shown), Some(expected)) = (sub.get(c), sum(members.iter().map(|r| r.get(c))))
            else {
                continue;
            };
            if shown != expected {
                let name = COL_NAMES[c as usize];
                push_sum(
                    out,
                    ReconcileCode::TOTAL_SUBTOTAL_SUM,
                    sikyu,
                    sub.rec,
                    name,
                    format!(
                        "{}の種類別小計（{}AAAA）の{}は{}ですが、サービス種類{}の行（{}行）の合計は{}です。",
                        user.label(), t, name, shown, t, members.len(), expected
                    ),
                    "種類別小計には、その種類の区分支給限度の対象行（給付管理単位数のある行）の合計を入れます。",
                );
            }
        }
    }
    if let Some(total) = &rows.total {
        for c in [Col::Managed, Col::Over, Col::Within] {
            let Some(shown) = total.get(c) else {
                continue;
            };
            let Some(expected) = sum(rows.types().iter().map(|t| rows.type_value(t, c))) else {
                continue;
            };
            if shown != expected {
                let name = COL_NAMES[c as usize];
                push_sum(
                    out,
                    ReconcileCode::TOTAL_GRAND_SUM,
                    sikyu,
                    total.rec,
                    name,
                    format!(
                        "{}の全合計（999999）の{}は{}ですが、種類別小計（小計のない種類は各行）の合計は{}です。",
                        user.label(), name, shown, expected
                    ),
                    "全合計には、種類別小計（小計行のない種類は明細行）の合計を入れます。",
                );
            }
        }
    }
    let all = rows
        .details
        .iter()
        .chain(rows.subtotals.values())
        .chain(rows.total.iter());
    for r in all {
        let (Some(managed), Some(over), Some(within)) =
            (r.get(Col::Managed), r.get(Col::Over), r.get(Col::Within))
        else {
            continue;
        };
        // With 種類支給限度 in play, 給付管理 = 種類超 + 種類内 and 区分 splits 種類内.
        let base = match (r.get(Col::KindOver), r.get(Col::KindWithin)) {
            (Some(ko), Some(ki)) if ko > 0 => {
                if ko + ki != managed {
                    push_sum(
                        out,
                        ReconcileCode::TOTAL_LIMIT_SPLIT,
                        sikyu,
                        r.rec,
                        KIND_WITHIN,
                        format!(
                            "{}の第7表 サービスコード{}の行: 種類支給限度基準超単位数{}＋基準内単位数{}が給付管理単位数{}と違います。",
                            user.label(), r.code, ko, ki, managed
                        ),
                        "種類支給限度基準を超える単位数と基準内の単位数の和は給付管理単位数になります。",
                    );
                }
                ki
            }
            _ => managed,
        };
        if over + within != base {
            push_sum(
                out,
                ReconcileCode::TOTAL_LIMIT_SPLIT,
                sikyu,
                r.rec,
                WITHIN,
                format!(
                    "{}の第7表 サービスコード{}の行: 区分支給限度基準超単位数{}＋基準内単位数{}が{}{}と違います。",
                    user.label(), r.code, over, within,
                    if base == managed { "給付管理単位数" } else { "種類支給限度基準内単位数" }, base
                ),
                "区分支給限度基準を超える単位数と基準内の単位数の和は給付管理単位数（種類支給限度がある場合は種類支給限度基準内単位数）になります。",
            );
        }
    }
}

/// The 第7表 types a 利用者補足情報 slot's サービス種類 covers: 短期入所療養介護 is entered as 22
/// (利用者補足 No.20 note), so 22 stands for 22/23/2A.
fn slot_types(t: &str) -> Vec<&str> {
    if t == "22" {
        vec!["22", "23", "2A"]
    } else {
        vec![t]
    }
}

/// 利用者補足情報 against 第7表, and the month's total against 区分支給限度基準額.
fn hosoku_against_sikyu(
    hosoku: &FileView,
    sikyu: &FileView,
    by_user: &ByUser,
    month: &str,
    out: &mut Vec<CrossFileFinding>,
) {
    let files = || vec![hosoku.path().to_owned(), sikyu.path().to_owned()];
    let mut seen = FxHashSet::default();
    for rec in hosoku.records() {
        let user_ref = hosoku.user_ref(rec);
        if !seen.insert(user_ref) {
            continue;
        }
        let Some(rows) = by_user.get(&user_ref) else {
            continue;
        };
        let user = UserKey::of(user_ref);
        for k in 1..=9 {
            let t = hosoku.value(rec, &format!("{k}サービス種類コード"));
            if t.is_empty() {
                continue;
            }
            for (name, c) in [
                (format!("{k}合計単位数"), Col::Managed),
                (format!("{k}限度超単位数"), Col::KindOver),
            ] {
                let Some(shown) = int(hosoku.value(rec, &name)) else {
                    continue;
                };
                let Some(expected) = sum(slot_types(t).iter().map(|t| rows.type_value(t, c)))
                else {
                    continue;
                };
                if shown != expected {
                    let col = hosoku.col(&name).unwrap_or(1);
                    out.push(
                        Report::new(
                            ReconcileCode::TOTAL_HOSOKU_SLOT,
                            format!(
                                "{}の利用者補足情報の{}（サービス種類{}）は{}ですが、第7表の{}は{}です。",
                                user.label(), name, t, shown, COL_NAMES[c as usize], expected
                            ),
                            &format!("利用者補足情報の種類別の単位数を第7表とそろえてください。{DERIVED}"),
                            files(),
                        )
                        .field(rec, col, &name)
                        .build(),
                    );
                }
            }
        }
        let grand_over = rows.total.as_ref().and_then(|t| t.get(Col::Over));
        if let (Some(shown), Some(g)) = (int(hosoku.value(rec, TOTAL_OVER)), grand_over) {
            if shown != g {
                let col = hosoku.col(TOTAL_OVER).unwrap_or(56);
                out.push(
                    Report::new(
                        ReconcileCode::TOTAL_HOSOKU_OVER,
                        format!(
                            "{}の利用者補足情報の合計限度超単位数は{}ですが、第7表の全合計の区分支給限度基準超単位数は{}です。",
                            user.label(), shown, g
                        ),
                        &format!("利用者補足情報の合計限度超単位数を第7表とそろえてください。{DERIVED}"),
                        files(),
                    )
                    .field(rec, col, TOTAL_OVER)
                    .build(),
                );
            }
        }
        let Some(limit) = int(hosoku.value(rec, LIMIT)).filter(|l| *l > 0) else {
            continue;
        };
        let total = rows
            .total
            .as_ref()
            .and_then(|t| t.get(Col::Managed))
            .or_else(|| {
                sum(rows
                    .types()
                    .iter()
                    .map(|t| rows.type_value(t, Col::Managed)))
            });
        let Some(total) = total else {
            continue;
        };
        if total > limit {
            let excess = total - limit;
            let accounted = grand_over == Some(excess);
            let col = hosoku.col(LIMIT).unwrap_or(19);
            let mut r = Report::new(
                ReconcileCode::TOTAL_OVER_LIMIT,
                format!(
                    "区分支給限度基準額を超えています: {}の{}の給付管理単位数の合計は{}単位で、区分支給限度基準額{}単位を{}単位超えています{}。",
                    user.label(),
                    month_ja(month),
                    total,
                    limit,
                    excess,
                    if accounted {
                        "（第7表の区分支給限度基準超単位数に計上済み）"
                    } else {
                        "（第7表の区分支給限度基準超単位数に計上されていません）"
                    }
                ),
                "超えた分は利用者の全額負担になります。計画の見直しが要るか、超過分を第7表の区分支給限度基準超単位数に計上しているか確認してください。",
                files(),
            )
            .field(rec, col, LIMIT);
            if accounted {
                r = r.severity(Severity::Info);
            }
            out.push(r.build());
        }
    }
}
