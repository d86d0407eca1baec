//! What a caller that checks many files keeps for the reconciliation, so memory does not grow
//! with every record of every file (the command line; the page keeps every record anyway, to
//! show them).
//!
//! Two savings, both decided without changing any finding:
//! - [`records_needed`]: from the file *names* alone, before anything is read, which files'
//!   records any step can read. A file is needed when it is a 削除 file or a 第7表 (its sums
//!   are checked within it), when its 送信単位 has
//!   another file (keys, totals), when another unit of the same set, 送信元 and 送信先 is among
//!   the files (版の順序), or when it is a 第6表 予定 and some 実績 is among the files (or the
//!   other way round). Every other file is kept as its identity, path and hash only.
//! - [`RecordKeeper`]: of a needed file, only the data records (what
//!   `FileView::records` reads), and of a 第6表 (UPPLAN, UPJSK, the big files: one record per
//!   day and service) only the 11 fields the reconciliation reads ([`Col`]); and where each
//!   run of records with the same user and keys starts, so the steps that look keys up do so
//!   once per run rather than per record.
//!
//! `tests/reconcile_kept.rs` holds [`super::reconcile_kept`] to the same findings as
//! [`super::reconcile_with`] over every record.

use rustc_hash::FxHashMap;

use super::units::{delete_target, set_of, UnitSet};
use super::view::{is_data_record, Col};
use crate::check::{FileIdentity, FileName, FileReport, RecordRef, RecordTable};

/// One checked file as kept for the reconciliation.
#[derive(Clone, Debug)]
pub struct KeptFile {
    /// The path as given (findings name files by it).
    pub path: String,
    /// Lower-case hex SHA-256 of the bytes (duplicates are told apart by it).
    pub sha256: String,
    pub identity: FileIdentity,
    pub(crate) records: RecordTable,
    /// The 項目No. of the fields kept (ascending), when only some were.
    pub(crate) columns: Option<Vec<usize>>,
    /// Where each run of records with the same user and keys starts (see [`RUN_FIELDS`]).
    pub(crate) runs: Vec<u32>,
}

impl KeptFile {
    /// Number of records kept.
    pub fn records_kept(&self) -> usize {
        self.records.len()
    }
}

/// Collects, while a file is checked, what the reconciliation needs of its records: give it
/// every record through [`crate::check::check_file_seeing`], then [`RecordKeeper::finish`].
#[derive(Debug, Default)]
pub struct RecordKeeper {
    needed: bool,
    /// Chosen at the first record.
    plan: Option<Plan>,
    records: RecordTable,
    runs: Vec<u32>,
}

/// How one file's records are kept.
#[derive(Debug)]
struct Plan {
    /// The layout's width (records of another width are not data records).
    width: Option<usize>,
    /// The fields to keep (項目No.), or all.
    columns: Option<Vec<usize>>,
    /// The fields whose values make a run ([`RUN_FIELDS`]): (項目No., where the copy keeps
    /// it); the サービスコード's apart, as only its first 2 characters count.
    run_columns: Vec<(usize, usize)>,
    service_code: Option<(usize, usize)>,
}

/// The fields of a record that decide every key the reconciliation looks up per record: the
/// user, each key field of [`super::units`] (対象年月, 作成日, 相談日 …), the provider and
/// サービス種類 of a 第6表 and DLTJSK, and the first 2 characters of the サービスコード. Records
/// in a row with the same values form a *run*; what is looked up once per distinct key
/// (units, versions, the 予定↔実績 group) is looked up once per run.
const RUN_FIELDS: [&str; 9] = [
    crate::spec::roles::INSURER_NUMBER,
    crate::spec::roles::INSURED_NUMBER,
    crate::spec::roles::SERVICE_MONTH,
    crate::spec::roles::DELETE_MONTH,
    super::view::PLAN_DATE,
    super::view::CONSULTATION_DATE,
    super::view::PREVENTION_PLAN_DATE,
    super::view::PROVIDER,
    super::view::SERVICE_TYPE,
];

impl RecordKeeper {
    /// A keeper for a file whose records are `needed` ([`records_needed`]); one that is not
    /// keeps nothing.
    pub fn new(needed: bool) -> RecordKeeper {
        RecordKeeper {
            needed,
            ..RecordKeeper::default()
        }
    }

    /// Looks at one record as the checker reads it.
    pub fn see(&mut self, identity: &FileIdentity, rec: RecordRef<'_>) {
        if !self.needed {
            return;
        }
        let plan = self.plan.get_or_insert_with(|| plan_for(identity));
        if !is_data_record(rec, plan.width) {
            return;
        }
        let same_run = self
            .records
            .len()
            .checked_sub(1)
            .and_then(|i| self.records.get(i))
            .is_some_and(|before| {
                plan.run_columns
                    .iter()
                    .all(|&(no, at)| rec.get(no) == before.get(at))
                    && plan
                        .service_code
                        .is_none_or(|(no, at)| code_type(rec.get(no)) == code_type(before.get(at)))
            });
        if !same_run {
            self.runs
                .push(u32::try_from(self.records.len()).unwrap_or(u32::MAX));
        }
        match &plan.columns {
            Some(nos) => self.records.push_fields(rec, nos),
            None => self.records.push_ref(rec),
        }
    }

