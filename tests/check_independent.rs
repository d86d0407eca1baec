//! "Done when": `careplan-check --json` on a folder of valid and seeded-bad files made by
//! something other than our generator (tests/independent/gen_fixtures.py, Python stdlib +
//! `cp932`) reports every seeded defect at the right record and 項目No. (and severity, where
//! the manifest gives one), and nothing on the valid files. For every file kind the generator
//! seeds each kind of constraint: format, exact length, code, date, required (sure and
//! unsure), 外字 (in an uncertain row where the kind has one), and the rules across fields;
//! valid files give every uncertain row the values the spec allows. Skipped, with a message,
//! only when `python3` is missing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

type Key = (String, Option<u64>, Option<u64>);

fn out_dir(seed: u32) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "careplan-independent-{}-{seed}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn relative(path: &str, root: &Path) -> String {
    Path::new(path)
        .strip_prefix(root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| path.to_owned())
}

#[test]
fn independent_fixtures_are_checked_exactly() {
    // Defects land on records and fields chosen by the seed; a few seeds move them around.
    for seed in [20250601, 1, 2] {
        check_seed(seed);
    }
}

fn check_seed(seed: u32) {
    let root = out_dir(seed);
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/independent/gen_fixtures.py"
    );
    let generated = match Command::new("python3")
        .arg(script)
        .arg(&root)
        .arg("--seed")
        .arg(seed.to_string())
        .status()
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("SKIPPED: python3 is not available ({e}); the independent check did not run");
            return;
        }
    };
    assert!(generated.success(), "gen_fixtures.py failed");

    let manifest: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(root.join("manifest.json")).unwrap()).unwrap();
    let mut expected: BTreeMap<String, Vec<Key>> = BTreeMap::new();
    // (file, code, record, 項目No.) → severity, where the manifest says it.
    let mut severities: BTreeMap<(String, Key), String> = BTreeMap::new();
    for m in &manifest {
        if let Some(sev) = m["severity"].as_str() {
            let key = (
                m["code"].as_str().unwrap().to_owned(),
                m["record"].as_u64(),
                m["field_no"].as_u64(),
            );
            severities.insert(
                (m["file"].as_str().unwrap().to_owned(), key),
                sev.to_owned(),
            );
        }
        expected
            .entry(m["file"].as_str().unwrap().to_owned())
            .or_default()
            .push((
                m["code"].as_str().unwrap().to_owned(),
                m["record"].as_u64(),
                m["field_no"].as_u64(),
            ));
    }

    let output = Command::new(env!("CARGO_BIN_EXE_careplan-check"))
        .arg("--json")
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "seeded errors must give exit code 1"
    );
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["tool"], "careplan-check");
    // This folder mixes valid and seeded-bad copies of the same transmission units and the
    // independent generator fills 第7表 amounts at random, so the reconciliation has much to
    // say here; its findings are tested in tests/reconcile_*.rs. Only their shape is checked.
    let cross_found: Vec<(String, Key)> = doc["cross_file"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cross| {
            assert!(cross["code"].is_string() && cross["message"].is_string());
            let files = cross["files"].as_array().unwrap();
            assert!(!files.is_empty());
            (
                relative(files[0].as_str().unwrap(), &root),
                (
                    cross["code"].as_str().unwrap().to_owned(),
                    cross["record"].as_u64(),
                    cross["field_no"].as_u64(),
                ),
            )
        })
        .collect();
    // The seeded defects across files are found at their file, record and 項目No.
    let cross_manifest: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(root.join("cross_manifest.json")).unwrap()).unwrap();
    assert!(!cross_manifest.is_empty());
    for m in &cross_manifest {
        let want = (
            m["file"].as_str().unwrap().to_owned(),
            (
                m["code"].as_str().unwrap().to_owned(),
                m["record"].as_u64(),
                m["field_no"].as_u64(),
            ),
        );
        assert!(
            cross_found.contains(&want),
            "seed {seed}: {want:?} not among {cross_found:#?}"
        );
    }

    let files = doc["files"].as_array().unwrap();
    let mut failures = Vec::new();
    let mut valid = 0;
    for f in files {
        let rel = relative(f["path"].as_str().unwrap(), &root);
        let mut got: Vec<Key> = f["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["code"].as_str().unwrap().to_owned(),
                    x["record"].as_u64(),
                    x["field_no"].as_u64(),
                )
            })
            .collect();
        got.sort();
        for x in f["findings"].as_array().unwrap() {
            let key = (
                x["code"].as_str().unwrap().to_owned(),
                x["record"].as_u64(),
                x["field_no"].as_u64(),
            );
            if let Some(want) = severities.get(&(rel.clone(), key.clone())) {
                if x["severity"].as_str() != Some(want.as_str()) {
                    failures.push(format!(
                        "{rel}: {key:?} is {} but must be {want}",
                        x["severity"]
                    ));
                }
            }
        }
        let mut want = expected.remove(&rel).unwrap_or_default();
        want.sort();
        if rel.starts_with("valid/") {
            valid += 1;
        }
        if got != want {
            let messages: Vec<&str> = f["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["message"].as_str().unwrap_or(""))
                .collect();
            failures.push(format!(
                "{rel}\n  expected {want:?}\n  got      {got:?}\n  {messages:#?}"
            ));
        }
    }
    assert!(
        expected.is_empty(),
        "files in the manifest but not checked: {:?}",
        expected.keys()
    );
    assert!(valid >= 17 + 9, "only {valid} valid files");
    let _ = std::fs::remove_dir_all(&root);
    assert!(failures.is_empty(), "seed {seed}: {}", failures.join("\n"));
}
