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
mod plan_actual;
mod runtime_status;
mod table;
mod workspace;

use leptos::prelude::*;

pub use check_results::CheckResults;
pub use drop_zone::DropZone;
pub use runtime_status::RuntimeStatus;
pub use workspace::{Upload, UploadState, Workspace};

/// The views the top navigation switches between.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// ファイルを点検: drop files, see the report.
    Check,
    /// 証跡台帳: the recorded events, versions, printing, backups, settings.
    Ledger,
}

impl View {
    fn label(self) -> &'static str {
        match self {
            View::Check => "ファイルを点検",
            View::Ledger => "証跡台帳",
        }
    }
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let workspace = Workspace::new();
    provide_context(workspace);
    let view = RwSignal::new(View::Check);
    provide_context(view);
    ledger::LedgerState::provide();

    let tab = move |target: View| {
        view! {
            <button
                type="button"
                class="tab"
                class:current=move || view.get() == target
                aria-current=move || (view.get() == target).then_some("page")
                on:click=move |_| view.set(target)
            >
                {target.label()}
            </button>
        }
    };

    view! {
        <a class="skip-link" href="#main">"本文へ移動"</a>
        <header class="app-header">
            <div class="header-line">
                <h1>"ケアプラン連携 証跡台帳"</h1>
                <nav class="tabs" aria-label="画面の切り替え">{tab(View::Check)} {tab(View::Ledger)}</nav>
            </div>
            <RuntimeStatus/>
        </header>
        <main class="app-main" id="main" tabindex="-1">
            <div hidden=move || view.get() != View::Check>
                <DropZone/>
                <CheckResults/>
            </div>
            <div hidden=move || view.get() != View::Ledger>
                <ledger::LedgerView/>
            </div>
        </main>
    }
}
