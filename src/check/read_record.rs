//! Reading the next record into a [`Record`], the checker's hottest loop: in one pass if the
//! record is usual ([`usual_record`](super::usual_record)), else the exact way: split on the
//! raw bytes ([`records`](super::records)), then each field decoded on its own by
//! [`decode_field`], so every problem gets its byte offset and 項目No. Both ways give the
//! same [`Record`]; the tests hold them to that.

use crate::check::decode::{decode_field, TextEncoding, TextIssue};
use crate::check::record::Record;
use crate::check::records::{FieldSpan, RecordReader, RecordSpan, StructureIssue};
use crate::check::usual_record::read_usual;

/// Reads the next record of `reader` into `rec`; `None` at the end of the input. Quoting
/// problems go to `structure`, character problems to `issues` as (項目No., issue); `spans`
/// gets the fields' byte spans when the record was read the exact way, and is left empty
/// when it was usual (it then has nothing to report).
pub(crate) fn next_record(
    reader: &mut RecordReader,
    encoding: TextEncoding,
    rec: &mut Record,
    spans: &mut Vec<FieldSpan>,
    structure: &mut Vec<StructureIssue>,
    issues: &mut Vec<(usize, TextIssue)>,
) -> Option<RecordSpan> {
    let at = reader.next_start()?;
    rec.clear(at.index, at.line, at.start as u64);
    if encoding == TextEncoding::ShiftJis {
        if let Some(end) = read_usual(reader.bytes(), at.start, rec) {
            spans.clear();
            return Some(reader.skip(end));
        }
        rec.clear(at.index, at.line, at.start as u64);
    }
    let span = reader.next_record(spans, structure)?;
    read_exact(reader.bytes(), encoding, spans, rec, issues);
    Some(span)
}

/// The exact way: decodes each field of `fields` on its own into `rec` (cleared for it).
fn read_exact(
    bytes: &[u8],
    encoding: TextEncoding,
    fields: &[FieldSpan],
    rec: &mut Record,
    issues: &mut Vec<(usize, TextIssue)>,
) {
    for (i, f) in fields.iter().enumerate() {
        let text_start = rec.text_mut().len();
        let raw = &bytes[f.start..f.end];
        decode_field(encoding, raw, f.start, rec.text_mut(), &mut |issue| {
            issues.push((i + 1, issue))
        });
        rec.end_field(text_start, first_byte(f) as u64, f.quoted, f.escaped);
    }
}

