//! Writes the generated fixtures to a folder, for trying `careplan-check` or the page by hand:
//! `cargo run --example write_fixtures -- OUT_DIR` → `OUT_DIR/valid/*.CSV`,
//! `OUT_DIR/bad/<defect>/*.CSV` and `OUT_DIR/expected.tsv` (path, code, record, 項目No.).

use std::path::PathBuf;

use careplan_ledger::fixtures;

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fixtures-out".into()),
    );
    let mut manifest = String::from("path\tcode\trecord\tfield_no\n");
    for f in fixtures::valid_files() {
        let path = out.join("valid").join(&f.name);
        std::fs::create_dir_all(path.parent().unwrap_or(&out))?;
        std::fs::write(&path, &f.bytes)?;
    }
    for f in fixtures::bad_files() {
        let path = out.join("bad").join(&f.name);
        std::fs::create_dir_all(path.parent().unwrap_or(&out))?;
        std::fs::write(&path, &f.bytes)?;
        for e in &f.expected {
            let opt = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
            manifest.push_str(&format!(
                "bad/{}\t{}\t{}\t{}\n",
                f.name,
                e.code,
                opt(e.record),
                opt(e.field_no.map(u64::from))
            ));
        }
    }
    std::fs::write(out.join("expected.tsv"), manifest)?;
    println!("{}", out.display());
    Ok(())
}
