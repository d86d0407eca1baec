//! 送信単位 (transmission units): files with the same ファイル連番 (14-digit timestamp),
//! 送信元 and 送信先, split by the set they form (spec §5):
//! - 計画 set: 第1表 + 第2表 (+ 第3表 in V4) + 利用者補足情報 with month token `000000`;
//! - 利用票 set: 第6表 予定 + 第7表 + 利用者補足情報 with the service month;
//! - 実績: 第6表 実績 alone; every 削除 file alone;
//! - 介護予防: 利用者基本情報 (+別表1/2) and/or 介護予防サービス・支援計画書 (+別表).
//!
//! Why here and not in the checker: the national system only carries files, and the receiver's
//! software imports a unit as a whole. A unit with a missing or extra file, mixed versions or
//! records without a partner fails on import, and one file cannot tell.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashSet;

use serde::Serialize;

use super::findings::{ReconcileCode, Report};
use super::view::{
    user_label, Col, FileView, UserKey, CONSULTATION_DATE, PLAN_DATE, PREVENTION_PLAN_DATE,
    SERVICE_TYPE,
};
use crate::check::{CrossFileFinding, Severity};
use crate::spec::{roles, LayoutGeneration, Spec};

/// Which set a unit is (spec §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitSet {
    /// 計画: 第1表 + 第2表 (+ 第3表) + 利用者補足情報 (`000000`).
    Plan,
    /// 利用票: 第6表 予定 + 第7表 + 利用者補足情報 (service month).
    Usage,
    /// 実績: 第6表 実績.
    Actual,
    /// 介護予防: 利用者基本情報 and/or 介護予防サービス・支援計画書 with their 別表.
    Prevention,
    /// One 削除 file (DLT1KYO, DLTPLAN, DLTJSK, DLTKIHON, DLTYOBO).
    Delete,
}

impl UnitSet {
    pub fn label_ja(self) -> &'static str {
        match self {
            UnitSet::Plan => "居宅サービス計画書（第1表・第2表・第3表）の組み合わせ",
            UnitSet::Usage => "サービス利用票（第6表・第7表）の組み合わせ",
            UnitSet::Actual => "実績",
            UnitSet::Prevention => "介護予防（利用者基本情報・支援計画書）の組み合わせ",
            UnitSet::Delete => "削除ファイル",
        }
    }
}

/// Whether a unit's data for one user is the version the receiver should end up with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum VersionState {
    /// The newest 連番 for this user, key and partner (or a 削除 that takes effect).
    Current,
    /// Replaced by a newer unit with this 連番.
    Superseded { by: String },
    /// Cancelled by a 削除 file with this 連番.
    Deleted { by: String },
}

/// One user (and key) a unit carries, with its version state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitUser {
    pub user: UserKey,
    /// The rest of the key: 対象年月 (利用票, 実績 with `/サービス種類`), 作成（変更）日 (計画),
    /// `K:`相談日 / `Y:`計画作成日 (介護予防).
    pub key: String,
    pub state: VersionState,
}

/// A transmission unit and what the reconciliation found out about it.
#[derive(Clone, Debug, Serialize)]
pub struct TransmissionUnit {
    /// The 14-digit ファイル連番.
    pub sequence: String,
    /// 送信元 事業所番号.
    pub sender: String,
    /// 送信先 事業所番号.
    pub receiver: String,
    pub set: UnitSet,
    /// 対象年月 of 利用票/実績/削除 units.
    pub month: Option<String>,
    /// Paths of the unit's files, in input order.
    pub files: Vec<String>,
    /// Kind ids of those files (same order).
    pub kinds: Vec<String>,
    /// Kind ids the set needs and lacks.
    pub missing: Vec<String>,
    /// Position of the unit's first file in the caller's list (the order of import).
    pub input_position: usize,
    /// The users (and keys) the unit carries, with their version state.
    pub users: Vec<UnitUser>,
    /// Indexes of the files in the caller's list.
    #[serde(skip)]
    pub(crate) file_indexes: Vec<usize>,
    /// For 削除 units: the set the delete withdraws.
    #[serde(skip)]
    pub(crate) target: UnitSet,
}

impl TransmissionUnit {
    /// 「連番20250425093000（送信元1310000001→送信先1310000002）」.
    pub fn label(&self) -> String {
        format!(
            "連番{}（送信元{}→送信先{}）",
            self.sequence, self.sender, self.receiver
        )
    }
}

