//! The check page's first answer: one row per file (状態, 種類, 対象月, 相手, エラー, 警告),
//! files with errors first, and how many files are in each state.
//!
//! A clerk who drops a month's files wants to know first *which files* are fine and which are
//! not; the findings themselves come one click later. Findings across files count for the
//! file that causes them: the first of a cross-file finding's files, the one its position
//! points into (see `reconcile::findings::Report`).

use std::collections::HashMap;

use crate::check::{CrossFileFinding, FileReport, Party, Severity};
use crate::facts::FileFacts;
use crate::reconcile::month_ja;
use crate::spec::service_kind;

/// A file's state in words; the order is the order of the table (worst first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// The browser could not read the file.
    Unreadable,
    /// エラー: not to be sent or imported as it is.
    Errors,
    /// 注意: warnings only.
    Attention,
    /// Still being read or checked.
    Checking,
    /// 問題なし.
    Ready,
}

impl Verdict {
    /// The verdict of a checked file with these counts.
    pub fn of(errors: u64, warnings: u64) -> Verdict {
        if errors > 0 {
            Verdict::Errors
        } else if warnings > 0 {
            Verdict::Attention
        } else {
            Verdict::Ready
        }
    }

    /// The short word of the table: 「エラー」「注意」「問題なし」.
    pub fn word_ja(self) -> &'static str {
        match self {
            Verdict::Unreadable => "読めません",
            Verdict::Errors => "エラー",
            Verdict::Attention => "注意",
            Verdict::Checking => "点検中",
            Verdict::Ready => "問題なし",
        }
    }

    /// The sentence of a file's own section: what the clerk may do with it.
    pub fn sentence_ja(self) -> &'static str {
        match self {
            Verdict::Unreadable => "ファイルを読み込めませんでした",
            Verdict::Errors => "エラーがあります",
            Verdict::Attention => "注意があります",
            Verdict::Checking => "点検中です",
            Verdict::Ready => "送信・取込できます",
        }
    }

    /// The mark beside the word (never alone: colour-blind and printed pages need the word).
    pub fn icon(self) -> &'static str {
        match self {
            Verdict::Unreadable | Verdict::Errors => "✖",
            Verdict::Attention => "▲",
            Verdict::Checking => "…",
            Verdict::Ready => "✔",
        }
    }
}

/// One file as the page holds it.
#[derive(Clone, Copy, Debug)]
pub enum FileState<'a> {
    Checking,
    Unreadable,
    Checked {
        report: &'a FileReport,
        facts: &'a FileFacts,
    },
}

/// The other party of a file, as the table names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partner {
    /// 事業所番号.
    pub office: String,
    /// サービス種類コード from the file name (V4).
    pub service_type: Option<String>,
    /// The name the ledger knows for this 事業所番号.
    pub name: Option<String>,
}

impl Partner {
    /// 「さくら訪問介護（訪問介護）」, or 「1310000002（訪問介護）」 (the 事業所番号) when the
    /// ledger does not know the name yet.
    pub fn label_ja(&self) -> String {
        let who = self.name.clone().unwrap_or_else(|| self.office.clone());
        match &self.service_type {
            Some(t) => format!("{who}（{}）", service_kind::label_ja(t)),
            None => who,
        }
    }
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRow {
    /// Where the file is in the input, so the page can find it again.
    pub index: usize,
    pub path: String,
    pub verdict: Verdict,
    /// The kind's 日本語名称, e.g. 第6表（サービス利用票）予定.
    pub kind_ja: String,
    /// 「2025年5月」, or 「月の指定なし」 for a 計画 set.
    pub month_ja: String,
    pub partner: Option<Partner>,
    /// Errors of the file and of the findings across files it causes.
    pub errors: u64,
    pub warnings: u64,
    /// How many of the findings the file causes are across files.
    pub cross_file: u64,
}

/// サービス種類コード of a 居宅介護支援事業所 (spec §事業所番号): its partner is the other party.
const CARE_MANAGEMENT: &str = "43";

/// The party of a file that is not us: the other one when our 事業所番号 is known and named,
/// else the one that is not a 居宅介護支援事業所 (type 43), else the receiver.
pub fn partner_of<'a>(facts: &'a FileFacts, our_office: Option<&str>) -> Option<&'a Party> {
    let (sender, receiver) = (facts.sender.as_ref(), facts.receiver.as_ref());
    let is = |p: Option<&Party>, f: &dyn Fn(&Party) -> bool| p.is_some_and(f);
    if let Some(ours) = our_office {
        if is(sender, &|p| p.office == ours) {
            return receiver;
        }
        if is(receiver, &|p| p.office == ours) {
            return sender;
        }
    }
    let care = |p: &Party| p.service_type.as_deref() == Some(CARE_MANAGEMENT);
    if is(sender, &care) && !is(receiver, &care) {
        receiver
    } else if is(receiver, &care) && !is(sender, &care) {
        sender
    } else {
        receiver.or(sender)
    }
}

