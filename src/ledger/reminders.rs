//! When the office must be told something is due (issue 15): the month's 送受信一覧 (the
//! national client app's send/receive list, which it keeps only on its own screen) from the
//! 10th of the following month, and a renewal (licence, 電子証明書, ID password, client app) at
//! 60, 30 and 7 days before its date, on the day, and after it until it is recorded as done.
//!
//! Plain rules on dates, so they are tested natively; what they are about (attachments and
//! renewal entries) is for the ledger's entries to supply.

use std::collections::BTreeSet;

use super::entry::{Entry, Kind};
use crate::jpdate::{CivilDate, YearMonth};

/// The day of the following month from which a month's 送受信一覧 is due: the month's
/// exchanges are all in the client app's list by then (late 実績 arrive in the first days).
pub const SEND_LIST_DUE_DAY: u8 = 10;

/// The month after `m`.
fn next_month(m: YearMonth) -> YearMonth {
    if m.month == 12 {
        YearMonth::new(m.year + 1, 1).expect("January")
    } else {
        YearMonth::new(m.year, m.month + 1).expect("1..=12")
    }
}

/// The first day on which month `m`'s 送受信一覧 is due.
pub fn send_list_due_on(m: YearMonth) -> CivilDate {
    let n = next_month(m);
    CivilDate::new(n.year, n.month, SEND_LIST_DUE_DAY).expect("the 10th exists")
}

/// The months in which the office sent or received files (by when the act happened, Japan
/// time: the client app lists exchanges by their date), oldest first.
pub fn exchange_months(entries: &[Entry]) -> Vec<YearMonth> {
    let months: BTreeSet<YearMonth> = entries
        .iter()
        .filter(|e| {
            matches!(
                e.kind(),
                Kind::Sent | Kind::Received | Kind::DeletionReceived
            )
        })
        .map(|e| {
            e.occurred_at
                .unwrap_or(e.recorded_at)
                .japan_date()
                .year_month()
        })
        .collect();
    months.into_iter().collect()
}

/// The months whose 送受信一覧 is due on `today` and not saved: months with exchanges, from
/// the 10th of the following month on.
pub fn missing_send_lists(
    exchange_months: &[YearMonth],
    saved: &BTreeSet<YearMonth>,
    today: CivilDate,
) -> Vec<YearMonth> {
    exchange_months
        .iter()
        .copied()
        .filter(|m| !saved.contains(m) && today >= send_list_due_on(*m))
        .collect()
}

/// 「2025年5月分の送受信一覧がまだ保存されていません」.
pub fn missing_send_list_ja(m: YearMonth) -> String {
    format!("{}分の送受信一覧がまだ保存されていません", m.format_ja())
}

/// How near a renewal's date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Nearness {
    /// 60 days or fewer to go.
    Within60,
    /// 30 days or fewer.
    Within30,
    /// 7 days or fewer.
    Within7,
    /// The date is today.
    Today,
    /// The date has passed and no renewal is recorded.
    Overdue,
}

/// How near `due` is on `today`, or `None` when more than 60 days are left.
pub fn nearness(due: CivilDate, today: CivilDate) -> Option<Nearness> {
    let left = due.days_since_epoch() - today.days_since_epoch();
    match left {
        l if l < 0 => Some(Nearness::Overdue),
        0 => Some(Nearness::Today),
        1..=7 => Some(Nearness::Within7),
        8..=30 => Some(Nearness::Within30),
        31..=60 => Some(Nearness::Within60),
        _ => None,
    }
}

/// The reminder line for a renewal of `what`, owned by `owner`, or `None` when not yet near:
/// 「ライセンスの更新: 令和8年6月1日(月)が期限です(あと20日)。担当: 佐藤 花子」.
pub fn renewal_reminder_ja(
    what: &str,
    owner: &str,
    due: CivilDate,
    today: CivilDate,
) -> Option<String> {
    let left = due.days_since_epoch() - today.days_since_epoch();
    let when = match nearness(due, today)? {
        Nearness::Overdue => format!(
            "{}が期限でした({}日過ぎています)",
            due.format_wareki_ja(),
            -left
        ),
        Nearness::Today => format!("今日({})が期限です", due.format_wareki_ja()),
        _ => format!("{}が期限です(あと{left}日)", due.format_wareki_ja()),
    };
    Some(format!("{what}: {when}。担当: {owner}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> CivilDate {
        CivilDate::new(y, m, day).unwrap()
    }

    fn ym(y: i32, m: u8) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    #[test]
    fn a_months_send_list_is_due_from_the_10th_of_the_next_month() {
        assert_eq!(send_list_due_on(ym(2025, 5)), d(2025, 6, 10));
        // December's is due in January of the next year.
        assert_eq!(send_list_due_on(ym(2025, 12)), d(2026, 1, 10));
        let months = [ym(2025, 4), ym(2025, 5), ym(2025, 12)];
        let saved: BTreeSet<YearMonth> = [ym(2025, 4)].into();
        assert_eq!(missing_send_lists(&months, &saved, d(2025, 6, 9)), vec![]);
        assert_eq!(
            missing_send_lists(&months, &saved, d(2025, 6, 10)),
            vec![ym(2025, 5)]
        );
        // A month's end is not the due day: 5月31日 shows nothing for May.
        assert_eq!(missing_send_lists(&months, &saved, d(2025, 5, 31)), vec![]);
        assert_eq!(
            missing_send_lists(&months, &saved, d(2026, 1, 10)),
            vec![ym(2025, 5), ym(2025, 12)]
        );
        assert_eq!(
            missing_send_list_ja(ym(2025, 5)),
            "2025年5月分の送受信一覧がまだ保存されていません"
        );
    }

    #[test]
    fn renewals_are_called_at_60_30_7_days_on_the_day_and_after() {
        let due = d(2026, 6, 1);
        assert_eq!(nearness(due, d(2026, 4, 1)), None, "61 days");
        assert_eq!(nearness(due, d(2026, 4, 2)), Some(Nearness::Within60));
        assert_eq!(nearness(due, d(2026, 5, 2)), Some(Nearness::Within30));
        assert_eq!(nearness(due, d(2026, 5, 25)), Some(Nearness::Within7));
        assert_eq!(nearness(due, d(2026, 6, 1)), Some(Nearness::Today));
        assert_eq!(nearness(due, d(2026, 6, 2)), Some(Nearness::Overdue));
        // Across a leap day: 2028-02-29 counts.
        assert_eq!(
            nearness(d(2028, 3, 1), d(2028, 2, 22)),
            Some(Nearness::Within30)
        );
        assert_eq!(
            nearness(d(2028, 3, 1), d(2028, 2, 23)),
            Some(Nearness::Within7)
        );

        let line =
            renewal_reminder_ja("ライセンスの更新", "佐藤 花子", due, d(2026, 5, 12)).unwrap();
        assert_eq!(
            line,
            "ライセンスの更新: 令和8年6月1日(月)が期限です(あと20日)。担当: 佐藤 花子"
        );
        let today = renewal_reminder_ja("電子証明書", "鈴木 一郎", due, due).unwrap();
        assert!(
            today.contains("今日(令和8年6月1日(月))が期限です"),
            "{today}"
        );
        let late = renewal_reminder_ja("電子証明書", "鈴木 一郎", due, d(2026, 6, 4)).unwrap();
        assert!(late.contains("3日過ぎています"), "{late}");
        assert_eq!(renewal_reminder_ja("x", "y", due, d(2026, 1, 1)), None);
    }
}
