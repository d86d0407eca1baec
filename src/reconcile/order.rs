//! 版の順序: which unit is the current version, which were replaced or withdrawn, and whether
//! the files were given in the order a receiver must import them.
//!
//! A *subject* is what a newer unit replaces: the same set, 送信元, 送信先, user and key
//! (対象年月 for 利用票, 対象年月 + サービス種類 for 実績, 作成（変更）日 for 計画, 相談日 /
//! 計画作成日 for 介護予防). Among the units of one subject the newest ファイル連番 is current
//! (spec §5: a newer set does not need the older one deleted first); a 削除 file newer than a
//! unit withdraws it. The receiver imports units in 連番 order, so an older unit placed after
//! a newer one in the caller's list (the order the files were dropped or imported) would
//! overwrite newer data: that is the warning.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::findings::{ReconcileCode, Report};
use super::units::{record_key, SubjectKey, TransmissionUnit, UnitSet, UnitUser, VersionState};
use super::view::{FileView, UserKey};
use super::InputOrder;
use crate::check::CrossFileFinding;

/// The files whose records name a unit's users and keys.
fn key_files(u: &TransmissionUnit, views: &[FileView]) -> Vec<usize> {
    // Only the parent file (第1表, 第6表) makes a unit a version: a unit without it cannot
    // replace anything on import, and UNIT_MISSING_FILE already names it.
    let prefer: &[&str] = match u.set {
        UnitSet::Plan => &["UP1KYO"],
        UnitSet::Usage => &["UPPLAN"],
        UnitSet::Prevention => {
            return u
                .file_indexes
                .iter()
                .copied()
                .filter(|&i| matches!(views[i].kind, "UPKIHON" | "UPYOBO"))
                .collect()
        }
        _ => return u.file_indexes.clone(),
    };
    prefer
        .iter()
        .find_map(|k| {
            u.file_indexes
                .iter()
                .copied()
                .find(|&i| views[i].kind == *k)
        })
        .into_iter()
        .collect()
}

/// One appearance of a subject: which unit, its 連番, whether it is a 削除.
struct Occurrence {
    unit: usize,
    delete: bool,
}

/// (set, 送信元, 送信先, user, key): what a newer unit replaces; borrowed from the files.
type Subject<'a> = (
    UnitSet,
    &'a str,
    &'a str,
    (&'a str, &'a str),
    SubjectKey<'a>,
);

