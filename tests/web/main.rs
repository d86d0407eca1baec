//! Browser tests in real headless Chromium: `cargo test --target wasm32-unknown-unknown
//! --test web` (run by scripts/test.sh). Components in `ui`, the IndexedDB store in `store`.
#![cfg(target_arch = "wasm32")]

mod hash;
mod ledger;
mod store;
mod ui;

use std::sync::Arc;

use careplan_ledger::check::check_file_keeping_records;
use careplan_ledger::facts::FileFacts;
use careplan_ledger::ui::check_worker::CheckOutcome;
use careplan_ledger::ui::{Upload, UploadState};

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Waits `ms` milliseconds. Leptos 0.8 runs effects asynchronously, so tests let them
/// settle before reading the DOM.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// An upload that went through the real checker.
pub fn checked_upload(id: u64, name: &str, bytes: &[u8]) -> Upload {
    let checked = check_file_keeping_records(name, bytes);
    Upload {
        id,
        name: name.to_owned(),
        relative_path: None,
        size: bytes.len() as u64,
        bytes: Arc::from(bytes.to_vec()),
        state: UploadState::Checked(Box::new(CheckOutcome {
            report: checked.report.clone(),
            facts: FileFacts::of(&checked),
        })),
        watched: None,
    }
}
pub async fn tick() {
    sleep(20).await;
}