/// The set a file belongs to, from its kind and month token.
pub(crate) fn set_of(kind: &str, month_token: Option<&str>) -> Option<UnitSet> {
    Some(match kind {
        "UP1KYO" | "UP2KYO" | "UP3KYO" => UnitSet::Plan,
        "UPHOSOKU" if month_token == Some("000000") => UnitSet::Plan,
        "UPHOSOKU" | "UPPLAN" | "UPSIKYU" => UnitSet::Usage,
        "UPJSK" => UnitSet::Actual,
        "UPKIHON" | "UPKIHON_SUB1" | "UPKIHON_SUB2" | "UPYOBO" | "UPYOBO_SUB" => {
            UnitSet::Prevention
        }
        "DLT1KYO" | "DLTPLAN" | "DLTJSK" | "DLTKIHON" | "DLTYOBO" => UnitSet::Delete,
        _ => return None,
    })
}

/// The set a 削除 file withdraws.
pub(crate) fn delete_target(kind: &str) -> UnitSet {
    match kind {
        "DLT1KYO" => UnitSet::Plan,
        "DLTPLAN" => UnitSet::Usage,
        "DLTJSK" => UnitSet::Actual,
        _ => UnitSet::Prevention,
    }
}

/// The kinds a unit must have, given the kinds it has.
fn required(
    set: UnitSet,
    generation: LayoutGeneration,
    present: &BTreeSet<&str>,
) -> Vec<&'static str> {
    match set {
        UnitSet::Plan => {
            let mut r = vec!["UP1KYO", "UP2KYO"];
            if generation == LayoutGeneration::V4 {
                r.push("UP3KYO");
            }
            r.push("UPHOSOKU");
            r
        }
        UnitSet::Usage => vec!["UPPLAN", "UPSIKYU", "UPHOSOKU"],
        UnitSet::Actual => vec!["UPJSK"],
        UnitSet::Prevention => {
            let mut r = Vec::new();
            if present.iter().any(|k| k.starts_with("UPKIHON")) {
                r.push("UPKIHON");
            }
            if present.contains("UPYOBO_SUB") {
                r.push("UPYOBO");
            }
            r
        }
        UnitSet::Delete => Vec::new(),
    }
}

fn kind_name(id: &str) -> String {
    match Spec::get().kind(id) {
        Some(k) => format!("{}（{}）", k.name_ja, id),
        None => id.to_owned(),
    }
}

fn names(ids: &[&str]) -> String {
    ids.iter()
        .map(|k| kind_name(k))
        .collect::<Vec<_>>()
        .join("、")
}

/// Groups the files into units and reports what is wrong with each unit's make-up.
pub(crate) fn build_units(
    views: &[FileView],
    out: &mut Vec<CrossFileFinding>,
) -> Vec<TransmissionUnit> {
    // (連番, 送信元, 送信先) → the files, in input order.
    let mut groups: BTreeMap<(&str, &str, &str), Vec<usize>> = BTreeMap::new();
    for (i, v) in views.iter().enumerate() {
        if set_of(v.kind, v.month_token()).is_none() {
            continue;
        }
        if let (Some(seq), Some(from), Some(to)) = (v.sequence(), v.sender(), v.receiver()) {
            groups.entry((seq, from, to)).or_default().push(i);
        }
    }
    let mut units = Vec::new();
    for ((seq, from, to), members) in groups {
        let mut by_set: BTreeMap<(UnitSet, Option<String>, usize), Vec<usize>> = BTreeMap::new();
        for &i in &members {
            let v = &views[i];
            let set = set_of(v.kind, v.month_token()).unwrap_or(UnitSet::Delete);
            let month = match set {
                UnitSet::Usage | UnitSet::Actual | UnitSet::Delete => {
                    v.month_token().map(str::to_owned)
                }
                _ => None,
            };
            // Every delete file is a unit of its own.
            let alone = if set == UnitSet::Delete { i + 1 } else { 0 };
            by_set.entry((set, month, alone)).or_default().push(i);
        }
        if by_set.len() > 1 {
            let files: Vec<String> = members
                .iter()
                .map(|&i| views[i].path().to_owned())
                .collect();
            let sets: Vec<&str> = by_set.keys().map(|(s, _, _)| s.label_ja()).collect();
            out.push(
                Report::new(
                    ReconcileCode::UNIT_MIXED_SETS,
                    format!(
                        "連番{seq}（送信元{from}→送信先{to}）に、別々に送るはずの組み合わせ（{}）のファイルが混ざっています。",
                        sets.join("、")
                    ),
                    "仕様では計画書の組み合わせ、利用票の組み合わせ、実績、削除ファイルはそれぞれ別の送信単位です。送信単位ごとに連番を分けて出力してください。",
                    files,
                )
                .build(),
            );
        }
        for ((set, month, _), idx) in by_set {
            let target = if set == UnitSet::Delete {
                delete_target(views[idx[0]].kind)
            } else {
                set
            };
            units.push(TransmissionUnit {
                sequence: seq.to_owned(),
                sender: from.to_owned(),
                receiver: to.to_owned(),
                set,
                month,
                files: idx.iter().map(|&i| views[i].path().to_owned()).collect(),
                kinds: idx.iter().map(|&i| views[i].kind.to_owned()).collect(),
                missing: Vec::new(),
                input_position: idx.iter().map(|&i| views[i].index).min().unwrap_or(0),
                users: Vec::new(),
                file_indexes: idx,
                target,
            });
        }
    }
    units.sort_by(|a, b| (a.input_position, &a.sequence).cmp(&(b.input_position, &b.sequence)));
    for u in &mut units {
        duplicates_and_versions(u, views, out);
        let present: BTreeSet<&str> = u.kinds.iter().map(String::as_str).collect();
        let generation = if u
            .file_indexes
            .iter()
            .any(|&i| views[i].generation() == Some(LayoutGeneration::V4))
        {
            LayoutGeneration::V4
        } else {
            LayoutGeneration::V3
        };
        u.missing = required(u.set, generation, &present)
            .into_iter()
            .filter(|k| !present.contains(k))
            .map(str::to_owned)
            .collect();
    }
    report_missing(&units, out);
    for u in &units {
        check_keys(u, views, out);
    }
    units
}

