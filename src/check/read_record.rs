//! From a record's byte spans to a decoded [`Record`]: the step between
//! [`records`](super::records) and the rules, and the checker's hottest loop.
//!
//! The usual record (MS932, well quoted, no control characters, no 外字) is decoded in one
//! `encoding_rs` call for the whole record; its fields are then found in the decoded text by
//! walking the byte spans alongside: an ASCII field has the same length decoded, and only a
//! field with Japanese text is looked for (its closing `,` or `"`, which decode to
//! themselves). Any record with something to report takes the exact path instead: each field
//! decoded on its own by [`decode_field`], so every problem gets its byte offset and 項目No.
//! Both paths give the same [`Record`]; the tests hold them to that.

use encoding_rs::{DecoderResult, SHIFT_JIS};

use crate::check::decode::{decode_field, TextEncoding, TextIssue};
use crate::check::record::Record;
use crate::check::records::{FieldSpan, RecordSpan};

/// Decodes the record `span` of `bytes` (whose fields are `fields`) into `rec`, reporting
/// character problems to `issues` as (項目No., issue). `well_formed`: the reader saw no
/// quoting problem in it.
pub(crate) fn read_record(
    bytes: &[u8],
    encoding: TextEncoding,
    span: &RecordSpan,
    fields: &[FieldSpan],
    well_formed: bool,
    rec: &mut Record,
    issues: &mut Vec<(usize, TextIssue)>,
) {
    rec.clear(span.index, span.line, span.start as u64);
    let usual =
        encoding == TextEncoding::ShiftJis && well_formed && !fields.iter().any(|f| f.control);
    if usual && read_whole(bytes, span, fields, rec) {
        return;
    }
    rec.clear(span.index, span.line, span.start as u64);
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

/// The fast path: `false` (with `rec` half-filled) when the record needs the exact one.
fn read_whole(bytes: &[u8], span: &RecordSpan, fields: &[FieldSpan], rec: &mut Record) -> bool {
    let raw = &bytes[span.start..span.end];
    if fields.iter().any(|f| f.non_ascii) {
        let text = rec.text_mut();
        let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
        let Some(needed) = decoder.max_utf8_buffer_length_without_replacement(raw.len()) else {
            return false;
        };
        text.reserve(needed);
        let (result, _) = decoder.decode_to_string_without_replacement(raw, text, true);
        if result != DecoderResult::InputEmpty || has_rare_characters(text.as_bytes()) {
            return false;
        }
    } else {
        // Every field is ASCII, and so are the delimiters between them.
        match std::str::from_utf8(raw) {
            Ok(ascii) => rec.text_mut().push_str(ascii),
            Err(_) => return false,
        }
    }
    // Walk the fields: `shift` is how much longer the decoded text is than the bytes so far.
    // Values unescaped on the way are appended after the record's text, so searches stay
    // within `decoded`.
    let decoded = rec.text_bytes().len();
    let mut shift = 0usize;
    for f in fields {
        let start = f.start - span.start + shift;
        if !f.non_ascii && !f.escaped {
            // Most fields: ASCII decodes to itself, so the value sits at a known place
            // between ASCII delimiters (and the shift stays as it is).
            let end = start + (f.end - f.start);
            rec.push_ascii_field(start, end, first_byte(f) - span.start, f.quoted);
            continue;
        }
        let end = if f.non_ascii {
            match field_end(&rec.text_bytes()[..decoded], start, f.quoted) {
                Some(end) => end,
                None => return false,
            }
        } else {
            start + (f.end - f.start)
        };
        shift = end - (f.end - span.start);
        if !rec.push_field(start, end, first_byte(f) as u64, f.quoted, f.escaped) {
            return false;
        }
    }
    true
}

/// Where a field's decoded content that starts at `start` ends: the next `,` (or the end) for
/// an unquoted field, the closing `"` (not a doubled one) for a quoted field.
fn field_end(text: &[u8], start: usize, quoted: bool) -> Option<usize> {
    let rest = text.get(start..)?;
    if !quoted {
        return Some(start + memchr::memchr(b',', rest).unwrap_or(rest.len()));
    }
    let mut at = 0;
    loop {
        at += memchr::memchr(b'"', rest.get(at..)?)?;
        if rest.get(at + 1) == Some(&b'"') {
            at += 2;
        } else {
            return Some(start + at);
        }
    }
}

/// Whether decoded MS932 text holds a 外字 (Private Use Area U+E000–U+E757, UTF-8 `EE xx xx`)
/// or U+0080 (`C2 80`, from the undefined byte 0x80): those are reported by the exact path.
fn has_rare_characters(utf8: &[u8]) -> bool {
    memchr::memchr2_iter(0xEE, 0xC2, utf8)
        .any(|i| utf8[i] == 0xEE || utf8.get(i + 1) == Some(&0x80))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::records::RecordReader;

    fn sjis(s: &str) -> Vec<u8> {
        SHIFT_JIS.encode(s).0.into_owned()
    }

    /// Reads every record both ways: the fast path where it applies, and the exact path.
    fn both_ways(input: &[u8]) -> Vec<(Record, Record, bool)> {
        let mut reader = RecordReader::new(input, 0);
        let (mut spans, mut structure) = (Vec::new(), Vec::new());
        let mut out = Vec::new();
        while let Some(span) = reader.next_record(&mut spans, &mut structure) {
            let well_formed = structure.is_empty();
            structure.clear();
            let mut fast = Record::default();
            let mut issues = Vec::new();
            read_record(
                input,
                TextEncoding::ShiftJis,
                &span,
                &spans,
                well_formed,
                &mut fast,
                &mut issues,
            );
            let mut exact = Record::default();
            exact.clear(span.index, span.line, span.start as u64);
            let mut exact_issues = Vec::new();
            for (i, f) in spans.iter().enumerate() {
                let s = exact.text_mut().len();
                decode_field(
                    TextEncoding::ShiftJis,
                    &input[f.start..f.end],
                    f.start,
                    exact.text_mut(),
                    &mut |issue| exact_issues.push((i + 1, issue)),
                );
                exact.end_field(s, first_byte(f) as u64, f.quoted, f.escaped);
            }
            assert_eq!(issues, exact_issues);
            let mut probe = Record::default();
            let fast_taken = well_formed
                && !spans.iter().any(|f| f.control)
                && read_whole(input, &span, &spans, &mut probe);
            out.push((fast, exact, fast_taken));
        }
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
    fn the_fast_path_gives_the_exact_paths_record() {
        let mut input = b"202407,131016,0000012345,".to_vec();
        input.extend(sjis("\"訪問介護①　身体介護、入浴介助\",120,髙橋 﨑子,ﾀｶﾊｼ,\"a\"\"b\",\"ケア\"\"さくら\"\"\",\"自宅で\r\n入浴\"\r\n"));
        input.extend(b"1,\"\",,\"x\"\r\n");
        input.extend(sjis("§±°,\"Ωα\",АБ\r\n"));
        // An unescaped value is kept after the record's text; a later field must not run on
        // into it.
        input.extend(sjis("\"a\"\"b,c\",あい\r\n"));
        let records = both_ways(&input);
        assert_eq!(records.len(), 4);
        assert_eq!(records[3].0.get(2), Some("あい"));
        for (fast, exact, fast_taken) in &records {
            assert!(fast_taken, "{:?}", exact.values().collect::<Vec<_>>());
            assert_same(fast, exact);
        }
        assert_eq!(records[0].0.get(8), Some("a\"b"));
        assert_eq!(records[0].0.get(9), Some("ケア\"さくら\""));
        assert_eq!(records[0].0.get(10), Some("自宅で\r\n入浴"));
        assert_eq!(records[2].0.get(2), Some("Ωα"));
    }

    #[test]
    fn records_with_something_to_report_take_the_exact_path() {
        let mut input = sjis("あ,");
        input.extend(b"\xF0\x40\r\n"); // a 外字
        input.extend(b"a,\x82,b\r\n"); // a lone lead byte
        input.extend(b"a,b\x01c\r\n"); // a control character
        input.extend(sjis("い,\"う\"x\r\n")); // text after a closing quote
        input.extend(b"\x80,c\r\n"); // the undefined byte 0x80
        let records = both_ways(&input);
        assert_eq!(records.len(), 5);
        for (fast, exact, fast_taken) in &records {
            assert!(!fast_taken, "{:?}", exact.values().collect::<Vec<_>>());
            assert_same(fast, exact);
        }
    }

    #[test]
    fn every_fixture_reads_the_same_both_ways() {
        let files = crate::fixtures::valid_files()
            .into_iter()
            .chain(crate::fixtures::bad_files());
        let mut fast_records = 0;
        for file in files {
            for (fast, exact, fast_taken) in both_ways(&file.bytes) {
                assert_same(&fast, &exact);
                fast_records += usize::from(fast_taken);
            }
        }
        assert!(fast_records > 100, "{fast_records}");
    }

    #[test]
    fn random_records_read_the_same_both_ways() {
        // Pieces that matter to the two paths, glued at random (a fixed xorshift sequence).
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
        ])
        .collect();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut fast_records, mut exact_records) = (0, 0);
        for _ in 0..20_000 {
            let len = next() % 40;
            let input: Vec<u8> = (0..len)
                .flat_map(|_| pieces[(next() % pieces.len() as u64) as usize].clone())
                .collect();
            for (fast, exact, fast_taken) in both_ways(&input) {
                assert_same(&fast, &exact);
                if fast_taken {
                    fast_records += 1;
                } else {
                    exact_records += 1;
                }
            }
        }
        // Both paths were exercised many times.
        assert!(
            fast_records > 1000 && exact_records > 1000,
            "{fast_records} {exact_records}"
        );
    }
}
