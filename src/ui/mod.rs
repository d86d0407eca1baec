//! The page (wasm only): Leptos components, one per thing the user sees.
//!
//! Components hold no domain logic: they call the core (`crate::check`, `crate::ledger`, …)
//! and show its results. State that several components share lives in [`App`].

mod chosen_files;
mod drop_zone;
mod runtime_status;

use leptos::prelude::*;

pub use chosen_files::{ChosenFile, ChosenFiles};
pub use drop_zone::DropZone;
pub use runtime_status::RuntimeStatus;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    // Every file the user chose, in the order they were read.
    let chosen = RwSignal::new(Vec::<ChosenFile>::new());
    // How many chosen files are still being read.
    let reading = RwSignal::new(0usize);

    view! {
        <header class="app-header">
            <h1>"ケアプラン連携 証跡台帳"</h1>
            <RuntimeStatus/>
        </header>
        <main class="app-main">
            <DropZone chosen=chosen reading=reading/>
            <ChosenFiles chosen=chosen reading=reading/>
        </main>
    }
}
