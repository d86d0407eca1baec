//! `docs/findings.md` lists every code of the catalogue, exactly as the code says.
//! Regenerate with `UPDATE_FINDINGS_DOC=1 cargo test --test check_findings_doc`.

use careplan_ledger::check::Code;

const BEGIN: &str = "<!-- catalogue:begin -->\n";
const END: &str = "<!-- catalogue:end -->";

#[test]
fn findings_doc_matches_the_catalogue() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/findings.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let table = Code::catalogue_markdown();
    let (Some(b), Some(e)) = (doc.find(BEGIN), doc.find(END)) else {
        panic!("docs/findings.md lacks the catalogue markers");
    };
    let current = &doc[b + BEGIN.len()..e];
    if current != table {
        if std::env::var_os("UPDATE_FINDINGS_DOC").is_some() {
            let updated = format!("{}{}{}{}", &doc[..b], BEGIN, table, &doc[e..]);
            std::fs::write(path, updated).unwrap();
        } else {
            panic!("docs/findings.md is out of date; run UPDATE_FINDINGS_DOC=1 cargo test --test check_findings_doc");
        }
    }
    for code in Code::ALL {
        assert!(doc.contains(&format!("`{}`", code.as_str())) || current != table);
    }
}
