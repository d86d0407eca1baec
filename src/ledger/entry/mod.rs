//! One ledger entry (記録): who recorded what about which client, file and partner, when.
//!
//! Entries are append-only. An [`EntryDraft`] is what a form produces; [`EntryDraft::validate`]
//! answers in Japanese; [`crate::ledger::chain::seal`] turns a valid draft into an [`Entry`]
//! with `seq`, `recorded_at`, `prev_hash` and `hash`. Nothing is ever edited: a mistake is
//! answered by a [`Details::Correction`] entry that points at the wrong one.
//!
//! The JSON shape (documented in `docs/backup-format.md`) is written and read by hand
//! ([`Entry::to_value`], [`Entry::from_value`]) so that an entry has exactly one spelling:
//! optional fields are left out rather than `null`, unknown fields are refused, and reading
//! checks that the typed entry writes back to the same value. Only strings, integers, booleans,
//! objects and arrays occur (no floats; see [`super::canonical`]).

mod canonical;
mod draft;
mod json;
mod line;
mod model;

pub use draft::{act_time_label, is_item_id, takes_act_time};
pub use model::*;
