//! Benchmark (not a timed test): generates a 20 MB V4 第6表 予定 and prints MiB/s for
//! decode-only (`encoding_rs` of the whole file), parse-only (records and fields on raw
//! bytes) and the full check, with the ratios. Goal: full check ≥ 35% of decode-only.
//!
//! `cargo run --release --example bench_check [MEGABYTES]`

use std::hint::black_box;
use std::time::Instant;

use careplan_ledger::check::check_file;
use careplan_ledger::check::records::RecordReader;
use careplan_ledger::fixtures;
use encoding_rs::SHIFT_JIS;

const NAME: &str = "UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV";

/// Best of `runs` timings, in seconds.
fn best(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let bytes = fixtures::large_upplan(mb * 1024 * 1024);
    let mib = bytes.len() as f64 / (1024.0 * 1024.0);
    let runs = 5;

    let decode = best(runs, || {
        let (text, _) = SHIFT_JIS.decode_without_bom_handling(black_box(&bytes));
        black_box(text.len());
    });
    let parse = best(runs, || {
        let mut reader = RecordReader::new(black_box(&bytes), 0);
        let (mut fields, mut issues) = (Vec::new(), Vec::new());
        let mut n = 0usize;
        while reader.next_record(&mut fields, &mut issues).is_some() {
            n += fields.len();
        }
        black_box(n);
    });
    let mut records = 0;
    let mut findings = 0;
    let check = best(runs, || {
        let report = check_file(NAME, black_box(&bytes));
        records = report.records;
        findings = report.findings.len();
    });

    let speed = |s: f64| mib / s;
    println!("第6表 (UPPLAN V4): {mib:.1} MiB, {records} records, {findings} findings");
    println!("decode-only (encoding_rs): {:>8.1} MiB/s", speed(decode));
    println!("parse-only (records):      {:>8.1} MiB/s", speed(parse));
    println!("full check:                {:>8.1} MiB/s", speed(check));
    println!("parse / decode: {:>6.1}%", 100.0 * decode / parse);
    println!(
        "check / decode: {:>6.1}%  (goal ≥ 35%)",
        100.0 * decode / check
    );
    println!("check / parse:  {:>6.1}%", 100.0 * parse / check);
}
