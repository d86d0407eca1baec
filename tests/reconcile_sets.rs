//! The reconciliation on generated fixture sets with known differences: each test changes one
//! thing in a consistent office month and asserts the exact cross-file findings.

use careplan_ledger::check::{check_file_keeping_records, CheckedFile, CrossFileFinding};
use careplan_ledger::fixtures::sets::{
    add_day, edit_day, remove_day, OfficeMonth, Provider, ACTUAL_SEQUENCE, PLAN_SEQUENCE,
};
use careplan_ledger::fixtures::Fixture;
use careplan_ledger::reconcile::{reconcile, DayState, Reconciliation};

fn check(fixtures: &[Fixture]) -> Vec<CheckedFile> {
    fixtures
        .iter()
        .map(|f| check_file_keeping_records(&f.name, &f.bytes))
        .collect()
}

fn run(fixtures: &[Fixture]) -> Reconciliation {
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
