//! Writes consistent office months (plan sets, 利用票 sets and 実績 of every provider) for
//! trying the reconciliation and the check page by hand and for the end-to-end tests:
//! `cargo run --example write_office_month -- OUT_DIR` →
//! - `OUT_DIR/clean/*.CSV`: 2 users, 2 providers, no difference;
//! - `OUT_DIR/missed-visit/*.CSV`: the same, but the 訪問介護 provider's 実績 lacks the visit
//!   of 2025-05-08 to 被保険者番号 0000012345, service 111111;
//! - `OUT_DIR/office/*.CSV`: a realistic month, 20 files (30 users, 4 providers, a 計画 set)
//!   with one bad file (the 通所リハビリテーション 第6表 予定 has a 作成年月日 of 2025-05-32)
//!   and one missed visit (濵田 正男 様, 被保険者番号 0000020001, 2025-05-01, 111111);
//! - `OUT_DIR/real-size/*.CSV`: an office's month at its real size, for the check page's
//!   benchmark: 40 users, 6 providers, one 利用票 unit per user and provider and each
//!   provider's 実績, 246 files, everything consistent;
//! - `OUT_DIR/history/<step>/*.CSV`: one client history in the order it happens, for the
//!   inspection sheet's end-to-end test (1-plan: the plan to both providers; 2-may: May
//!   利用票 to both; 3-replace: a new May 利用票 to 訪問介護 with one more visit; 4-delete:
//!   DLTPLAN of May to 通所介護; 5-actual: 訪問介護's 実績).

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
        ("real-size", OfficeMonth::forty_users().files_per_user()),
    ] {
        let dir = out.join(folder);
        std::fs::create_dir_all(&dir)?;
        for f in files {
            std::fs::write(dir.join(&f.name), &f.bytes)?;
        }
    }
    let home_care = Provider::new("1310000002", "11");
    let day_care = Provider::new("1310000003", "15");
    let day_care_month = month.for_provider(&day_care);
    let day_care_users: Vec<&str> = day_care_month
        .users
        .iter()
        .map(|u| u.insured.as_str())
        .collect();
    // The May 利用票 changed on 5/10: one more visit of 訪問介護 (5/30); the 実績 follows it.
    let mut revised = month.clone();
    if let Some(s) = revised.users[0]
        .services
        .iter_mut()
        .find(|s| s.provider == home_care.office)
    {
        s.days.push(30);
    }
    let steps: Vec<(&str, Vec<_>)> = vec![
        (
            "1-plan",
            [
                month.plan_set(&home_care, "20250410093000"),
                month.plan_set(&day_care, "20250410093500"),
            ]
            .concat(),
        ),
        (
            "2-may",
            [
                month.usage_set(&home_care, "20250425093000"),
                month.usage_set(&day_care, "20250425093500"),
            ]
            .concat(),
        ),
        ("3-replace", revised.usage_set(&home_care, "20250510090000")),
        (
            "4-delete",
            vec![month.delete_plan(&day_care, "20250512080000", &day_care_users)],
        ),
        (
            "5-actual",
            vec![revised.actual(&home_care, "20250601100000")],
        ),
    ];
    for (step, files) in steps {
        let dir = out.join("history").join(step);
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
