//! Benchmark of the ledger core on a generated office ledger of 100,000 entries (5 devices ×
//! 20,000): open (parse + assemble + verify every chain), filter by user, export, import into
//! an empty ledger, and a merge that finds nothing new (what a sync costs). Run with
//! `cargo run --release --example bench_ledger [entries] [devices]` (native; the page runs the
//! same code as wasm, typically 1.5–3× slower).

use careplan_ledger::jpdate::Timestamp;
use careplan_ledger::ledger::sample::{sample_client, sample_device_chain, SAMPLE_OFFICE};
use careplan_ledger::ledger::*;
use std::time::Instant;

fn report(name: &str, ms: f64, goal_ms: Option<f64>) {
    match goal_ms {
        Some(g) => println!(
            "{name:<32} {ms:>9.1} ms   (goal ≤ {g:.0} ms: {})",
            if ms <= g { "OK" } else { "MISSED" }
        ),
        None => println!("{name:<32} {ms:>9.1} ms"),
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let devices: u8 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let t = Instant::now();
    let mut office = OfficeLedger::new(SAMPLE_OFFICE);
    for no in 1..=devices {
        let (chain, _) = sample_device_chain(no, n / devices as usize, 400, 25, false);
        office.add_chain(chain).unwrap();
    }
    report(
        &format!("generate {n} entries on {devices} devices (seal)"),
        t.elapsed().as_secs_f64() * 1e3,
        None,
    );

    // What the IndexedDB store hands over: one JSON text per entry, with its device.
    let stored: Vec<(DeviceId, String)> = office
        .all_entries()
        .into_iter()
        .map(|e| (e.device.clone(), e.to_json()))
        .collect();
    let bytes: usize = stored.iter().map(|(_, s)| s.len()).sum();
    println!(
        "stored size                      {:>9.1} MB",
        bytes as f64 / 1e6
    );

    let t = Instant::now();
    let parsed: Vec<Entry> = stored
        .iter()
        .map(|(d, s)| Entry::from_json(s, d).unwrap())
        .collect();
    let (opened, problems) = OfficeLedger::from_entries(SAMPLE_OFFICE, parsed);
    assert!(problems.is_empty());
    assert_eq!(opened, office);
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    report("open (parse + assemble + verify)", open_ms, Some(2000.0));
    let t = Instant::now();
    let union = opened.entries_in_time_order();
    report(
        "  union in time order",
        t.elapsed().as_secs_f64() * 1e3,
        None,
    );
    let mut synced = opened.clone();
    let t = Instant::now();
    let report_ = synced.merge(&office).unwrap();
    assert!(!report_.changed_anything());
    report(
        "merge that finds nothing new",
        t.elapsed().as_secs_f64() * 1e3,
        Some(100.0),
    );

    let t = Instant::now();
    let index = SearchIndex::build(&union);
    report(
        "build search index (once)",
        t.elapsed().as_secs_f64() * 1e3,
        None,
    );
    let t = Instant::now();
    let hits = index.filter(
        &union,
        &EntryFilter {
            client_name: sample_client(7).name.replace(' ', ""),
            ..Default::default()
        },
    );
    report(
        &format!("filter by user name ({} hits)", hits.len()),
        t.elapsed().as_secs_f64() * 1e3,
        Some(50.0),
    );
    let t = Instant::now();
    let hits = index.filter(
        &union,
        &EntryFilter {
            client: Some(sample_client(7).key()),
            ..Default::default()
        },
    );
    report(
        &format!("filter by client key ({} hits)", hits.len()),
        t.elapsed().as_secs_f64() * 1e3,
        Some(50.0),
    );
    let t = Instant::now();
    let chains = version_chains_for_client(&union, &sample_client(7).key());
    report(
        &format!("version view of one user ({} chains)", chains.len()),
        t.elapsed().as_secs_f64() * 1e3,
        None,
    );

    let t = Instant::now();
    let text = write_backup(&BackupInput {
        app_version: env!("CARGO_PKG_VERSION"),
        created_at: Timestamp::parse_rfc3339("2025-06-01T00:00:00.000Z").unwrap(),
        ledger: &office,
        files: &[],
        settings: &serde_json::Map::new(),
    })
    .unwrap();
    report(
        "export backup",
        t.elapsed().as_secs_f64() * 1e3,
        Some(3000.0),
    );
    println!(
        "backup size                      {:>9.1} MB",
        text.len() as f64 / 1e6
    );

    let t = Instant::now();
    let backup = read_backup(&text).unwrap();
    let mut restored = OfficeLedger::new(SAMPLE_OFFICE);
    restored.merge(&backup.ledger).unwrap();
    report(
        "import backup (verify + merge)",
        t.elapsed().as_secs_f64() * 1e3,
        Some(5000.0),
    );
    assert_eq!(restored, office);
}
