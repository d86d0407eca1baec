//! `docs/findings.md` lists every cross-file code of the reconciliation, exactly as the code
//! says (its own section, below the checker's). Regenerate with
//! `UPDATE_FINDINGS_DOC=1 cargo test --test reconcile_findings_doc`.

use careplan_ledger::reconcile::ReconcileCode;

const BEGIN: &str = "<!-- reconcile-catalogue:begin -->\n";
const END: &str = "<!-- reconcile-catalogue:end -->";

#[test]
fn findings_doc_matches_the_reconciliation_catalogue() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/findings.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let table = ReconcileCode::catalogue_markdown();
    let (Some(b), Some(e)) = (doc.find(BEGIN), doc.find(END)) else {
        panic!("docs/findings.md lacks the reconcile-catalogue markers");
    };
    let current = &doc[b + BEGIN.len()..e];
    if current != table {
        if std::env::var_os("UPDATE_FINDINGS_DOC").is_some() {
            let updated = format!("{}{}{}{}", &doc[..b], BEGIN, table, &doc[e..]);
            std::fs::write(path, updated).unwrap();
        } else {
            panic!("docs/findings.md is out of date; run UPDATE_FINDINGS_DOC=1 cargo test --test reconcile_findings_doc");
        }
    }
}
