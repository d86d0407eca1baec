//! Checking one file: decode (MS932), split into records with positions, identify the
//! kind and version, apply the spec's rules, and return a report of findings.
//!
//! # Entry points
//! - [`check_file`]`(path, bytes) -> FileReport`: the report only; one linear pass, memory
//!   bounded by the finding cap ([`MAX_FINDINGS_PER_FILE`]). Never fails, never panics.
//! - [`check_file_keeping_records`]`(path, bytes) -> CheckedFile`: the same report plus the
//!   file's [`FileIdentity`] (kind, CSVバージョン, 対象年月, 送信元/送信先 事業所番号 and サービス種類,
//!   14-digit 連番) and every decoded record (a [`RecordTable`] of [`RecordRef`]s) with its
//!   index, line and byte offset. The reconciliation (予定↔実績, 第6表↔第7表) and the page read
//!   these instead of parsing again.
//! - [`check_file_with`] / [`check_file_seeing`]: the same with [`CheckOptions`] (keep the
//!   records or not, hash or leave the SHA-256 to the caller), and a look at each record as
//!   it is read.
//! - [`RunReport::new`]`(files, cross_file)` then [`RunReport::to_json`]: the document that
//!   `careplan-check --json` prints and the page exports.
//!
//! ```
//! use careplan_ledger::check::{check_file, RunReport};
//! let report = check_file("UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV", b"");
//! assert_eq!(report.kind.as_deref(), Some("UPPLAN"));
//! assert_eq!(report.findings[0].code, "EMPTY_FILE");
//! let json = RunReport::new(vec![report], vec![]).to_json();
//! assert!(json.starts_with("{\"tool\":\"careplan-check\""));
//! ```
//!
//! # Modules, in the order bytes flow through them
//! - [`decode`]: UTF-8 recognition, strict MS932 decoding of a field, 外字;
//! - [`records`]: logical CSV records on raw bytes, with positions;
//! - `read_record`: the next record as a decoded [`Record`]: in one pass for a usual record
//!   (`usual_record`: split, decode and place its fields at once), else split on bytes and
//!   decoded field by field, so every problem gets its position;
//! - [`identify`]: the file name's kind, V3/V4 shape and tokens;
//! - [`rules`]: one value against its spec row;
//! - `file_rules`: rules across fields and records (service month, 第7表 totals …);
//! - [`findings`]: the catalogue of codes and the capped finding list;
//! - [`report`]: report types and the JSON document.
//!
//! Invariants: no file system, no threads, no clocks (it runs in the page as wasm); no input
//! makes it panic; every finding says where (record, line, byte offset, 項目No.).

mod checker;
pub mod constraints;
pub mod decode;
mod emit;
mod file_rules;
pub mod findings;
pub mod identify;
mod read_record;
pub mod record;
pub mod records;
pub mod report;
pub mod rules;
mod usual_record;

pub use checker::{
    check_file, check_file_keeping_records, check_file_seeing, check_file_with, CheckOptions,
    CheckedFile, FileIdentity,
};
pub use decode::TextEncoding;
pub use findings::{Code, Finding, Severity, SeverityCounts, MAX_FINDINGS_PER_FILE};
pub use identify::{FileName, Party};
pub use record::{Record, RecordRef, RecordTable};
pub use report::{CrossFileFinding, FileReport, RunReport, RunWriter, Summary};
