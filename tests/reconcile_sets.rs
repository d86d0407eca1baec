//! The reconciliation on generated fixture sets with known differences: each test changes one
//! thing in a consistent office month and asserts the exact cross-file findings.

#[path = "support/kept.rs"]
mod support;

use careplan_ledger::check::{check_file_keeping_records, CheckedFile, CrossFileFinding};
use careplan_ledger::fixtures::sets::{
    add_day, edit_day, remove_day, OfficeMonth, Provider, PLAN_SEQUENCE,
};
use careplan_ledger::fixtures::{Fixture, Rows};
use careplan_ledger::reconcile::{reconcile, DayState, MonthOutcome, Reconciliation};

fn check(fixtures: &[Fixture]) -> Vec<CheckedFile> {
    fixtures
        .iter()
        .map(|f| check_file_keeping_records(&f.name, &f.bytes))
        .collect()
}

/// Also holds the command line's way of keeping records to the same findings.
fn run(fixtures: &[Fixture]) -> Reconciliation {
    support::assert_kept_agrees(fixtures, careplan_ledger::reconcile::InputOrder::AsGiven);
    reconcile(&check(fixtures))
}

/// (code, record) of every finding, for exact comparison.
fn codes(r: &Reconciliation) -> Vec<(String, Option<u64>)> {
    r.cross_file
        .iter()
        .map(|c| (c.finding.code.to_string(), c.finding.record))
        .collect()
}

fn show(r: &Reconciliation) -> String {
    r.cross_file
        .iter()
        .map(|c: &CrossFileFinding| {
            format!(
                "{} {:?} {}\n",
                c.finding.code, c.finding.record, c.finding.message
            )
        })
        .collect()
}

fn home_care() -> Provider {
    Provider::new("1310000002", "11")
}

fn day_care() -> Provider {
    Provider::new("1310000003", "15")
}

#[test]
fn the_clean_month_is_valid_for_the_checker_and_reconciles_without_findings() {
    let office = OfficeMonth::sample();
    let files = check(&office.files());
    for f in &files {
        assert!(
            f.report.findings.is_empty(),
            "{}: {:?}",
            f.report.path,
            f.report.findings
        );
    }
    let r = reconcile(&files);
    assert!(r.cross_file.is_empty(), "{}", show(&r));
    assert_eq!(r.units.len(), 4);
    assert!(r.units.iter().all(|u| u.missing.is_empty()));
    assert!(r.units.iter().any(|u| u.receiver == day_care().office));
    assert_eq!(r.plan_vs_actual.len(), 2);
    let first = &r.plan_vs_actual[0];
    assert_eq!(first.user.insured, "0000012345");
    assert_eq!(first.name.as_deref(), Some("髙橋 﨑子"));
    assert_eq!(first.days_in_month, 31);
    assert_eq!(first.services.len(), 3);
    for line in &first.services {
        assert!(line.compared);
        assert!(line.days.iter().all(|d| d.state == DayState::Same));
        assert_eq!(line.planned, line.actual);
    }
    assert!(first.differences.is_empty());
}

/// Replaces the file with the same name.
fn replace(files: &mut [Fixture], new: Fixture) {
    let slot = files.iter_mut().find(|f| f.name == new.name);
    *slot.expect("a file of that name") = new;
}

/// The clean month with the 訪問介護 provider's 実績 rows changed.
fn with_home_care_actual(change: impl FnOnce(&mut Rows)) -> Vec<Fixture> {
    OfficeMonth::sample().files_with_actual(&home_care(), change)
}

fn pairs(list: &[(&str, Option<u64>)]) -> Vec<(String, Option<u64>)> {
    list.iter().map(|(c, r)| (c.to_string(), *r)).collect()
}

const A: &str = "0000012345";
const B: &str = "H123456789";

// Records of the 訪問介護 実績: A 111111 days 1,8,15,22,29 = 1–5, A 112111 days 2,9 = 6–7,
// B 111111 days 5,12 = 8–9. Of the 予定 sent to 訪問介護: the same plus A 151111 = 8–11,
// B = 12–13.

