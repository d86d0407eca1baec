//! Writes backups that test a restore's limits, for the end-to-end tests of issue 18 (the
//! page never freezes, dishonest times are shown) and for trying them by hand:
//!
//! `cargo run --release --example write_large_backup -- OUT_DIR [megabytes] [entries]`
//!
//! - `OUT_DIR/large-backup.json`: a valid format-2 backup of about `megabytes` MB (default
//!   200): `entries` entries (default 50,000) over two devices, and file bytes (1 MiB each)
//!   making up the rest, as an office that kept its files for years would have.
//! - `OUT_DIR/time-doubts-backup.json`: a small valid backup whose device chain has an entry
//!   recorded in 2099 and, after it, one recorded earlier than the one before (a PC clock set
//!   wrong, or a forged backup): it restores, with the doubt shown.

use careplan_ledger::jpdate::Timestamp;
use careplan_ledger::ledger::sample::{sample_device_chain, SAMPLE_OFFICE};
use careplan_ledger::ledger::{
    write_backup, BackupInput, Details, EntryDraft, OfficeLedger, OfficeSettings, StoredFile,
    Subject,
};
use std::path::{Path, PathBuf};

const MIB: usize = 1024 * 1024;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = PathBuf::from(args.first().expect("usage: OUT_DIR [megabytes] [entries]"));
    let megabytes: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    let entries: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(50_000);
    std::fs::create_dir_all(&out).expect("create OUT_DIR");
    let size = write_large(&out, megabytes, entries);
    println!("large-backup.json: {size} bytes, {entries} entries");
    write_time_doubts(&out);
}

fn settings() -> serde_json::Map<String, serde_json::Value> {
    OfficeSettings {
        office_number: SAMPLE_OFFICE.into(),
        office_name: "さくら居宅介護支援事業所".into(),
        staff: vec!["佐々木".into(), "木村".into(), "事務 井上".into()],
        ..OfficeSettings::default()
    }
    .to_map()
}

fn created_at() -> Timestamp {
    Timestamp::parse_rfc3339("2025-06-01T00:00:00.000Z").expect("valid")
}

fn write_large(out: &Path, megabytes: usize, entries: usize) -> usize {
    let mut office = OfficeLedger::new(SAMPLE_OFFICE);
    for no in 1..=2 {
        let (chain, _) = sample_device_chain(no, entries / 2, 400, 25, false);
        office.add_chain(chain).expect("same office");
    }
    let without_files = backup_text(&office, &[]).len();
    // Base64 makes 4 characters of 3 bytes.
    let room = (megabytes * 1_000_000).saturating_sub(without_files) / 4 * 3;
    let files: Vec<StoredFile> = (0..room / MIB)
        .map(|i| StoredFile::new(file_bytes(i)))
        .collect();
    let text = backup_text(&office, &files);
    std::fs::write(out.join("large-backup.json"), &text).expect("write the backup");
    text.len()
}

/// A file of 1 MiB, different for each `i` (the bytes of a CSV need not be a CSV here).
fn file_bytes(i: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ i as u64;
    (0..MIB)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            b"0123456789,ABCDEF\r\n"[(state >> 59) as usize % 19]
        })
        .collect()
}

fn backup_text(office: &OfficeLedger, files: &[StoredFile]) -> String {
    write_backup(&BackupInput {
        app_version: env!("CARGO_PKG_VERSION"),
        created_at: created_at(),
        ledger: office,
        files,
        settings: &settings(),
    })
    .expect("a verified ledger")
}

fn write_time_doubts(out: &Path) {
    let (mut chain, _) = sample_device_chain(1, 6, 5, 2, false);
    let memo = |text: &str| {
        EntryDraft::new(
            "木村",
            Subject::default(),
            Details::Memo { text: text.into() },
        )
    };
    for (text, at) in [
        ("未来の日付の記録", "2099-01-01T01:00:00.000Z"),
        ("時刻が戻った記録", "2025-01-02T01:00:00.000Z"),
    ] {
        let head = chain.head().hash;
        let at = Timestamp::parse_rfc3339(at).expect("valid");
        chain.append(memo(text), &head, at).expect("a valid memo");
    }
    let mut office = OfficeLedger::new(SAMPLE_OFFICE);
    office.add_chain(chain).expect("same office");
    std::fs::write(
        out.join("time-doubts-backup.json"),
        backup_text(&office, &[]),
    )
    .expect("write the backup");
}
