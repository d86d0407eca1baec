//! Writes a generated office ledger, as the page would keep it, for benchmarks and for
//! checking independent verifiers:
//!
//! `cargo run --release --example write_office_backup -- OUT_DIR [devices] [entries_per_device] [--legacy]`
//!
//! - `OUT_DIR/office-backup.json`: a format-2 backup of every device chain (no file bytes);
//!   with `--legacy`, one more chain migrated from a format-1 ledger.
//! - `OUT_DIR/office-checkpoint.txt`: its office checkpoint text.
//! - `OUT_DIR/v1-store.json`: `{settings, entries}`, a one-chain ledger of 8 entries as the
//!   one-browser app stored it in IndexedDB (schema 1: settings JSON text, entry JSON texts),
//!   for tests that start from what the previous version left in a browser.
//! - `OUT_DIR/folder/証跡台帳/devices/<id>/…`: the same chains as an office folder
//!   (`device.json` and one chain segment per device), as each PC would have written them.

use careplan_ledger::jpdate::Timestamp;
use careplan_ledger::ledger::migration::migrate_v1;
use careplan_ledger::ledger::office_folder::{
    segment_text, DeviceFile, Segment, CHAIN_DIR, DEVICES_DIR, DEVICE_FILE, ROOT_DIR,
};
use careplan_ledger::ledger::sample::{sample_device_chain, sample_ledger, SAMPLE_OFFICE};
use careplan_ledger::ledger::{
    write_backup, BackupInput, OfficeCheckpoint, OfficeLedger, OfficeSettings,
};
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = PathBuf::from(
        args.first()
            .expect("usage: OUT_DIR [devices] [entries] [--legacy]"),
    );
    let devices: u8 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let per_device: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let legacy = args.iter().any(|a| a == "--legacy");

    let mut office = OfficeLedger::new(SAMPLE_OFFICE);
    for no in 1..=devices {
        let (chain, _) = sample_device_chain(no, per_device, 400, 25, false);
        office.add_chain(chain).expect("same office");
    }
    if legacy {
        let (old, _) = sample_ledger(per_device.min(1000), 40, 5, false);
        office
            .merge(&migrate_v1(SAMPLE_OFFICE, old, &[]).expect("a valid format-1 chain"))
            .expect("same office");
    }
    let settings = OfficeSettings {
        office_number: SAMPLE_OFFICE.into(),
        office_name: "さくら居宅介護支援事業所".into(),
        staff: vec!["佐々木".into(), "木村".into(), "事務 井上".into()],
        ..OfficeSettings::default()
    };
    let created_at = Timestamp::parse_rfc3339("2025-06-01T00:00:00.000Z").expect("valid");
    std::fs::create_dir_all(&out).expect("create OUT_DIR");
    let text = write_backup(&BackupInput {
        app_version: env!("CARGO_PKG_VERSION"),
        created_at,
        ledger: &office,
        files: &[],
        settings: &settings.to_map(),
    })
    .expect("a verified ledger");
    std::fs::write(out.join("office-backup.json"), &text).expect("write the backup");
    std::fs::write(
        out.join("office-checkpoint.txt"),
        OfficeCheckpoint::of(&office, created_at).to_text(),
    )
    .expect("write the checkpoint");

    let (old, _) = sample_ledger(8, 3, 2, false);
    let v1 = serde_json::json!({
        "settings": settings.to_json(),
        "entries": old.iter().map(|e| e.to_json()).collect::<Vec<_>>(),
    });
    std::fs::write(out.join("v1-store.json"), v1.to_string()).expect("write v1-store.json");

    let devices_dir = out.join("folder").join(ROOT_DIR).join(DEVICES_DIR);
    for chain in office.chains() {
        let dir = devices_dir.join(chain.device().as_str());
        std::fs::create_dir_all(dir.join(CHAIN_DIR)).expect("create the device folder");
        let head = chain.head();
        let segment = Segment {
            first: 1,
            last: head.entry_count,
        };
        std::fs::write(
            dir.join(CHAIN_DIR).join(segment.file_name()),
            segment_text(chain.entries()),
        )
        .expect("write the chain");
        let device_file = DeviceFile {
            device: chain.device(),
            name: &office.device_label(chain.device()),
            entry_count: head.entry_count,
            head_hash: &head.hash,
            updated_at: &created_at.to_rfc3339(),
            settings: &settings,
        };
        std::fs::write(dir.join(DEVICE_FILE), device_file.to_text()).expect("write device.json");
    }
    println!(
        "{} devices, {} entries: {} ({} MB)",
        office.device_count(),
        office.entry_count(),
        out.join("office-backup.json").display(),
        text.len() / 1_000_000
    );
}
