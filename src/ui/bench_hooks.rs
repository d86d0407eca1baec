//! Entry points for the browser benchmark (`tests/bench/browser_check.mjs`): the same
//! checker and decoder the page uses, callable from the page's JS as
//! `wasm_bindgen.careplanBenchCheck(bytes)` so they can be timed against other parsers in one
//! run. They read nothing but their argument and change nothing the page shows (the page-like
//! check uses a checking worker of its own).

use wasm_bindgen::prelude::*;

use crate::check::check_file;
use crate::ui::check_worker::Checker;

/// A V4 第6表 name, so the benchmark runs the full column rules.
const BENCH_NAME: &str = "UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV";

thread_local! {
    /// The benchmark's own checker (worker), started on first use.
    static BENCH_CHECKER: Checker = Checker::start();
}

/// Full check of `file` as a 第6表 the way the page does it with a file it has read: a copy
/// kept on the page, the browser's buffer moved to the checking worker, which checks and
/// keeps the records for reconciling, while the page hashes with the browser's SHA-256;
/// done when the page has the report. `file` is detached afterwards (pass a fresh copy, as
/// a `FileReader` gives one per read). Resolves to the number of records.
#[wasm_bindgen(js_name = careplanBenchCheck)]
pub async fn bench_check(file: js_sys::Uint8Array) -> f64 {
    let checker = BENCH_CHECKER.with(Checker::clone);
    // Kept on the page as `Workspace::add_files` keeps a file read.
    let bytes = std::sync::Arc::new(file.to_vec());
    let outcome = checker.check(BENCH_NAME, &bytes, Some(file.buffer())).await;
    checker.forget();
    outcome.report.records as f64
}

/// Full check in this thread, SHA-256 in wasm (`sha2`): the report `careplan-check` makes.
#[wasm_bindgen(js_name = careplanBenchCheckHere)]
pub fn bench_check_here(bytes: &[u8]) -> f64 {
    check_file(BENCH_NAME, bytes).records as f64
}

/// Decode only (`encoding_rs` Shift_JIS of the whole input); returns the decoded length.
#[wasm_bindgen(js_name = careplanBenchDecode)]
pub fn bench_decode(bytes: &[u8]) -> f64 {
    encoding_rs::SHIFT_JIS
        .decode_without_bom_handling(bytes)
        .0
        .len() as f64
}

/// SHA-256 only (the fingerprint every report carries); returns the digest's first byte.
#[wasm_bindgen(js_name = careplanBenchSha256)]
pub fn bench_sha256(bytes: &[u8]) -> f64 {
    use sha2::{Digest, Sha256};
    f64::from(Sha256::digest(bytes)[0])
}

/// Check without SHA-256 (what the page's worker runs while the browser hashes).
#[wasm_bindgen(js_name = careplanBenchCheckUnhashed)]
pub fn bench_check_unhashed(bytes: &[u8], keep_records: bool) -> f64 {
    let options = crate::check::CheckOptions {
        keep_records,
        compute_sha256: false,
    };
    crate::check::check_file_with(BENCH_NAME, bytes, options)
        .report
        .records as f64
}

/// Records and fields on raw bytes only.
#[wasm_bindgen(js_name = careplanBenchParse)]
pub fn bench_parse(bytes: &[u8]) -> f64 {
    let mut reader = crate::check::records::RecordReader::new(bytes, 0);
    let (mut fields, mut issues) = (Vec::new(), Vec::new());
    let mut n = 0usize;
    while reader.next_record(&mut fields, &mut issues).is_some() {
        n += fields.len();
    }
    n as f64
}
