//! Being in force, on a generated history of one client (issue 13): a plan sent in April with
//! consent and delivery; May and June 利用票 sent to two providers, one replaced with a
//! reason, one cancelled by a 削除 file; 実績 received; a new plan in June; a July plan
//! cancelled by DLT1KYO. Every act is recorded later than it happened.

use careplan_ledger::jpdate::{CivilDate, Timestamp, YearMonth};
use careplan_ledger::ledger::csv_export::inspection_csv;
use careplan_ledger::ledger::in_force::client_plans;
use careplan_ledger::ledger::inspection_rows::sheet_text;
use careplan_ledger::ledger::*;

const OURS: &str = "1310000001";
const P1: &str = "1300000501";
const P2: &str = "1300000502";

fn t(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

fn date(y: i32, m: u8, d: u8) -> CivilDate {
    CivilDate::new(y, m, d).unwrap()
}

fn month(m: u8) -> YearMonth {
    YearMonth::new(2025, m).unwrap()
}

fn client(plan_date: Option<CivilDate>) -> Client {
    Client {
        insurer_number: "131001".into(),
        insured_number: "0001234567".into(),
        name: "濵田 正男".into(),
        kana: Some("ハマダ マサオ".into()),
        plan_date,
    }
}

fn partner(office: &str) -> Partner {
    Partner {
        office_number: office.into(),
        name: if office == P1 {
            "ひまわり訪問介護"
        } else {
            "あおぞらデイ"
        }
        .into(),
    }
}

/// A file exchanged: `prefix` with its month token (if any), to or from `office`.
fn file_draft(
    prefix: &str,
    month_token: Option<&str>,
    office: &str,
    serial: &str,
    plan_date: Option<CivilDate>,
    direction: Direction,
    occurred_at: &str,
) -> EntryDraft {
    let (from, to) = match direction {
        Direction::Sent => (OURS, office),
        Direction::Received => (office, OURS),
    };
    let name = match month_token {
        Some(m) => format!("{prefix}_{m}_{from}_43_{to}_11_{serial}.CSV"),
        None => format!("{prefix}_{from}_43_{to}_11_{serial}.CSV"),
    };
    let details = match direction {
        Direction::Sent => Details::Sent,
        Direction::Received if prefix.starts_with("DLT") => Details::DeletionReceived,
        Direction::Received => Details::Received,
    };
    EntryDraft::new(
        "佐々木",
        Subject {
            clients: vec![client(plan_date)],
            service_month: month_token
                .filter(|m| *m != "000000")
                .and_then(YearMonth::parse_yyyymm),
            partner: Some(partner(office)),
            file: Some(FileRef {
                sha256: careplan_ledger::fingerprint::sha256_hex(name.as_bytes()),
                size: 100,
                name,
            }),
            file_serial: Some(serial.into()),
            direction: Some(direction),
        },
        details,
    )
    .occurred_at(Some(t(occurred_at)))
}

struct History {
    chain: DeviceChain,
}

impl History {
    fn add(&mut self, draft: EntryDraft, recorded_at: &str) -> Entry {
        let head = self.chain.head().hash;
        self.chain
            .append(draft, &head, t(recorded_at))
            .unwrap()
            .clone()
    }

    fn office(&self) -> OfficeLedger {
        let mut o = OfficeLedger::new(OURS);
        o.add_chain(self.chain.clone()).unwrap();
        o
    }
}

fn history() -> History {
    let mut h = History {
        chain: DeviceChain::new(OURS, DeviceId::from_random([3; 16])),
    };
    let april_plan = Some(date(2025, 4, 20));
    // The April plan: 第1表 and 利用者補足 to both providers, sent 4/20, recorded 4/21.
    for (office, serial) in [(P1, "20250420093000"), (P2, "20250420093500")] {
        for (prefix, token) in [("UP1KYO", None), ("UPHOSOKU", Some("000000"))] {
            h.add(
                file_draft(
                    prefix,
                    token,
                    office,
                    serial,
                    april_plan,
                    Direction::Sent,
                    "2025-04-20T01:00:00.000Z",
                ),
                "2025-04-21T00:00:00.000Z",
            );
        }
    }
    // Consent (署名, 4/22) and delivery of the plan, recorded in May.
    h.add(
        EntryDraft::new(
            "佐々木",
            Subject {
                clients: vec![client(april_plan)],
                ..Subject::default()
            },
            Details::Consent {
                method: ConsentMethod::Signature,
                consented_on: date(2025, 4, 22),
                prior_approval_on: None,
            },
        ),
        "2025-05-02T00:00:00.000Z",
    );
    h.add(
        EntryDraft::new(
            "佐々木",
            Subject {
                clients: vec![client(april_plan)],
                ..Subject::default()
            },
            Details::DeliveredToClient {
                document: DeliveredDocument::CarePlan,
                delivered_on: date(2025, 4, 22),
            },
        ),
        "2025-05-02T00:01:00.000Z",
    );
    // May 利用票 to both, exported 4/25, typed in much later.
    for (office, serial) in [(P1, "20250425100000"), (P2, "20250425100500")] {
        h.add(
            file_draft(
                "UPPLAN",
                Some("202505"),
                office,
                serial,
                None,
                Direction::Sent,
                "2025-04-25T01:00:00.000Z",
            ),
            "2026-12-02T00:00:00.000Z",
        );
    }
    // P1's May 利用票 replaced on 5/10, with a reason.
    let v2 = file_draft(
        "UPPLAN",
        Some("202505"),
        P1,
        "20250510090000",
        None,
        Direction::Sent,
        "2025-05-10T00:30:00.000Z",
    );
    h.add(v2.clone(), "2026-12-02T00:01:00.000Z");
    h.add(
        EntryDraft::new(
            "佐々木",
            Subject {
                file: v2.subject.file.clone(),
                ..Subject::default()
            },
            Details::Replaced {
                reason: "訪問回数の変更".into(),
                replaces_seq: None,
                replaces_device: None,
            },
        ),
        "2026-12-02T00:02:00.000Z",
    );
    // P2's May 利用票 cancelled by DLTPLAN on 5/12.
    h.add(
        file_draft(
            "DLTPLAN",
            Some("202505"),
            P2,
            "20250512080000",
            None,
            Direction::Sent,
            "2025-05-12T00:00:00.000Z",
        ),
        "2026-12-02T00:03:00.000Z",
    );
    // June 利用票 to both.
    for (office, serial) in [(P1, "20250525100000"), (P2, "20250525100500")] {
        h.add(
            file_draft(
                "UPPLAN",
                Some("202506"),
                office,
                serial,
                None,
                Direction::Sent,
                "2025-05-25T01:00:00.000Z",
            ),
            "2026-12-02T00:04:00.000Z",
        );
    }
    // May 実績 received from P1.
    h.add(
        file_draft(
            "UPJSK",
            Some("202505"),
            P1,
            "20250605120000",
            None,
            Direction::Received,
            "2025-06-05T03:00:00.000Z",
        ),
        "2026-12-02T00:05:00.000Z",
    );
    // A new plan made 6/15, sent to P1 only.
    h.add(
        file_draft(
            "UP1KYO",
            None,
            P1,
            "20250615090000",
            Some(date(2025, 6, 15)),
            Direction::Sent,
            "2025-06-15T01:00:00.000Z",
        ),
        "2026-12-02T00:06:00.000Z",
    );
    // A July plan sent to P1, then cancelled by DLT1KYO on 7/3.
    let july_plan = Some(date(2025, 7, 1));
    h.add(
        file_draft(
            "UP1KYO",
            None,
            P1,
            "20250701090000",
            july_plan,
            Direction::Sent,
            "2025-07-01T01:00:00.000Z",
        ),
        "2026-12-02T00:07:00.000Z",
    );
    h.add(
        file_draft(
            "DLT1KYO",
            None,
            P1,
            "20250703090000",
            july_plan,
            Direction::Sent,
            "2025-07-03T01:00:00.000Z",
        ),
        "2026-12-02T00:08:00.000Z",
    );
    h
}

fn plan_dates_in_force(h: &History, from: u8, to: u8) -> Vec<CivilDate> {
    let entries = h.office().entries_in_time_order();
    let key = client(None).key();
    let chains = version_chains_for_client(&entries, &key);
    client_plans(&entries, &chains, &key)
        .in_force(month(from), month(to))
        .into_iter()
        .map(|p| p.plan_date)
        .collect()
}

#[test]
fn the_plan_in_force_for_every_month() {
    let h = history();
    assert!(
        plan_dates_in_force(&h, 3, 3).is_empty(),
        "nothing before April"
    );
    assert_eq!(plan_dates_in_force(&h, 4, 4), [date(2025, 4, 20)]);
    assert_eq!(
        plan_dates_in_force(&h, 5, 5),
        [date(2025, 4, 20)],
        "the April plan stays in force in May"
    );
    assert_eq!(
        plan_dates_in_force(&h, 6, 6),
        [date(2025, 4, 20), date(2025, 6, 15)],
        "replaced mid-June: both were in force that month"
    );
    // July: the June plan, and the July plan for its three days before it was cancelled.
    assert_eq!(
        plan_dates_in_force(&h, 7, 7),
        [date(2025, 6, 15), date(2025, 7, 1)]
    );
    assert_eq!(plan_dates_in_force(&h, 8, 8), [date(2025, 6, 15)]);

    let entries = h.office().entries_in_time_order();
    let key = client(None).key();
    let chains = version_chains_for_client(&entries, &key);
    let plans = client_plans(&entries, &chains, &key).plans;
    let april = &plans[0];
    assert_eq!(april.last_day(), Some(date(2025, 6, 14)));
    assert_eq!(april.replaced_by, Some(date(2025, 6, 15)));
    let july = &plans[2];
    assert!(july.is_cancelled());
    assert_eq!(july.last_day(), Some(date(2025, 7, 3)));
    assert!(
        july.newest().is_none(),
        "a cancelled plan has no current version"
    );
    assert_eq!(
        plans[1].replaced_by, None,
        "a cancelled plan does not replace the one before it"
    );
}

#[test]
fn consent_and_delivery_belong_to_their_plan_not_to_the_month_recorded() {
    let h = history();
    let now = t("2026-12-02T01:00:00.000Z");
    let sheet = inspection_sheet(
        &h.office(),
        &client(None).key(),
        month(5),
        month(5),
        "さくら居宅",
        now,
    )
    .unwrap();
    assert_eq!(sheet.plans.len(), 1);
    let plan = &sheet.plans[0];
    assert_eq!(plan.plan_date, date(2025, 4, 20));
    assert_eq!(plan.consents.len(), 1);
    assert_eq!(plan.consents[0].consented_on, date(2025, 4, 22));
    assert_eq!(plan.deliveries.len(), 1);
    assert_eq!(plan.deliveries[0].document, DeliveredDocument::CarePlan);
    assert!(sheet.months.is_empty(), "nothing names May itself");
}

#[test]
fn the_latest_version_per_provider_and_cancellations() {
    let h = history();
    let now = t("2026-12-02T01:00:00.000Z");
    let sheet = inspection_sheet(
        &h.office(),
        &client(None).key(),
        month(5),
        month(5),
        "さくら居宅",
        now,
    )
    .unwrap();
    let p1 = sheet
        .partners
        .iter()
        .find(|p| p.office_number == P1)
        .unwrap();
    let may = &p1.schedules[0];
    assert_eq!(may.key.month, Some(month(5)));
    assert_eq!(may.versions.len(), 2);
    assert!(!may.versions[0].is_newest && may.versions[1].is_newest);
    assert_eq!(may.versions[1].replaced[0].0, "訪問回数の変更");
    assert_eq!(p1.actuals.len(), 1);
    assert!(p1.actuals[0].versions[0].is_newest);

    let p2 = sheet
        .partners
        .iter()
        .find(|p| p.office_number == P2)
        .unwrap();
    let may = &p2.schedules[0];
    let (v1, deletion) = (&may.versions[0], &may.versions[1]);
    assert_eq!(
        v1.cancelled_by.as_ref().map(|c| c.0.as_str()),
        Some("20250512080000")
    );
    assert!(!v1.is_newest, "a cancelled version is not 【最新】");
    assert!(deletion.is_deletion && !deletion.is_newest);
    assert!(may.versions.iter().all(|v| !v.is_newest));
    assert_eq!(
        may.newer_version_sent_elsewhere, None,
        "a partner whose version was cancelled holds no old version"
    );
    // June is outside the May sheet.
    assert!(sheet
        .partners
        .iter()
        .all(|p| p.schedules.iter().all(|c| c.key.month == Some(month(5)))));

    // In words: 取消 and 【最新】 where they belong.
    let text = sheet_text(&sheet);
    let part2 = &text.parts[1];
    let p2_table = part2
        .tables
        .iter()
        .find(|t| t.caption.contains(P2))
        .unwrap();
    assert!(p2_table.rows[0].last().unwrap().starts_with("取消"));
    assert!(!p2_table
        .rows
        .iter()
        .any(|r| r.last().unwrap().contains("【最新】")));
    let p1_table = part2
        .tables
        .iter()
        .find(|t| t.caption.contains(P1))
        .unwrap();
    assert!(p1_table.rows[1].last().unwrap().contains("【最新】"));
}

#[test]
fn a_plan_cancelled_at_one_partner_only_stays_in_force_and_says_so() {
    let mut h = history();
    // The June plan also went to P2; DLT1KYO for it went to P1 only.
    let june_plan = Some(date(2025, 6, 15));
    h.add(
        file_draft(
            "UP1KYO",
            None,
            P2,
            "20250615091000",
            june_plan,
            Direction::Sent,
            "2025-06-15T01:10:00.000Z",
        ),
        "2026-12-02T00:09:00.000Z",
    );
    h.add(
        file_draft(
            "DLT1KYO",
            None,
            P1,
            "20250616090000",
            june_plan,
            Direction::Sent,
            "2025-06-16T01:00:00.000Z",
        ),
        "2026-12-02T00:10:00.000Z",
    );
    assert_eq!(plan_dates_in_force(&h, 8, 8), [date(2025, 6, 15)]);
    let sheet = inspection_sheet(
        &h.office(),
        &client(None).key(),
        month(8),
        month(8),
        "さくら居宅",
        t("2026-12-02T01:00:00.000Z"),
    )
    .unwrap();
    let c = sheet.plans[0].cancellation.as_ref().unwrap();
    assert!(!c.at_every_partner);
    assert_eq!(c.partners, [P1]);
    let text = sheet_text(&sheet);
    let rows = &text.parts[0].tables[0].rows;
    assert!(rows
        .iter()
        .any(|r| r[0] == "取消" && r[1].contains("一部の相手先(1300000501)にだけ")));
}

#[test]
fn the_act_dates_are_printed_apart_from_the_recording_times() {
    let h = history();
    let sheet = inspection_sheet(
        &h.office(),
        &client(None).key(),
        month(5),
        month(5),
        "さくら居宅",
        t("2026-12-02T01:00:00.000Z"),
    )
    .unwrap();
    let p1 = sheet
        .partners
        .iter()
        .find(|p| p.office_number == P1)
        .unwrap();
    let v1 = &p1.schedules[0].versions[0];
    assert_eq!(v1.recorded.occurred_at, Some(t("2025-04-25T01:00:00.000Z")));
    assert_eq!(v1.recorded.at, t("2026-12-02T00:00:00.000Z"));

    let text = sheet_text(&sheet);
    let table = text.parts[1]
        .tables
        .iter()
        .find(|t| t.caption.contains(P1))
        .unwrap();
    assert_eq!(table.rows[0][0], "2025年4月25日 10:00作成");
    assert_eq!(
        table.rows[0][1],
        "送信 令和7年4月25日(金) 10:00\n(台帳への記録 令和8年12月2日(水))"
    );
    // The plan part names the plan, its consent and its delivery in 和暦.
    let plan = &text.parts[0].tables[0];
    assert!(plan.caption.contains("令和7年4月20日(日)"));
    let cell = |label: &str| {
        plan.rows
            .iter()
            .find(|r| r[0] == label)
            .map(|r| r[1].clone())
            .unwrap()
    };
    assert!(cell("同意").starts_with("署名 令和7年4月22日(火)"));
    assert!(cell("交付").starts_with("計画書 令和7年4月22日(火)"));
    assert!(cell("有効期間").contains("令和7年6月14日(土)まで"));

    // The CSV carries the same rows, and the file names only in the appendix.
    let csv = String::from_utf8(inspection_csv(&sheet)[3..].to_vec()).unwrap();
    assert!(csv.contains("送信 令和7年4月25日(金) 10:00 / (台帳への記録 令和8年12月2日(水))"));
    assert!(csv.contains("取消"));
    let appendix_at = csv.find("付表").unwrap();
    let first_name = csv.find("UPPLAN_202505").unwrap();
    assert!(first_name > appendix_at, "file names only in the appendix");
}
