//! The ledger as CSV for Excel: the inspection sheet and entry lists, written with the app's
//! one Excel-safe CSV writer ([`crate::excel_csv`]: BOM, CRLF, formula cells neutralised).

use super::entry::{Details, Entry};
use super::inspection::InspectionSheet;
use super::inspection_rows::{sheet_text, SheetTable};
use super::office::OfficeLedger;
use crate::jpdate::Timestamp;

// The writer is shared with the check report's CSV: one way to make Excel-safe CSV.
pub use crate::excel_csv::{neutralize, to_csv, BOM};

fn time(t: Timestamp) -> String {
    t.format_ja()
}

/// The inspection sheet as CSV: the same headings, tables and rows as the printed sheet
/// ([`sheet_text`]), one table after another with an empty row between.
pub fn inspection_csv(sheet: &InspectionSheet) -> Vec<u8> {
    let text = sheet_text(sheet);
    let mut rows: Vec<Vec<String>> = vec![vec![text.title.to_string()]];
    for (label, value) in &text.header {
        rows.push(vec![label.to_string(), value.clone()]);
    }
    let table = |rows: &mut Vec<Vec<String>>, t: &SheetTable| {
        rows.push(vec![t.caption.clone()]);
        for n in &t.notes {
            rows.push(vec![n.clone()]);
        }
        if t.rows.is_empty() {
            rows.push(vec![t.empty.to_string()]);
        } else {
            rows.push(t.columns.iter().map(|c| c.to_string()).collect());
            // A cell's lines become one line: Excel rows stay one row each.
            rows.extend(
                t.rows
                    .iter()
                    .map(|r| r.iter().map(|c| c.replace('\n', " / ")).collect()),
            );
        }
    };
    for part in &text.parts {
        rows.push(vec![]);
        rows.push(vec![part.heading.clone()]);
        for line in &part.lines {
            rows.push(vec![line.clone()]);
        }
        for t in &part.tables {
            table(&mut rows, t);
        }
    }
    rows.push(vec![]);
    for s in &text.signature {
        rows.push(vec![s.to_string(), String::new()]);
    }
    rows.push(vec![]);
    table(&mut rows, &text.appendix);
    rows.push(vec![]);
    for line in &text.footer {
        rows.push(vec![line.clone()]);
    }
    to_csv(&rows)
}

/// A plain list of entries (the search result) as CSV; `ledger` names their devices.
pub fn entries_csv<'a>(
    ledger: &OfficeLedger,
    entries: impl IntoIterator<Item = &'a Entry>,
) -> Vec<u8> {
    let mut rows: Vec<Vec<String>> = vec![[
        "端末",
        "記録番号",
        "記録日時",
        "送受信・取込などの日時",
        "記録者",
        "種類",
        "利用者",
        "被保険者番号",
        "対象年月",
        "相手先",
        "ファイル名",
        "SHA-256",
        "連番",
        "内容",
        "ハッシュ",
    ]
    .into_iter()
    .map(String::from)
    .collect()];
    for e in entries {
        let s = &e.subject;
        let details = match &e.details {
            Details::Memo { text } => text.clone(),
            Details::Correction {
                corrects_seq, text, ..
            } => {
                format!("記録{corrects_seq}の訂正: {text}")
            }
            Details::Replaced { reason, .. } => reason.clone(),
            Details::StoragePlace { place } => place.clone(),
            Details::CheckResult {
                outcome, summary, ..
            } => {
                format!("{}: {summary}", outcome.label_ja())
            }
            Details::Consent { method, .. } => method.label_ja().into(),
            Details::DeliveredToClient { document, .. } => document.label_ja().into(),
            _ => String::new(),
        };
        rows.push(vec![
            ledger.device_label(&e.device),
            e.seq.to_string(),
            time(e.recorded_at),
            e.occurred_at.map(time).unwrap_or_default(),
            e.actor.clone(),
            e.kind().label_ja().into(),
            s.clients
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(" / "),
            s.clients
                .iter()
                .map(|c| c.insured_number.as_str())
                .collect::<Vec<_>>()
                .join(" / "),
            s.service_month.map(|m| m.format_ja()).unwrap_or_default(),
            s.partner
                .as_ref()
                .map(|p| format!("{} {}", p.office_number, p.name))
                .unwrap_or_default(),
            s.file.as_ref().map(|f| f.name.clone()).unwrap_or_default(),
            s.file
                .as_ref()
                .map(|f| f.sha256.clone())
                .unwrap_or_default(),
            e.serial().unwrap_or_default(),
            details,
            e.hash.clone(),
        ]);
    }
    to_csv(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_bom_written() {
        let bytes = to_csv(&[vec![
            "=HYPERLINK(\"x\")".into(),
            "+1".into(),
            "-2".into(),
            "@SUM(A1)".into(),
            "\tx".into(),
            "\rx".into(),
            "山田,花子".into(),
            "普通".into(),
        ]]);
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert_eq!(
            text,
            "\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@SUM(A1),'\tx,\"'\rx\",\"山田,花子\",普通\r\n"
        );
    }
}
