//! Issue 15's entries in the chain and the backup: 送受信一覧, 添付 (with their bytes), 更新・
//! 期限 and 更新済み seal, verify, export and restore like every other entry; a backup the
//! previous code wrote (the worked example of `docs/backup-format.md` §8) still restores and
//! its device chain continues with the new kinds; and the inspection sheet lists the
//! client's 添付 and the month's 送受信一覧.

use careplan_ledger::fingerprint::sha256_hex;
use careplan_ledger::jpdate::{CivilDate, Timestamp, YearMonth};
use careplan_ledger::ledger::attachments::{attachment_draft, AttachAs};
use careplan_ledger::ledger::backup::read_backup_strictly;
use careplan_ledger::ledger::inspection_rows::sheet_text;
use careplan_ledger::ledger::renewals::{
    done_draft, item_draft, renewal_reminders, renewal_states,
};
use careplan_ledger::ledger::*;

fn t(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

/// The §8 worked example, as the previous code wrote it (pinned there by `worked_example_v2`).
fn worked_example() -> String {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/backup-format.md"
    ))
    .unwrap();
    let section = doc.split("## 8. Worked example").nth(1).unwrap();
    let json = section.split("```json\n").nth(1).unwrap();
    json.split("\n```").next().unwrap().to_string() + "\n"
}

/// A PDF-looking file of `size` bytes (its start says PDF; the rest varies so it is not
/// compressible into something trivial).
fn pdf(size: usize, seed: u8) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n".to_vec();
    let mut x = u32::from(seed) | 1;
    while b.len() < size {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b.push(x as u8);
    }
    b
}

fn file_ref(name: &str, bytes: &[u8]) -> FileRef {
    FileRef {
        name: name.into(),
        size: bytes.len() as u64,
        sha256: sha256_hex(bytes),
    }
}

