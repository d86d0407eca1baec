//! Across files: 送信単位 (transmission units), 版の順序 (version order and deletes),
//! 予定↔実績 (plan against actuals) and 第6表↔第7表↔利用者補足情報 totals.
//!
//! The national ケアプランデータ連携システム only carries files; it never checks that a unit is
//! complete, that units are imported in order, that the 実績 matches the 予定, or that the
//! 別表 adds up. This module does, on the files the checker has already read.
//!
//! # Entry point
//! [`reconcile`]`(files) -> Reconciliation`: give it every [`CheckedFile`] of a run (from
//! [`crate::check::check_file_keeping_records`]), **in the order they were dropped or
//! imported**; that order is what "an older unit dropped after a newer one" is judged by.
//! The result has the cross-file findings (for `RunReport::cross_file`), the units with their
//! version state, and the plan-vs-actual calendar per user and month (`serde::Serialize`, so
//! the page exports it with the report).
//!
//! ```
//! use careplan_ledger::{check::check_file_keeping_records, fixtures::sets, reconcile::reconcile};
//! let files: Vec<_> = sets::OfficeMonth::sample()
//!     .files()
//!     .iter()
//!     .map(|f| check_file_keeping_records(&f.name, &f.bytes))
//!     .collect();
//! let r = reconcile(&files);
//! assert!(r.cross_file.is_empty());
//! assert!(!r.plan_vs_actual.is_empty());
//! ```
//!
//! # Modules, in the order the entry point uses them
//! - `view`: a checked file's parties, 連番 and data records, columns found by 日本語名称;
//! - [`units`]: grouping into units; missing, duplicate and mixed files; key partners;
//! - [`order`]: current / superseded / deleted per user and key; import order;
//! - [`plan_actual`]: 予定↔実績 per day and service, with the calendar;
//! - [`totals`]: 第6表↔第7表↔利用者補足情報 sums and 区分支給限度基準額;
//! - [`findings`]: the catalogue of codes and the finding builder;
//! - `kept`: what the command line keeps of each file for the reconciliation.
//!
//! Invariants: plain data in, plain data out; no file system, threads or clocks (it runs in
//! the page as wasm); never panics, whatever the files hold; time about linear in the records
//! (hash maps keyed by user, no pairwise comparison of records), with keys borrowed from the
//! records rather than a `String` per record.
//!
//! Callers that check many files and want only the findings (the command line) keep less:
//! [`records_needed`] says from the names which files' records any step can read,
//! [`RecordKeeper`] keeps those files' data records while they are checked (of a 第6表 only
//! the fields read), and [`reconcile_kept`] gives the same findings from them.

pub mod findings;
mod kept;
pub mod order;
pub mod plan_actual;
pub mod totals;
pub mod units;
mod view;

use serde::Serialize;

use crate::check::{CheckedFile, CrossFileFinding};

pub use findings::ReconcileCode;
pub use kept::{records_needed, KeptFile, RecordKeeper};
pub use plan_actual::{
    DayCell, DayState, Difference, DifferenceKind, MonthOutcome, ServiceLine, Tally, UserMonth,
    Visit,
};
pub use units::{TransmissionUnit, UnitSet, UnitUser, VersionState};
pub use view::{month_ja, time_ja, UserKey};

/// Everything the reconciliation found.
#[derive(Clone, Debug, Serialize)]
pub struct Reconciliation {
    /// Findings across files, in the order: units, versions, plan-vs-actual, totals.
    pub cross_file: Vec<CrossFileFinding>,
    /// The transmission units, in input order.
    pub units: Vec<TransmissionUnit>,
    /// 予定↔実績 per user and month (sorted by user, then month).
    pub plan_vs_actual: Vec<UserMonth>,
}

/// Whether the order of the files means anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputOrder {
    /// The files are in the order they were dropped, received or imported: an older unit
    /// after a newer one is reported (`ORDER_OLDER_AFTER_NEWER`).
    AsGiven,
    /// The order is arbitrary (e.g. a folder listed by name): import order is not judged.
    Unknown,
}

/// Reconciles the files of one run, in the order given (see [`InputOrder::AsGiven`]).
pub fn reconcile(files: &[CheckedFile]) -> Reconciliation {
    reconcile_with(files, InputOrder::AsGiven)
}

/// Reconciles the files of one run, saying whether their order is the import order.
pub fn reconcile_with(files: &[CheckedFile], input_order: InputOrder) -> Reconciliation {
    let views: Vec<view::FileView> = files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| view::FileView::new(i, f))
        .collect();
    reconcile_views(&views, input_order, true, &InTurn)
}

/// Runs two independent steps of the reconciliation. The core has no threads ([`InTurn`]
/// runs one after the other); a caller that has them may run both at once (the command
/// line: `rayon::join`). The findings are the same and in the same order either way.
pub trait Join {
    fn join<A, B, RA, RB>(&self, a: A, b: B) -> (RA, RB)
    where
        A: FnOnce() -> RA + Send,
        B: FnOnce() -> RB + Send,
        RA: Send,
        RB: Send;
}

/// One step after the other.
pub struct InTurn;

impl Join for InTurn {
    fn join<A, B, RA, RB>(&self, a: A, b: B) -> (RA, RB)
    where
        A: FnOnce() -> RA + Send,
        B: FnOnce() -> RB + Send,
        RA: Send,
        RB: Send,
    {
        (a(), b())
    }
}

/// Like [`reconcile_with`], on files kept by a [`RecordKeeper`]: the same findings, with
/// only the records (and fields) the reconciliation reads in memory. Only the findings are
/// promised to be the same: a file whose records were not needed lists no users in its unit,
/// and no calendar is made (`plan_vs_actual` is empty; the command line prints none).
pub fn reconcile_kept(files: &[KeptFile], input_order: InputOrder) -> Reconciliation {
    reconcile_kept_joined(files, input_order, &InTurn)
}

/// Like [`reconcile_kept`], with 予定↔実績 and the totals (which do not depend on each other)
/// run through `join`.
pub fn reconcile_kept_joined(
    files: &[KeptFile],
    input_order: InputOrder,
    join: &impl Join,
) -> Reconciliation {
    let views: Vec<view::FileView> = files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| view::FileView::kept(i, f))
        .collect();
    reconcile_views(&views, input_order, false, join)
}

fn reconcile_views(
    views: &[view::FileView],
    input_order: InputOrder,
    calendars: bool,
    join: &impl Join,
) -> Reconciliation {
    let mut cross_file = Vec::new();
    let mut units = units::build_units(views, &mut cross_file);
    order::resolve_versions(&mut units, views, input_order, &mut cross_file);
    let units_ref = &units;
    let ((plan_vs_actual, compared), summed) = join.join(
        || {
            let mut out = Vec::new();
            let months = plan_actual::compare(units_ref, views, &mut out, calendars);
            (months, out)
        },
        || {
            let mut out = Vec::new();
            totals::check_totals(units_ref, views, &mut out);
            out
        },
    );
    cross_file.extend(compared);
    cross_file.extend(summed);
    Reconciliation {
        cross_file,
        units,
        plan_vs_actual,
    }
}