#[test]
fn a_day_added_in_the_actuals_is_performed_not_planned() {
    let files = with_home_care_actual(|r| add_day(r, A, "20250501", "111111", "20250503"));
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[
            ("PLAN_ACTUAL_NOT_PLANNED", Some(10)),
            ("PLAN_ACTUAL_TOTAL", None)
        ]),
        "{}",
        show(&r)
    );
    let f = &r.cross_file[0];
    assert!(f.files[0].starts_with("UPJSK_202505_1310000002_11_1310000001_43"));
    assert!(f.files[1].starts_with("UPPLAN_202505_1310000001_43_1310000002_11"));
    assert!(
        f.finding.message.contains("2025年5月3日"),
        "{}",
        f.finding.message
    );
    assert!(f.finding.message.contains("111111"));
    let um = &r.plan_vs_actual[0];
    let line = um
        .services
        .iter()
        .find(|l| l.service_code == "111111")
        .unwrap();
    let day3 = line.days.iter().find(|d| d.day == 3).unwrap();
    assert_eq!(day3.state, DayState::ActualOnly);
    assert_eq!(line.planned.count, 5);
    assert_eq!(line.actual.count, 6);
    assert_eq!(line.actual.units - line.planned.units, 250);
    assert_eq!(um.differences.len(), 1);
}

#[test]
fn a_day_missing_in_the_actuals_is_planned_not_performed() {
    let files = with_home_care_actual(|r| remove_day(r, A, "20250508", "111111"));
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[
            ("PLAN_ACTUAL_NOT_PERFORMED", Some(2)),
            ("PLAN_ACTUAL_TOTAL", None)
        ]),
        "{}",
        show(&r)
    );
    assert!(r.cross_file[0].files[0].starts_with("UPPLAN_"));
    let line = &r.plan_vs_actual[0].services[0];
    assert_eq!(
        line.days.iter().find(|d| d.day == 8).unwrap().state,
        DayState::PlannedOnly
    );
}

#[test]
fn a_changed_time_is_named_with_both_values() {
    let files =
        with_home_care_actual(|r| edit_day(r, A, "20250515", "111111", "サービス開始時刻", "0930"));
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[("PLAN_ACTUAL_TIME", Some(3))]),
        "{}",
        show(&r)
    );
    let m = &r.cross_file[0].finding.message;
    assert!(m.contains("予定 09:00〜10:00、実績 09:30〜10:00"), "{m}");
    let d = &r.plan_vs_actual[0].differences[0];
    assert_eq!(d.date, "20250515");
    assert_eq!(d.actual.as_deref(), Some("09:30〜10:00"));
    let line = &r.plan_vs_actual[0].services[0];
    assert_eq!(
        line.days.iter().find(|d| d.day == 15).unwrap().state,
        DayState::Different
    );
}

#[test]
fn a_changed_count_and_changed_units_are_named() {
    let files = with_home_care_actual(|r| {
        edit_day(r, B, "20250505", "111111", "サービス回数", "2");
        edit_day(r, A, "20250502", "112111", "単位数", "300");
    });
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[
            ("PLAN_ACTUAL_UNITS", Some(6)),
            ("PLAN_ACTUAL_TOTAL", None),
            ("PLAN_ACTUAL_COUNT", Some(8)),
            ("PLAN_ACTUAL_TOTAL", None),
        ]),
        "{}",
        show(&r)
    );
    assert!(r.cross_file[0]
        .finding
        .message
        .contains("予定 394単位、実績 300単位"));
    assert!(r.cross_file[2]
        .finding
        .message
        .contains("予定 1回、実績 2回"));
}

#[test]
fn a_missing_sikyu_is_a_missing_file_naming_the_unit() {
    let mut files = OfficeMonth::sample().files();
    files.retain(|f| {
        !f.name
            .starts_with("UPSIKYU_202505_1310000001_43_1310000002")
    });
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[("UNIT_MISSING_FILE", None)]),
        "{}",
        show(&r)
    );
    let f = &r.cross_file[0];
    assert_eq!(f.files.len(), 2);
    assert!(
        f.finding.message.contains("UPSIKYU"),
        "{}",
        f.finding.message
    );
    assert_eq!(f.finding.severity, careplan_ledger::check::Severity::Error);
}

#[test]
fn an_older_unit_after_a_newer_one_is_a_warning_and_the_newer_one_is_compared() {
    let office = OfficeMonth::sample();
    let mut files = office.files();
    // The older version planned an extra day; had it been used, the 実績 would differ.
    let mut older = office.clone();
    older.users[0].services[0].days.push(3);
    files.extend(older.usage_set(&home_care(), "20250420090000"));
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[
            ("ORDER_OLDER_AFTER_NEWER", None),
            ("ORDER_SUPERSEDED", None)
        ]),
        "{}",
        show(&r)
    );
    let f = &r.cross_file[0];
    assert!(f.files[0].ends_with("20250420090000.CSV"));
    assert!(f.files.iter().any(|p| p.ends_with("20250425093000.CSV")));
    assert!(f.finding.message.contains(A) && f.finding.message.contains(B));
    let old = r
        .units
        .iter()
        .find(|u| u.sequence == "20250420090000")
        .unwrap();
    assert!(old
        .users
        .iter()
        .all(|u| matches!(&u.state, careplan_ledger::reconcile::VersionState::Superseded { by } if by == PLAN_SEQUENCE)));
}