fn duplicates_and_versions(
    u: &TransmissionUnit,
    views: &[FileView],
    out: &mut Vec<CrossFileFinding>,
) {
    let mut by_kind: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in &u.file_indexes {
        by_kind.entry(views[i].kind).or_default().push(i);
    }
    for (kind, idx) in by_kind.iter().filter(|(_, v)| v.len() > 1) {
        let same_bytes = idx
            .windows(2)
            .all(|w| views[w[0]].sha256 == views[w[1]].sha256);
        let mut r = Report::new(
            ReconcileCode::UNIT_DUPLICATE_FILE,
            format!(
                "{}に{}が{}つあります{}。",
                u.label(),
                kind_name(kind),
                idx.len(),
                if same_bytes { "（中身は同じです）" } else { "（中身が違います）" }
            ),
            "1つの送信単位には各ファイルを1つだけ入れます。同じファイルを2回選んでいないか、出力し直したファイルが混ざっていないか確認してください。",
            idx.iter().map(|&i| views[i].path().to_owned()).collect(),
        );
        if same_bytes {
            r = r.severity(Severity::Warning);
        }
        out.push(r.build());
    }
    let versions: BTreeSet<Option<&str>> = u
        .file_indexes
        .iter()
        .map(|&i| views[i].identity.csv_version.as_deref())
        .filter(Option::is_some)
        .collect();
    let shapes: BTreeSet<String> = u
        .file_indexes
        .iter()
        .filter_map(|&i| views[i].identity.name.shape.map(|s| format!("{s:?}")))
        .collect();
    if versions.len() > 1 || shapes.len() > 1 {
        let listed: Vec<String> = u
            .file_indexes
            .iter()
            .map(|&i| {
                format!(
                    "{}: {}",
                    views[i].kind,
                    views[i].identity.csv_version.as_deref().unwrap_or("不明")
                )
            })
            .collect();
        out.push(
            Report::new(
                ReconcileCode::UNIT_VERSION_MIXED,
                format!(
                    "{}のファイルのCSVバージョン・ファイル名の形（V3/V4）が揃っていません（{}）。",
                    u.label(),
                    listed.join("、")
                ),
                "同じ送信単位のファイルは同じ版（CSVバージョン）で出力し直してください。",
                u.files.clone(),
            )
            .build(),
        );
    }
}

