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

impl RunReport {
    /// Assembles the document and its summary.
    pub fn new(files: Vec<FileReport>, cross_file: Vec<CrossFileFinding>) -> RunReport {
        let mut summary = Summary {
            files: files.len() as u64,
            ..Summary::default()
        };
        for f in &files {
            summary.errors += f.counts.errors;
            summary.warnings += f.counts.warnings;
        }
        for c in &cross_file {
            match c.finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => {}
            }
        }
        RunReport {
            tool: "careplan-check".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
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
            out.push_str(&format!("■ {}\n", f.path));
            let kind = f.kind.as_deref().unwrap_or("不明");
            let version = f.spec_version.as_deref().unwrap_or("不明");
            out.push_str(&format!(
                "  種類: {kind}　CSVバージョン: {version}　レコード数: {}\n",
                f.records
            ));
            if f.findings.is_empty() {
                out.push_str("  問題は見つかりませんでした。\n");
            }
            for x in &f.findings {
                push_finding(&mut out, x);
            }
            out.push('\n');
        }
        if !self.cross_file.is_empty() {
            out.push_str("■ ファイル間の確認\n");
            for c in &self.cross_file {
                push_finding(&mut out, &c.finding);
                out.push_str(&format!("    対象: {}\n", c.files.join("、")));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "{}ファイルを確認しました。エラー{}件、警告{}件。\n",
            self.summary.files, self.summary.errors, self.summary.warnings
        ));
        out
    }
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