/// Byte offset of a field's first byte (its opening quote, if quoted).
fn first_byte(f: &FieldSpan) -> usize {
    if f.quoted {
        f.start - 1
    } else {
        f.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::SHIFT_JIS;

    fn sjis(s: &str) -> Vec<u8> {
        SHIFT_JIS.encode(s).0.into_owned()
    }

    /// Reads every record of `input` three ways: the exact way; the usual way at the same
    /// place (where it takes the record, the exact way must have found nothing to report,
    /// and both must end in the same place); and as the checker does, with [`next_record`],
    /// which must give the exact way's spans and issues. Returns, per record, the checker's
    /// record, the exact one and whether the usual way took it.
    fn both_ways(input: &[u8]) -> Vec<(Record, Record, bool)> {
        let mut exact_reader = RecordReader::new(input, 0);
        let mut reader = RecordReader::new(input, 0);
        let (mut spans, mut structure) = (Vec::new(), Vec::new());
        let (mut read_spans, mut read_structure) = (Vec::new(), Vec::new());
        let mut out = Vec::new();
        while let Some(span) = exact_reader.next_record(&mut spans, &mut structure) {
            let mut exact = Record::default();
            exact.clear(span.index, span.line, span.start as u64);
            let mut exact_issues = Vec::new();
            read_exact(
                input,
                TextEncoding::ShiftJis,
                &spans,
                &mut exact,
                &mut exact_issues,
            );

            let mut usual = Record::default();
            usual.clear(span.index, span.line, span.start as u64);
            let usual_end = read_usual(input, span.start, &mut usual);
            if let Some(end) = usual_end {
                assert!(
                    structure.is_empty() && exact_issues.is_empty(),
                    "{exact_issues:?}"
                );
                assert_eq!((end.end, end.terminator), (span.end, span.terminator));
                assert_same(&usual, &exact);
            }

            let mut rec = Record::default();
            let mut issues = Vec::new();
            let read = next_record(
                &mut reader,
                TextEncoding::ShiftJis,
                &mut rec,
                &mut read_spans,
                &mut read_structure,
                &mut issues,
            );
            assert_eq!(read, Some(span));
            assert_eq!((&read_structure, &issues), (&structure, &exact_issues));
            read_structure.clear();
            structure.clear();
            out.push((rec, exact, usual_end.is_some()));
        }
        let mut rec = Record::default();
        let at_end = next_record(
            &mut reader,
            TextEncoding::ShiftJis,
            &mut rec,
            &mut read_spans,
            &mut read_structure,
            &mut Vec::new(),
        );
        assert_eq!(at_end, None);
        out
    }

    fn assert_same(a: &Record, b: &Record) {
        assert_eq!(
            a.values().collect::<Vec<_>>(),
            b.values().collect::<Vec<_>>()
        );
        assert_eq!(
            (a.index, a.line, a.byte_offset),
            (b.index, b.line, b.byte_offset)
        );
        for no in 1..=a.len() {
            assert_eq!(
                a.field_byte_offset(no),
                b.field_byte_offset(no),
                "field {no}"
            );
            assert_eq!(a.field_quoted(no), b.field_quoted(no), "field {no}");
        }
    }

    #[test]
    fn usual_records_are_read_in_one_pass() {
        let mut input = b"202407,131016,0000012345,".to_vec();
        input.extend(sjis("\"訪問介護①　身体介護、入浴介助\",120,髙橋 﨑子,ﾀｶﾊｼ,\"a\"\"b\",\"ケア\"\"さくら\"\"\",\"自宅で\r\n入浴\"\r\n"));
        input.extend(b"1,\"\",,\"x\"\r\n");
        input.extend(sjis("§±°,\"Ωα\",АБ\r\n"));
        input.extend(sjis("\"a\"\"b,c\",あい\r\n"));
        // Other line breaks, inside quotes and between records; a blank line; no line
        // break at the end.
        input.extend(sjis("\"x\ry\nz\r\n\",ｱ\n\r\nlast,\"\""));
        let records = both_ways(&input);
        assert_eq!(records.len(), 7);
        assert_eq!(records[3].0.get(2), Some("あい"));
        assert_eq!(records[4].0.get(1), Some("x\ry\nz\r\n"));
        assert_eq!((records[5].0.line, records[5].0.len()), (10, 1));
        assert_eq!(records[6].0.get(2), Some(""));
        for (read, exact, usual) in &records {
            assert!(usual, "{:?}", exact.values().collect::<Vec<_>>());
            assert_same(read, exact);
        }
        assert_eq!(records[0].0.get(8), Some("a\"b"));
        assert_eq!(records[0].0.get(9), Some("ケア\"さくら\""));
        assert_eq!(records[0].0.get(10), Some("自宅で\r\n入浴"));
        assert_eq!(records[2].0.get(2), Some("Ωα"));
    }

    #[test]
    fn records_with_something_to_report_are_read_the_exact_way() {
        let mut input = sjis("あ,");
        input.extend(b"\xF0\x40\r\n"); // a 外字
        input.extend(b"a,\x82,b\r\n"); // a lone lead byte
        input.extend(b"a,b\x01c\r\n"); // a control character
        input.extend(sjis("い,\"う\"x\r\n")); // text after a closing quote
        input.extend(b"\x80,c\r\n"); // the undefined byte 0x80
        input.extend(b"a,b\"c\r\n"); // a quote inside an unquoted field
        input.extend(b"a,\"b,c\r\n"); // a quote never closed
        let records = both_ways(&input);
        assert_eq!(records.len(), 7);
        for (read, exact, usual) in &records {
            assert!(!usual, "{:?}", exact.values().collect::<Vec<_>>());
            assert_same(read, exact);
        }
    }

    #[test]
    fn every_fixture_reads_the_same_either_way() {
        let files = crate::fixtures::valid_files()
            .into_iter()
            .chain(crate::fixtures::bad_files());
        let mut usual_records = 0;
        for file in files {
            for (read, exact, usual) in both_ways(&file.bytes) {
                assert_same(&read, &exact);
                usual_records += usize::from(usual);
            }
        }
        assert!(usual_records > 100, "{usual_records}");
    }

    #[test]
    fn random_records_read_the_same_either_way() {
        // Pieces that matter to the two ways, glued at random (a fixed xorshift sequence).
        let pieces: Vec<Vec<u8>> = [
            "a",
            "12",
            ",",
            ",",
            "\"",
            "\"\"",
            "\r\n",
            "\n",
            "\r",
            "あ",
            "髙",
            "ｱ",
            "Ω",
            "§",
            "①",
            "２－８",
            "\t",
            // Whole well-quoted fields with doubled quotes, commas and line breaks inside.
            "\"a\"\"b,c\"",
            "\"あ\"\"い,う\"",
            "\"x\r\ny\"",
        ]
        .iter()
        .map(|p| sjis(p))
        .chain([
            vec![0xF0, 0x40],
            vec![0x82],
            vec![0x80],
            vec![0x01],
            vec![0xFF],
            // A first byte before a delimiter or a byte no pair ends with; DEL; bytes that
            // are never characters; NEC and IBM extensions.
            vec![0x82, b','],
            vec![0x82, b'"'],
            vec![0x82, b'\r'],
            vec![0x81, 0x7F],
            vec![0x7F],
            vec![0xA0],
            vec![0xFD],
            vec![0x87, 0x40],
            vec![0xFA, 0x40],
            vec![0xED, 0x40],
        ])
        .collect();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut usual_records, mut exact_records) = (0, 0);
        for _ in 0..20_000 {
            let len = next() % 40;
            let input: Vec<u8> = (0..len)
                .flat_map(|_| pieces[(next() % pieces.len() as u64) as usize].clone())
                .collect();
            for (read, exact, usual) in both_ways(&input) {
                assert_same(&read, &exact);
                if usual {
                    usual_records += 1;
                } else {
                    exact_records += 1;
                }
            }
        }
        // Both ways were taken many times.
        assert!(
            usual_records > 1000 && exact_records > 1000,
            "{usual_records} {exact_records}"
        );
    }
}
