//! Views over the ledger: versions and the 「相手先は旧版の可能性」 flag, retention, search,
//! the inspection sheet and its CSV. One small office month, written out step by step.

use careplan_ledger::fingerprint::sha256_hex;
use careplan_ledger::jpdate::{CivilDate, Timestamp, YearMonth};
use careplan_ledger::ledger::csv_export::{entries_csv, inspection_csv};
use careplan_ledger::ledger::*;

const OURS: &str = "1310000001";

fn client() -> Client {
    Client {
        insurer_number: "131001".into(),
        insured_number: "0001234567".into(),
        name: "山田 花子".into(),
        kana: Some("ヤマダ ハナコ".into()),
        plan_date: None,
    }
}

fn partner(n: u8) -> Partner {
    Partner {
        office_number: format!("130000050{n}"),
        name: format!("=ひまわり{n}"), // a hostile-looking name, for the CSV test
    }
}

fn sent(serial: &str, p: u8, month: u8) -> EntryDraft {
    let name = format!("UPPLAN_2025{month:02}_{OURS}_43_130000050{p}_11_{serial}.CSV");
    EntryDraft::new(
        "佐々木",
        Subject {
            clients: vec![client()],
            service_month: YearMonth::new(2025, month),
            partner: Some(partner(p)),
            file: Some(FileRef {
                size: 10,
                sha256: sha256_hex(name.as_bytes()),
                name,
            }),
            file_serial: Some(serial.into()),
            direction: Some(Direction::Sent),
        },
        Details::Sent,
    )
}

fn about_file(d: &EntryDraft, details: Details) -> EntryDraft {
    EntryDraft::new(
        "事務 井上",
        Subject {
            file: d.subject.file.clone(),
            ..Subject::default()
        },
        details,
    )
}

struct Book(DeviceChain, i64);

/// The office ledger of one book (one device).
fn office(b: &Book) -> OfficeLedger {
    let mut o = OfficeLedger::new(OURS);
    o.add_chain(b.0.clone()).unwrap();
    o
}

impl Book {
    fn add(&mut self, d: EntryDraft) -> u64 {
        self.1 += 60_000;
        let head = self.0.head().hash;
        self.0
            .append(d, &head, Timestamp(1_748_800_000_000 + self.1))
            .unwrap()
            .seq
    }
}

fn month_book() -> Book {
    let mut b = Book(DeviceChain::new(OURS, DeviceId::from_random([7; 16])), 0);
    // June 利用票 v1 to both partners on 5/20, minutes apart.
    let v1a = sent("20250520100000", 1, 6);
    let v1b = sent("20250520100500", 2, 6);
    b.add(v1a.clone());
    b.add(v1b);
    b.add(about_file(
        &v1a,
        Details::StoragePlace {
            place: "\\\\server\\ケアプラン\\2025\\06".into(),
        },
    ));
    // v2 on 5/28 only to partner 1, replacing v1.
    let v2a = sent("20250528090000", 1, 6);
    let seq = b.add(v2a.clone());
    b.add(about_file(
        &v2a,
        Details::Replaced {
            reason: "訪問回数の変更".into(),
            replaces_seq: Some(1),
            replaces_device: None,
        },
    ));
    b.add(about_file(&v2a, Details::Imported { software: None }));
    b.add(EntryDraft::new(
        "佐々木",
        Subject {
            clients: vec![client()],
            service_month: YearMonth::new(2025, 6),
            ..Subject::default()
        },
        Details::Consent {
            method: ConsentMethod::Electronic,
            consented_on: CivilDate::new(2025, 5, 29).unwrap(),
            prior_approval_on: CivilDate::new(2025, 4, 1),
        },
    ));
    b.add(EntryDraft::new(
        "佐々木",
        Subject {
            clients: vec![client()],
            service_month: YearMonth::new(2025, 6),
            ..Subject::default()
        },
        Details::DeliveredToClient {
            document: DeliveredDocument::ScheduleCopy,
            delivered_on: CivilDate::new(2025, 5, 29).unwrap(),
        },
    ));
    b.add(EntryDraft::new(
        "佐々木",
        Subject::default(),
        Details::Correction {
            corrects_seq: seq,
            corrects_device: None,
            text: "送信時刻の記入誤り".into(),
        },
    ));
    let head = b.0.head();
    b.add(EntryDraft::new(
        "佐々木",
        Subject::default(),
        Details::Checkpoint {
            entry_count: head.entry_count,
            head_hash: head.hash,
            device_count: None,
        },
    ));
    b
}

