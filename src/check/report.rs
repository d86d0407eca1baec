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
            let version = f.version_label();
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