#[test]
fn the_same_units_in_order_are_only_superseded() {
    let office = OfficeMonth::sample();
    let mut older = office.clone();
    older.users[0].services[0].days.push(3);
    let mut files = older.usage_set(&home_care(), "20250420090000");
    files.extend(office.files());
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[("ORDER_SUPERSEDED", None)]),
        "{}",
        show(&r)
    );
}

#[test]
fn a_delete_file_cancels_the_older_plan_of_its_user() {
    let office = OfficeMonth::sample();
    let mut files = office.files();
    files.push(office.delete_plan(&home_care(), "20250428120000", &[B]));
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[("ORDER_DELETE_APPLIED", None)]),
        "{}",
        show(&r)
    );
    let f = &r.cross_file[0];
    assert!(f.files[0].starts_with("DLTPLAN_202505_1310000001_43_1310000002_11_20250428120000"));
    // B's plan is withdrawn, so B's 実績 is shown but not compared.
    let b = r
        .plan_vs_actual
        .iter()
        .find(|m| m.user.insured == B)
        .unwrap();
    assert!(b.services[0]
        .days
        .iter()
        .all(|d| d.state == DayState::ActualNotCompared));
    assert!(b.plan_files.is_empty());
}

#[test]
fn a_delete_file_alone_has_no_target_among_the_files() {
    let office = OfficeMonth::sample();
    let r = run(&[office.delete_plan(&home_care(), "20250428120000", &[B])]);
    assert_eq!(
        codes(&r),
        pairs(&[("ORDER_DELETE_NO_TARGET", None)]),
        "{}",
        show(&r)
    );
}

#[test]
fn a_delete_file_before_the_unit_it_cancels_is_out_of_order() {
    let office = OfficeMonth::sample();
    let mut files = vec![office.delete_plan(&home_care(), "20250428120000", &[B])];
    files.extend(office.usage_set(&home_care(), PLAN_SEQUENCE));
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[
            ("ORDER_OLDER_AFTER_NEWER", None),
            ("ORDER_DELETE_APPLIED", None)
        ]),
        "{}",
        show(&r)
    );
}

#[test]
fn files_of_one_set_with_different_sequences_are_one_mixed_sequence_finding() {
    let office = OfficeMonth::sample();
    let mut files = office.files();
    let only = office.for_provider(&home_care());
    let unit = office.unit(&home_care(), "20250425093001", false);
    files.retain(|f| {
        !f.name
            .starts_with("UPSIKYU_202505_1310000001_43_1310000002")
    });
    files.push(only.fixture("UPSIKYU", &unit, &only.sikyu_rows(), None));
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[("UNIT_SEQUENCE_MIXED", None)]),
        "{}",
        show(&r)
    );
    assert_eq!(r.cross_file[0].files.len(), 3);
}

#[test]
fn mixed_versions_in_a_unit_are_named() {
    let office = OfficeMonth::sample();
    let mut files = office.files();
    let only = office.for_provider(&home_care());
    let mut rows = only.hosoku_rows();
    for r in &mut rows {
        r[0].value = "202504".into();
    }
    let unit = office.unit(&home_care(), PLAN_SEQUENCE, false);
    replace(&mut files, only.fixture("UPHOSOKU", &unit, &rows, None));
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[("UNIT_VERSION_MIXED", None)]),
        "{}",
        show(&r)
    );
}

#[test]
fn a_record_without_partner_is_named_both_ways() {
    let office = OfficeMonth::sample();
    let mut files = office.files();
    let only = office.for_provider(&home_care());
    let mut rows = only.hosoku_rows();
    rows[1][2].value = "0000099999".into();
    let unit = office.unit(&home_care(), PLAN_SEQUENCE, false);
    replace(&mut files, only.fixture("UPHOSOKU", &unit, &rows, None));
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[
            ("UNIT_KEY_NO_PARENT", Some(2)),
            ("UNIT_KEY_NO_DEPENDENT", Some(12))
        ]),
        "{}",
        show(&r)
    );
    assert!(r.cross_file[0].files[0].starts_with("UPHOSOKU_"));
    assert_eq!(r.cross_file[0].finding.field_no, Some(63));
    assert!(r.cross_file[1].files[0].starts_with("UPPLAN_"));
}

