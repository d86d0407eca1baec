//! Watched folders (issue 16) on a generated office month (`OfficeMonth::sample`: the 居宅
//! 1310000001, 訪問介護 1310000002 and 通所介護 1310000003, May 2025): which files are new, what
//! each is proposed with, and which 実績, consents and deliveries are missing.

use careplan_ledger::check::check_file_keeping_records;
use careplan_ledger::facts::FileFacts;
use careplan_ledger::fixtures::sets::{OfficeMonth, Provider, ACTUAL_SEQUENCE, PLAN_SEQUENCE};
use careplan_ledger::fixtures::Fixture;
use careplan_ledger::jpdate::{CivilDate, Timestamp};
use careplan_ledger::ledger::entry::takes_act_time;
use careplan_ledger::ledger::watched::*;
use careplan_ledger::ledger::*;

const OURS: &str = "1310000001";
const HOUMON: &str = "1310000002";
const TSUSHO: &str = "1310000003";

fn t(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

fn date(m: u8, d: u8) -> CivilDate {
    CivilDate::new(2025, m, d).unwrap()
}

fn summary(f: &Fixture) -> CheckedFileSummary {
    let checked = check_file_keeping_records(&f.name, &f.bytes);
    CheckedFileSummary {
        name: f.name.clone(),
        size: f.bytes.len() as u64,
        sha256: careplan_ledger::fingerprint::sha256_hex(&f.bytes),
        facts: FileFacts::of(&checked),
        errors: checked.report.counts.errors,
        warnings: checked.report.counts.warnings,
        first_problem: None,
    }
}

fn partner_name(office: &str) -> &'static str {
    if office == HOUMON {
        "ひまわり訪問介護"
    } else {
        "あおぞらデイ"
    }
}

struct Office {
    chain: DeviceChain,
}

impl Office {
    fn new() -> Office {
        Office {
            chain: DeviceChain::new(OURS, DeviceId::from_random([7; 16])),
        }
    }

    fn entries(&self) -> Vec<Entry> {
        self.chain.entries().to_vec()
    }

    fn add(&mut self, draft: EntryDraft, at: &str) {
        let head = self.chain.head().hash;
        if let Err(e) = self.chain.append(draft, &head, t(at)) {
            panic!("{e:?}");
        }
    }

    /// Records a file as the watched-folder proposal would, at `at`.
    fn record(&mut self, f: &Fixture, role: WatchRole, at: &str) {
        let s = summary(f);
        let p = propose(role, OURS, &s, t(at), t(at), &self.entries());
        let office = p.partner_office.clone().unwrap();
        for d in record_drafts("佐藤", &s, p.direction, partner_name(&office), &|_| None) {
            let d = if takes_act_time(d.kind()) {
                d.occurred_at(Some(p.occurred_at))
            } else {
                d
            };
            self.add(d, at);
        }
    }
}

fn listed(f: &Fixture, name: &str, role: WatchRole) -> ListedFile {
    ListedFile {
        role,
        name: name.into(),
        sha256: careplan_ledger::fingerprint::sha256_hex(&f.bytes),
        last_modified: t("2025-06-02T01:30:00.000Z"),
    }
}

#[test]
fn new_is_by_the_bytes_not_the_name() {
    let month = OfficeMonth::sample();
    let houmon = Provider::new(HOUMON, "11");
    let usage = month.usage_set(&houmon, PLAN_SEQUENCE);
    let actual = month.actual(&houmon, ACTUAL_SEQUENCE);
    let mut office = Office::new();
    for f in &usage {
        office.record(f, WatchRole::Sent, "2025-04-25T01:00:00.000Z");
    }
    let found = vec![
        // Recorded already, under its own name and under a copy's name.
        listed(&usage[0], &usage[0].name, WatchRole::Sent),
        listed(&usage[0], "UPPLAN のコピー.CSV", WatchRole::Received),
        // New, found twice (a second download) and in both folders.
        listed(&actual, &actual.name, WatchRole::Received),
        listed(&actual, "ダウンロード (1).csv", WatchRole::Received),
        // Not a CSV file: not ours to judge.
        listed(
            &month.actual(&Provider::new(TSUSHO, "15"), ACTUAL_SEQUENCE),
            "送受信一覧.pdf",
            WatchRole::Received,
        ),
    ];
    let new = new_files(found, &office.entries());
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0].name, actual.name);
    assert!(is_csv_name("A.csv") && is_csv_name("B.CSV") && !is_csv_name(".csv"));
}

