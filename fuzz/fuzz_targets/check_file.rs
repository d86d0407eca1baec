//! Fuzz target on the checker's entry point: any bytes, under any of a few file names (or a
//! name taken from the input), must give a report: no panic, no hang, bounded memory.

#![no_main]

use careplan_ledger::check::{check_file, check_file_keeping_records, RunReport, MAX_FINDINGS_PER_FILE};
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &[
    "UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV",
    "UPJSK_202412_1310000002_1310000001_20241125093000.CSV",
    "UPSIKYU_202505_1310000001_43_1310000002_11_20250425093000.CSV",
    "UPHOSOKU_000000_1310000001_43_1310000002_11_20250425093000.CSV",
    "UPHOSOKU_202505_1310000001_43_1310000002_11_20250425093000.CSV",
    "UPKIHON_SUB2_1310000001_A1_1310000002_2A_20250425093000.CSV",
    "DLTPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV",
    "UP1KYO_1310000001_1310000002_20241125093000.CSV",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let from_input;
    let (name, bytes) = match NAMES.get(usize::from(selector)) {
        Some(n) => (*n, rest),
        None => {
            // Name from the input: up to the first NUL.
            let cut = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
            from_input = String::from_utf8_lossy(&rest[..cut]).into_owned();
            (from_input.as_str(), rest.get(cut + 1..).unwrap_or_default())
        }
    };
    let report = check_file(name, bytes);
    assert!(report.findings.len() <= MAX_FINDINGS_PER_FILE + 1);
    let kept = check_file_keeping_records(name, bytes);
    assert_eq!(kept.report, report);
    assert_eq!(kept.records.len() as u64, report.records);
    let json = RunReport::new(vec![report], Vec::new()).to_json();
    assert!(json.starts_with("{\"tool\""));
});
