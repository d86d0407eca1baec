//! The browser's SHA-256 (used while checking) against the `sha2` one (used everywhere else).

use careplan_ledger::fingerprint::sha256_hex;
use careplan_ledger::ui::browser_hash::start_sha256;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn browser_digest_equals_sha2() {
    for len in [0usize, 1, 55, 56, 64, 100_000] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let pending =
            start_sha256(&data).expect("the browser tests run on localhost, a secure context");
        let hex = pending.finish().await.expect("the digest completes");
        assert_eq!(hex, sha256_hex(&data), "length {len}");
    }
}

/// The browser reads the bytes in place, so it must have taken them when `start_sha256`
/// returns: what happens to that memory afterwards (here: overwritten, then freed and
/// reused by a bigger allocation that may grow the memory) must not change the digest.
#[wasm_bindgen_test]
async fn browser_digest_takes_the_bytes_at_once() {
    let mut data: Vec<u8> = (0..1_000_000).map(|i| (i % 253) as u8).collect();
    let expected = sha256_hex(&data);
    let pending = start_sha256(&data).expect("a secure context");
    data.fill(0);
    drop(data);
    let other = vec![1u8; 64 << 20];
    let hex = pending.finish().await.expect("the digest completes");
    assert_eq!(hex, expected);
    assert_eq!(other.len(), 64 << 20);
}