/// The rows, worst first and otherwise in input order. `cross_file` is `None` while the files
/// are still being compared with each other: a file without findings of its own is then
/// still 点検中, never 問題なし too early. `partner_name` gives the ledger's name for a
/// 事業所番号.
pub fn file_rows(
    files: &[(&str, FileState)],
    cross_file: Option<&[CrossFileFinding]>,
    our_office: Option<&str>,
    partner_name: &dyn Fn(&str) -> Option<String>,
) -> Vec<FileRow> {
    // (errors, warnings) of the findings across files, by the file that causes them.
    let mut caused: HashMap<&str, (u64, u64)> = HashMap::new();
    for c in cross_file.unwrap_or_default() {
        let Some(first) = c.files.first() else {
            continue;
        };
        let counts = caused.entry(first.as_str()).or_default();
        match c.finding.severity {
            Severity::Error => counts.0 += 1,
            Severity::Warning => counts.1 += 1,
            Severity::Info => {}
        }
    }
    let mut rows: Vec<FileRow> = files
        .iter()
        .enumerate()
        .map(|(index, (path, state))| {
            let mut row = FileRow {
                index,
                path: (*path).to_owned(),
                verdict: Verdict::Checking,
                kind_ja: String::new(),
                month_ja: String::new(),
                partner: None,
                errors: 0,
                warnings: 0,
                cross_file: 0,
            };
            match state {
                FileState::Checking => {}
                FileState::Unreadable => row.verdict = Verdict::Unreadable,
                FileState::Checked { report, facts } => {
                    let (e, w) = caused.get(path).copied().unwrap_or_default();
                    row.errors = report.counts.errors + e;
                    row.warnings = report.counts.warnings + w;
                    row.cross_file = e + w;
                    row.verdict = match Verdict::of(row.errors, row.warnings) {
                        Verdict::Ready if cross_file.is_none() => Verdict::Checking,
                        v => v,
                    };
                    row.kind_ja = facts
                        .kind_name_ja
                        .clone()
                        .unwrap_or_else(|| "種類が分からないファイル".to_owned());
                    row.month_ja = match facts.service_month.as_deref() {
                        Some(m) if m.bytes().any(|b| b != b'0') => month_ja(m),
                        _ => "月の指定なし".to_owned(),
                    };
                    row.partner = partner_of(facts, our_office).map(|p| Partner {
                        office: p.office.clone(),
                        service_type: p.service_type.clone(),
                        name: partner_name(&p.office),
                    });
                }
            }
            row
        })
        .collect();
    rows.sort_by_key(|r| (r.verdict, r.index));
    rows
}

/// How many files are in each state: the summary counts files, not findings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileCounts {
    pub files: usize,
    pub errors: usize,
    pub attention: usize,
    pub ready: usize,
    pub checking: usize,
    pub unreadable: usize,
}

impl FileCounts {
    pub fn of(rows: &[FileRow]) -> FileCounts {
        let mut c = FileCounts {
            files: rows.len(),
            ..FileCounts::default()
        };
        for r in rows {
            match r.verdict {
                Verdict::Unreadable => c.unreadable += 1,
                Verdict::Errors => c.errors += 1,
                Verdict::Attention => c.attention += 1,
                Verdict::Checking => c.checking += 1,
                Verdict::Ready => c.ready += 1,
            }
        }
        c
    }

