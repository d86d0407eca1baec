//! `docs/findings.md` lists every code of both catalogues (the checker's and the
//! reconciliation's), each in its own section between markers, exactly as the code says.
//! Regenerate with `UPDATE_FINDINGS_DOC=1 cargo test --test findings_doc`.

use careplan_ledger::check::Code;
use careplan_ledger::reconcile::ReconcileCode;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/findings.md");

/// Checks (or, with UPDATE_FINDINGS_DOC, rewrites) the section between the markers.
fn section_matches(marker: &str, table: &str) {
    let (begin, end) = (
        format!("<!-- {marker}:begin -->\n"),
        format!("<!-- {marker}:end -->"),
    );
    let doc = std::fs::read_to_string(PATH).unwrap_or_default();
    let (Some(b), Some(e)) = (doc.find(&begin), doc.find(&end)) else {
        panic!("docs/findings.md lacks the {marker} markers");
    };
    if &doc[b + begin.len()..e] == table {
        return;
    }
    if std::env::var_os("UPDATE_FINDINGS_DOC").is_some() {
        let updated = format!("{}{}{}{}", &doc[..b], begin, table, &doc[e..]);
        std::fs::write(PATH, updated).unwrap();
    } else {
        panic!("docs/findings.md ({marker}) is out of date; run UPDATE_FINDINGS_DOC=1 cargo test --test findings_doc");
    }
}

#[test]
fn the_checker_section_matches_its_catalogue() {
    section_matches("catalogue", &Code::catalogue_markdown());
}

#[test]
fn the_reconciliation_section_matches_its_catalogue() {
    section_matches("reconcile-catalogue", &ReconcileCode::catalogue_markdown());
}
