//! Writes consistent office months (plan sets, 利用票 sets and 実績 of every provider) for
//! trying the reconciliation and the check page by hand and for the end-to-end tests:
//! `cargo run --example write_office_month -- OUT_DIR` →
//! - `OUT_DIR/clean/*.CSV`: 2 users, 2 providers, no difference;
//! - `OUT_DIR/missed-visit/*.CSV`: the same, but the 訪問介護 provider's 実績 lacks the visit
//!   of 2025-05-08 to 被保険者番号 0000012345, service 111111;
//! - `OUT_DIR/office/*.CSV`: a realistic month, 20 files (30 users, 4 providers, a 計画 set)
//!   with one bad file (the 通所リハビリテーション 第6表 予定 has a 作成年月日 of 2025-05-32)
//!   and one missed visit (濵田 正男 様, 被保険者番号 0000020001, 2025-05-01, 111111).

use std::path::PathBuf;

use careplan_ledger::fixtures::sets::{remove_day, OfficeMonth, Provider};

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "office-month".into()),
    );
    let month = OfficeMonth::sample();
    let missed = month.files_with_actual(&Provider::new("1310000002", "11"), |rows| {
        remove_day(rows, "0000012345", "20250508", "111111")
    });
    let office = office_with_problems();
    for (folder, files) in [
        ("clean", month.files()),
        ("missed-visit", missed),
        ("office", office),
    ] {
        let dir = out.join(folder);
        std::fs::create_dir_all(&dir)?;
        for f in files {
            std::fs::write(dir.join(&f.name), &f.bytes)?;
        }
    }
    Ok(())
}

/// The 30-user month with one bad 予定 file, one missed visit and a 計画 set to 訪問介護.
fn office_with_problems() -> Vec<careplan_ledger::fixtures::Fixture> {
    let office = OfficeMonth::thirty_users();
    let rehab = Provider::new("1310000005", "16");
    let home_care = Provider::new("1310000002", "11");
    let mut files = office.files_with_plan(&rehab, |rows| {
        // The first row of the file: 2025-05-32 is not a date.
        let layout = careplan_ledger::spec::Spec::get()
            .kind("UPPLAN")
            .and_then(|k| k.layout(careplan_ledger::spec::LayoutGeneration::V4));
        if let (Some(first), Some(layout)) = (rows.first_mut(), layout) {
            careplan_ledger::fixtures::set(first, layout, "作成年月日", "20250532");
        }
    });
    let missed = office.files_with_actual(&home_care, |rows| {
        remove_day(rows, "0000020001", "20250501", "111111")
    });
    let actual = missed
        .into_iter()
        .find(|f| f.name.starts_with("UPJSK_202505_1310000002"));
    if let Some(actual) = actual {
        if let Some(slot) = files.iter_mut().find(|f| f.name == actual.name) {
            *slot = actual;
        }
    }
    files.extend(
        office
            .for_provider(&home_care)
            .plan_set(&home_care, "20250410150000"),
    );
    files
}
