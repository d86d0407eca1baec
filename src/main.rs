//! The page's entry point: mounts the Leptos app into `<body>` (wasm only).
//!
//! Natively this binary does nothing; it exists so that `cargo test` and `cargo build` work
//! on the whole crate without a browser.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(careplan_ledger::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("このプログラムはブラウザで動くページです。`scripts/serve.sh` で起動してください。");
}