#[test]
fn units_over_the_limit_are_named_with_the_amount() {
    let mut office = OfficeMonth::sample();
    office.users[0].limit = 3000;
    // 第7表 carries the excess (generated so): information only.
    let r = run(&office.files());
    assert_eq!(
        codes(&r),
        pairs(&[("TOTAL_OVER_LIMIT", Some(1)), ("TOTAL_OVER_LIMIT", Some(1))]),
        "{}",
        show(&r)
    );
    let f = &r.cross_file[0].finding;
    assert_eq!(f.severity, careplan_ledger::check::Severity::Info);
    assert!(f.message.starts_with("区分支給限度基準額を超えています"));
    assert!(
        f.message.contains("4838単位")
            && f.message.contains("3000単位")
            && f.message.contains("1838単位"),
        "{}",
        f.message
    );
    // Only the 利用者補足情報 says 3000: the 第7表 has no excess, so it is a warning.
    let clean = OfficeMonth::sample();
    let mut files = clean.files();
    let unit = clean.unit(&home_care(), PLAN_SEQUENCE, false);
    let only = office.for_provider(&home_care());
    replace(
        &mut files,
        only.fixture("UPHOSOKU", &unit, &only.hosoku_rows(), None),
    );
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[("TOTAL_OVER_LIMIT", Some(1))]),
        "{}",
        show(&r)
    );
    assert_eq!(
        r.cross_file[0].finding.severity,
        careplan_ledger::check::Severity::Warning
    );
    assert_eq!(r.cross_file[0].finding.field_no, Some(19));
}

#[test]
fn a_plan_count_that_disagrees_with_the_sikyu_is_named() {
    let office = OfficeMonth::sample();
    let mut files = office.files();
    let only = office.for_provider(&home_care());
    let mut rows = only.service_rows("UPPLAN", None);
    edit_day(&mut rows, A, "20250501", "111111", "サービス回数", "2");
    let unit = office.unit(&home_care(), PLAN_SEQUENCE, false);
    replace(&mut files, only.fixture("UPPLAN", &unit, &rows, None));
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[
            ("PLAN_ACTUAL_COUNT", Some(1)),
            ("PLAN_ACTUAL_TOTAL", None),
            ("TOTAL_COUNT_6_7", Some(1)),
            ("TOTAL_UNITS_6_7", Some(1)),
        ]),
        "{}",
        show(&r)
    );
    assert!(
        r.cross_file[2].finding.message.contains("6回")
            && r.cross_file[2].finding.message.contains("5です")
    );
    assert!(r.cross_file[3].finding.message.contains("1500単位"));
}

#[test]
fn a_wrong_subtotal_is_named_with_the_sum() {
    let office = OfficeMonth::sample();
    let mut files = office.files();
    let only = office.for_provider(&home_care());
    let mut rows = only.sikyu_rows();
    // A's rows: 111111, 112111, 11AAAA (3rd), 151111, 999999. 給付管理単位数 is No.18.
    assert_eq!(rows[2][8].value, "11AAAA");
    rows[2][17].value = "2000".into();
    let unit = office.unit(&home_care(), PLAN_SEQUENCE, false);
    replace(&mut files, only.fixture("UPSIKYU", &unit, &rows, None));
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[
            ("TOTAL_SUBTOTAL_SUM", Some(3)),
            ("TOTAL_GRAND_SUM", Some(5)),
            ("TOTAL_LIMIT_SPLIT", Some(3)),
        ]),
        "{}",
        show(&r)
    );
    assert!(
        r.cross_file[0].finding.message.contains("2000")
            && r.cross_file[0].finding.message.contains("2038")
    );
    assert!(r
        .cross_file
        .iter()
        .all(|f| f.finding.severity == careplan_ledger::check::Severity::Warning));
}

#[test]
fn a_provider_without_any_actual_for_a_planned_user_is_one_finding() {
    let files = with_home_care_actual(|r| r.retain(|row| row[2].value != B));
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[("PLAN_ACTUAL_NO_ACTUAL", Some(12))]),
        "{}",
        show(&r)
    );
    let b = r
        .plan_vs_actual
        .iter()
        .find(|m| m.user.insured == B)
        .unwrap();
    assert_eq!(b.differences.len(), 2);
    assert!(b.services[0]
        .days
        .iter()
        .all(|d| d.state == DayState::PlannedOnly));
}

