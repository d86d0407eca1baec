//! ケアプラン連携 証跡台帳: the domain core.
//!
//! Everything here is plain Rust with no web dependency, so it is tested natively with
//! `cargo test` and shared by the page (`src/main.rs`, wasm) and the command-line checker
//! (`src/bin/careplan-check.rs`). Data flows one way: bytes → [`check`] → report →
//! [`reconcile`] → [`ledger`]; the wasm-only `ui` and `store` only call down.
//! See `ARCHITECTURE.md` for the map.

// One `unsafe` block in the whole crate, allowed where it is (`check::usual_record`); any
// other needs the same: an `allow` and a SAFETY note that reviewers can find.
#![deny(unsafe_code)]

pub mod check;
pub mod client_names;
pub mod display;
pub mod excel_csv;
pub mod facts;
pub mod file_overview;
pub mod fingerprint;
pub mod fixtures;
pub mod jpdate;
pub mod kana;
pub mod ledger;
pub mod page_origin;
pub mod places;
pub mod reconcile;
pub mod report_export;
pub mod spec;
pub mod visible_text;

#[cfg(target_arch = "wasm32")]
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod ui;