/// Missing companions; when incomplete units of the same set, partner and month differ only
/// in 連番 and together would be complete, that is one mixed-連番 finding naming them all.
fn report_missing(units: &[TransmissionUnit], out: &mut Vec<CrossFileFinding>) {
    let mut incomplete: BTreeMap<(&str, &str, UnitSet, Option<&str>), Vec<usize>> = BTreeMap::new();
    for (i, u) in units.iter().enumerate() {
        if !u.missing.is_empty() {
            incomplete
                .entry((&u.sender, &u.receiver, u.set, u.month.as_deref()))
                .or_default()
                .push(i);
        }
    }
    let mut explained: FxHashSet<usize> = FxHashSet::default();
    for idx in incomplete.values() {
        let sequences: BTreeSet<&str> = idx.iter().map(|&i| units[i].sequence.as_str()).collect();
        if sequences.len() < 2 {
            continue;
        }
        let kinds: BTreeSet<&str> = idx
            .iter()
            .flat_map(|&i| units[i].kinds.iter().map(String::as_str))
            .collect();
        let still_missing = idx
            .iter()
            .flat_map(|&i| units[i].missing.iter())
            .any(|m| !kinds.contains(m.as_str()));
        if still_missing {
            continue;
        }
        let first = &units[idx[0]];
        let mut files = Vec::new();
        let mut parts = Vec::new();
        for &i in idx {
            explained.insert(i);
            files.extend(units[i].files.iter().cloned());
            parts.push(format!(
                "連番{}: {}",
                units[i].sequence,
                units[i].kinds.join("・")
            ));
        }
        out.push(
            Report::new(
                ReconcileCode::UNIT_SEQUENCE_MIXED,
                format!(
                    "送信元{}→送信先{}の{}のファイルの連番が揃っていません（{}）。連番ごとに別の送信単位として扱われ、どれも必要なファイルが欠けています。",
                    first.sender,
                    first.receiver,
                    first.set.label_ja(),
                    parts.join("／")
                ),
                "1つの組み合わせのファイルは同じ連番（ファイル名末尾の14桁）で出力し直してください。",
                files,
            )
            .build(),
        );
    }
    for (i, u) in units.iter().enumerate() {
        if u.missing.is_empty() || explained.contains(&i) {
            continue;
        }
        let missing: Vec<&str> = u.missing.iter().map(String::as_str).collect();
        let present: Vec<&str> = u.kinds.iter().map(String::as_str).collect();
        let mut need: Vec<&str> = present.clone();
        need.extend(missing.iter());
        need.sort();
        need.dedup();
        let month = u
            .month
            .as_deref()
            .map(|m| format!("（対象年月{m}）"))
            .unwrap_or_default();
        out.push(
            Report::new(
                ReconcileCode::UNIT_MISSING_FILE,
                format!(
                    "{}{}の{}に{}がありません（あるのは{}）。",
                    u.label(),
                    month,
                    u.set.label_ja(),
                    names(&missing),
                    present.join("・")
                ),
                &format!(
                    "{}は{}を同じ連番でそろえて送ります。欠けているファイルを同じ連番で出力してください（仕様 §5）。",
                    u.set.label_ja(),
                    need.join("・")
                ),
                u.files.clone(),
            )
            .build(),
        );
    }
}

/// The key field of each kind within its set, and which kind is the parent.
fn key_field(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "UP1KYO" | "UP2KYO" | "UP3KYO" => PLAN_DATE,
        "UPPLAN" | "UPSIKYU" | "UPJSK" => roles::SERVICE_MONTH,
        "UPKIHON" | "UPKIHON_SUB1" | "UPKIHON_SUB2" | "DLTKIHON" => CONSULTATION_DATE,
        "UPYOBO" | "UPYOBO_SUB" | "DLTYOBO" => PREVENTION_PLAN_DATE,
        "DLT1KYO" => PLAN_DATE,
        "DLTPLAN" | "DLTJSK" => roles::DELETE_MONTH,
        _ => return None,
    })
}

fn unit_key_field(set: UnitSet, kind: &str) -> Option<&'static str> {
    match (set, kind) {
        (UnitSet::Plan, "UPHOSOKU") => Some(PLAN_DATE),
        (UnitSet::Usage, "UPHOSOKU") => Some(roles::SERVICE_MONTH),
        _ => key_field(kind),
    }
}

/// The rest of a version subject's key ([`UnitUser::key`]) as up to three borrowed parts
/// whose concatenation is the key, so that comparing and hashing keys of every record
/// allocates nothing. Equal and hashed as that concatenation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SubjectKey<'a> {
    parts: [&'a str; 3],
}

