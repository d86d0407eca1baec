//! The status line: how the page was opened, and where the ledger's records are kept, said
//! once in plain words (`PageOrigin::storage_sentence`).

use leptos::prelude::*;

use crate::page_origin::PageOrigin;

/// What the browser offers for keeping data, read once when the page starts.
struct StorageSupport {
    origin: PageOrigin,
    indexed_db: bool,
}

fn detect() -> StorageSupport {
    let window = web_sys::window().expect("a page always has a window");
    let location = window.location();
    let origin = PageOrigin::classify(
        &location.protocol().unwrap_or_default(),
        &location.hostname().unwrap_or_default(),
    );
    let indexed_db = matches!(window.indexed_db(), Ok(Some(_)));
    StorageSupport { origin, indexed_db }
}

/// 「ページの開き方」 and where records are kept, in words (never colour alone).
#[component]
pub fn RuntimeStatus() -> impl IntoView {
    let support = detect();
    view! {
        <section class="runtime-status" aria-label="動作状況">
            <p>
                <span class="status-item">
                    "ページの開き方: " <strong data-testid="page-origin">{support.origin.label()}</strong>
                </span>
                <span class="status-note" data-testid="storage">
                    {support.origin.storage_sentence(support.indexed_db)}
                </span>
            </p>
        </section>
    }
}
