//! Benchmark of the ledger core on a generated ledger of 100,000 entries:
//! open + verify, filter by user, export, import. Run with
//! `cargo run --release --example bench_ledger` (native; the page runs the same code as wasm,
//! typically 1.5–3× slower).

use careplan_ledger::jpdate::Timestamp;
use careplan_ledger::ledger::merge::MainOutcome;
use careplan_ledger::ledger::sample::{sample_client, sample_ledger, SAMPLE_OFFICE};
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
    let t = Instant::now();
    let (entries, _) = sample_ledger(n, 400, 25, false);
    report(
        &format!("generate {n} entries (seal)"),
        t.elapsed().as_secs_f64() * 1e3,
        None,
    );

    // What the IndexedDB store hands over: one JSON text per entry.
    let stored: Vec<String> = entries.iter().map(Entry::to_json).collect();
    let bytes: usize = stored.iter().map(String::len).sum();
    println!(
        "stored size                      {:>9.1} MB",
        bytes as f64 / 1e6
    );

    let t = Instant::now();
    let parsed: Vec<Entry> = stored
        .iter()
        .map(|s| Entry::from_json(s).unwrap())
        .collect();
    let ledger = Ledger::open(parsed).expect("valid chain");
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    report("open (parse) + verify", open_ms, Some(2000.0));
    let t = Instant::now();
    let v = verify(ledger.entries());
    report(
        "  of which verify alone",
        t.elapsed().as_secs_f64() * 1e3,
        None,
    );
    assert!(v.is_ok());

    let t = Instant::now();
    let index = SearchIndex::build(ledger.entries());
    report(
        "build search index (once)",
        t.elapsed().as_secs_f64() * 1e3,
        None,
    );
    let t = Instant::now();
    let hits = index.filter(
        ledger.entries(),
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
        ledger.entries(),
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
    let chains = version_chains_for_client(ledger.entries(), &sample_client(7).key());
    report(
        &format!("version view of one user ({} chains)", chains.len()),
        t.elapsed().as_secs_f64() * 1e3,
        None,
    );

    let t = Instant::now();
    let text = write_backup(&BackupInput {
        app_version: env!("CARGO_PKG_VERSION"),
        office_number: SAMPLE_OFFICE,
        created_at: Timestamp::parse_rfc3339("2025-06-01T00:00:00.000Z").unwrap(),
        entries: ledger.entries(),
        branches: &[],
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
    let plan = plan_restore(&[], &[], &backup, Some(SAMPLE_OFFICE), Timestamp(0));
    let mut restored = Ledger::new();
    if let MainOutcome::Append { entries } = &plan.main {
        restored.extend_verified(entries).unwrap();
    }
    report(
        "import backup (verify + restore)",
        t.elapsed().as_secs_f64() * 1e3,
        None,
    );
    assert_eq!(restored.head(), ledger.head());
}