impl<'a> SubjectKey<'a> {
    pub fn whole(key: &'a str) -> SubjectKey<'a> {
        SubjectKey {
            parts: [key, "", ""],
        }
    }

    /// The key `parts` concatenated.
    pub fn new(parts: [&'a str; 3]) -> SubjectKey<'a> {
        SubjectKey { parts }
    }

    fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.parts.iter().flat_map(|p| p.bytes())
    }

    /// The key up to its first `/` (実績 keys carry the service type; units compare by
    /// month only).
    pub fn before_slash(self) -> SubjectKey<'a> {
        let mut parts = ["", "", ""];
        for (i, p) in self.parts.iter().enumerate() {
            match p.find('/') {
                Some(at) => {
                    parts[i] = &p[..at];
                    break;
                }
                None => parts[i] = p,
            }
        }
        SubjectKey { parts }
    }
}

impl PartialEq for SubjectKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes().eq(other.bytes())
    }
}

impl Eq for SubjectKey<'_> {}

impl std::hash::Hash for SubjectKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for b in self.bytes() {
            state.write_u8(b);
        }
        state.write_u8(0xff);
    }
}

impl std::fmt::Display for SubjectKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.parts.iter().try_for_each(|p| f.write_str(p))
    }
}

/// The version-subject key of one record (besides the user), as [`UnitUser::key`].
pub(crate) fn record_key<'a>(
    set: UnitSet,
    v: &FileView<'a>,
    rec: crate::check::RecordRef<'a>,
) -> Option<SubjectKey<'a>> {
    let field = unit_key_field(set, v.kind)?;
    let value = if field == roles::SERVICE_MONTH {
        v.get(rec, Col::Month)
    } else {
        v.value(rec, field)
    };
    Some(SubjectKey {
        parts: match v.kind {
            "UPJSK" => {
                let code = v.get(rec, Col::ServiceCode);
                [value, "/", code.get(..2).unwrap_or(code)]
            }
            "DLTJSK" => [value, "/", v.value(rec, SERVICE_TYPE)],
            "UPKIHON" | "UPKIHON_SUB1" | "UPKIHON_SUB2" | "DLTKIHON" => ["K:", value, ""],
            "UPYOBO" | "UPYOBO_SUB" | "DLTYOBO" => ["Y:", value, ""],
            _ => [value, "", ""],
        },
    })
}

/// Records whose key has no partner in the companion files of the same unit.
fn check_keys(u: &TransmissionUnit, views: &[FileView], out: &mut Vec<CrossFileFinding>) {
    let (parent, dependents): (&str, &[&str]) = match u.set {
        UnitSet::Plan => ("UP1KYO", &["UP2KYO", "UP3KYO", "UPHOSOKU"]),
        UnitSet::Usage => ("UPPLAN", &["UPSIKYU", "UPHOSOKU"]),
        UnitSet::Prevention => {
            check_prevention(u, views, out);
            return;
        }
        _ => return,
    };
    let file_of = |kind: &str| {
        u.file_indexes
            .iter()
            .copied()
            .find(|&i| views[i].kind == kind)
    };
    let Some(p) = file_of(parent) else {
        return;
    };
    let pv = &views[p];
    let parent_keys = keys_of(u.set, pv);
    for dep in dependents {
        let Some(d) = file_of(dep) else {
            continue;
        };
        let dv = &views[d];
        let dep_keys = keys_of(u.set, dv);
        let key_name = unit_key_field(u.set, dv.kind).unwrap_or("");
        for ((user, key), rec) in &dep_keys {
            if !parent_keys.contains_key(&(*user, *key)) {
                let col = dv.col(key_name).unwrap_or(1);
                out.push(
                    Report::new(
                        ReconcileCode::UNIT_KEY_NO_PARENT,
                        format!(
                            "{}の{}件目のレコード（{}、{}「{}」）に対応するレコードが、同じ送信単位の{}にありません。",
                            kind_name(dv.kind), rec.index, user_label(*user), key_name, key, kind_name(parent)
                        ),
                        &format!(
                            "保険者番号・被保険者番号・{key_name}を{}と同じにするか、{}にこの利用者を入れて出力し直してください。",
                            kind_name(parent), kind_name(parent)
                        ),
                        vec![dv.path().to_owned(), pv.path().to_owned()],
                    )
                    .field(*rec, col, key_name)
                    .build(),
                );
            }
        }
        for ((user, key), rec) in &parent_keys {
            if !dep_keys.contains_key(&(*user, *key)) {
                let pkey = unit_key_field(u.set, parent).unwrap_or("");
                let mut r = Report::new(
                    ReconcileCode::UNIT_KEY_NO_DEPENDENT,
                    format!(
                        "{}の{}件目のレコード（{}、{}「{}」）の利用者が、同じ送信単位の{}にありません。",
                        kind_name(parent), rec.index, user_label(*user), pkey, key, kind_name(dv.kind)
                    ),
                    &format!("{}にもこの利用者のレコードを入れて、同じ連番で出力し直してください。", kind_name(dv.kind)),
                    vec![pv.path().to_owned(), dv.path().to_owned()],
                )
                .at(*rec);
                if *dep == "UP3KYO" {
                    // The spec does not say every plan has a 週間サービス計画表 row.
                    r = r.severity(Severity::Warning);
                }
                out.push(r.build());
            }
        }
    }
}

