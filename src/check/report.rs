//! The report: one [`FileReport`] per file, and the run document that `careplan-check --json`
//! prints and the page exports (the same function builds both).
//!
//! Shape (field order is part of the contract):
//! ```text
//! {"tool":"careplan-check","version":"…",
//!  "files":[{"path","name","kind","spec_version","records","sha256","findings":[…]}],
//!  "cross_file":[{…finding fields…,"files":["path",…]}],
//!  "summary":{"files","errors","warnings"}}
//! ```

use serde::{Deserialize, Serialize};

use crate::check::findings::{Finding, Severity, SeverityCounts};

/// The result of checking one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    /// The path as given (the page gives the file name).
    pub path: String,
    /// The base name.
    pub name: String,
    /// Kind id (`UPPLAN` …) when the name identified it.
    pub kind: Option<String>,
    /// The CSVバージョン inside, when it is a value the spec defines.
    pub spec_version: Option<String>,
    /// The CSVバージョン of the first record as written, known to the spec or not (the text
    /// report shows 「202410（仕様にない値）」). Not in the JSON, whose shape is fixed.
    #[serde(skip)]
    pub csv_version: Option<String>,
    /// Number of logical CSV records.
    pub records: u64,
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    /// Findings in file order (file-level ones first), capped, ending with
    /// `FINDINGS_TRUNCATED` when some were only counted.
    pub findings: Vec<Finding>,
    /// All findings counted, listed or not (not in the JSON; the summary uses it).
    #[serde(skip)]
    pub counts: SeverityCounts,
}

impl FileReport {
    /// The CSVバージョン as the header line shows it: the spec's value, the file's own value
    /// marked 「（仕様にない値）」, or 「なし」 when the first record has none.
    pub fn version_label(&self) -> String {
        match (&self.spec_version, &self.csv_version) {
            (Some(v), _) => v.clone(),
            (None, Some(v)) => format!("{}（仕様にない値）", crate::check::rules::Shown(v)),
            (None, None) => "なし".to_owned(),
        }
    }

    /// Whether any error was found (listed or only counted).
    pub fn has_errors(&self) -> bool {
        self.counts.errors > 0
    }
}

/// A finding about several files together (filled by the reconciliation, issue 5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossFileFinding {
    #[serde(flatten)]
    pub finding: Finding,
    /// Paths of the files involved.
    pub files: Vec<String>,
}

/// Totals over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub files: u64,
    pub errors: u64,
    pub warnings: u64,
}

/// The whole document of one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    pub tool: String,
    pub version: String,
    pub files: Vec<FileReport>,
    pub cross_file: Vec<CrossFileFinding>,
    pub summary: Summary,
}

impl Summary {
    fn add_file(&mut self, f: &FileReport) {
        self.files += 1;
        self.errors += f.counts.errors;
        self.warnings += f.counts.warnings;
    }

    fn add_cross_file(&mut self, c: &CrossFileFinding) {
        match c.finding.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => {}
        }
    }
}

impl RunReport {
    /// Assembles the document and its summary.
    pub fn new(files: Vec<FileReport>, cross_file: Vec<CrossFileFinding>) -> RunReport {
        let mut summary = Summary::default();
        files.iter().for_each(|f| summary.add_file(f));
        cross_file.iter().for_each(|c| summary.add_cross_file(c));
        RunReport {
            tool: TOOL.to_owned(),
            version: VERSION.to_owned(),
            files,
            cross_file,
            summary,
        }
    }

    /// The JSON document (one line).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }

    /// Whether any file or cross-file finding is an error (exit code 1).
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// Human-readable Japanese text, as `careplan-check` prints by default.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            push_file_text(&mut out, f);
        }
        push_end_text(&mut out, &self.cross_file, &self.summary);
        out
    }
}

const TOOL: &str = "careplan-check";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Writes the run document a file at a time, as files are checked, so that a caller need not
/// hold every file's findings until the end: the same bytes as [`RunReport::to_json`] or
/// [`RunReport::to_text`] of the whole run.
pub struct RunWriter<W: std::io::Write> {
    out: W,
    json: bool,
    summary: Summary,
}

