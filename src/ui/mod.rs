//! The page (wasm only): Leptos components, one per thing the user sees.
//!
//! Components hold no domain logic: they call the core (`crate::check`, `crate::ledger`, …)
//! and show its results. The files on the page live in one [`Workspace`] given to every
//! component through context; the ledger's state lives in [`ledger`].

mod bench_hooks;
pub mod browser_hash;
mod check_results;
pub mod check_worker;
mod download;
mod drop_zone;
mod dropped_folders;
pub mod ledger;
pub mod ledger_worker;
pub mod places;
mod plan_actual;
pub mod reminder_bar;
mod runtime_status;
mod table;
mod workspace;

use leptos::prelude::*;

pub use check_results::CheckResults;
pub use drop_zone::DropZone;
pub use places::{LedgerPlace, Place};
pub use runtime_status::RuntimeStatus;
pub use workspace::{Upload, UploadState, WatchedOrigin, Workspace};

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let workspace = Workspace::new();
    provide_context(workspace);
    places::provide_places();
    let place = places::use_place();
    ledger::LedgerState::provide();
    reminder_bar::ReminderTarget::provide();

    let tab = move |target: Place, label: &'static str| {
        let current = move || place.get().is_ledger() == target.is_ledger();
        view! {
            <a class="tab" href=target.href() class:current=current
                aria-current=move || current().then_some("page")>
                {label}
            </a>
        }
    };

    view! {
        <a class="skip-link" href="#main">"本文へ移動"</a>
        <header class="app-header">
            <div class="header-line">
                <h1>"ケアプラン連携 証跡台帳"</h1>
                <nav class="tabs" aria-label="画面の切り替え">
                    {tab(Place::Check, "ファイルを点検")}
                    {tab(Place::Ledger(LedgerPlace::Clients), "証跡台帳")}
                </nav>
                <ledger::TodayStaff/>
                <InspectionDayShortcut/>
            </div>
            <RuntimeStatus/>
            <reminder_bar::ReminderBar/>
        </header>
        <main class="app-main" id="main" tabindex="-1">
            <div id=places::place_id(Place::Check) hidden=move || place.get() != Place::Check>
                <ledger::WatchedFoldersPanel/>
                <DropZone/>
                <CheckResults/>
            </div>
            <div hidden=move || !place.get().is_ledger()>
                <ledger::LedgerView/>
            </div>
        </main>
    }
}

/// 「運営指導」 at the top of every screen, the start screen too: straight to finding the client
/// (whose page has the print).
#[component]
fn InspectionDayShortcut() -> impl IntoView {
    view! {
        <a class="big-link inspection-shortcut no-print" href=Place::Ledger(LedgerPlace::Clients).href()>
            "運営指導(利用者を探して印刷)"
        </a>
    }
}
