//! `careplan-check`: the command-line checker over the same domain core as the page.
//!
//! ```text
//! careplan-check [--json] [--progress] PATH...
//! ```
//! A PATH may be a file (checked whatever its name) or a folder (its `.CSV` files, recursively,
//! in name order). Exit status: 0 = no errors, 1 = some error found, 2 = could not run.
//! This is the only place that touches the file system or uses threads; everything else is
//! the library.
//!
//! How a run goes: the names are read first, and `reconcile::records_needed` says from them
//! alone which files' records the reconciliation can read. The files are then checked on
//! all cores (`rayon`; each file's SHA-256 is computed on another core while it is checked,
//! when one is free), taken in order so only a few are in flight; each report is written as
//! soon as the files before it are written, and its findings are then dropped. What stays in
//! memory until the end is, per file, its path, hash and identity, and for the files that
//! need it the data records the reconciliation reads (of a 第6表 only 11 fields). The
//! reconciliation runs last, then the findings across files and the summary are written.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

/// The browser build compiles every binary (`--bins`); the command line has no meaning there.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::collections::BTreeMap;
    use std::io::{IsTerminal, Read, Write};
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;

    use careplan_ledger::check::identify::parse_file_name;
    use careplan_ledger::check::{check_file_seeing, CheckOptions, FileReport, RunWriter};
    use careplan_ledger::fingerprint::sha256_hex;
    use careplan_ledger::reconcile::{
        reconcile_kept_joined, records_needed, InputOrder, Join, KeptFile, RecordKeeper,
    };

    const USAGE: &str = "使い方: careplan-check [--json] [--progress] パス...\n\
  パスにはファイルかフォルダを指定します（フォルダは中の .CSV をすべて確認します）。\n\
  --json      結果をJSONで出力します。\n\
  --progress  進み具合を標準エラー出力に表示します（端末のときだけ）。\n\
  ファイルはすべてのCPUで並行して確認し、結果はファイルの順に、確認が済みしだい出力します。\n\
  最後まで覚えておくのは、ファイルごとのパス・ハッシュ・種類と、ファイル間の照合に要る\n\
  ファイルのデータレコード（第6表は照合に使う11項目だけ）です。\n\
  終了コード: 0 = エラーなし、1 = エラーあり、2 = 実行できませんでした。";

    pub fn main() -> ExitCode {
        let mut json = false;
        let mut progress = false;
        let mut paths = Vec::new();
        for arg in std::env::args_os().skip(1) {
            match arg.to_str() {
                Some("--json") => json = true,
                Some("--progress") => progress = true,
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
        // Unreadable files stop the run before anything is written.
        for f in &files {
            if let Err(e) = std::fs::File::open(f) {
                eprintln!("careplan-check: {} を読めません: {e}", f.display());
                return ExitCode::from(2);
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
        let bar = progress.then(|| progress_bar(files.len()));
        let stdout = std::io::stdout().lock();
        match run(
            &files,
            json,
            order,
            bar.as_ref(),
            std::io::BufWriter::new(stdout),
        ) {
            Ok(true) => ExitCode::from(1),
            Ok(false) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("careplan-check: {e}");
                ExitCode::from(2)
            }
        }
    }

    /// Checks `files` on all cores and writes the document; returns whether any error was found.
    fn run(
        files: &[PathBuf],
        json: bool,
        order: InputOrder,
        bar: Option<&indicatif::ProgressBar>,
        out: impl Write,
    ) -> std::io::Result<bool> {
        let paths: Vec<String> = files
            .iter()
            .map(|f| f.to_string_lossy().into_owned())
            .collect();
        let names: Vec<_> = paths.iter().map(|p| parse_file_name(p).0).collect();
        let needed = records_needed(&names.iter().collect::<Vec<_>>());
        drop(names);

        let mut writer = RunWriter::new(out, json)?;
        let mut kept: Vec<Option<KeptFile>> = Vec::with_capacity(files.len());
        kept.resize_with(files.len(), || None);
        let next = AtomicUsize::new(0);
        let (tx, rx) = mpsc::channel::<(usize, std::io::Result<(FileReport, KeptFile)>)>();
        let written = std::thread::scope(|scope| -> std::io::Result<()> {
            let (paths, needed, next) = (&paths, &needed, &next);
            scope.spawn(move || {
                // One worker per core, each taking the next file in order, so the reports come
                // nearly in order and few wait to be written.
                rayon::scope(|workers| {
                    for _ in 0..rayon::current_num_threads() {
                        let tx = tx.clone();
                        workers.spawn(move |_| loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(path) = paths.get(i) else { break };
                            if tx.send((i, check_one(path, needed[i]))).is_err() {
                                break;
                            }
                        });
                    }
                });
            });
            // Reports that came before the ones ahead of them.
            let mut waiting: BTreeMap<usize, FileReport> = BTreeMap::new();
            let mut due = 0;
            for (i, result) in rx {
                let (report, file) = result.map_err(|e| {
                    next.store(paths.len(), Ordering::Relaxed);
                    std::io::Error::new(e.kind(), format!("{} を読めません: {e}", paths[i]))
                })?;
                kept[i] = Some(file);
                waiting.insert(i, report);
                while let Some(report) = waiting.remove(&due) {
                    writer.file(&report)?;
                    due += 1;
                    if let Some(bar) = bar {
                        bar.inc(1);
                    }
                }
            }
            Ok(())
        });
        if let Some(bar) = bar {
            match &written {
                Ok(()) => bar.set_message("ファイル間の照合中"),
                Err(_) => bar.finish_and_clear(),
            }
        }
        written?;
        let kept: Vec<KeptFile> = kept.into_iter().flatten().collect();
        let cross_file = reconcile_kept_joined(&kept, order, &OnCores).cross_file;
        drop(kept);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let summary = writer.finish(&cross_file)?;
        Ok(summary.errors > 0)
    }

    /// Reads and checks one file, hashing it on another core meanwhile when one is free.
    fn check_one(path: &str, needed: bool) -> std::io::Result<(FileReport, KeptFile)> {
        thread_local! {
            /// The worker's file buffer, kept from file to file: a fresh one for each file costs
            /// a page fault per 4 KiB.
            static BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        BYTES.with_borrow_mut(|bytes| {
            bytes.clear();
            std::fs::File::open(path)?.read_to_end(bytes)?;
            Ok(check_bytes(path, bytes, needed))
        })
    }

    fn check_bytes(path: &str, bytes: &[u8], needed: bool) -> (FileReport, KeptFile) {
        let mut keeper = RecordKeeper::new(needed);
        let options = CheckOptions {
            keep_records: false,
            compute_sha256: false,
        };
        let (checked, sha256) = rayon::join(
            || check_file_seeing(path, bytes, options, &mut |id, rec| keeper.see(id, rec)),
            || sha256_hex(bytes),
        );
        let mut report = checked.report;
        report.sha256 = sha256;
        let file = keeper.finish(&report, checked.identity);
        (report, file)
    }

    /// The reconciliation's independent steps on two cores.
    struct OnCores;

    impl Join for OnCores {
        fn join<A, B, RA, RB>(&self, a: A, b: B) -> (RA, RB)
        where
            A: FnOnce() -> RA + Send,
            B: FnOnce() -> RB + Send,
            RA: Send,
            RB: Send,
        {
            rayon::join(a, b)
        }
    }

    /// A bar of files done on stderr, drawn only when stderr is a terminal.
    fn progress_bar(files: usize) -> indicatif::ProgressBar {
        if !std::io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(files as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} ファイル  {elapsed_precise} 経過、残り約{eta}  {msg}",
        ) {
            bar.set_style(style);
        }
        bar
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
}