    /// The kept file, with the checked file's report (its path and hash) and identity.
    pub fn finish(mut self, report: &FileReport, identity: FileIdentity) -> KeptFile {
        self.records.shrink_to_fit();
        KeptFile {
            path: report.path.clone(),
            sha256: report.sha256.clone(),
            identity,
            records: self.records,
            columns: self.plan.and_then(|p| p.columns),
            runs: self.runs,
        }
    }
}

/// サービス種類: the first 2 characters of a サービスコード.
fn code_type(code: Option<&str>) -> Option<&str> {
    code.map(|c| c.get(..2).unwrap_or(c))
}

fn plan_for(identity: &FileIdentity) -> Plan {
    let Some(layout) = identity.layout() else {
        return Plan {
            width: None,
            columns: None,
            run_columns: Vec::new(),
            service_code: None,
        };
    };
    let index = |name: &str| crate::spec::roles::index_of(layout, name);
    let columns = match identity.kind().map(|k| k.id.as_str()) {
        Some("UPPLAN" | "UPJSK") => {
            let mut nos: Vec<usize> = Col::ALL
                .iter()
                .filter_map(|c| crate::spec::roles::index_of(layout, c.name_ja()))
                .collect();
            nos.sort_unstable();
            nos.dedup();
            Some(nos)
        }
        _ => None,
    };
    // Where the copy keeps field `no`.
    let kept_at = |no: usize| match &columns {
        Some(nos) => nos.binary_search(&no).ok().map(|i| i + 1),
        None => Some(no),
    };
    let run_field = |name: &str| index(name).and_then(|no| Some((no, kept_at(no)?)));
    Plan {
        width: Some(layout.fields.len()),
        run_columns: RUN_FIELDS.iter().filter_map(|n| run_field(n)).collect(),
        service_code: run_field(crate::spec::roles::SERVICE_CODE),
        columns,
    }
}

/// (連番, 送信元, 送信先, set, 対象年月, a 削除 file's own number): a unit as
/// `units::build_units` groups files.
type UnitKey<'n> = (&'n str, &'n str, &'n str, UnitSet, Option<&'n str>, usize);

/// The unit of the `i`-th file and the set its versions belong to (a 削除's target).
fn unit_of(i: usize, n: &FileName) -> Option<(UnitKey<'_>, UnitSet)> {
    let kind = n.kind?.id.as_str();
    let set = set_of(kind, n.service_month.as_deref())?;
    let (seq, from, to) = (
        n.sequence.as_deref()?,
        n.sender.as_ref()?.office.as_str(),
        n.receiver.as_ref()?.office.as_str(),
    );
    let month = match set {
        UnitSet::Usage | UnitSet::Actual | UnitSet::Delete => n.service_month.as_deref(),
        _ => None,
    };
    let alone = if set == UnitSet::Delete { i + 1 } else { 0 };
    let target = if set == UnitSet::Delete {
        delete_target(kind)
    } else {
        set
    };
    Some(((seq, from, to, set, month, alone), target))
}

/// For each file name (in the caller's order), whether the reconciliation can read the
/// file's records (see the module's first lines). Plain and linear in the names.
pub fn records_needed(names: &[&FileName]) -> Vec<bool> {
    let units: Vec<Option<(UnitKey, UnitSet)>> = names
        .iter()
        .enumerate()
        .map(|(i, n)| unit_of(i, n))
        .collect();
    let mut files_per_unit: FxHashMap<UnitKey, usize> = FxHashMap::default();
    // (target set, 送信元, 送信先) → the distinct units of it.
    let mut units_per_subject: FxHashMap<(UnitSet, &str, &str), Vec<UnitKey>> =
        FxHashMap::default();
    let (mut plans, mut actuals) = (false, false);
    for (n, u) in names.iter().zip(&units) {
        let Some((key, target)) = u else { continue };
        *files_per_unit.entry(*key).or_default() += 1;
        let list = units_per_subject
            .entry((*target, key.1, key.2))
            .or_default();
        if !list.contains(key) {
            list.push(*key);
        }
        match n.kind.map(|k| k.id.as_str()) {
            Some("UPPLAN") => plans = true,
            Some("UPJSK") => actuals = true,
            _ => {}
        }
    }
    names
        .iter()
        .zip(&units)
        .map(|(n, u)| {
            let Some((key, target)) = u else {
                return false;
            };
            let kind = n.kind.map(|k| k.id.as_str());
            key.3 == UnitSet::Delete
                // A 第7表's 小計 and 全合計 are checked within the file itself.
                || kind == Some("UPSIKYU")
                || files_per_unit.get(key).copied().unwrap_or(0) > 1
                || units_per_subject
                    .get(&(*target, key.1, key.2))
                    .is_some_and(|l| l.len() > 1)
                || (kind == Some("UPPLAN") && actuals)
                || (kind == Some("UPJSK") && plans)
        })
        .collect()
}
