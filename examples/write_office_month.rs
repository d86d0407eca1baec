//! Writes a consistent office month (plan sets, 利用票 sets and 実績 of every provider) for
//! trying the reconciliation by hand and for the end-to-end tests:
//! `cargo run --example write_office_month -- OUT_DIR` → `OUT_DIR/clean/*.CSV` (no
//! difference) and `OUT_DIR/missed-visit/*.CSV` (the 訪問介護 provider's 実績 lacks the visit
//! of 2025-05-08 to 被保険者番号 0000012345, service 111111).

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
    for (folder, files) in [("clean", month.files()), ("missed-visit", missed)] {
        let dir = out.join(folder);
        std::fs::create_dir_all(&dir)?;
        for f in files {
            std::fs::write(dir.join(&f.name), &f.bytes)?;
        }
    }
    Ok(())
}
