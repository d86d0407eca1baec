//! `careplan-check`: the command-line checker over the same domain core as the page.
//!
//! ```text
//! careplan-check [--json] PATH...
//! ```
//! A PATH may be a file (checked whatever its name) or a folder (its `.CSV` files, recursively,
//! in name order). Exit status: 0 = no errors, 1 = some error found, 2 = could not run.
//! This is the only place that touches the file system; everything else is the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use careplan_ledger::check::{check_file_keeping_records, RunReport};
use careplan_ledger::reconcile::{reconcile_with, InputOrder};

const USAGE: &str = "使い方: careplan-check [--json] パス...\n\
  パスにはファイルかフォルダを指定します（フォルダは中の .CSV をすべて確認します）。\n\
  --json  結果をJSONで出力します。\n\
  終了コード: 0 = エラーなし、1 = エラーあり、2 = 実行できませんでした。";

fn main() -> ExitCode {
    let mut json = false;
    let mut paths = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--json") => json = true,
            Some("-h" | "--help") => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            Some(a) if a.starts_with("--") => {
                eprintln!("careplan-check: 不明なオプション {a}\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    if paths.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let mut files = Vec::new();
    for p in &paths {
        if let Err(e) = collect(p, true, &mut files) {
            eprintln!("careplan-check: {} を開けません（{e}）", p.display());
            return ExitCode::from(2);
        }
    }
    let mut checked = Vec::with_capacity(files.len());
    for f in &files {
        match std::fs::read(f) {
            Ok(bytes) => checked.push(check_file_keeping_records(&f.to_string_lossy(), &bytes)),
            Err(e) => {
                eprintln!("careplan-check: {} を読めません: {e}", f.display());
                return ExitCode::from(2);
            }
        }
    }
    // Across files (送信単位, 版の順序, 予定↔実績, 合計), in the order the paths were given.
    // A folder is listed by name, which is not an import order, so order is judged only when
    // every path was a file given explicitly.
    let order = if paths.iter().all(|p| p.is_file()) {
        InputOrder::AsGiven
    } else {
        InputOrder::Unknown
    };
    let cross_file = reconcile_with(&checked, order).cross_file;
    let reports = checked.into_iter().map(|c| c.report).collect();
    let run = RunReport::new(reports, cross_file);
    if json {
        println!("{}", run.to_json());
    } else {
        print!("{}", run.to_text());
    }
    if run.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Adds `path` (a file) or the `.CSV` files under it (a folder) to `out`, sorted by name.
fn collect(path: &Path, explicit: bool, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for e in entries {
            collect(&e, false, out)?;
        }
    } else if explicit || is_csv(path) {
        out.push(path.to_path_buf());
    }
    Ok(())
}

fn is_csv(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}
