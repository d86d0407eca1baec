//! A file's SHA-256 by the browser's own implementation (`crypto.subtle.digest`): about twice
//! as fast as `sha2` compiled to wasm (24 ms against 45 ms for 20 MB on the benchmark
//! machine). Chromium computes it on the calling thread, so the page hashes a file while the
//! checking worker checks it, and the hash costs the user no waiting. The value is the same
//! SHA-256 [`crate::fingerprint`] computes, which stays the one used for the ledger.
//!
//! `crypto.subtle` only exists in a secure context: from `file://` (the USB stick) and
//! `localhost` it does, from a plain-http intranet server it does not. There, and if the
//! browser's digest fails, the caller hashes with `sha2` as before.

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::fingerprint::to_hex;

/// A digest the browser is computing.
pub struct PendingSha256(JsFuture);

/// `crypto.subtle`, where this browsing context has it.
fn subtle() -> Option<JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok()?;
    Reflect::get(&crypto, &JsValue::from_str("subtle"))
        .ok()
        .filter(JsValue::is_object)
}

/// Whether the browser can hash here.
pub fn available() -> bool {
    subtle().is_some()
}

/// Starts hashing `bytes`; `None` where this browsing context has no `crypto.subtle`.
///
/// The browser reads `bytes` where they are, in this program's memory: `digest` takes its copy
/// of the data before it returns (Web Crypto spec), so no copy of our own is needed (for
/// 20 MB one costs 8 ms of allocating and copying).
pub fn start_sha256(bytes: &[u8]) -> Option<PendingSha256> {
    let subtle = subtle()?;
    let digest: Function = Reflect::get(&subtle, &JsValue::from_str("digest"))
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: Promise = digest
        .call2(&subtle, &JsValue::from_str("SHA-256"), &view_of(bytes))
        .ok()?
        .dyn_into()
        .ok()?;
    Some(PendingSha256(JsFuture::from(promise)))
}

/// A view of `bytes` in this program's memory, without a copy. Valid only until the memory
/// grows: for a call that reads it at once.
fn view_of(bytes: &[u8]) -> Uint8Array {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    // On wasm32 a pointer is the offset into the memory.
    Uint8Array::new_with_byte_offset_and_length(
        &memory.buffer(),
        bytes.as_ptr() as u32,
        bytes.len() as u32,
    )
}

impl PendingSha256 {
    /// The digest in lower-case hex, or `None` if the browser failed to compute it.
    pub async fn finish(self) -> Option<String> {
        let buffer = self.0.await.ok()?;
        let digest = Uint8Array::new(&buffer).to_vec();
        (digest.len() == 32).then(|| to_hex(&digest))
    }
}