/// Fills every unit's `users` with its version state and reports order and delete findings.
pub(crate) fn resolve_versions(
    units: &mut [TransmissionUnit],
    views: &[FileView],
    input_order: InputOrder,
    out: &mut Vec<CrossFileFinding>,
) {
    let judge_order = input_order == InputOrder::AsGiven;
    // Subject → its occurrences, in the order subjects were first seen.
    let mut subjects: FxHashMap<Subject, usize> = FxHashMap::default();
    let mut order: Vec<(Subject, Vec<Occurrence>)> = Vec::new();
    for (ui, u) in units.iter().enumerate() {
        for fi in key_files(u, views) {
            let v = &views[fi];
            // A file's records come user by user: most have the subject of the one before.
            let mut last = None;
            for (rec, _) in v.runs() {
                let Some(key) = record_key(u.target, v, rec) else {
                    continue;
                };
                let subject = (u.target, &*u.sender, &*u.receiver, v.user_ref(rec), key);
                if last == Some(subject) {
                    continue;
                }
                last = Some(subject);
                let at = *subjects.entry(subject).or_insert_with(|| {
                    order.push((subject, Vec::new()));
                    order.len() - 1
                });
                let list = &mut order[at].1;
                // Once per unit (its key files are read one after the other).
                if list.last().is_some_and(|o| o.unit == ui) {
                    continue;
                }
                list.push(Occurrence {
                    unit: ui,
                    delete: u.set == UnitSet::Delete,
                });
            }
        }
    }
    drop(subjects);
    // Findings are aggregated per pair of units, listing the users, so a 300-user office
    // gets one line per pair rather than 300.
    let mut late: BTreeMap<(usize, usize), Vec<UserKey>> = BTreeMap::new();
    let mut superseded: BTreeMap<(usize, usize), Vec<UserKey>> = BTreeMap::new();
    let mut deleted: BTreeMap<(usize, usize), Vec<UserKey>> = BTreeMap::new();
    let mut no_target: BTreeMap<usize, Vec<UserKey>> = BTreeMap::new();
    let mut states: Vec<Vec<UnitUser>> = vec![Vec::new(); units.len()];
    for (subject, mut occ) in order {
        occ.sort_by(|a, b| {
            (&units[a.unit].sequence, units[a.unit].input_position)
                .cmp(&(&units[b.unit].sequence, units[b.unit].input_position))
        });
        let user = &UserKey {
            insurer: subject.3 .0.to_owned(),
            insured: subject.3 .1.to_owned(),
        };
        for (p, o) in occ.iter().enumerate() {
            let seq = &units[o.unit].sequence;
            let next = occ[p + 1..].iter().find(|n| units[n.unit].sequence > *seq);
            let state = match next {
                None => VersionState::Current,
                Some(n) if n.delete && !o.delete => {
                    deleted
                        .entry((n.unit, o.unit))
                        .or_default()
                        .push(user.clone());
                    VersionState::Deleted {
                        by: units[n.unit].sequence.clone(),
                    }
                }
                Some(n) => {
                    if !o.delete {
                        superseded
                            .entry((o.unit, n.unit))
                            .or_default()
                            .push(user.clone());
                    }
                    VersionState::Superseded {
                        by: units[n.unit].sequence.clone(),
                    }
                }
            };
            if o.delete
                && !occ[..p]
                    .iter()
                    .any(|e| !e.delete && units[e.unit].sequence < *seq)
            {
                no_target.entry(o.unit).or_default().push(user.clone());
            }
            for newer in &occ[p + 1..] {
                if judge_order
                    && units[newer.unit].sequence > *seq
                    && units[newer.unit].input_position < units[o.unit].input_position
                {
                    late.entry((o.unit, newer.unit))
                        .or_default()
                        .push(user.clone());
                }
            }
            states[o.unit].push(UnitUser {
                user: user.clone(),
                key: subject.4.to_string(),
                state,
            });
        }
    }
    for (u, s) in units.iter_mut().zip(states) {
        u.users = s;
    }
    for ((old, new), users) in late {
        let (o, n) = (&units[old], &units[new]);
        let mut files = o.files.clone();
        files.extend(n.files.iter().cloned());
        out.push(
            Report::new(
                ReconcileCode::ORDER_OLDER_AFTER_NEWER,
                format!(
                    "古い{}の{}が、新しい{}の後に置かれています（{}）。この順に取り込むと、新しい内容が古い内容で上書きされます。",
                    o.label(),
                    o.set.label_ja(),
                    n.label(),
                    users_ja(&users)
                ),
                "受け取ったファイルは連番（ファイル名末尾の14桁）の古い順に取り込みます。新しい送信単位がある場合、古い送信単位は取り込まないでください。",
                files,
            )
            .build(),
        );
    }
    for ((old, new), users) in superseded {
        let (o, n) = (&units[old], &units[new]);
        let mut files = o.files.clone();
        files.extend(n.files.iter().cloned());
        out.push(
            Report::new(
                ReconcileCode::ORDER_SUPERSEDED,
                format!(
                    "{}の{}は、新しい{}で置き換えられています（{}）。予定と実績の突き合わせには新しい方を使います。",
                    o.label(),
                    o.set.label_ja(),
                    n.label(),
                    users_ja(&users)
                ),
                "新しい方が最新版です。古い方は記録として残し、取り込み済みなら新しい方で上書きされていることを確認してください。",
                files,
            )
            .build(),
        );
    }
    for ((del, target), users) in deleted {
        let (d, t) = (&units[del], &units[target]);
        let mut files = d.files.clone();
        files.extend(t.files.iter().cloned());
        out.push(
            Report::new(
                ReconcileCode::ORDER_DELETE_APPLIED,
                format!(
                    "削除ファイル（{}）が{}の{}を取り消しています（{}）。取り消された分は突き合わせに使いません。",
                    d.label(),
                    t.label(),
                    t.set.label_ja(),
                    users_ja(&users)
                ),
                "取り消しが意図どおりか確認してください。取り消した後に送り直す場合は、削除ファイルより新しい連番で送ります。",
                files,
            )
            .build(),
        );
    }
    for (del, users) in no_target {
        let d = &units[del];
        out.push(
            Report::new(
                ReconcileCode::ORDER_DELETE_NO_TARGET,
                format!(
                    "削除ファイル（{}）が取り消す{}は、今回のファイルの中にありません（{}）。",
                    d.label(),
                    d.target.label_ja(),
                    users_ja(&users)
                ),
                "以前に送受信した分を取り消すものなら問題ありません。取り消す対象のファイルも確認する場合は、一緒に選んでください。",
                d.files.clone(),
            )
            .build(),
        );
    }
}

/// 「被保険者番号 A、B ほか3人」.
fn users_ja(users: &[UserKey]) -> String {
    let mut list: Vec<&str> = users.iter().map(|u| u.insured.as_str()).collect();
    list.sort();
    list.dedup();
    let shown: Vec<&str> = list.iter().take(5).copied().collect();
    let rest = list.len() - shown.len();
    let mut s = format!("被保険者番号 {}", shown.join("、"));
    if rest > 0 {
        s.push_str(&format!(" ほか{rest}人"));
    }
    s
}
