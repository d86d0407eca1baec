//! The token parser of file names (no regex in the library) agrees with the
//! `filename_pattern_v4` / `filename_pattern_v3` regexes of `fields.json` on every kind, for
//! valid names and for names broken one token at a time.

use careplan_ledger::check::identify::parse_file_name;
use careplan_ledger::spec::{LayoutGeneration, Spec};
use regex::Regex;

fn names_for(id: &str, month: bool) -> Vec<String> {
    let months: &[&str] = if month {
        &["202505", "000000", "20255", "2025AB"]
    } else {
        &[""]
    };
    let offices = ["1310000001", "131000001", "13100000011", "131000000A"];
    let types = ["43", "2A", "2a", "4", "A1"];
    let stamps = ["20250425093000", "2025042509300", "20250431093000"];
    let exts = ["CSV", "csv", "TXT"];
    let mut out = Vec::new();
    for m in months {
        let head = if month {
            format!("{id}_{m}")
        } else {
            id.to_owned()
        };
        for o in offices {
            for t in types {
                for s in stamps {
                    for e in exts {
                        out.push(format!("{head}_{o}_{t}_1310000002_11_{s}.{e}"));
                        out.push(format!("{head}_1310000002_{o}_{s}.{e}"));
                    }
                }
            }
            out.push(format!("{head}_{o}_43_1310000002_{o}.CSV"));
            out.push(format!("{head}_{o}_43_1310000002.CSV"));
            out.push(format!("{head}_{o}_43_1310000002_11_X_20250425093000.CSV"));
        }
    }
    out
}

#[test]
fn token_parser_agrees_with_the_spec_regexes() {
    let spec = Spec::get();
    let patterns: Vec<(Regex, Option<Regex>)> = spec
        .kinds
        .iter()
        .map(|k| {
            (
                Regex::new(&k.filename_pattern_v4).unwrap(),
                k.filename_pattern_v3
                    .as_deref()
                    .map(|p| Regex::new(p).unwrap()),
            )
        })
        .collect();
    let mut names = Vec::new();
    for kind in &spec.kinds {
        names.extend(names_for(&kind.id, kind.has_month_token));
        // A month token where the kind has none (and the reverse).
        names.extend(names_for(&kind.id, !kind.has_month_token));
    }
    // Every name against every kind's patterns, so UPKIHON_SUB1_… is never UPKIHON.
    for name in &names {
        let (parsed, _) = parse_file_name(name);
        for (kind, (v4, v3)) in spec.kinds.iter().zip(&patterns) {
            let is = |g| {
                parsed.kind.map(|k| k.id.as_str()) == Some(kind.id.as_str())
                    && parsed.shape == Some(g)
                    && parsed.matches_pattern
            };
            assert_eq!(
                v4.is_match(name),
                is(LayoutGeneration::V4),
                "V4 {} {name}",
                kind.id
            );
            let v3_match = v3.as_ref().is_some_and(|r| r.is_match(name));
            assert_eq!(v3_match, is(LayoutGeneration::V3), "V3 {} {name}", kind.id);
        }
    }
    assert!(names.len() > 5000, "{}", names.len());
}
