//! The check report as a table for Excel: one row per finding, with the file, where, what and
//! how to fix, so a clerk can sort and filter it. Cells are made formula-safe by the CSV
//! writer (`ledger::csv_export::to_csv`).

use crate::check::{Code, Finding, RunReport};
use crate::reconcile::{ReconcileCode, UserMonth};

/// The short Japanese title of a finding code, when a catalogue (the checker's or the
/// reconciliation's) knows it.
pub fn code_title(code: &str) -> Option<&'static str> {
    Code::ALL
        .iter()
        .find(|c| c.as_str() == code)
        .map(|c| c.title_ja())
        .or_else(|| {
            ReconcileCode::ALL
                .iter()
                .find(|c| c.as_str() == code)
                .map(|c| c.title_ja())
        })
}

/// Column headings, in the order of [`finding_rows`].
pub const HEADINGS: [&str; 11] = [
    "ファイル",
    "重要度",
    "コード",
    "項目",
    "行(レコード)",
    "行(物理行)",
    "項目No.",
    "項目名",
    "内容",
    "直し方",
    "バイト位置",
];

/// The header row and one row per finding of every file, then the findings across files.
pub fn finding_rows(report: &RunReport) -> Vec<Vec<String>> {
    let mut rows = vec![HEADINGS.iter().map(|h| h.to_string()).collect()];
    for file in &report.files {
        for finding in &file.findings {
            rows.push(row(&file.path, finding));
        }
    }
    for cross in &report.cross_file {
        rows.push(row(&cross.files.join(" / "), &cross.finding));
    }
    rows
}

fn row(file: &str, f: &Finding) -> Vec<String> {
    let number = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    vec![
        file.to_string(),
        f.severity.label_ja().to_string(),
        f.code.to_string(),
        code_title(&f.code).unwrap_or_default().to_string(),
        number(f.record),
        number(f.line),
        f.field_no.map(|n| n.to_string()).unwrap_or_default(),
        f.field.as_deref().unwrap_or_default().to_string(),
        f.message.clone(),
        f.hint.clone().unwrap_or_default(),
        number(f.byte_offset),
    ]
}

/// The differences of all users as rows for Excel.
pub fn difference_rows(months: &[UserMonth]) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "被保険者番号",
        "保険者番号",
        "氏名",
        "対象年月",
        "サービス利用日",
        "事業所番号",
        "サービスコード",
        "違い",
        "予定",
        "実績",
        "内容",
    ]
    .map(String::from)
    .to_vec()];
    for m in months {
        for d in &m.differences {
            rows.push(vec![
                m.user.insured.clone(),
                m.user.insurer.clone(),
                m.name.clone().unwrap_or_default(),
                m.month.clone(),
                d.date.clone(),
                d.provider.clone(),
                d.service_code.clone(),
                d.kind.label_ja().to_owned(),
                d.planned.clone().unwrap_or_default(),
                d.actual.clone().unwrap_or_default(),
                d.message.clone(),
            ]);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_file;

    #[test]
    fn one_row_per_finding_after_the_headings() {
        let name = "DLTPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV";
        let report = check_file(name, b"202407,131001,12345,202505\r\n");
        let count = report.findings.len();
        assert!(count > 0);
        let rows = finding_rows(&RunReport::new(vec![report], vec![]));
        assert_eq!(rows.len(), 1 + count);
        assert_eq!(rows[0][0], "ファイル");
        assert!(rows[1..]
            .iter()
            .all(|r| r.len() == HEADINGS.len() && r[0] == name));
        assert!(
            rows[1..].iter().any(|r| !r[3].is_empty()),
            "titles come from the catalogue"
        );
    }

    #[test]
    fn reconcile_codes_have_titles_too() {
        let code = crate::reconcile::ReconcileCode::ALL[0];
        assert_eq!(code_title(code.as_str()), Some(code.title_ja()));
    }

    #[test]
    fn one_row_per_difference() {
        use crate::check::check_file_keeping_records;
        use crate::fixtures::sets::{remove_day, OfficeMonth, Provider};
        // The 訪問介護 provider did not come on 8 May: one 「実績なし」.
        let (insured, date, code) = ("0000012345", "20250508", "111111");
        let files = OfficeMonth::sample()
            .files_with_actual(&Provider::new("1310000002", "11"), |rows| {
                remove_day(rows, insured, date, code)
            });
        let checked: Vec<_> = files
            .iter()
            .map(|f| check_file_keeping_records(&f.name, &f.bytes))
            .collect();
        let result = crate::reconcile::reconcile(&checked);
        let rows = difference_rows(&result.plan_vs_actual);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[1][0], insured);
        assert_eq!(rows[1][4], date);
        assert_eq!(rows[1][7], "実績なし");
    }
}