impl<W: std::io::Write> RunWriter<W> {
    /// Starts the document (JSON when `json`, else the text).
    pub fn new(mut out: W, json: bool) -> std::io::Result<RunWriter<W>> {
        if json {
            write!(
                out,
                "{{\"tool\":{},\"version\":{},\"files\":[",
                json_string(TOOL),
                json_string(VERSION)
            )?;
        }
        Ok(RunWriter {
            out,
            json,
            summary: Summary::default(),
        })
    }

    /// Writes the next file's report.
    pub fn file(&mut self, f: &FileReport) -> std::io::Result<()> {
        if self.json {
            if self.summary.files > 0 {
                self.out.write_all(b",")?;
            }
            serde_json::to_writer(&mut self.out, f)?;
        } else {
            let mut text = String::new();
            push_file_text(&mut text, f);
            self.out.write_all(text.as_bytes())?;
        }
        self.summary.add_file(f);
        Ok(())
    }

    /// Ends the document with the findings across files and the summary, which it returns.
    pub fn finish(mut self, cross_file: &[CrossFileFinding]) -> std::io::Result<Summary> {
        cross_file
            .iter()
            .for_each(|c| self.summary.add_cross_file(c));
        if self.json {
            self.out.write_all(b"],\"cross_file\":")?;
            serde_json::to_writer(&mut self.out, cross_file)?;
            self.out.write_all(b",\"summary\":")?;
            serde_json::to_writer(&mut self.out, &self.summary)?;
            self.out.write_all(b"}\n")?;
        } else {
            let mut text = String::new();
            push_end_text(&mut text, cross_file, &self.summary);
            self.out.write_all(text.as_bytes())?;
        }
        self.out.flush()?;
        Ok(self.summary)
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}

fn push_file_text(out: &mut String, f: &FileReport) {
    out.push_str(&format!("■ {}\n", f.path));
    let kind = f.kind.as_deref().unwrap_or("不明");
    let version = f.version_label();
    out.push_str(&format!(
        "  種類: {kind}　CSVバージョン: {version}　レコード数: {}\n",
        f.records
    ));
    if f.findings.is_empty() {
        out.push_str("  問題は見つかりませんでした。\n");
    }
    for x in &f.findings {
        push_finding(out, x);
    }
    out.push('\n');
}

fn push_end_text(out: &mut String, cross_file: &[CrossFileFinding], summary: &Summary) {
    if !cross_file.is_empty() {
        out.push_str("■ ファイル間の確認\n");
        for c in cross_file {
            push_finding(out, &c.finding);
            out.push_str(&format!("    対象: {}\n", c.files.join("、")));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "{}ファイルを確認しました。エラー{}件、警告{}件。\n",
        summary.files, summary.errors, summary.warnings
    ));
}

fn push_finding(out: &mut String, x: &Finding) {
    out.push_str(&format!(
        "  [{}] {} ({})\n",
        x.severity.label_ja(),
        x.message,
        x.code
    ));
    if let Some(h) = &x.hint {
        out.push_str(&format!("    → {h}\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_file;
    use crate::fixtures::{bad_files, valid_files};

    #[test]
    fn the_writer_writes_what_the_whole_report_gives() {
        let mut files: Vec<FileReport> = valid_files()
            .iter()
            .chain(bad_files().iter())
            .take(30)
            .map(|f| check_file(&f.name, &f.bytes))
            .collect();
        let bad = files.iter().rposition(|f| !f.findings.is_empty()).unwrap();
        let cross_file = vec![CrossFileFinding {
            finding: files[bad].findings[0].clone(),
            files: vec![files[bad].path.clone(), files[0].path.clone()],
        }];
        files.truncate(bad + 1);
        for json in [true, false] {
            let mut out = Vec::new();
            let mut w = RunWriter::new(&mut out, json).unwrap();
            for f in &files {
                w.file(f).unwrap();
            }
            let summary = w.finish(&cross_file).unwrap();
            let whole = RunReport::new(files.clone(), cross_file.clone());
            let expected = if json {
                format!("{}\n", whole.to_json())
            } else {
                whole.to_text()
            };
            assert_eq!(String::from_utf8(out).unwrap(), expected);
            assert_eq!(summary, whole.summary);
        }
        let mut out = Vec::new();
        RunWriter::new(&mut out, true).unwrap().finish(&[]).unwrap();
        let empty = RunReport::new(Vec::new(), Vec::new()).to_json();
        assert_eq!(String::from_utf8(out).unwrap(), format!("{empty}\n"));
    }
}
