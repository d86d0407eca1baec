//! Writes the generated large 第6表 (the benchmarks' input) to a file, so the browser
//! benchmark and the responsiveness test check exactly what `bench_check` checks:
//! `cargo run --release --example write_large_upplan -- OUT_FILE [MEGABYTES]` (default 20).

use careplan_ledger::fixtures;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "large-UPPLAN.CSV".into());
    let mb: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    std::fs::write(&out, fixtures::large_upplan(mb * 1024 * 1024))
}
