//! `careplan-check --json` reports the reconciliation in `cross_file`.

use careplan_ledger::fixtures::sets::{remove_day, OfficeMonth, Provider, ACTUAL_SEQUENCE};

#[test]
fn the_cli_fills_cross_file() {
    let office = OfficeMonth::sample();
    let p = Provider::new("1310000002", "11");
    let mut files = office.files();
    let mut rows = office.service_rows("UPJSK", Some(&p));
    remove_day(&mut rows, "0000012345", "20250508", "111111");
    let jsk = office.fixture(
        "UPJSK",
        &office.unit(&p, ACTUAL_SEQUENCE, true),
        &rows,
        None,
    );
    files.retain(|f| f.name != jsk.name);
    files.push(jsk);
    let dir = std::env::temp_dir().join(format!("reconcile_cli_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths = Vec::new();
    for f in &files {
        let path = dir.join(&f.name);
        std::fs::write(&path, &f.bytes).unwrap();
        paths.push(path);
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_careplan-check"))
        .arg("--json")
        .args(&paths)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = doc["cross_file"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["PLAN_ACTUAL_NOT_PERFORMED", "PLAN_ACTUAL_TOTAL"]);
    assert_eq!(doc["summary"]["warnings"], 1);
    assert_eq!(out.status.code(), Some(0));
}

/// Many files, checked in parallel, print exactly the document of the whole run checked one
/// by one in the order given (JSON and text), and the same again on every run.
#[test]
fn parallel_streamed_output_is_the_whole_runs_document_in_order() {
    use careplan_ledger::check::{check_file_keeping_records, RunReport};
    use careplan_ledger::fixtures::{bad_files, valid_files};
    use careplan_ledger::reconcile::{reconcile_with, InputOrder};

    let mut fixtures = valid_files();
    fixtures.extend(bad_files());
    fixtures.extend(OfficeMonth::sample().files());
    let dir = std::env::temp_dir().join(format!("reconcile_cli_many_{}", std::process::id()));
    let mut paths = Vec::new();
    for (i, f) in fixtures.iter().enumerate() {
        // Each in its own folder: several fixtures share a name.
        let path = dir.join(format!("{i:03}")).join(&f.name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &f.bytes).unwrap();
        paths.push(path);
    }
    paths.reverse();
    let checked: Vec<_> = paths
        .iter()
        .map(|p| check_file_keeping_records(&p.to_string_lossy(), &std::fs::read(p).unwrap()))
        .collect();
    let cross_file = reconcile_with(&checked, InputOrder::AsGiven).cross_file;
    assert!(!cross_file.is_empty());
    let whole = RunReport::new(checked.into_iter().map(|c| c.report).collect(), cross_file);
    let cli = |json: bool| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_careplan-check"));
        if json {
            c.arg("--json");
        }
        c.arg("--progress").args(&paths).output().unwrap()
    };
    for _ in 0..3 {
        let out = cli(true);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            whole.to_json() + "\n"
        );
        // stderr is not a terminal here: no progress bar.
        assert!(out.stderr.is_empty());
    }
    assert_eq!(
        String::from_utf8(cli(false).stdout).unwrap(),
        whole.to_text()
    );
    let folder = |dir: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_careplan-check"))
            .arg("--json")
            .arg(dir)
            .output()
            .unwrap()
            .stdout
    };
    let first = folder(&dir);
    assert!(first.len() > 1000);
    assert_eq!(folder(&dir), first);
    std::fs::remove_dir_all(&dir).ok();
}
