//! The checker against the in-repo fixture generator: valid files of every kind and version
//! give no finding at all; each known-bad variant gives exactly its expected findings.

use careplan_ledger::check::{check_file, Code};
use careplan_ledger::fixtures::{self, Expected};

fn found(name: &str, bytes: &[u8]) -> Vec<Expected> {
    let report = check_file(name, bytes);
    let mut out: Vec<Expected> = report
        .findings
        .iter()
        .map(|f| Expected {
            code: Code::ALL
                .iter()
                .find(|c| c.as_str() == f.code)
                .map(|c| c.as_str())
                .unwrap_or("?"),
            record: f.record,
            field_no: f.field_no,
        })
        .collect();
    out.sort();
    out
}

#[test]
fn valid_files_of_every_kind_and_version_have_no_findings() {
    let files = fixtures::valid_files();
    // 17 V4 kinds + 9 V3 kinds + the plan-set 利用者補足情報 in each.
    assert_eq!(files.len(), 17 + 9 + 2);
    for f in files {
        let report = check_file(&f.name, &f.bytes);
        assert!(
            report.findings.is_empty(),
            "{}: {:#?}",
            f.name,
            report.findings
        );
        assert!(report.records >= 2, "{}", f.name);
        assert!(report.kind.is_some() && report.spec_version.is_some());
    }
}

#[test]
fn each_bad_variant_reports_exactly_its_defect() {
    let mut failures = Vec::new();
    for f in fixtures::bad_files() {
        let mut expected = f.expected.clone();
        expected.sort();
        let got = found(&f.name, &f.bytes);
        if got != expected {
            let report = check_file(&f.name, &f.bytes);
            let messages: Vec<&str> = report.findings.iter().map(|x| x.message.as_str()).collect();
            failures.push(format!(
                "{}\n  expected {expected:?}\n  got      {got:?}\n  {messages:#?}",
                f.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_code_in_the_catalogue_is_exercised() {
    let mut seen: Vec<&str> = fixtures::bad_files()
        .iter()
        .flat_map(|f| f.expected.iter().map(|e| e.code))
        .collect();
    seen.push("FINDINGS_TRUNCATED"); // see tests/check_robustness.rs
    for code in Code::ALL {
        assert!(
            seen.contains(&code.as_str()),
            "no fixture for {}",
            code.as_str()
        );
    }
}

#[test]
fn uncertain_spec_rows_give_warnings_only() {
    let f = fixtures::bad_files()
        .into_iter()
        .find(|f| f.name.starts_with("plan_office_empty_uncertain/"))
        .unwrap();
    let report = check_file(&f.name, &f.bytes);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(
        report.findings[0].severity,
        careplan_ledger::check::Severity::Warning
    );
}