#[test]
fn versions_mark_the_newest_and_flag_the_partner_with_the_old_one() {
    let b = month_book();
    let chains = version_chains_for_client(b.0.entries(), &client().key());
    assert_eq!(chains.len(), 2);
    let p1 = chains
        .iter()
        .find(|c| c.key.partner_office.ends_with('1'))
        .unwrap();
    let p2 = chains
        .iter()
        .find(|c| c.key.partner_office.ends_with('2'))
        .unwrap();
    assert_eq!(p1.key.family, DocumentFamily::Schedule);
    assert_eq!(p1.versions.len(), 2);
    assert!(p1.versions[1].is_newest && !p1.versions[0].is_newest);
    assert_eq!(p1.versions[1].serial, "20250528090000");
    assert!(p1.versions[1].imported.is_some());
    assert_eq!(p1.versions[1].replaced[0].0, "訪問回数の変更");
    assert_eq!(p1.versions[1].corrected, vec![4]);
    assert_eq!(
        p1.versions[0].storage_place.as_ref().unwrap().0,
        "\\\\server\\ケアプラン\\2025\\06"
    );
    assert_eq!(p1.flag_ja(), None);
    // Partner 2 only got the 5/20 version; v1 to partner 1 at 10:00 vs partner 2 at 10:05
    // is the same version (same day) and would not flag on its own.
    assert_eq!(p2.flag_ja(), Some("相手先は旧版の可能性"));
    assert_eq!(
        p2.newer_version_sent_elsewhere.as_deref(),
        Some("20250528090000")
    );
    assert_eq!(version_chains(b.0.entries()).len(), 2);
}

#[test]
fn same_day_exports_to_several_partners_are_one_version() {
    let mut b = Book(DeviceChain::new(OURS, DeviceId::from_random([7; 16])), 0);
    b.add(sent("20250520100000", 1, 6));
    b.add(sent("20250520100500", 2, 6));
    assert!(version_chains(b.0.entries())
        .iter()
        .all(|c| c.flag_ja().is_none()));
}

#[test]
fn retention_counts_from_completion_and_never_deletes() {
    let mut b = month_book();
    let before = b.0.len();
    b.1 += 45 * 86_400_000; // recorded in mid-July, after the completion
    b.add(EntryDraft::new(
        "佐々木",
        Subject {
            clients: vec![client()],
            service_month: YearMonth::new(2025, 6),
            ..Subject::default()
        },
        Details::Completion {
            completed_on: CivilDate::new(2025, 7, 10).unwrap(),
        },
    ));
    let today = CivilDate::new(2027, 7, 10).unwrap();
    let recs = retention_records(b.0.entries(), 2, today);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].retention_end, CivilDate::new(2027, 7, 10));
    assert!(
        !recs[0].past_retention,
        "the last day is still within retention"
    );
    let past = past_retention(b.0.entries(), 2, today.add_days(1));
    assert_eq!(past.len(), 1);
    assert!(past_retention(b.0.entries(), 5, today.add_days(1)).is_empty());
    assert_eq!(b.0.len(), before + 1);
}

#[test]
fn search_is_tolerant_of_spaces_and_width() {
    let b = month_book();
    let idx = SearchIndex::build(b.0.entries());
    let all = |f: EntryFilter| idx.filter(b.0.entries(), &f);
    let by_name = all(EntryFilter {
        client_name: "山田　花子".into(),
        ..Default::default()
    });
    assert_eq!(by_name.len(), 5);
    assert_eq!(
        all(EntryFilter {
            text: "山田花子".into(),
            ..Default::default()
        }),
        by_name
    );
    assert_eq!(
        all(EntryFilter {
            insured_number: "１２３４５６７".into(),
            ..Default::default()
        }),
        by_name
    );
    assert_eq!(
        all(EntryFilter {
            partner: "1300000502".into(),
            ..Default::default()
        })
        .len(),
        1
    );
    assert_eq!(
        all(EntryFilter {
            file_name: "upplan_202506".into(),
            ..Default::default()
        })
        .len(),
        6
    );
    assert_eq!(
        all(EntryFilter {
            month: YearMonth::new(2025, 6),
            ..Default::default()
        })
        .len(),
        5
    );
    assert!(all(EntryFilter {
        month: YearMonth::new(2025, 7),
        ..Default::default()
    })
    .is_empty());
    assert_eq!(
        all(EntryFilter {
            kinds: vec![Kind::Sent],
            ..Default::default()
        })
        .len(),
        3
    );
    assert_eq!(
        all(EntryFilter {
            text: "訪問回数".into(),
            ..Default::default()
        })
        .len(),
        1
    );
    let clients = careplan_ledger::ledger::query::clients(b.0.entries());
    assert_eq!(clients.len(), 1);
    assert_eq!(clients[0].name, "山田 花子");
}

