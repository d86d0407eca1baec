//! The ledger as CSV for Excel: the inspection sheet and entry lists, written with the app's
//! one Excel-safe CSV writer ([`crate::excel_csv`]: BOM, CRLF, formula cells neutralised).

use super::entry::{Details, Entry};
use super::inspection::InspectionSheet;
use super::office::OfficeLedger;
use crate::jpdate::Timestamp;

// The writer is shared with the check report's CSV: one way to make Excel-safe CSV.
pub use crate::excel_csv::{neutralize, to_csv, BOM};

fn time(t: Timestamp) -> String {
    t.format_ja()
}

/// The inspection sheet as CSV: a few heading rows, then one row per version and per event.
pub fn inspection_csv(sheet: &InspectionSheet) -> Vec<u8> {
    let c = &sheet.client;
    let mut rows: Vec<Vec<String>> = vec![
        vec!["運営指導用の記録".into()],
        vec![
            "事業所".into(),
            sheet.office_number.clone(),
            sheet.office_name.clone(),
        ],
        vec![
            "利用者".into(),
            c.name.clone(),
            format!("保険者番号 {}", c.insurer_number),
            format!("被保険者番号 {}", c.insured_number),
        ],
        vec!["期間".into(), sheet.from.format_ja(), sheet.to.format_ja()],
        vec!["作成日時".into(), time(sheet.generated_at)],
        vec!["台帳の確認".into(), sheet.chain_status.clone()],
        match &sheet.latest_checkpoint {
            Some(cp) => vec![
                "最新のチェックポイント".into(),
                time(cp.recorded_at),
                format!("記録件数 {}", cp.entry_count),
                cp.head_hash.clone(),
            ],
            None => vec!["最新のチェックポイント".into(), "なし".into()],
        },
        vec![],
        vec![
            "相手先事業所番号",
            "相手先",
            "書類",
            "対象年月",
            "計画作成日",
            "連番",
            "最新",
            "送受信",
            "記録日時",
            "記録者",
            "ファイル名",
            "SHA-256",
            "取込完了",
            "取込者",
            "保存場所",
            "差替理由",
            "注意",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
    ];
    for chain in &sheet.chains {
        for v in &chain.versions {
            for f in &v.files {
                rows.push(vec![
                    chain.key.partner_office.clone(),
                    chain.partner_name.clone(),
                    chain.key.family.label_ja().into(),
                    chain.key.month.map(|m| m.format_ja()).unwrap_or_default(),
                    v.plan_date.map(|d| d.format_ja()).unwrap_or_default(),
                    v.serial.clone(),
                    if v.is_newest { "最新" } else { "" }.into(),
                    v.direction.label_ja().into(),
                    time(v.recorded.at),
                    v.recorded.actor.clone(),
                    f.name.clone(),
                    f.sha256.clone(),
                    v.imported.as_ref().map(|e| time(e.at)).unwrap_or_default(),
                    v.imported
                        .as_ref()
                        .map(|e| e.actor.clone())
                        .unwrap_or_default(),
                    v.storage_place
                        .as_ref()
                        .map(|p| p.0.clone())
                        .unwrap_or_default(),
                    v.replaced
                        .iter()
                        .map(|r| r.0.as_str())
                        .collect::<Vec<_>>()
                        .join(" / "),
                    if v.is_newest {
                        chain.flag_ja().unwrap_or("")
                    } else {
                        ""
                    }
                    .into(),
                ]);
            }
        }
    }
    rows.push(vec![]);
    rows.push(
        [
            "端末・記録番号",
            "種類",
            "記録日時",
            "記録者",
            "方法・書類",
            "日付",
            "事前承諾日",
            "内容",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
    );
    for r in &sheet.consents {
        rows.push(vec![
            format!("{} {}", r.device, r.seq),
            "利用者同意".into(),
            time(r.recorded_at),
            r.actor.clone(),
            r.method.label_ja().into(),
            r.consented_on.format_ja(),
            r.prior_approval_on
                .map(|d| d.format_ja())
                .unwrap_or_default(),
            String::new(),
        ]);
    }
    for r in &sheet.deliveries {
        rows.push(vec![
            format!("{} {}", r.device, r.seq),
            "利用者へ交付".into(),
            time(r.recorded_at),
            r.actor.clone(),
            r.document.label_ja().into(),
            r.delivered_on.format_ja(),
            String::new(),
            String::new(),
        ]);
    }
    for r in &sheet.notes {
        let text = match r.corrects_seq {
            Some(s) => format!("記録{s}の訂正: {}", r.text),
            None => r.text.clone(),
        };
        rows.push(vec![
            format!("{} {}", r.device, r.seq),
            r.kind.label_ja().into(),
            time(r.recorded_at),
            r.actor.clone(),
            String::new(),
            String::new(),
            String::new(),
            text,
        ]);
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
