//! 更新・期限の管理 (issue 15): who renews what, and when. Each thing that expires (the
//! licence per 事業所番号, a 電子証明書 on a terminal, the KJ ID's password, the client app) is
//! an item: a 更新・期限の登録 entry names it with an owner and a date, a later one for the
//! same item changes it, and a 更新済み entry records who did it, when, and the new date.
//!
//! The items' state is a fold over the ledger in time order, so every PC of the office sees
//! the same list, and a renewal done is evidence like any other entry. No secret is ever in
//! an item: no password, no certificate file (the form says so).

use std::collections::BTreeMap;

use super::device::DeviceId;
use super::entry::{Details, Entry, EntryDraft, EntryRef, RenewalFacts, RenewalWhat, Subject};
use super::reminders::{nearness, renewal_reminder_ja, Nearness};
use crate::jpdate::{CivilDate, Timestamp};

/// The yearly licence fee, tax included (¥21,000 per 事業所番号), offered by the form.
pub const LICENCE_YEN: u64 = 21_000;

/// A 更新済み as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneRow {
    pub entry: EntryRef,
    pub actor: String,
    pub done_on: CivilDate,
    pub recorded_at: Timestamp,
    pub new_due_on: CivilDate,
}

/// One item as the ledger has it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalState {
    pub item: String,
    pub what: RenewalWhat,
    pub owner: String,
    /// The date to act by: the item's own, or the newest renewal's new date.
    pub due_on: CivilDate,
    pub facts: RenewalFacts,
    /// The 更新・期限の登録 that set it up last.
    pub defined_by: EntryRef,
    /// The renewals done, oldest first.
    pub done: Vec<DoneRow>,
}

impl RenewalState {
    /// 「ライセンス(1310000001)」, 「電子証明書 介護保険証明書(事務室PC)」 …
    pub fn title_ja(&self) -> String {
        let what = self.what.label_ja();
        match self.what {
            RenewalWhat::Licence => match &self.facts.office_number {
                Some(o) => format!("{what}(事業所番号 {o})"),
                None => what.to_string(),
            },
            RenewalWhat::Certificate => {
                let kind = self.facts.certificate.map(|c| c.label_ja()).unwrap_or("");
                match &self.facts.terminal {
                    Some(t) => format!("{what} {kind}({t})"),
                    None => format!("{what} {kind}"),
                }
            }
            RenewalWhat::IdPassword => what.to_string(),
            RenewalWhat::ClientApp => match &self.facts.app_version {
                Some(v) => format!("{what}(版 {v})"),
                None => what.to_string(),
            },
        }
    }

    /// The facts beyond the date, in words (申込日, 無料期間, 金額, 最終更新 …).
    pub fn facts_ja(&self) -> Vec<String> {
        let f = &self.facts;
        let mut out = Vec::new();
        if let Some(d) = f.applied_on {
            out.push(format!("申込日 {}", d.format_wareki_ja()));
        }
        if let Some(d) = f.free_until {
            out.push(format!("無料期間 {}まで", d.format_wareki_ja()));
        }
        if let Some(n) = f.amount_yen {
            out.push(format!("金額 {}円", crate::display::group_thousands(n)));
        }
        if let Some(d) = f.updated_on {
            out.push(format!("最終更新 {}", d.format_wareki_ja()));
        }
        out
    }

    /// The line at the top of every page while the date is near or past.
    pub fn reminder_ja(&self, today: CivilDate) -> Option<String> {
        let what = format!("{}の{}", self.title_ja(), self.what.due_label_ja());
        renewal_reminder_ja(&what, &self.owner, self.due_on, today)
    }

    pub fn nearness(&self, today: CivilDate) -> Option<Nearness> {
        nearness(self.due_on, today)
    }
}

/// Every item, soonest date first (ties by item id). `entries` in time order.
pub fn renewal_states(entries: &[Entry]) -> Vec<RenewalState> {
    let mut items: BTreeMap<String, RenewalState> = BTreeMap::new();
    for e in entries {
        match &e.details {
            Details::RenewalItem {
                item,
                what,
                owner,
                due_on,
                facts,
            } => {
                let done = items.remove(item).map(|s| s.done).unwrap_or_default();
                items.insert(
                    item.clone(),
                    RenewalState {
                        item: item.clone(),
                        what: *what,
                        owner: owner.clone(),
                        due_on: *due_on,
                        facts: facts.clone(),
                        defined_by: e.id(),
                        done,
                    },
                );
            }
            Details::RenewalDone {
                item,
                done_on,
                new_due_on,
                app_version,
                ..
            } => {
                // A renewal of an item this ledger does not have (yet) is kept out of the
                // list: its 登録 may come with another PC's chain.
                if let Some(s) = items.get_mut(item) {
                    s.due_on = *new_due_on;
                    if let (RenewalWhat::ClientApp, Some(v)) = (s.what, app_version) {
                        s.facts.app_version = Some(v.clone());
                        s.facts.updated_on = Some(*done_on);
                    }
                    s.done.push(DoneRow {
                        entry: e.id(),
                        actor: e.actor.clone(),
                        done_on: *done_on,
                        recorded_at: e.recorded_at,
                        new_due_on: *new_due_on,
                    });
                }
            }
            _ => {}
        }
    }
    let mut out: Vec<RenewalState> = items.into_values().collect();
    out.sort_by(|a, b| a.due_on.cmp(&b.due_on).then_with(|| a.item.cmp(&b.item)));
    out
}

