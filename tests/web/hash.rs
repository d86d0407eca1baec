//! The browser's SHA-256 (used while checking) against the `sha2` one (used everywhere else).

use careplan_ledger::fingerprint::sha256_hex;
use careplan_ledger::ui::browser_hash::start_sha256;
use js_sys::Uint8Array;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn browser_digest_equals_sha2() {
    for len in [0usize, 1, 55, 56, 64, 100_000] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let pending = start_sha256(&Uint8Array::from(&data[..]))
            .expect("the browser tests run on localhost, a secure context");
        let hex = pending.finish().await.expect("the digest completes");
        assert_eq!(hex, sha256_hex(&data), "length {len}");
    }
}
