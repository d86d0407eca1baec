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