#[test]
fn an_old_backup_restores_and_its_chain_continues_with_attachments_and_renewals() {
    let old_text = worked_example();
    let old = read_backup(&old_text).unwrap();
    assert_eq!(old.header.entry_count, 2);
    let device = DeviceId::parse("11111111111111111111111111111111").unwrap();
    let mut chain = old.ledger.chain(&device).unwrap().clone();
    let old_lines: Vec<String> = chain.entries().iter().map(Entry::to_json).collect();
    let sent = chain.entries()[1].clone();

    // 差替 of the sent file, with the 担当者会議 minutes (3 MB) attached to it.
    let h = chain.head().hash;
    chain
        .append(
            EntryDraft::new(
                "佐々木",
                sent.subject.clone(),
                Details::Replaced {
                    reason: "担当者会議で時間を変更".into(),
                    replaces_seq: Some(2),
                    replaces_device: None,
                },
            ),
            &h,
            t("2025-05-22T01:00:00.000Z"),
        )
        .unwrap();
    let replaced = chain.entries()[2].clone();
    let minutes = pdf(3 * 1024 * 1024, 7);
    let entries = chain.entries().to_vec();
    let h = chain.head().hash;
    chain
        .append(
            attachment_draft(
                "佐々木",
                file_ref("担当者会議録_0521.pdf", &minutes),
                &AttachAs::ToEntry(replaced.id()),
                Some("差替の理由となった会議録".into()),
                &entries,
                Some(&device),
            ),
            &h,
            t("2025-05-22T01:05:00.000Z"),
        )
        .unwrap();
    // May's 送受信一覧, on 6月10日.
    let list = pdf(2 * 1024 * 1024 + 5, 9);
    let entries = chain.entries().to_vec();
    let h = chain.head().hash;
    chain
        .append(
            attachment_draft(
                "木村",
                file_ref("送受信一覧_2025年5月.pdf", &list),
                &AttachAs::SendList(YearMonth::new(2025, 5).unwrap()),
                None,
                &entries,
                Some(&device),
            ),
            &h,
            t("2025-06-10T00:30:00.000Z"),
        )
        .unwrap();
    // A licence due 2025-07-01, and its renewal on 6月25日.
    let h = chain.head().hash;
    chain
        .append(
            item_draft(
                "木村",
                "licence-1".into(),
                RenewalWhat::Licence,
                "佐々木",
                CivilDate::new(2025, 7, 1).unwrap(),
                RenewalFacts {
                    office_number: Some("1310000001".into()),
                    amount_yen: Some(21_000),
                    ..RenewalFacts::default()
                },
            ),
            &h,
            t("2025-06-11T00:00:00.000Z"),
        )
        .unwrap();
    let h = chain.head().hash;
    chain
        .append(
            done_draft(
                "佐々木",
                "licence-1",
                CivilDate::new(2025, 6, 25).unwrap(),
                CivilDate::new(2026, 7, 1).unwrap(),
                None,
                None,
            ),
            &h,
            t("2025-06-25T02:00:00.000Z"),
        )
        .unwrap();

    let mut ledger = OfficeLedger::new("1310000001");
    ledger.add_chain(chain.clone()).unwrap();
    let mut files = old.files.clone();
    for bytes in [&minutes, &list] {
        files.push(StoredFile {
            sha256: sha256_hex(bytes),
            bytes: bytes.to_vec(),
        });
    }
    let text = write_backup(&BackupInput {
        app_version: "0.1.0",
        created_at: t("2025-06-30T09:00:00.000Z"),
        ledger: &ledger,
        files: &files,
        settings: &old.settings,
    })
    .unwrap();
    // The fast reader and the strict reader give the same backup.
    let back = read_backup(&text).unwrap();
    assert_eq!(back, read_backup_strictly(&text).unwrap());
    assert_eq!(back.ledger, ledger);
    let back_chain = back.ledger.chain(&device).unwrap();
    assert_eq!(back_chain.len(), 7);
    // The old entries are byte for byte what the previous code wrote.
    for (i, line) in old_lines.iter().enumerate() {
        assert_eq!(&back_chain.entries()[i].to_json(), line);
    }
    // The attached bytes come back identical, checked by their SHA-256.
    for bytes in [&minutes, &list] {
        let f = back
            .files
            .iter()
            .find(|f| f.sha256 == sha256_hex(bytes))
            .unwrap();
        assert_eq!(&f.bytes, bytes);
    }
    // One changed byte in an attachment's bytes is refused.
    let b64_start = text.find("\"base64\":\"JVBER").unwrap() + 20;
    let mut tampered = text.clone().into_bytes();
    tampered[b64_start] = if tampered[b64_start] == b'A' {
        b'B'
    } else {
        b'A'
    };
    assert!(read_backup(std::str::from_utf8(&tampered).unwrap()).is_err());

    // The renewal is handled: no reminder; before it, a reminder 20 days ahead.
    let entries = back.ledger.entries_in_time_order();
    let states = renewal_states(&entries);
    assert_eq!(states[0].done[0].actor, "佐々木");
    assert!(renewal_reminders(&states, CivilDate::new(2025, 6, 26).unwrap()).is_empty());
    let before: Vec<Entry> = entries
        .iter()
        .filter(|e| e.kind() != Kind::RenewalDone)
        .cloned()
        .collect();
    let before_states = renewal_states(&before);
    let reminded = renewal_reminders(&before_states, CivilDate::new(2025, 6, 11).unwrap());
    assert!(
        reminded[0]
            .1
            .contains("令和7年7月1日(火)が期限です(あと20日)"),
        "{}",
        reminded[0].1
    );

    // The inspection sheet of the client and May lists the minutes and May's list.
    let client = sent.subject.clients[0].key();
    let may = YearMonth::new(2025, 6).unwrap();
    let sheet = inspection_sheet(
        &back.ledger,
        &client,
        YearMonth::new(2025, 5).unwrap(),
        may,
        "さくら",
        t("2025-06-30T09:00:00.000Z"),
    )
    .unwrap();
    let what: Vec<&str> = sheet.attachments.iter().map(|a| a.what.as_str()).collect();
    assert_eq!(what, vec!["差替の添付", "送受信一覧 令和7年5月"]);
    let text = sheet_text(&sheet);
    let part = text
        .parts
        .iter()
        .find(|p| p.heading.contains("添付書類・送受信一覧"))
        .unwrap();
    assert_eq!(part.tables[0].rows[0][1], "担当者会議録_0521.pdf");
    assert!(text
        .appendix
        .rows
        .iter()
        .any(|r| r[3] == sha256_hex(&minutes)));
}