#[test]
fn plans_whose_actuals_were_not_received_are_not_differences() {
    let mut files = OfficeMonth::sample().files();
    files.retain(|f| !f.name.starts_with("UPJSK_"));
    let r = run(&files);
    assert!(r.cross_file.is_empty(), "{}", show(&r));
    assert!(r
        .plan_vs_actual
        .iter()
        .flat_map(|m| &m.services)
        .all(|l| !l.compared
            && l.days
                .iter()
                .all(|d| d.state == DayState::PlannedNotCompared)));
}

#[test]
fn each_month_says_whether_it_differs_was_the_same_or_could_not_be_compared() {
    let r = run(&with_home_care_actual(|r| {
        remove_day(r, A, "20250508", "111111")
    }));
    let outcomes: Vec<_> = r
        .plan_vs_actual
        .iter()
        .map(|m| (m.user.insured.as_str(), m.outcome()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("0000012345", MonthOutcome::Differs),
            ("H123456789", MonthOutcome::Same)
        ]
    );
    let mut files = OfficeMonth::sample().files();
    files.retain(|f| !f.name.starts_with("UPJSK_"));
    let r = run(&files);
    assert!(r
        .plan_vs_actual
        .iter()
        .all(|m| m.outcome() == MonthOutcome::NotCompared));
}

#[test]
fn the_thirty_user_month_with_a_plan_set_is_twenty_clean_files() {
    let office = OfficeMonth::thirty_users();
    let home_care = home_care();
    let mut files = office.files();
    files.extend(
        office
            .for_provider(&home_care)
            .plan_set(&home_care, "20250410150000"),
    );
    assert_eq!(files.len(), 20);
    for f in &check(&files) {
        assert!(
            f.report.findings.is_empty(),
            "{}: {:?}",
            f.report.name,
            f.report.findings
        );
    }
    let r = run(&files);
    assert!(r.cross_file.is_empty(), "{}", show(&r));
    assert_eq!(r.plan_vs_actual.len(), 30);
    assert!(r
        .plan_vs_actual
        .iter()
        .all(|m| m.outcome() == MonthOutcome::Same));
}

#[test]
fn a_plan_set_and_a_usage_set_with_one_sequence_are_mixed_sets() {
    let office = OfficeMonth::sample();
    let mut files = office.plan_set(&home_care(), "20250410100000");
    let r = run(&files);
    assert!(r.cross_file.is_empty(), "{}", show(&r));
    files.extend(office.usage_set(&home_care(), "20250410100000"));
    let r = run(&files);
    assert_eq!(
        codes(&r),
        pairs(&[("UNIT_MIXED_SETS", None)]),
        "{}",
        show(&r)
    );
    assert_eq!(r.cross_file[0].files.len(), 7);
    // Without 第3表 the V4 plan set is incomplete.
    let mut files = office.plan_set(&home_care(), "20250410100000");
    files.retain(|f| !f.name.starts_with("UP3KYO"));
    assert_eq!(codes(&run(&files)), pairs(&[("UNIT_MISSING_FILE", None)]));
}

#[test]
fn the_result_serializes_for_the_page_export() {
    let files = with_home_care_actual(|r| remove_day(r, A, "20250508", "111111"));
    let r = run(&files);
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"plan_vs_actual\""));
    assert!(json.contains("\"state\":\"planned_only\""));
    assert!(json.contains("\"code\":\"PLAN_ACTUAL_NOT_PERFORMED\""));
}

#[test]
fn the_forty_user_month_per_user_is_246_clean_files() {
    let office = OfficeMonth::forty_users();
    assert_eq!(office.providers().len(), 6);
    let files = office.files_per_user();
    assert_eq!(files.len(), 40 * 2 * 3 + 6);
    let mut names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), files.len(), "every file has a name of its own");
    for f in &check(&files) {
        assert!(
            f.report.findings.is_empty(),
            "{}: {:?}",
            f.report.name,
            f.report.findings
        );
    }
    let r = run(&files);
    assert!(r.cross_file.is_empty(), "{}", show(&r));
    assert_eq!(r.plan_vs_actual.len(), 40);
    assert!(r
        .plan_vs_actual
        .iter()
        .all(|m| m.outcome() == MonthOutcome::Same));
}
