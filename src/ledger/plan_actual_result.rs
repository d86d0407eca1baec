//! 予定↔実績 for the inspection sheet: the newest 利用票 sent to a provider and the newest
//! 実績 received from it, both kept in the ledger, checked and reconciled by the same core the
//! checking page uses, reduced to one client and month.

use super::entry::ClientKey;
use super::inspection::PlanActualResult;
use crate::check::check_file_keeping_records;
use crate::jpdate::YearMonth;
use crate::reconcile::reconcile;

/// Compares the kept 予定 (UPPLAN) and 実績 (UPJSK) files for `client`, `provider`, `month`.
pub fn plan_actual_result(
    plan: (&str, &[u8]),
    actual: (&str, &[u8]),
    client: &ClientKey,
    provider: &str,
    month: YearMonth,
) -> PlanActualResult {
    let files = [
        check_file_keeping_records(plan.0, plan.1),
        check_file_keeping_records(actual.0, actual.1),
    ];
    let result = reconcile(&files);
    let yyyymm = month.to_yyyymm();
    let Some(user_month) = result.plan_vs_actual.iter().find(|u| {
        u.user.insurer == client.insurer_number
            && u.user.insured == client.insured_number
            && u.month == yyyymm
    }) else {
        return PlanActualResult::NotCompared(
            "保存されたファイルにこの利用者のこの月の予定と実績が見つかりません".into(),
        );
    };
    let compared = user_month
        .services
        .iter()
        .any(|s| s.provider == provider && s.compared);
    if !compared {
        return PlanActualResult::NotCompared("この事業所の予定と実績がそろっていません".into());
    }
    PlanActualResult::Compared(
        user_month
            .differences
            .iter()
            .filter(|d| d.provider == provider)
            .map(|d| d.message.clone())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::sets::{remove_day, OfficeMonth};

    fn key() -> ClientKey {
        ClientKey {
            insurer_number: "131016".into(),
            insured_number: "0000012345".into(),
        }
    }

    fn pair(files: &[crate::fixtures::Fixture], p: &str) -> (usize, usize) {
        let plan = files
            .iter()
            .position(|f| f.name.starts_with("UPPLAN") && f.name.contains(p))
            .unwrap();
        let actual = files
            .iter()
            .position(|f| f.name.starts_with("UPJSK") && f.name.contains(p))
            .unwrap();
        (plan, actual)
    }

    #[test]
    fn same_plan_and_actual_have_no_differences_and_a_missing_day_is_named() {
        let month = OfficeMonth::sample();
        let provider = &month.providers()[0];
        let ym = YearMonth::new(2025, 5).unwrap();
        let clean = month.files();
        let (p, a) = pair(&clean, &provider.office);
        let result = plan_actual_result(
            (&clean[p].name, &clean[p].bytes),
            (&clean[a].name, &clean[a].bytes),
            &key(),
            &provider.office,
            ym,
        );
        assert_eq!(result, PlanActualResult::Compared(Vec::new()));

        let changed = month.files_with_actual(provider, |rows| {
            remove_day(rows, "0000012345", "20250508", "111111")
        });
        let (p, a) = pair(&changed, &provider.office);
        let PlanActualResult::Compared(diffs) = plan_actual_result(
            (&changed[p].name, &changed[p].bytes),
            (&changed[a].name, &changed[a].bytes),
            &key(),
            &provider.office,
            ym,
        ) else {
            panic!("expected a comparison")
        };
        assert_eq!(diffs.len(), 1, "{diffs:?}");
        assert!(diffs[0].contains('8'), "{diffs:?}");

        // Another month: nothing to compare, said in words.
        let other = plan_actual_result(
            (&clean[p].name, &clean[p].bytes),
            (&clean[a].name, &clean[a].bytes),
            &key(),
            &provider.office,
            YearMonth::new(2025, 6).unwrap(),
        );
        assert!(matches!(other, PlanActualResult::NotCompared(_)));
    }
}
