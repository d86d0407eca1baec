//! CSV structure on the raw bytes: logical records and their fields, with positions.
//!
//! Splitting happens before decoding, on bytes. That is safe for MS932 because its trail
//! bytes (0x40–0x7E, 0x80–0xFC) never equal `,` `"` CR or LF, and for UTF-8 because
//! continuation bytes are ≥ 0x80. So every record knows its 1-based index, the physical line
//! it starts on and its byte offset, and every field its byte span, without decoding first.
//!
//! A quoted field may hold commas, line breaks and doubled quotes (`""`), as free text does;
//! such a field stays in one record. The reader never fails: malformed quoting is reported as
//! a [`StructureIssue`] and parsing carries on in the most likely way.

/// One field's place in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpan {
    /// Byte offset of the field's content (after an opening quote).
    pub start: usize,
    /// Byte offset just past the content (before a closing quote).
    pub end: usize,
    /// The field was enclosed in `"`.
    pub quoted: bool,
    /// The content holds doubled quotes (`""`) to be read as one `"`.
    pub escaped: bool,
    /// The content has bytes ≥ 0x80 (so it needs decoding; ASCII reads the same in MS932
    /// and UTF-8).
    pub non_ascii: bool,
    /// The content has a C0 control byte other than TAB, CR and LF, or DEL: a
    /// `decode::TextIssue::Control` to report.
    pub control: bool,
}

/// One logical record's place in the file; its fields are in the caller's span buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordSpan {
    /// 1-based index of the logical record.
    pub index: u64,
    /// 1-based physical line the record starts on.
    pub line: u64,
    /// Byte offset of the record's first byte.
    pub start: usize,
    /// Byte offset just past the record's last field (before its line break).
    pub end: usize,
    /// The line break that ended the record.
    pub terminator: Terminator,
}

/// How a record ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Terminator {
    CrLf,
    Lf,
    Cr,
    EndOfFile,
}

/// A CSV quoting problem, with the place it was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StructureIssue {
    /// A quoted field that runs to the end of the file; `offset` is its opening quote.
    UnclosedQuote { offset: usize, line: u64 },
    /// A `"` inside an unquoted field.
    StrayQuote { offset: usize, line: u64 },
    /// Bytes after a closing quote before the next delimiter; `offset` is the first one.
    TextAfterQuote { offset: usize, line: u64 },
}

/// Reads logical records one at a time, reusing the caller's buffers.
pub struct RecordReader<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
    index: u64,
}

/// What a byte is to the reader, as bit flags: one table look-up per byte classifies it for
/// splitting and, for free, for decoding.
type ByteClass = u8;
/// `,` `"` CR LF: ends an unquoted run.
const SPECIAL: ByteClass = 1;
/// ≥ 0x80.
const NON_ASCII: ByteClass = 2;
/// C0 controls other than TAB, CR and LF, and DEL (0x7F).
const CONTROL: ByteClass = 4;

const CLASS: [ByteClass; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        if b >= 0x80 {
            t[b] = NON_ASCII;
        } else if (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F {
            t[b] = CONTROL;
        }
        b += 1;
    }
    t[b',' as usize] = SPECIAL;
    t[b'"' as usize] = SPECIAL;
    t[b'\r' as usize] = SPECIAL;
    t[b'\n' as usize] = SPECIAL;
    t
};

/// The length of the run at the start of `bytes` without `,` `"` CR or LF, and the classes
/// of its bytes. (An iterator over a slice, so the hot loop has no bounds checks.)
fn plain_run(bytes: &[u8]) -> (usize, ByteClass) {
    let mut seen = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let class = CLASS[usize::from(b)];
        if class & SPECIAL != 0 {
            return (i, seen);
        }
        seen |= class;
    }
    (bytes.len(), seen)
}

impl FieldSpan {
    fn with_classes(mut self, seen: ByteClass) -> Self {
        self.non_ascii = seen & NON_ASCII != 0;
        self.control = seen & CONTROL != 0;
        self
    }
}