    /// 「20件のファイル: エラー 1件、注意 1件、問題なし 18件」 (states with no file left out,
    /// except 問題なし).
    pub fn sentence_ja(&self) -> String {
        let mut parts = Vec::new();
        for (n, v) in [
            (self.unreadable, Verdict::Unreadable),
            (self.errors, Verdict::Errors),
            (self.attention, Verdict::Attention),
            (self.checking, Verdict::Checking),
        ] {
            if n > 0 {
                parts.push(format!("{} {n}件", v.word_ja()));
            }
        }
        parts.push(format!("{} {}件", Verdict::Ready.word_ja(), self.ready));
        format!("{}件のファイル: {}", self.files, parts.join("、"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_file_keeping_records;
    use crate::fixtures::sets::{remove_day, OfficeMonth, Provider};
    use crate::reconcile::reconcile;

    #[test]
    fn a_month_with_one_bad_file_lists_it_first_and_counts_files() {
        let office = OfficeMonth::sample();
        let home_care = Provider::new("1310000002", "11");
        let mut files = office.files_with_actual(&home_care, |rows| {
            remove_day(rows, "0000012345", "20250508", "111111")
        });
        files.push(crate::fixtures::Fixture {
            name: "UPPLAN_202505_1310000001_43_1310000009_15_20250425093000.CSV".into(),
            bytes: b"junk,\r\n".to_vec(),
            expected: Vec::new(),
        });
        let checked: Vec<_> = files
            .iter()
            .map(|f| check_file_keeping_records(&f.name, &f.bytes))
            .collect();
        let facts: Vec<FileFacts> = checked.iter().map(FileFacts::of).collect();
        let r = reconcile(&checked);
        let input: Vec<(&str, FileState)> = checked
            .iter()
            .zip(&facts)
            .map(|(c, facts)| {
                (
                    c.report.path.as_str(),
                    FileState::Checked {
                        report: &c.report,
                        facts,
                    },
                )
            })
            .collect();
        let names = |office: &str| (office == "1310000002").then(|| "さくら訪問介護".to_owned());
        let rows = file_rows(&input, Some(&r.cross_file), Some("1310000001"), &names);

        assert_eq!(rows.len(), files.len());
        assert_eq!(rows[0].verdict, Verdict::Errors);
        assert!(rows[0].path.contains("1310000009"));
        assert_eq!(rows[0].kind_ja, "第6表（サービス利用票）予定");
        assert_eq!(
            rows[0].partner.as_ref().unwrap().label_ja(),
            "1310000009（種類15）"
        );
        // The missed visit is the 予定 file's warning (the finding points into it).
        assert_eq!(rows[1].verdict, Verdict::Attention);
        assert!(rows[1]
            .path
            .starts_with("UPPLAN_202505_1310000001_43_1310000002"));
        assert_eq!(rows[1].cross_file, 1);
        assert_eq!(
            rows[1].partner.as_ref().unwrap().label_ja(),
            "さくら訪問介護（訪問介護）"
        );
        assert_eq!(rows[1].month_ja, "2025年5月");
        assert!(rows[2..].iter().all(|r| r.verdict == Verdict::Ready));
        // A 実績 comes from the provider: the partner is its sender.
        let jsk = rows.iter().find(|r| r.path.starts_with("UPJSK")).unwrap();
        assert_eq!(
            jsk.partner.as_ref().unwrap().office,
            jsk.path[13..23].to_owned()
        );

        // Before the files are compared, a clean file is not yet 問題なし.
        let early = file_rows(&input, None, Some("1310000001"), &names);
        assert_eq!(early[0].verdict, Verdict::Errors);
        assert!(early[1..].iter().all(|r| r.verdict == Verdict::Checking));

        let counts = FileCounts::of(&rows);
        assert_eq!(
            counts.sentence_ja(),
            format!(
                "{}件のファイル: エラー 1件、注意 1件、問題なし {}件",
                files.len(),
                files.len() - 2
            )
        );
    }

    #[test]
    fn without_our_number_the_partner_is_the_party_that_is_not_a_care_manager() {
        let facts = FileFacts::of_report(&crate::check::check_file(
            "UPJSK_202505_1310000002_11_1310000001_43_20250601100000.CSV",
            b"",
        ));
        assert_eq!(partner_of(&facts, None).unwrap().office, "1310000002");
        assert_eq!(
            partner_of(&facts, Some("1310000002")).unwrap().office,
            "1310000001"
        );
    }

    #[test]
    fn files_being_checked_and_unreadable_ones_have_their_own_words() {
        let rows = file_rows(
            &[
                ("a.CSV", FileState::Checking),
                ("b.CSV", FileState::Unreadable),
            ],
            Some(&[]),
            None,
            &|_| None,
        );
        assert_eq!(rows[0].path, "b.CSV");
        assert_eq!(
            FileCounts::of(&rows).sentence_ja(),
            "2件のファイル: 読めません 1件、点検中 1件、問題なし 0件"
        );
    }
}
