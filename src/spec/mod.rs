//! The national CSV standard (ケアプランデータ連携標準仕様) as data: file kinds, versions,
//! field tables and code lists. Checks are driven by this data, never by per-column code.
//!
//! `fields.json` (compiled from the spec, see `docs/spec/`) is embedded and parsed once into a
//! [`Spec`]: one [`FileKind`] per file type (利用者補足情報, 第1表 … 介護予防 別表), each with its
//! V4 [`Layout`] and, for the nine kinds that existed before V4, its V3 layout.
//! What `fields.json` says only in prose is turned into typed data here by a small hand-written
//! layer, each piece in its own module:
//! - [`format`](mod@format): the `type` strings → [`FieldFormat`] (plus the domain identifiers the spec
//!   describes in §2: 保険者番号, 被保険者番号, 事業所番号, phone numbers);
//! - [`version`]: CSVバージョン values → [`SpecVersion`] and the layout generation they use;
//! - [`roles`]: the few fields that whole-file rules need, found by their 日本語名称;
//! - [`service_kind`]: サービス種類コード in words, where the spec names them;
//! - [`doubt`]: which aspect of a row marked uncertain is in doubt (required mark, 項目長,
//!   a note), so only findings about that aspect are lowered to warnings.
//!
//! ```
//! use careplan_ledger::spec::{Spec, LayoutGeneration};
//! let upplan = Spec::get().kind("UPPLAN").unwrap();
//! assert_eq!(upplan.layout(LayoutGeneration::V4).unwrap().fields.len(), 25);
//! assert_eq!(upplan.layout(LayoutGeneration::V3).unwrap().fields.len(), 22);
//! ```

mod data;
pub mod doubt;
pub mod format;
pub mod roles;
pub mod service_kind;
pub mod version;

pub use data::{FieldSpec, FileKind, Layout, Requirement, Spec};
pub use doubt::{Aspect, Doubt};
pub use format::FieldFormat;
pub use version::{LayoutGeneration, SpecVersion, V4_APPLIES_FROM_MONTH};