#[test]
fn inspection_sheet_and_csv_carry_what_the_inspector_asks() {
    let b = month_book();
    let now = Timestamp::parse_rfc3339("2025-06-10T01:00:00.000Z").unwrap();
    let june = YearMonth::new(2025, 6).unwrap();
    let sheet =
        inspection_sheet(&office(&b), &client().key(), june, june, "さくら居宅", now).unwrap();
    assert_eq!(sheet.partners.len(), 2);
    assert!(sheet.partners.iter().all(|p| p.schedules.len() == 1));
    // The consent and the 第6表控 name June, not a plan: they belong to June's 利用票.
    let june_records = &sheet.months[&june];
    assert_eq!(june_records.consents.len(), 1);
    assert_eq!(june_records.consents[0].method, ConsentMethod::Electronic);
    assert_eq!(june_records.deliveries.len(), 1);
    assert_eq!(sheet.notes.len(), 1, "the correction of a version entry");
    assert_eq!(sheet.latest_checkpoint.as_ref().unwrap().entry_count, 9);
    assert!(sheet
        .chain_status
        .contains("書き換えは見つかりませんでした"));
    assert_eq!(sheet.device_count, 1);

    let csv = inspection_csv(&sheet);
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(
        text.contains("2025年5月28日 09:00作成"),
        "versions as the time they were made"
    );
    assert!(!text.contains(",20250528090000"), "not as a raw 連番");
    assert!(text.contains("相手先は旧版の可能性"));
    assert!(text.contains("電磁的方法"));
    assert!(
        text.contains("'=ひまわり1"),
        "formula-looking names are neutralised"
    );
    assert!(!text.contains(",=ひまわり"));
    assert!(text.contains("令和7年5月29日(木)"), "dates in 和暦");
    for line in text.split("\r\n") {
        assert!(!line.contains('\n'), "CRLF only");
    }

    let list = entries_csv(&office(&b), b.0.entries());
    assert_eq!(String::from_utf8_lossy(&list).matches("\r\n").count(), 11);

    assert!(inspection_sheet(
        &office(&b),
        &ClientKey {
            insurer_number: "000000".into(),
            insured_number: "0".into()
        },
        june,
        june,
        "",
        now
    )
    .is_none());
}

/// A client named in one file only (another reading, another name).
fn sent_to_client(b: &mut Book, name: &str, kana: Option<&str>, insured: &str) {
    let mut d = sent("20250601100000", 1, 7);
    d.subject.clients = vec![Client {
        insurer_number: "131001".into(),
        insured_number: insured.into(),
        name: name.into(),
        kana: kana.map(str::to_string),
        plan_date: None,
    }];
    b.add(d);
}

#[test]
fn clients_are_listed_in_gojuon_order_and_found_by_kana() {
    let mut b = month_book();
    sent_to_client(&mut b, "渡辺 清", Some("ワタナベ キヨシ"), "0000000001");
    sent_to_client(&mut b, "馬場 和子", Some("ババ カズコ"), "0000000002");
    sent_to_client(&mut b, "阿部 茂", Some("アベ シゲル"), "0000000003");
    sent_to_client(&mut b, "名前だけ 太郎", None, "0000000004");
    let names: Vec<String> = query::clients(b.0.entries())
        .into_iter()
        .map(|c| c.name)
        .collect();
    // あ, は (ば before はま: voiced kana sort with their plain kana), や, わ, then no reading.
    assert_eq!(
        names,
        vec![
            "阿部 茂",
            "馬場 和子",
            "山田 花子",
            "渡辺 清",
            "名前だけ 太郎"
        ]
    );

    // The stored reading travels in the entry's JSON and back.
    let entry = b.0.entries().last().unwrap();
    let with_kana = &b.0.entries()[b.0.entries().len() - 2];
    assert!(with_kana.to_json().contains("\"kana\":\"アベ シゲル\""));
    assert!(!entry.to_json().contains("kana"), "left out when unknown");

    let idx = SearchIndex::build(b.0.entries());
    for typed in ["あべ", "アベ", "ｱﾍﾞ", "しげる"] {
        let found = idx.filter(
            b.0.entries(),
            &EntryFilter {
                text: typed.into(),
                ..EntryFilter::default()
            },
        );
        assert_eq!(found.len(), 1, "{typed}");
        assert_eq!(b.0.entries()[found[0]].subject.clients[0].name, "阿部 茂");
    }
}