/// The items whose date is near or past on `today`, soonest first, with their line.
pub fn renewal_reminders(
    states: &[RenewalState],
    today: CivilDate,
) -> Vec<(&RenewalState, String)> {
    states
        .iter()
        .filter_map(|s| s.reminder_ja(today).map(|line| (s, line)))
        .collect()
}

/// A new item's id: its kind, the recording device and the time, so two PCs that add an
/// item at once never give the same id.
pub fn new_item_id(what: RenewalWhat, device: &DeviceId, at: Timestamp) -> String {
    format!(
        "{}-{}-{}",
        what.as_str().replace('_', "-"),
        &device.as_str()[..8],
        at.unix_ms()
    )
}

/// The 更新・期限の登録 draft.
pub fn item_draft(
    actor: &str,
    item: String,
    what: RenewalWhat,
    owner: &str,
    due_on: CivilDate,
    facts: RenewalFacts,
) -> EntryDraft {
    EntryDraft::new(
        actor,
        Subject::default(),
        Details::RenewalItem {
            item,
            what,
            owner: owner.trim().to_string(),
            due_on,
            facts,
        },
    )
}

/// The 更新済み draft: `actor` did it on `done_on`; the item's next date is `new_due_on`.
pub fn done_draft(
    actor: &str,
    item: &str,
    done_on: CivilDate,
    new_due_on: CivilDate,
    app_version: Option<String>,
    note: Option<String>,
) -> EntryDraft {
    let text = |t: Option<String>| t.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    EntryDraft::new(
        actor,
        Subject::default(),
        Details::RenewalDone {
            item: item.to_string(),
            done_on,
            new_due_on,
            app_version: text(app_version),
            note: text(note),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::chain::DeviceChain;
    use crate::ledger::entry::CertificateKind;
    use crate::ledger::sample::sample_device;

    fn d(y: i32, m: u8, day: u8) -> CivilDate {
        CivilDate::new(y, m, day).unwrap()
    }

    /// Japan noon of a day, as a recording time.
    fn noon(day: CivilDate) -> Timestamp {
        Timestamp::from_unix_ms(day.days_since_epoch() * 86_400_000 + 3 * 3_600_000)
    }

    fn chain() -> DeviceChain {
        let device = sample_device(1);
        let mut c = DeviceChain::new("1310000001", device.clone());
        let head = c.head().hash;
        c.append(
            EntryDraft::new(
                "佐藤",
                Subject::default(),
                Details::DeviceNamed {
                    device_id: device,
                    name: "事務室PC".into(),
                    office_number: "1310000001".into(),
                    migrated_from: None,
                },
            ),
            &head,
            noon(d(2026, 4, 1)),
        )
        .unwrap();
        c
    }

    fn add(c: &mut DeviceChain, draft: EntryDraft, on: CivilDate) {
        let head = c.head().hash;
        c.append(draft, &head, noon(on)).unwrap();
    }

    #[test]
    fn a_licence_due_in_20_days_is_reminded_until_its_renewal_is_recorded() {
        let mut c = chain();
        let device = c.head().device.clone();
        let item = new_item_id(RenewalWhat::Licence, &device, noon(d(2026, 4, 2)));
        assert!(crate::ledger::entry::is_item_id(&item), "{item}");
        add(
            &mut c,
            item_draft(
                "佐藤",
                item.clone(),
                RenewalWhat::Licence,
                "佐藤 花子",
                d(2026, 6, 1),
                RenewalFacts {
                    office_number: Some("1310000001".into()),
                    applied_on: Some(d(2025, 6, 1)),
                    free_until: Some(d(2026, 5, 31)),
                    amount_yen: Some(LICENCE_YEN),
                    ..RenewalFacts::default()
                },
            ),
            d(2026, 4, 2),
        );
        let states = renewal_states(c.entries());
        assert_eq!(states.len(), 1);
        let s = &states[0];
        assert_eq!(s.title_ja(), "ライセンス(事業所番号 1310000001)");
        assert!(s.facts_ja().contains(&"金額 21,000円".to_string()));
        assert!(s
            .facts_ja()
            .contains(&"無料期間 令和8年5月31日(日)まで".to_string()));
        // 62 days before: nothing; 60 days; 20 days (令和 written out); 7; the day; past.
        assert_eq!(renewal_reminders(&states, d(2026, 3, 31)).len(), 0);
        assert_eq!(s.nearness(d(2026, 4, 2)), Some(Nearness::Within60));
        assert_eq!(
            renewal_reminders(&states, d(2026, 5, 12))[0].1,
            "ライセンス(事業所番号 1310000001)の次の支払日: 令和8年6月1日(月)が期限です(あと20日)。担当: 佐藤 花子"
        );
        assert_eq!(s.nearness(d(2026, 5, 25)), Some(Nearness::Within7));
        assert!(s
            .reminder_ja(d(2026, 6, 1))
            .unwrap()
            .contains("今日(令和8年6月1日(月))"));
        assert!(s
            .reminder_ja(d(2026, 6, 3))
            .unwrap()
            .contains("2日過ぎています"));

        // Done on 5月15日 by 鈴木: the next date a year on, and no reminder any more.
        add(
            &mut c,
            done_draft(
                "鈴木 一郎",
                &item,
                d(2026, 5, 15),
                d(2027, 6, 1),
                None,
                Some("  振込済み ".into()),
            ),
            d(2026, 5, 15),
        );
        let states = renewal_states(c.entries());
        assert_eq!(states[0].due_on, d(2027, 6, 1));
        assert_eq!(states[0].done[0].actor, "鈴木 一郎");
        assert!(renewal_reminders(&states, d(2026, 6, 3)).is_empty());
        assert_eq!(renewal_reminders(&states, d(2027, 4, 2)).len(), 1);
        // The renewal is an entry of the chain, and the chain still verifies.
        let v = crate::ledger::verify_device_chain("1310000001", &device, c.entries());
        assert!(v.is_ok(), "{v:?}");
        let last = c.entries().last().unwrap();
        assert!(
            matches!(&last.details, Details::RenewalDone { note: Some(n), .. } if n == "振込済み")
        );
    }

    #[test]
    fn items_change_later_and_a_renewal_must_move_the_date_on() {
        let mut c = chain();
        add(
            &mut c,
            item_draft(
                "佐藤",
                "cert-1".into(),
                RenewalWhat::Certificate,
                "佐藤",
                d(2026, 9, 30),
                RenewalFacts {
                    certificate: Some(CertificateKind::CareInsurance),
                    terminal: Some("事務室PC".into()),
                    ..RenewalFacts::default()
                },
            ),
            d(2026, 4, 2),
        );
        add(
            &mut c,
            item_draft(
                "佐藤",
                "app".into(),
                RenewalWhat::ClientApp,
                "鈴木",
                d(2026, 7, 1),
                RenewalFacts {
                    app_version: Some("1.2".into()),
                    updated_on: Some(d(2026, 4, 1)),
                    ..RenewalFacts::default()
                },
            ),
            d(2026, 4, 2),
        );
        // The owner changes: a second 登録 of the same item.
        add(
            &mut c,
            item_draft(
                "佐藤",
                "cert-1".into(),
                RenewalWhat::Certificate,
                "田中",
                d(2026, 9, 30),
                RenewalFacts {
                    certificate: Some(CertificateKind::CareInsurance),
                    terminal: Some("事務室PC".into()),
                    ..RenewalFacts::default()
                },
            ),
            d(2026, 4, 3),
        );
        add(
            &mut c,
            done_draft(
                "鈴木",
                "app",
                d(2026, 4, 10),
                d(2026, 10, 10),
                Some("1.3".into()),
                None,
            ),
            d(2026, 4, 10),
        );
        let states = renewal_states(c.entries());
        assert_eq!(states.len(), 2);
        assert_eq!(states[0].item, "cert-1");
        assert_eq!(states[0].owner, "田中");
        assert_eq!(states[0].title_ja(), "電子証明書 介護保険証明書(事務室PC)");
        assert_eq!(states[1].title_ja(), "クライアントソフト(版 1.3)");
        assert_eq!(states[1].facts.updated_on, Some(d(2026, 4, 10)));

        // A new date not after the day it was done is refused, and so is a done day ahead.
        let bad = done_draft("鈴木", "app", d(2026, 4, 10), d(2026, 4, 10), None, None);
        assert!(bad.validate().is_err());
        let ahead = done_draft("鈴木", "app", d(2026, 5, 1), d(2027, 5, 1), None, None);
        assert!(ahead.validate_at(noon(d(2026, 4, 20))).is_err());
        // A licence needs its 事業所番号; an owner is required.
        let licence = item_draft(
            "佐藤",
            "l".into(),
            RenewalWhat::Licence,
            " ",
            d(2026, 6, 1),
            RenewalFacts::default(),
        );
        let issues = licence.validate().unwrap_err();
        assert!(issues.iter().any(|i| i.field == "details.office_number"));
        assert!(issues.iter().any(|i| i.field == "details.owner"));
    }
}
