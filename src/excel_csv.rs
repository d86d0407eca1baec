//! CSV for Excel on a Japanese Windows PC: UTF-8 with a BOM (so Excel does not read it as
//! Shift_JIS), CRLF line ends, and every cell that Excel could take for a formula
//! neutralised. Used by every CSV the app saves (check report, differences, ledger, inspection
//! sheet).
//!
//! Formula safety: a cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`
//! (OWASP's advice for CSV injection), and so does one where such a sign follows leading white
//! space, or is the full-width form (`＝＋－＠`, and `−`) that Japanese input produces and
//! Excel also reads as a formula. File names, cells and memos come from received files and
//! from staff, so they are not trusted. The `'` is visible in the cell text; that is the
//! price.

/// The UTF-8 byte order mark Excel needs.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Makes a cell safe to open in a spreadsheet.
pub fn neutralize(cell: &str) -> String {
    let starts_control = cell.starts_with(['\t', '\r', '\n']);
    let first_sign = cell
        .chars()
        .find(|c| !c.is_whitespace())
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠' | '−'));
    if starts_control || first_sign {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Writes rows as CSV bytes (BOM, CRLF, quoted where needed, every cell neutralised).
pub fn to_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(BOM.to_vec());
    for row in rows {
        // Writing into a Vec cannot fail.
        let _ = w.write_record(row.iter().map(|c| neutralize(c)));
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_crlf_quotes_and_neutralised_formulas() {
        let rows = vec![
            vec!["名前".to_string(), "=1+1".to_string()],
            vec!["a,b".to_string(), "@SUM(A1)".to_string()],
        ];
        let bytes = to_csv(&rows);
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[BOM.len()..]).unwrap();
        assert_eq!(text, "名前,'=1+1\r\n\"a,b\",'@SUM(A1)\r\n");
        assert_eq!(neutralize("-3"), "'-3");
        assert_eq!(neutralize("3"), "3");
    }

    #[test]
    fn every_way_a_formula_can_start_is_neutralised() {
        for cell in [
            "=1+1",
            "+1",
            "-1",
            "@A1",
            " =1+1",
            "  +1",
            "\u{3000}=1+1",
            "\u{a0}@A1",
            "＝1+1",
            "＋1",
            "－1",
            "＠A1",
            "−1",
            " ＝1",
            "\t=1",
            "\r=1",
            "\n=1",
            "\tplain",
        ] {
            let safe = neutralize(cell);
            assert!(safe.starts_with('\''), "{cell:?} → {safe:?}");
            assert_eq!(&safe[1..], cell, "the text itself is kept");
        }
        for cell in ["山田 花子", "1+1", "a=b", "", " 1", "UPPLAN_202505.CSV"] {
            assert_eq!(neutralize(cell), cell, "{cell:?} is left alone");
        }
    }
}
