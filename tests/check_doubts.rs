//! Rows the spec is unsure of lower only the finding about the aspect in doubt (issue 19,
//! defect 1). Each case breaks one value of a valid file and pins the code, the position and
//! the severity, so lowering any certain finding to a warning fails here, and so does
//! raising a doubted one to an error. Doubted findings say why in their hint.

use careplan_ledger::check::{check_file, Finding, Severity};
use careplan_ledger::fixtures::{valid_rows, write_csv, Rows, Scenario};
use careplan_ledger::spec::doubt::REQUIRED_REASON;
use careplan_ledger::spec::{LayoutGeneration, Spec};

/// The findings of a valid V4 file of `kind` after `change`.
fn findings(kind: &str, change: impl FnOnce(&mut Rows)) -> Vec<Finding> {
    let k = Spec::get().kind(kind).unwrap();
    let s = Scenario::v4();
    let mut rows = valid_rows(k, &s);
    change(&mut rows);
    let name = s.unit.file_name(k, LayoutGeneration::V4, None);
    check_file(&name, &write_csv(&rows)).findings
}

/// Sets 項目No.`no` of record `record` (both 1-based).
fn set(record: usize, no: usize, value: &str) -> impl FnOnce(&mut Rows) + '_ {
    move |rows: &mut Rows| rows[record - 1][no - 1].value = value.to_owned()
}

/// The one finding of `code` at (record 1, `no`), with its severity.
fn the(found: &[Finding], code: &str, no: u16) -> Finding {
    let hits: Vec<&Finding> = found
        .iter()
        .filter(|f| f.code == code && f.record == Some(1) && f.field_no == Some(no))
        .collect();
    assert_eq!(hits.len(), 1, "{code} at No.{no}: {found:#?}");
    hits[0].clone()
}

fn assert_error(kind: &str, no: u16, value: &str, code: &str) {
    let found = findings(kind, set(1, usize::from(no), value));
    let f = the(&found, code, no);
    assert_eq!(
        f.severity,
        Severity::Error,
        "{kind} No.{no} 「{value}」: {f:#?}"
    );
    assert!(!f.hint.unwrap_or_default().contains("警告にしています"));
}

fn assert_warning(kind: &str, no: u16, value: &str, code: &str, reason: &str) {
    let found = findings(kind, set(1, usize::from(no), value));
    let f = the(&found, code, no);
    assert_eq!(
        f.severity,
        Severity::Warning,
        "{kind} No.{no} 「{value}」: {f:#?}"
    );
    assert!(f.hint.as_deref().unwrap_or("").ends_with(reason), "{f:#?}");
}

#[test]
fn certain_findings_in_rows_with_an_unsure_required_mark_stay_errors() {
    // 利用者補足情報 No.5–8 and 第6表 No.6–8: only the 必須 mark is in doubt.
    assert_error("UPHOSOKU", 7, "3", "FIELD_CODE");
    assert_error("UPHOSOKU", 7, "12", "FIELD_TOO_LONG");
    assert_error("UPHOSOKU", 7, "a", "FIELD_FORMAT");
    assert_error("UPHOSOKU", 8, "20250230", "FIELD_DATE");
    assert_error("UPHOSOKU", 8, "2025023", "FIELD_FORMAT");
    assert_error("UPPLAN", 8, "89.5", "FIELD_FORMAT");
    assert_error("UPPLAN", 8, "1234567", "FIELD_TOO_LONG");
    assert_error("UPJSK", 6, "131000000", "FIELD_FORMAT");
    assert_error("UPJSK", 6, "13100000001", "FIELD_FORMAT");
    // 第6表 No.19: only its 項目長 is in doubt; 第7表 No.30: its 項目長; No.34: its note.
    assert_error("UPPLAN", 19, "x", "FIELD_FORMAT");
    assert_error("UPSIKYU", 30, "1.5", "FIELD_FORMAT");
    // 6 digits are too long whether the 項目長 is 2 or 5.
    assert_error("UPSIKYU", 30, "123456", "FIELD_TOO_LONG");
    assert_error("UPSIKYU", 34, "12345", "FIELD_FORMAT");
}

#[test]
fn characters_and_bytes_in_rows_with_doubts_stay_errors() {
    for (kind, no) in [("UPHOSOKU", 6u16), ("UPHOSOKU", 5), ("UPPLAN", 7)] {
        for (marker, code) in [
            ("@@GAIJI@@", "ENCODING_GAIJI"),
            ("@@FF@@", "ENCODING_INVALID"),
        ] {
            let found = findings(kind, |r| {
                let c = &mut r[0][usize::from(no) - 1];
                c.value = format!("山{marker}田");
                c.quoted = true;
            });
            let f = the(&found, code, no);
            assert_eq!(f.severity, Severity::Error, "{kind} No.{no}: {f:#?}");
        }
        let found = findings(kind, |r| {
            let c = &mut r[0][usize::from(no) - 1];
            c.value = "山\u{7}田".into();
            c.quoted = true;
        });
        let f = the(&found, "CONTROL_CHARACTER", no);
        assert_eq!(f.severity, Severity::Error, "{kind} No.{no}: {f:#?}");
    }
}

#[test]
fn a_character_outside_ms932_in_a_row_with_a_doubt_stays_an_error() {
    let k = Spec::get().kind("UPHOSOKU").unwrap();
    let s = Scenario::v4();
    let mut rows = valid_rows(k, &s);
    rows[0][5].value = "𠮷田".into();
    let text = careplan_ledger::fixtures::rows_to_text(&rows, "\r\n");
    let name = s.unit.file_name(k, LayoutGeneration::V4, None);
    let found = check_file(&name, text.as_bytes()).findings;
    let f = the(&found, "ENCODING_NOT_MS932", 6);
    assert_eq!(f.severity, Severity::Error, "{f:#?}");
}

#[test]
fn an_empty_field_whose_required_mark_is_unsure_is_a_warning_that_says_why() {
    for (kind, no) in [
        ("UPHOSOKU", 5u16),
        ("UPHOSOKU", 6),
        ("UPHOSOKU", 7),
        ("UPHOSOKU", 8),
        ("UPPLAN", 6),
        ("UPPLAN", 7),
        ("UPJSK", 6),
        // 単位数 is "no" in the table, but its row says an empty one is a warning.
        ("UPPLAN", 8),
        ("UPJSK", 8),
    ] {
        assert_warning(kind, no, "", "FIELD_REQUIRED", REQUIRED_REASON);
        let found = findings(kind, set(1, usize::from(no), ""));
        let f = the(&found, "FIELD_REQUIRED", no);
        assert!(!f.hint.unwrap().contains("は必須です"), "{kind} No.{no}");
    }
    // A required field the spec is sure of stays an error.
    assert_error("UPHOSOKU", 3, "", "FIELD_REQUIRED");
    assert_error("UPPLAN", 15, "", "FIELD_REQUIRED");
}

#[test]
fn a_length_or_note_in_doubt_gives_a_warning_with_the_reason() {
    assert_warning(
        "UPPLAN",
        19,
        "123",
        "FIELD_TOO_LONG",
        "2桁は推定のため、警告にしています。",
    );
    // 第7表 No.30: printed 2, 5 since the 3.2 change log; its row says to accept up to 5.
    let found = findings("UPSIKYU", set(1, 30, "12345"));
    assert!(found.iter().all(|f| f.field_no != Some(30)), "{found:#?}");
    assert_warning(
        "UPSIKYU",
        34,
        "1310000002",
        "FIXED_OFFICE_CODE",
        "はっきりしないため、警告にしています。",
    );
}