#[test]
fn a_received_file_is_proposed_filled_in() {
    let month = OfficeMonth::sample();
    let houmon = Provider::new(HOUMON, "11");
    let mut office = Office::new();
    for f in month.usage_set(&houmon, PLAN_SEQUENCE) {
        office.record(&f, WatchRole::Sent, "2025-04-25T01:00:00.000Z");
    }
    let actual = summary(&month.actual(&houmon, ACTUAL_SEQUENCE));
    assert_eq!(actual.errors, 0);
    let saved = t("2025-06-02T01:30:00.000Z");
    let now = t("2025-06-02T03:00:00.000Z");
    let p = propose(
        WatchRole::Received,
        OURS,
        &actual,
        saved,
        now,
        &office.entries(),
    );
    assert_eq!(p.direction, Direction::Received);
    assert_eq!(p.partner_office.as_deref(), Some(HOUMON));
    assert_eq!(
        p.partner_name, "ひまわり訪問介護",
        "from the earlier records"
    );
    assert_eq!(p.occurred_at, saved, "the file's own time");
    assert!(p.include && p.note.is_none());

    // A partner the ledger has never seen: no name yet, still ticked.
    let tsusho = summary(&month.actual(&Provider::new(TSUSHO, "15"), ACTUAL_SEQUENCE));
    let p = propose(
        WatchRole::Received,
        OURS,
        &tsusho,
        saved,
        now,
        &office.entries(),
    );
    assert_eq!(p.partner_office.as_deref(), Some(TSUSHO));
    assert_eq!(p.partner_name, "");

    // A clock ahead never makes the act later than its recording.
    let p = propose(
        WatchRole::Received,
        OURS,
        &actual,
        t("2025-06-03T00:00:00.000Z"),
        now,
        &[],
    );
    assert_eq!(p.occurred_at, now);

    // Errors: shown, unticked. A file of ours in the 受信 folder: the role wins, with a note.
    let mut bad = actual.clone();
    bad.errors = 2;
    assert!(!propose(WatchRole::Received, OURS, &bad, saved, now, &[]).include);
    let ours = summary(&month.usage_set(&houmon, PLAN_SEQUENCE)[0]);
    let p = propose(WatchRole::Received, OURS, &ours, saved, now, &[]);
    assert_eq!(p.direction, Direction::Received);
    assert!(p.note.unwrap().contains("送信のファイル"));
}

#[test]
fn a_received_copy_goes_under_its_month_and_partner() {
    let path = kept_copy_path(
        t("2025-05-31T15:30:00.000Z"), // 2025-06-01 00:30 in Japan
        "ひまわり/訪問介護",
        HOUMON,
        "UPJSK_202505.CSV",
    );
    assert_eq!(
        path,
        [
            "受信",
            "2025年06月",
            "ひまわり_訪問介護",
            "UPJSK_202505.CSV"
        ]
    );
    assert_eq!(
        kept_copy_path(t("2025-05-02T00:00:00.000Z"), " ", HOUMON, "a.csv")[1..3],
        ["2025年05月".to_string(), HOUMON.to_string()]
    );
    assert_eq!(
        kept_copy_place("台帳フォルダ", &path),
        "台帳フォルダ/受信/2025年06月/ひまわり_訪問介護/UPJSK_202505.CSV"
    );
    assert_eq!(safe_folder_name("あおぞら. ", "x"), "あおぞら");
}

#[test]
fn missing_actuals_consents_and_deliveries() {
    let month = OfficeMonth::sample();
    let houmon = Provider::new(HOUMON, "11");
    let tsusho = Provider::new(TSUSHO, "15");
    let mut office = Office::new();
    for p in [&houmon, &tsusho] {
        for f in month.usage_set(p, PLAN_SEQUENCE) {
            office.record(&f, WatchRole::Sent, "2025-04-25T01:00:00.000Z");
        }
    }
    // Before the month is over, no 実績 can be missing.
    assert!(missing_files(&office.entries(), date(5, 31)).is_empty());
    let lines = |office: &Office, today| -> Vec<String> {
        missing_files(&office.entries(), today)
            .iter()
            .map(Missing::message_ja)
            .collect()
    };
    assert_eq!(
        lines(&office, date(6, 1)),
        [
            "ひまわり訪問介護の2025年5月分の実績がまだ届いていません",
            "あおぞらデイの2025年5月分の実績がまだ届いていません",
        ]
    );
    office.record(
        &month.actual(&houmon, ACTUAL_SEQUENCE),
        WatchRole::Received,
        "2025-06-02T01:00:00.000Z",
    );
    assert_eq!(
        lines(&office, date(6, 3)),
        ["あおぞらデイの2025年5月分の実績がまだ届いていません"]
    );
    // A 利用票 withdrawn by DLTPLAN expects no 実績.
    let dlt = month.delete_plan(&tsusho, "20250428100000", &["0000012345"]);
    office.record(&dlt, WatchRole::Sent, "2025-04-28T01:00:00.000Z");
    assert!(lines(&office, date(6, 3)).is_empty());

    // The plan set to 訪問介護 (作成日 2025-04-10) for both clients: consent and delivery each.
    for f in month.plan_set(&houmon, "20250410120000") {
        office.record(&f, WatchRole::Sent, "2025-04-10T05:00:00.000Z");
    }
    let all = lines(&office, date(6, 3));
    assert!(
        all.contains(&"山田 太郎 様の4月10日作成の計画に同意の記録がありません".to_string()),
        "{all:?}"
    );
    assert!(
        all.contains(
            &"髙橋 﨑子 様の4月10日作成の計画を利用者へ交付した記録がありません".to_string()
        ),
        "{all:?}"
    );
    assert_eq!(all.len(), 4, "{all:?}");

    // 山田 太郎's consent and delivery recorded: only 髙橋 﨑子's two remain.
    let yamada = office
        .entries()
        .iter()
        .flat_map(|e| e.subject.clients.clone())
        .find(|c| c.name == "山田 太郎" && c.plan_date.is_some())
        .unwrap();
    let subject = Subject {
        clients: vec![yamada],
        ..Subject::default()
    };
    office.add(
        EntryDraft::new(
            "佐藤",
            subject.clone(),
            Details::Consent {
                method: ConsentMethod::Signature,
                consented_on: date(4, 12),
                prior_approval_on: None,
            },
        ),
        "2025-04-12T01:00:00.000Z",
    );
    office.add(
        EntryDraft::new(
            "佐藤",
            subject,
            Details::DeliveredToClient {
                document: DeliveredDocument::CarePlan,
                delivered_on: date(4, 12),
            },
        ),
        "2025-04-12T01:00:00.000Z",
    );
    let all = lines(&office, date(6, 3));
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.iter().all(|l| l.starts_with("髙橋 﨑子 様")), "{all:?}");
}
