//! The page's entry point: mounts the Leptos app into `<body>`, or, when started inside the
//! checking worker, serves check requests (wasm only).
//!
//! Natively this binary does nothing; it exists so that `cargo test` and `cargo build` work
//! on the whole crate without a browser.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    if web_sys::window().is_some() {
        leptos::mount::mount_to_body(careplan_ledger::ui::App);
    } else {
        // Started as the checking worker (see ui::check_worker).
        careplan_ledger::ui::check_worker::serve();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("このプログラムはブラウザで動くページです。`scripts/serve.sh` で起動してください。");
}
