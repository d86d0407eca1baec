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
//!
//! This is the exact way of reading, for records with something to report (and UTF-8
//! files); the checker reads usual records in one pass (`usual_record`), and the reader
//! then only moves past them (`RecordReader::next_start`, `RecordReader::skip`).

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

/// Where the next record starts (see [`RecordReader::next_start`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RecordStart {
    pub index: u64,
    pub line: u64,
    pub start: usize,
}

/// How a record read by other means ended (see [`RecordReader::skip`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RecordEnd {
    /// Byte offset just past the record's last field.
    pub end: usize,
    /// Byte offset of the next record (past the line break).
    pub next: usize,
    pub terminator: Terminator,
    /// Line breaks inside quoted fields.
    pub line_breaks_inside: u64,
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

/// `,` `"` CR LF: the bytes that end an unquoted run.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    t
};

/// The length of the run at the start of `bytes` without `,` `"` CR or LF. (An iterator
/// over a slice, so the loop has no bounds checks.)
fn plain_run(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| SPECIAL[usize::from(b)])
        .unwrap_or(bytes.len())
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
            };
            if bytes.get(self.pos) == Some(&b'"') {
                self.read_quoted(&mut field, issues);
            } else {
                let mut stray_reported = false;
                loop {
                    self.pos += plain_run(&bytes[self.pos..]);
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
            fields.push(field);
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

    /// Where the next record starts; `None` at the end of the input.
    pub(crate) fn next_start(&self) -> Option<RecordStart> {
        (self.pos < self.bytes.len()).then_some(RecordStart {
            index: self.index + 1,
            line: self.line,
            start: self.pos,
        })
    }

    /// Moves past the next record, read by other means (the one-pass reader of usual
    /// records), which ended as `end` says.
    pub(crate) fn skip(&mut self, end: RecordEnd) -> RecordSpan {
        self.index += 1;
        let (line, start) = (self.line, self.pos);
        self.line += end.line_breaks_inside + u64::from(end.terminator != Terminator::EndOfFile);
        self.pos = end.next;
        self.span(line, start, end.end, end.terminator)
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
    /// closing quote, or after any junk that follows it up to the next delimiter.
    fn read_quoted(&mut self, field: &mut FieldSpan, issues: &mut Vec<StructureIssue>) {
        let bytes = self.bytes;
        let len = bytes.len();
        let open = self.pos;
        let open_line = self.line;
        field.quoted = true;
        self.pos += 1;
        field.start = self.pos;
        loop {
            // Skip to the next quote, counting line breaks for positions.
            loop {
                self.pos += plain_run(&bytes[self.pos..]);
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
                return;
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
            }]
        );
        assert_eq!(recs[2].0.line, 3);
    }
}
