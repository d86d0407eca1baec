//! Entry points for the browser benchmark (`tests/bench/browser_check.mjs`): the same
//! checker and decoder the page uses, callable from the page's JS as
//! `wasm_bindgen.careplanBenchCheck(bytes)` so they can be timed against other parsers in one
//! run. They read nothing but their argument and have no effect on the page.

use wasm_bindgen::prelude::*;

use crate::check::check_file;

/// A V4 第6表 name, so the benchmark runs the full column rules.
const BENCH_NAME: &str = "UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV";

/// Full check of `bytes` as a 第6表; returns the number of records (so nothing is optimised away).
#[wasm_bindgen(js_name = careplanBenchCheck)]
pub fn bench_check(bytes: &[u8]) -> f64 {
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