impl<'a> RecordReader<'a> {
    /// Starts reading at byte `start` (past a BOM, if any).
    pub fn new(bytes: &'a [u8], start: usize) -> Self {
        RecordReader {
            bytes,
            pos: start.min(bytes.len()),
            line: 1,
            index: 0,
        }
    }

    /// The input being read.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Reads the next record into `fields` (cleared first); `None` at the end of the input.
    /// A line break right before the end of the input does not start another record.
    pub fn next_record(
        &mut self,
        fields: &mut Vec<FieldSpan>,
        issues: &mut Vec<StructureIssue>,
    ) -> Option<RecordSpan> {
        fields.clear();
        let bytes = self.bytes;
        let len = bytes.len();
        if self.pos >= len {
            return None;
        }
        self.index += 1;
        let start = self.pos;
        let line = self.line;
        loop {
            // One field.
            let mut field = FieldSpan {
                start: self.pos,
                end: self.pos,
                quoted: false,
                escaped: false,
                non_ascii: false,
                control: false,
            };
            let mut seen: ByteClass = 0;
            if bytes.get(self.pos) == Some(&b'"') {
                seen = self.read_quoted(&mut field, issues);
            } else {
                let mut stray_reported = false;
                loop {
                    let (run, run_seen) = plain_run(&bytes[self.pos..]);
                    seen |= run_seen;
                    self.pos += run;
                    let Some(&b) = bytes.get(self.pos) else {
                        break;
                    };
                    if b == b'"' {
                        if !stray_reported {
                            issues.push(StructureIssue::StrayQuote {
                                offset: self.pos,
                                line: self.line,
                            });
                            stray_reported = true;
                        }
                        self.pos += 1;
                        continue;
                    }
                    break;
                }
                field.end = self.pos;
            }
            fields.push(field.with_classes(seen));
            // After the field: a delimiter, a line break or the end.
            match bytes.get(self.pos) {
                Some(b',') => {
                    self.pos += 1;
                }
                Some(b'\r') => {
                    let end = self.pos;
                    self.pos += 1;
                    let terminator = if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                        Terminator::CrLf
                    } else {
                        Terminator::Cr
                    };
                    self.line += 1;
                    return Some(self.span(line, start, end, terminator));
                }
                Some(b'\n') => {
                    let end = self.pos;
                    self.pos += 1;
                    self.line += 1;
                    return Some(self.span(line, start, end, Terminator::Lf));
                }
                _ => {
                    return Some(self.span(line, start, self.pos, Terminator::EndOfFile));
                }
            }
        }
    }

    fn span(&self, line: u64, start: usize, end: usize, terminator: Terminator) -> RecordSpan {
        RecordSpan {
            index: self.index,
            line,
            start,
            end,
            terminator,
        }
    }

    /// Reads a quoted field starting at the opening quote; leaves `pos` at the byte after the
    /// closing quote, or after any junk that follows it up to the next delimiter. Returns the
    /// classes of the content's bytes.
    fn read_quoted(
        &mut self,
        field: &mut FieldSpan,
        issues: &mut Vec<StructureIssue>,
    ) -> ByteClass {
        let bytes = self.bytes;
        let len = bytes.len();
        let open = self.pos;
        let open_line = self.line;
        field.quoted = true;
        self.pos += 1;
        field.start = self.pos;
        let mut seen: ByteClass = 0;
        loop {
            // Skip to the next quote, counting line breaks for positions.
            loop {
                let (run, run_seen) = plain_run(&bytes[self.pos..]);
                seen |= run_seen;
                self.pos += run;
                match bytes.get(self.pos) {
                    Some(b'"') | None => break,
                    Some(&b) => {
                        // A comma, or a line break: CR LF counts once.
                        if b == b'\n' || (b == b'\r' && bytes.get(self.pos + 1) != Some(&b'\n')) {
                            self.line += 1;
                        }
                        self.pos += 1;
                    }
                }
            }
            if self.pos >= len {
                field.end = len;
                issues.push(StructureIssue::UnclosedQuote {
                    offset: open,
                    line: open_line,
                });
                return seen;
            }
            if bytes.get(self.pos + 1) == Some(&b'"') {
                field.escaped = true;
                self.pos += 2;
                continue;
            }
            field.end = self.pos;
            self.pos += 1;
            break;
        }
        // Anything up to the next delimiter is junk after the closing quote.
        let junk_start = self.pos;
        while self.pos < len && !matches!(bytes[self.pos], b',' | b'\r' | b'\n') {
            self.pos += 1;
        }
        if self.pos > junk_start {
            issues.push(StructureIssue::TextAfterQuote {
                offset: junk_start,
                line: self.line,
            });
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> (Vec<(RecordSpan, Vec<FieldSpan>)>, Vec<StructureIssue>) {
        let mut r = RecordReader::new(input, 0);
        let mut fields = Vec::new();
        let mut issues = Vec::new();
        let mut out = Vec::new();
        while let Some(rec) = r.next_record(&mut fields, &mut issues) {
            out.push((rec, fields.clone()));
        }
        (out, issues)
    }

    fn text<'a>(input: &'a [u8], f: &FieldSpan) -> &'a [u8] {
        &input[f.start..f.end]
    }

    #[test]
    fn quoted_newlines_stay_in_one_record() {
        let input = b"a,\"x,\r\ny\"\"z\",b\r\nc,d\r\n";
        let (recs, issues) = read_all(input);
        assert!(issues.is_empty());
        assert_eq!(recs.len(), 2);
        let (r1, f1) = &recs[0];
        assert_eq!((r1.index, r1.line, r1.start), (1, 1, 0));
        assert_eq!(text(input, &f1[1]), b"x,\r\ny\"\"z");
        assert!(f1[1].quoted && f1[1].escaped);
        let (r2, f2) = &recs[1];
        assert_eq!((r2.index, r2.line), (2, 3));
        assert_eq!(text(input, &f2[0]), b"c");
        assert_eq!(r2.terminator, Terminator::CrLf);
    }

    #[test]
    fn sjis_trail_bytes_do_not_split() {
        // "ソ" is 0x83 0x5C (trail = backslash), "表" is 0x95 0x5C.
        let input = b"\x83\x5C,\x95\x5C\r\n";
        let (recs, _) = read_all(input);
        assert_eq!(recs[0].1.len(), 2);
    }

    #[test]
    fn broken_quoting_is_reported_not_fatal() {
        let (recs, issues) = read_all(b"a\"b,\"c\"d,e\n\"open");
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].1.len(), 3);
        assert_eq!(
            issues,
            vec![
                StructureIssue::StrayQuote { offset: 1, line: 1 },
                StructureIssue::TextAfterQuote { offset: 7, line: 1 },
                StructureIssue::UnclosedQuote {
                    offset: 11,
                    line: 2
                },
            ]
        );
    }

    #[test]
    fn trailing_newline_does_not_make_a_record_but_blank_lines_do() {
        let (recs, _) = read_all(b"a\n\nb\n");
        assert_eq!(recs.len(), 3);
        assert_eq!(
            recs[1].1,
            vec![FieldSpan {
                start: 2,
                end: 2,
                quoted: false,
                escaped: false,
                non_ascii: false,
                control: false,
            }]
        );
        assert_eq!(recs[2].0.line, 3);
    }

    #[test]
    fn fields_know_whether_they_are_ascii_and_free_of_controls() {
        let (recs, _) = read_all(b"a,\x82\xA0,\"x\x01\",\"\r\n\xB1\",\x7F\r\n");
        let flags: Vec<(bool, bool)> = recs[0].1.iter().map(|f| (f.non_ascii, f.control)).collect();
        assert_eq!(
            flags,
            [
                (false, false),
                (true, false),
                (false, true),
                (true, false),
                (false, true)
            ]
        );
        assert_eq!(recs[0].0.line, 1);
    }
}
