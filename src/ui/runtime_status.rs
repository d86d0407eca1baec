//! The status line: how the page is running, and whether the browser can keep the ledger.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::page_origin::PageOrigin;

/// What the browser offers for keeping data, read once when the page starts.
struct StorageSupport {
    origin: PageOrigin,
    indexed_db: bool,
    persistent_storage: bool,
}

fn detect() -> StorageSupport {
    let window = web_sys::window().expect("a page always has a window");
    let location = window.location();
    let origin = PageOrigin::classify(
        &location.protocol().unwrap_or_default(),
        &location.hostname().unwrap_or_default(),
    );
    let indexed_db = matches!(window.indexed_db(), Ok(Some(_)));
    // `navigator.storage.persist` only exists in a secure context, so look it up
    // dynamically instead of trusting the static web-sys binding.
    let navigator: JsValue = window.navigator().into();
    let persistent_storage = js_sys::Reflect::get(&navigator, &JsValue::from_str("storage"))
        .ok()
        .filter(|storage| storage.is_object())
        .and_then(|storage| js_sys::Reflect::get(&storage, &JsValue::from_str("persist")).ok())
        .is_some_and(|persist| persist.is_function());
    StorageSupport {
        origin,
        indexed_db,
        persistent_storage,
    }
}

/// 「ページの開き方」 and storage availability, in words (never colour alone).
#[component]
pub fn RuntimeStatus() -> impl IntoView {
    let support = detect();
    let yes_no = |ok: bool| {
        if ok {
            "使えます"
        } else {
            "使えません"
        }
    };
    view! {
        <section class="runtime-status" aria-label="動作状況">
            <p>
                <span class="status-item">
                    "ページの開き方: " <strong data-testid="page-origin">{support.origin.label()}</strong>
                </span>
                <span class="status-item">
                    "記録の保存(IndexedDB): " <strong data-testid="indexed-db">{yes_no(support.indexed_db)}</strong>
                </span>
                <span class="status-item">
                    "消えにくい保存(永続化): " <strong data-testid="persistent-storage">
                        {yes_no(support.persistent_storage)}
                    </strong>
                </span>
            </p>
            <p class="status-note">{support.origin.data_note()}</p>
        </section>
    }
}
