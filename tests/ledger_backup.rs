//! The backup file: round trip, refusal of tampered backups with the first bad seq, hostile
//! input, and the property that ANY one-byte change of an exported backup is detected.

use careplan_ledger::jpdate::Timestamp;
use careplan_ledger::ledger::sample::{sample_ledger, SAMPLE_OFFICE};
use careplan_ledger::ledger::*;
use serde_json::{json, Map, Value};

fn settings() -> Map<String, Value> {
    let v = json!({
        "office_number": SAMPLE_OFFICE,
        "office_name": "さくら居宅介護支援事業所",
        "staff": ["佐々木", "木村", "事務 井上"],
        "retention_years": 2,
    });
    v.as_object().unwrap().clone()
}

fn export(entries: &[Entry], files: &[StoredFile], branches: &[KeptBranch]) -> String {
    write_backup(&BackupInput {
        app_version: "0.1.0",
        office_number: SAMPLE_OFFICE,
        created_at: Timestamp::parse_rfc3339("2025-05-31T09:00:00.000Z").unwrap(),
        entries,
        branches,
        files,
        settings: &settings(),
    })
    .unwrap()
}

#[test]
fn round_trip_keeps_everything() {
    let (entries, files) = sample_ledger(120, 8, 3, true);
    let mut with_dupes = files.clone();
    with_dupes.extend(files.iter().take(5).cloned());
    let text = export(&entries, &with_dupes, &[]);
    let backup = read_backup(&text).unwrap();
    assert_eq!(backup.entries, entries);
    assert_eq!(backup.header.entry_count, 120);
    assert_eq!(backup.header.head_hash, entries.last().unwrap().hash);
    assert_eq!(backup.header.office_number, SAMPLE_OFFICE);
    assert_eq!(backup.files.len(), files.len(), "deduplicated by SHA-256");
    for f in &files {
        assert!(backup.files.iter().any(|g| g == f));
    }
    assert_eq!(backup.settings, settings());
    // Writing the read backup again gives the same bytes.
    assert_eq!(export(&backup.entries, &backup.files, &[]), text);
}

#[test]
fn tampered_entry_is_refused_with_its_seq() {
    let (entries, _) = sample_ledger(30, 4, 2, false);
    let text = export(&entries, &[], &[]);
    let target = "\"seq\":17,";
    let line = text.lines().find(|l| l.contains(target)).unwrap();
    let changed = line
        .replacen("佐々木", "木村", 1)
        .replacen("事務 井上", "木村", 1);
    let changed = if changed == line {
        line.replacen("木村", "佐々木", 1)
    } else {
        changed
    };
    let tampered = text.replacen(line, &changed, 1);
    let err = read_backup(&tampered).unwrap_err();
    assert!(
        matches!(err, BackupError::Tampered { seq: 17, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("記録17"), "{err}");
}

#[test]
fn header_settings_and_files_are_sealed_too() {
    let (entries, files) = sample_ledger(10, 2, 2, true);
    let text = export(&entries, &files, &[]);
    let t2 = text.replacen("\"retention_years\":2", "\"retention_years\":5", 1);
    assert_ne!(t2, text);
    assert_eq!(read_backup(&t2).unwrap_err(), BackupError::DigestMismatch);
    let t3 = text.replacen("\"app_version\":\"0.1.0\"", "\"app_version\":\"0.1.1\"", 1);
    assert_eq!(read_backup(&t3).unwrap_err(), BackupError::DigestMismatch);
    let t4 = text.replacen("\"entry_count\":10", "\"entry_count\":9", 1);
    assert!(matches!(
        read_backup(&t4).unwrap_err(),
        BackupError::HeaderMismatch(_)
    ));
}

#[test]
fn hostile_input_never_panics() {
    for text in [
        "",
        "null",
        "[]",
        "{}",
        "{\"header\":1}",
        "\u{feff}{}",
        "{\"header\":{\"format\":\"x\"}}",
        "{\"header\":{\"format\":\"careplan-ledger-backup\",\"format_version\":2}}",
        "{\"header\":{\"format\":\"careplan-ledger-backup\",\"format_version\":1}}",
        &"[".repeat(100_000),
        "{\"a\":1.5}",
    ] {
        let err = read_backup(text).unwrap_err();
        assert!(!err.to_string().is_empty());
    }
    assert_eq!(read_backup("{}").unwrap_err(), BackupError::NotABackup);
    assert_eq!(
        read_backup("{\"header\":{\"format\":\"careplan-ledger-backup\",\"format_version\":2}}")
            .unwrap_err(),
        BackupError::UnsupportedVersion(2)
    );
}

/// Detection means: a parse or verification error, or (if accepted) exactly the same content
/// as the original. A changed byte is never accepted as different content.
fn assert_detected(original: &Backup, text: &[u8], pos: usize) {
    // The page decodes the file like a browser's TextDecoder: invalid UTF-8 becomes U+FFFD.
    let s = String::from_utf8_lossy(text);
    match read_backup(&s) {
        Err(_) => {}
        Ok(b) => assert_eq!(
            &b,
            original,
            "byte {pos} changed ({:?}) and the backup was accepted with different content",
            &s[pos.saturating_sub(20)..(pos + 20).min(s.len())]
        ),
    }
}

#[test]
fn any_one_byte_change_is_detected() {
    let (entries, files) = sample_ledger(3, 2, 2, true);
    // One kept branch too, so its bytes are covered as well.
    let (other, _) = sample_ledger(6, 3, 3, false);
    let branch = KeptBranch {
        base_entry_count: 0,
        base_hash: careplan_ledger::ledger::chain::GENESIS_PREV_HASH.into(),
        kept_at: Timestamp::parse_rfc3339("2025-05-31T09:00:00.000Z").unwrap(),
        entries: other[..1].to_vec(),
    };
    let text = export(&entries, &files[..1], &[branch]);
    let original = read_backup(&text).unwrap();
    let bytes = text.as_bytes();
    println!("exhaustive over {} bytes", bytes.len());
    let mut accepted_unchanged = 0;
    for pos in 0..bytes.len() {
        // Every single-bit flip, plus four bytes that mean something in JSON, rotating
        // through the list so every one of them lands on many positions.
        const MEANINGFUL: &[u8] = b" \t\r\n\"\\0123456789abcdefABCDEF{}[],:-.eE+/uUnt";
        let mut candidates: Vec<u8> = (0..8).map(|b| bytes[pos] ^ (1 << b)).collect();
        candidates.extend((0..4).map(|k| MEANINGFUL[(pos * 4 + k) % MEANINGFUL.len()]));
        candidates.sort_unstable();
        candidates.dedup();
        for c in candidates {
            if c == bytes[pos] {
                continue;
            }
            let mut changed = bytes.to_vec();
            changed[pos] = c;
            if read_backup(&String::from_utf8_lossy(&changed)).is_ok() {
                accepted_unchanged += 1;
            }
            assert_detected(&original, &changed, pos);
        }
    }
    // Only changes of insignificant whitespace may be accepted (with identical content).
    println!("accepted with identical content (whitespace only): {accepted_unchanged}");
}
