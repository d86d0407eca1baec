//! The evidence ledger's views (証跡台帳): recording checked files, the later events, views per
//! user / month / partner, printing for an inspection, backups and settings.

use leptos::prelude::*;

/// The 「証跡台帳」 view.
#[component]
pub fn LedgerView() -> impl IntoView {
    view! { <section aria-label="証跡台帳"><h2>"証跡台帳"</h2></section> }
}

/// The 「台帳に記録」 panel shown above the check results.
#[component]
pub fn RecordCheckedFiles() -> impl IntoView {
    view! { <div class="record-panel"></div> }
}
