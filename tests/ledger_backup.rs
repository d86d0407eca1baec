//! The backup file (format 2): round trip, refusal of tampered backups with the first bad seq,
//! hostile input, the property that ANY one-byte change of an exported backup is detected, and
//! format-1 backups written by the one-chain ledger still restoring, migrated.

use careplan_ledger::jpdate::Timestamp;
use careplan_ledger::ledger::backup::v1::{write_v1, V1Input};
use careplan_ledger::ledger::sample::{sample_device_chain, sample_ledger, SAMPLE_OFFICE};
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

fn export(ledger: &OfficeLedger, files: &[StoredFile]) -> String {
    write_backup(&BackupInput {
        app_version: "0.1.0",
        created_at: Timestamp::parse_rfc3339("2025-05-31T09:00:00.000Z").unwrap(),
        ledger,
        files,
        settings: &settings(),
    })
    .unwrap()
}

/// An office ledger of sample devices 1..=devices with `n` entries each, and their files.
fn office(devices: u8, n: usize, with_files: bool) -> (OfficeLedger, Vec<StoredFile>) {
    let mut ledger = OfficeLedger::new(SAMPLE_OFFICE);
    let mut files = Vec::new();
    for no in 1..=devices {
        let (chain, f) = sample_device_chain(no, n, 8, 3, with_files);
        ledger.add_chain(chain).unwrap();
        files.extend(f);
    }
    (ledger, files)
}

#[test]
fn round_trip_keeps_everything() {
    let (ledger, files) = office(2, 60, true);
    let mut with_dupes = files.clone();
    with_dupes.extend(files.iter().take(5).cloned());
    let text = export(&ledger, &with_dupes);
    let backup = read_backup(&text).unwrap();
    assert_eq!(backup.ledger, ledger);
    assert_eq!(backup.header.entry_count, 120);
    assert_eq!(backup.header.device_count, 2);
    assert_eq!(
        backup.header.checkpoint_root,
        OfficeCheckpoint::of(&ledger, backup.header.created_at).root
    );
    assert_eq!(backup.header.office_number, SAMPLE_OFFICE);
    assert_eq!(backup.files.len(), files.len(), "deduplicated by SHA-256");
    for f in &files {
        assert!(backup.files.iter().any(|g| g == f));
    }
    assert_eq!(backup.settings, settings());
    // Writing the read backup again gives the same bytes.
    let mut unique = files.clone();
    unique.sort_by(|a, b| a.sha256.cmp(&b.sha256));
    unique.dedup();
    assert_eq!(backup.files, unique);
    assert_eq!(export(&backup.ledger, &backup.files), text);
}

#[test]
fn tampered_entry_is_refused_with_its_seq() {
    let (ledger, _) = office(1, 30, false);
    let text = export(&ledger, &[]);
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
    let (ledger, files) = office(1, 10, true);
    let text = export(&ledger, &files);
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
        "{\"header\":{\"format\":\"careplan-ledger-backup\",\"format_version\":3}}",
        &"[".repeat(100_000),
        "{\"a\":1.5}",
    ] {
        let err = read_backup(text).unwrap_err();
        assert!(!err.to_string().is_empty());
    }
    assert_eq!(read_backup("{}").unwrap_err(), BackupError::NotABackup);
    assert_eq!(
        read_backup("{\"header\":{\"format\":\"careplan-ledger-backup\",\"format_version\":3}}")
            .unwrap_err(),
        BackupError::UnsupportedVersion(3)
    );
}

/// Detection means: a parse or verification error, or (if accepted) exactly the same content
/// as the original. A changed byte is never accepted as different content.
fn assert_detected(original: &Backup, text: &[u8], pos: usize) {
    // The page decodes the file like a browser's TextDecoder: invalid UTF-8 becomes U+FFFD.
    let s = String::from_utf8_lossy(text);
    // The fast reading decides nothing the strict one would decide otherwise.
    assert_eq!(
        read_backup(&s),
        careplan_ledger::ledger::backup::read_backup_strictly(&s),
        "byte {pos}"
    );
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
    // Two devices, one of them with a kept conflict, so every part's bytes are covered.
    let (mut ledger, files) = office(2, 2, true);
    let (a, _) = sample_device_chain(1, 2, 3, 3, false);
    let mut other = DeviceChain::new(SAMPLE_OFFICE, a.device().clone());
    other.extend_verified(&a.entries()[..1]).unwrap();
    let head = other.head().hash;
    other
        .append(
            EntryDraft::new(
                "木村",
                Subject::default(),
                Details::Memo { text: "別".into() },
            ),
            &head,
            Timestamp::parse_rfc3339("2025-05-31T09:00:00.000Z").unwrap(),
        )
        .unwrap();
    assert!(matches!(
        ledger.add_chain(other).unwrap(),
        ChainMerge::ConflictKept { .. }
    ));
    let text = export(&ledger, &files[..1]);
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

/// A backup written by the one-chain ledger (format 1, with a kept branch) restores as an
/// office ledger: the chain unchanged as a legacy device chain, the branch as another PC's.
#[test]
fn format_1_backups_restore_migrated() {
    let (entries, files) = sample_ledger(40, 4, 2, true);
    let (other, _) = sample_ledger(6, 3, 3, false);
    let text = write_v1(&V1Input {
        app_version: "0.1.0",
        office_number: SAMPLE_OFFICE,
        created_at: Timestamp::parse_rfc3339("2025-05-31T09:00:00.000Z").unwrap(),
        entries: &entries,
        branches: &[KeptBranch {
            base_entry_count: 0,
            base_hash: careplan_ledger::ledger::chain::GENESIS_PREV_HASH.into(),
            kept_at: Timestamp::parse_rfc3339("2025-05-31T09:00:00.000Z").unwrap(),
            entries: other[..3].to_vec(),
        }],
        files: &files,
        settings: &settings(),
    })
    .unwrap();
    let backup = read_backup(&text).unwrap();
    assert_eq!(backup.header.format_version, 1);
    let main = backup
        .ledger
        .chain(&DeviceId::legacy_of(&entries[0].hash))
        .expect("the main chain is a legacy device chain");
    assert_eq!(main.origin(), ChainOrigin::Legacy);
    let hashes: Vec<&str> = main.entries().iter().map(|e| e.hash.as_str()).collect();
    let old: Vec<&str> = entries.iter().map(|e| e.hash.as_str()).collect();
    assert_eq!(hashes, old, "unchanged, entry for entry");
    assert_eq!(
        backup.ledger.device_count(),
        2,
        "the branch is another PC's chain"
    );
    assert_eq!(backup.ledger.entry_count(), 43);
    // Written again as format 2 and read back: the same office ledger.
    let again = read_backup(&export(&backup.ledger, &backup.files)).unwrap();
    assert_eq!(again.ledger, backup.ledger);
}