/// 介護予防: 別表 records need their parent's key (UPKIHON_SUB* → UPKIHON, UPYOBO_SUB → UPYOBO).
fn check_prevention(u: &TransmissionUnit, views: &[FileView], out: &mut Vec<CrossFileFinding>) {
    for (dep, parent) in [
        ("UPKIHON_SUB1", "UPKIHON"),
        ("UPKIHON_SUB2", "UPKIHON"),
        ("UPYOBO_SUB", "UPYOBO"),
    ] {
        let file_of = |kind: &str| {
            u.file_indexes
                .iter()
                .copied()
                .find(|&i| views[i].kind == kind)
        };
        let (Some(d), Some(p)) = (file_of(dep), file_of(parent)) else {
            continue;
        };
        let parent_keys = keys_of(u.set, &views[p]);
        let dv = &views[d];
        let key_name = key_field(dep).unwrap_or("");
        for ((user, key), rec) in keys_of(u.set, dv) {
            if !parent_keys.contains_key(&(user, key)) {
                out.push(
                    Report::new(
                        ReconcileCode::UNIT_KEY_NO_PARENT,
                        format!(
                            "{}の{}件目のレコード（{}、{}「{}」）に対応するレコードが、同じ送信単位の{}にありません。",
                            kind_name(dep), rec.index, user_label(user), key_name, key.to_string().trim_start_matches(['K', 'Y', ':']), kind_name(parent)
                        ),
                        &format!("{key_name}を親ファイルと同じにして出力し直してください。"),
                        vec![dv.path().to_owned(), views[p].path().to_owned()],
                    )
                    .at(rec)
                    .build(),
                );
            }
        }
    }
}

/// A user (保険者番号, 被保険者番号) and a key, borrowed from the records.
type UserAndKey<'a> = ((&'a str, &'a str), SubjectKey<'a>);

/// Each distinct (user, key) of a file with its first record, in file order.
fn keys_of<'a>(set: UnitSet, v: &FileView<'a>) -> indexmap_lite::Ordered<'a> {
    let mut out = indexmap_lite::Ordered::default();
    // A file's records come user by user: most have the key of the record before.
    let mut last: Option<UserAndKey> = None;
    for (rec, _) in v.runs() {
        if let Some(key) = record_key(set, v, rec) {
            let k = (v.user_ref(rec), key.before_slash());
            if last != Some(k) {
                out.insert(k, rec);
                last = Some(k);
            }
        }
    }
    out
}

/// A tiny insertion-ordered map, so findings come out in file order without a dependency.
mod indexmap_lite {
    use super::UserAndKey;
    use crate::check::RecordRef;
    use rustc_hash::FxHashSet;

    #[derive(Default)]
    pub(crate) struct Ordered<'a> {
        index: FxHashSet<UserAndKey<'a>>,
        items: Vec<(UserAndKey<'a>, RecordRef<'a>)>,
    }

    impl<'a> Ordered<'a> {
        pub fn insert(&mut self, k: UserAndKey<'a>, rec: RecordRef<'a>) {
            if self.index.insert(k) {
                self.items.push((k, rec));
            }
        }
        pub fn contains_key(&self, k: &UserAndKey<'a>) -> bool {
            self.index.contains(k)
        }
    }

    impl<'a, 'b> IntoIterator for &'b Ordered<'a> {
        type Item = &'b (UserAndKey<'a>, RecordRef<'a>);
        type IntoIter = std::slice::Iter<'b, (UserAndKey<'a>, RecordRef<'a>)>;
        fn into_iter(self) -> Self::IntoIter {
            self.items.iter()
        }
    }

    impl<'a> IntoIterator for Ordered<'a> {
        type Item = (UserAndKey<'a>, RecordRef<'a>);
        type IntoIter = std::vec::IntoIter<(UserAndKey<'a>, RecordRef<'a>)>;
        fn into_iter(self) -> Self::IntoIter {
            self.items.into_iter()
        }
    }
}
