//! The reconciliation stays about linear: an office's month (300 users, 5 providers, every
//! 予定 and 実績) reconciles quickly, and no input makes it panic.

use std::time::Instant;

use careplan_ledger::check::check_file_keeping_records;
use careplan_ledger::fixtures::sets::{OfficeMonth, PlannedService, PlannedUser};
use careplan_ledger::fixtures::{bad_files, valid_files};
use careplan_ledger::reconcile::reconcile;

fn big_office(users: usize) -> OfficeMonth {
    let mut office = OfficeMonth::sample();
    let providers = [
        ("1310000002", "111111", 250),
        ("1310000003", "151111", 700),
        ("1310000004", "131111", 500),
        ("1310000005", "161111", 400),
        ("1310000006", "211111", 800),
    ];
    office.users = (0..users)
        .map(|i| {
            let services = (0..3)
                .map(|k| {
                    let (p, code, units) = providers[(i + k) % providers.len()];
                    PlannedService {
                        provider: p.into(),
                        code: code.into(),
                        units,
                        days: (1..=31u8)
                            .filter(|d: &u8| (usize::from(*d) + i + k) % 3 == 0)
                            .collect(),
                        start: "0900".into(),
                        end: "1000".into(),
                        count: 1,
                    }
                })
                .collect();
            PlannedUser {
                insured: format!("{:010}", 1_000_000 + i),
                name: "髙橋 﨑子".into(),
                kana: "ﾀｶﾊｼ ｻｷｺ".into(),
                limit: 30938,
                services,
            }
        })
        .collect();
    office
}

#[test]
fn an_office_month_reconciles_quickly_and_cleanly() {
    let office = big_office(300);
    let files: Vec<_> = office
        .files()
        .iter()
        .map(|f| check_file_keeping_records(&f.name, &f.bytes))
        .collect();
    let records: usize = files.iter().map(|f| f.records.len()).sum();
    let start = Instant::now();
    let r = reconcile(&files);
    let took = start.elapsed();
    eprintln!(
        "reconciled {} files, {records} records in {took:?}",
        files.len()
    );
    assert!(r.cross_file.is_empty(), "{:?}", r.cross_file.first());
    assert_eq!(r.plan_vs_actual.len(), 300);
    // Debug builds are ~10× slower than release; the release figure is in the report.
    assert!(took.as_secs_f64() < 5.0, "{took:?}");
}

#[test]
fn broken_and_unrelated_files_never_panic() {
    let mut fixtures = valid_files();
    fixtures.extend(bad_files());
    let files: Vec<_> = fixtures
        .iter()
        .map(|f| check_file_keeping_records(&f.name, &f.bytes))
        .collect();
    let r = reconcile(&files);
    // Every finding names its files.
    assert!(r.cross_file.iter().all(|f| !f.files.is_empty()));
    // Truncated and garbage inputs, one file at a time and all together.
    let mut odd = Vec::new();
    for f in fixtures.iter().take(40) {
        for cut in [0, 1, f.bytes.len() / 2] {
            odd.push(check_file_keeping_records(
                &f.name,
                &f.bytes[..cut.min(f.bytes.len())],
            ));
        }
    }
    odd.push(check_file_keeping_records(
        "UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV",
        "202407,131016,0000012345,20250401,202505,,,999999999999999999999,,2025059,,ab,cd,-5,1\r\n"
            .as_bytes(),
    ));
    let _ = reconcile(&odd);
}
