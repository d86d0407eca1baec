//! The usual record in one pass: split, decode (MS932) and place every field at once.
//!
//! Nearly every record of a real file is usual: MS932 without 外字 or undefined bytes, no
//! control character, quotes only around whole fields (doubled inside them). Such a record
//! is read here byte by byte straight into its decoded text and field positions: for the
//! benchmark's 20 MB 第6表 in the browser, 28 ms against 50 ms for splitting first and
//! decoding after. Anything else, or any doubt, gives `None`, and the caller reads the
//! record the exact way ([`records`](super::records), then `read_record`), which reports
//! every problem with its byte offset and 項目No. Both ways give the same [`Record`]; the
//! tests hold them to that.
//!
//! Which bytes decode to which character is not written down here: the tables are filled
//! once from `encoding_rs` itself, the decoder the exact way uses.

use std::sync::OnceLock;

use encoding_rs::{DecoderResult, SHIFT_JIS};

use crate::check::record::Record;
use crate::check::records::{RecordEnd, Terminator};

/// Reads the usual record whose first byte is `bytes[start]` into `rec` (cleared by the
/// caller for this record), or returns `None` (with `rec` half-filled) for the exact way.
pub(crate) fn read_usual(bytes: &[u8], start: usize, rec: &mut Record) -> Option<RecordEnd> {
    let chars = Ms932Chars::get();
    let mut pos = start;
    let mut line_breaks = 0;
    loop {
        let field_start = pos;
        let quoted = bytes.get(pos) == Some(&b'"');
        let mut text = Utf8Appender::new(rec.text_mut());
        let text_start = text.len();
        if quoted {
            pos = read_quoted(bytes, pos + 1, chars, &mut text, &mut line_breaks)?;
        } else {
            pos = read_unquoted(bytes, pos, chars, &mut text)?;
        }
        let text_end = text.len();
        drop(text);
        rec.push_whole_field(text_start, text_end, field_start - start, quoted);
        // After the field: a delimiter, a line break or the end.
        let (terminator, next) = match bytes.get(pos) {
            Some(b',') => {
                pos += 1;
                continue;
            }
            Some(b'\r') if bytes.get(pos + 1) == Some(&b'\n') => (Terminator::CrLf, pos + 2),
            Some(b'\r') => (Terminator::Cr, pos + 1),
            Some(b'\n') => (Terminator::Lf, pos + 1),
            None => (Terminator::EndOfFile, pos),
            Some(_) => return None,
        };
        return Some(RecordEnd {
            end: pos,
            next,
            terminator,
            line_breaks_inside: line_breaks,
        });
    }
}

/// Reads an unquoted field's value from `pos` up to the byte after it (a delimiter, a line
/// break or the end).
///
/// `inline(always)` here, on `read_quoted` and on `Ms932Chars::decode`: the page's wasm is
/// optimised for size, and left to itself the compiler calls them for every field and
/// character (the reading stage measured 50 ms with calls, 42 without).
#[inline(always)]
fn read_unquoted(
    bytes: &[u8],
    mut pos: usize,
    chars: &Ms932Chars,
    text: &mut Utf8Appender,
) -> Option<usize> {
    while let Some(&b) = bytes.get(pos) {
        match CLASS[usize::from(b)] {
            PLAIN => pos += text.push_ascii_run(&bytes[pos..], |class| class == PLAIN),
            MULTIBYTE => pos += chars.decode(bytes, pos, text)?,
            COMMA | CR | LF => break,
            // A quote inside an unquoted field, or a control character.
            _ => return None,
        }
    }
    Some(pos)
}

/// Reads a quoted field's value from `pos` (after the opening quote) up to the byte after
/// the closing quote, reading `""` as `"` and counting the line breaks inside.
#[inline(always)]
fn read_quoted(
    bytes: &[u8],
    mut pos: usize,
    chars: &Ms932Chars,
    text: &mut Utf8Appender,
    line_breaks: &mut u64,
) -> Option<usize> {
    loop {
        // Unclosed at the end of the input: for the exact way to report.
        let &b = bytes.get(pos)?;
        match CLASS[usize::from(b)] {
            PLAIN | COMMA => {
                pos += text.push_ascii_run(&bytes[pos..], |class| matches!(class, PLAIN | COMMA));
            }
            MULTIBYTE => pos += chars.decode(bytes, pos, text)?,
            QUOTE if bytes.get(pos + 1) == Some(&b'"') => {
                text.push_ascii(b'"');
                pos += 2;
            }
            QUOTE => return Some(pos + 1),
            CR | LF => {
                // CR LF is one line break, as the exact way counts them.
                if b == b'\n' || bytes.get(pos + 1) != Some(&b'\n') {
                    *line_breaks += 1;
                }
                text.push_ascii(b);
                pos += 1;
            }
            _ => return None,
        }
    }
}

/// What a byte is to the one-pass reader.
type ByteClass = u8;
/// Printable ASCII and TAB: itself.
const PLAIN: ByteClass = 0;
const COMMA: ByteClass = 1;
const QUOTE: ByteClass = 2;
const CR: ByteClass = 3;
const LF: ByteClass = 4;
/// ≥ 0x80: a half-width katakana, the first of two bytes, or something for the exact way.
const MULTIBYTE: ByteClass = 5;
/// Other control characters (reported by the exact way).
const CONTROL: ByteClass = 6;

const CLASS: [ByteClass; 256] = {
    let mut t = [CONTROL; 256];
    let mut b = 0;
    while b < 256 {
        if b >= 0x80 {
            t[b] = MULTIBYTE;
        } else if b >= 0x20 && b < 0x7F {
            t[b] = PLAIN;
        }
        b += 1;
    }
    t[b'\t' as usize] = PLAIN;
    t[b',' as usize] = COMMA;
    t[b'"' as usize] = QUOTE;
    t[b'\r' as usize] = CR;
    t[b'\n' as usize] = LF;
    t
};

/// The MS932 characters the one-pass reader decodes itself, as `encoding_rs` decodes them:
/// single bytes ≥ 0x80 (half-width katakana) and byte pairs, each mapped to its UTF-8
/// bytes, or to nothing where the exact way must decide (undefined bytes and pairs, 外字,
/// and the undefined byte 0x80, which decodes to U+0080).
struct Ms932Chars {
    /// Indexed by the byte − 0x80.
    singles: Vec<EncodedChar>,
    /// Indexed by (first byte − 0x80) × 256 + second byte.
    pairs: Vec<EncodedChar>,
}

impl Ms932Chars {
    fn get() -> &'static Ms932Chars {
        static CHARS: OnceLock<Ms932Chars> = OnceLock::new();
        CHARS.get_or_init(Ms932Chars::from_encoding_rs)
    }

    fn from_encoding_rs() -> Ms932Chars {
        let singles = (0x80..=0xFFu8).map(|b| decode_one(&[b])).collect();
        let mut pairs = vec![EncodedChar::NONE; 128 * 256];
        // Only these can start a pair (WHATWG Shift_JIS); the rest stay empty.
        for first in (0x81..=0x9Fu8).chain(0xE0..=0xFC) {
            for second in 0x40..=0xFCu8 {
                pairs[pair_index(first, second)] = decode_one(&[first, second]);
            }
        }
        Ms932Chars { singles, pairs }
    }

    /// Decodes the character at `bytes[pos]` (≥ 0x80) onto `text`; how many bytes it took,
    /// or `None` for the exact way.
    #[inline(always)]
    fn decode(&self, bytes: &[u8], pos: usize, text: &mut Utf8Appender) -> Option<usize> {
        let first = bytes[pos];
        let single = self.singles[usize::from(first - 0x80)];
        if single.len != 0 {
            text.push_char(single);
            return Some(1);
        }
        let pair = self.pairs[pair_index(first, *bytes.get(pos + 1)?)];
        if pair.len == 0 {
            return None;
        }
        text.push_char(pair);
        Some(2)
    }
}

fn pair_index(first: u8, second: u8) -> usize {
    usize::from(first - 0x80) * 256 + usize::from(second)
}

/// What `encoding_rs` makes of `bytes` if that is one character the one-pass reader may
/// take: not 外字 (Private Use Area) and not U+0080, whose bytes the exact way reports.
fn decode_one(bytes: &[u8]) -> EncodedChar {
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let mut out = [0u8; 8];
    let (result, read, written) = decoder.decode_to_utf8_without_replacement(bytes, &mut out, true);
    if result != DecoderResult::InputEmpty || read != bytes.len() {
        return EncodedChar::NONE;
    }
    let Ok(text) = std::str::from_utf8(&out[..written]) else {
        return EncodedChar::NONE;
    };
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !('\u{E000}'..='\u{F8FF}').contains(&c) && c != '\u{80}' => {
            EncodedChar::new(c)
        }
        _ => EncodedChar::NONE,
    }
}

/// A character of two or three UTF-8 bytes (every MS932 character outside ASCII), encoded
/// once; only [`EncodedChar::new`] makes one, so its bytes are always a whole character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct EncodedChar {
    /// 2 or 3; 0 for none.
    len: u8,
    bytes: [u8; 3],
}

impl EncodedChar {
    const NONE: EncodedChar = EncodedChar {
        len: 0,
        bytes: [0; 3],
    };

    fn new(c: char) -> EncodedChar {
        let mut buf = [0u8; 4];
        let len = c.encode_utf8(&mut buf).len();
        if !(2..=3).contains(&len) {
            return EncodedChar::NONE;
        }
        EncodedChar {
            len: len as u8,
            bytes: [buf[0], buf[1], buf[2]],
        }
    }
}

/// Appends whole characters to a `String` without checking their bytes again: ASCII bytes
/// (masked to seven bits, so nothing else can get in) and [`EncodedChar`]s. It exists for
/// speed: with `String::push(char)` for every character, the prototype of this reader took
/// 40 ms instead of 35 for the benchmark's 20 MB in the browser.
struct Utf8Appender<'a> {
    bytes: &'a mut Vec<u8>,
    /// Where this appender started (for the debug check that only characters were added).
    start: usize,
}

impl<'a> Utf8Appender<'a> {
    #[allow(unsafe_code)]
    fn new(text: &'a mut String) -> Utf8Appender<'a> {
        // SAFETY: the text must be UTF-8 whenever it can be read again. Only whole
        // characters are appended: ASCII bytes by `push_ascii` and `push_ascii_run`, which
        // mask them to seven bits, and `EncodedChar`s (which only `EncodedChar::new` makes,
        // from a `char`) by `push_char`, which makes room for the whole character before it
        // writes, so no failure can leave half of one. Nothing is removed.
        let start = text.len();
        Utf8Appender {
            bytes: unsafe { text.as_mut_vec() },
            start,
        }
    }

    #[inline]
    fn push_ascii(&mut self, b: u8) {
        debug_assert!(b.is_ascii());
        self.bytes.push(b & 0x7F);
    }

    /// Appends the ASCII bytes at the start of `bytes` whose class is `in_run`; how many.
    #[inline(always)]
    fn push_ascii_run(&mut self, bytes: &[u8], in_run: impl Fn(ByteClass) -> bool) -> usize {
        let len = bytes
            .iter()
            .position(|&b| !in_run(CLASS[usize::from(b)]))
            .unwrap_or(bytes.len());
        debug_assert!(bytes[..len].is_ascii());
        self.bytes.extend(bytes[..len].iter().map(|&b| b & 0x7F));
        len
    }

    #[inline]
    fn push_char(&mut self, c: EncodedChar) {
        // Room first, so the pushes cannot fail halfway through a character; byte by byte,
        // because a copy of a few bytes becomes a call to `memcpy`, slow in wasm.
        self.bytes.reserve(3);
        let [first, second, third] = c.bytes;
        self.bytes.push(first);
        self.bytes.push(second);
        if c.len == 3 {
            self.bytes.push(third);
        }
    }

    fn len(&self) -> usize {
        self.bytes.len()
    }
}

impl Drop for Utf8Appender<'_> {
    fn drop(&mut self) {
        // Tests and fuzzing run with debug assertions: they would see a broken character.
        debug_assert!(std::str::from_utf8(&self.bytes[self.start..]).is_ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every one- and two-byte input the tables decode is decoded the same by `encoding_rs`,
    /// and everything `encoding_rs` decodes to one ordinary character is in the tables.
    #[test]
    fn the_tables_agree_with_encoding_rs_on_every_byte_pair() {
        let chars = Ms932Chars::from_encoding_rs();
        let mut taken = 0;
        for first in 0x80..=0xFFu8 {
            for second in 0..=0xFFu8 {
                let input = [first, second];
                let mut text = String::new();
                let mut appender = Utf8Appender::new(&mut text);
                let took = chars.decode(&input, 0, &mut appender);
                drop(appender);
                let expected = SHIFT_JIS.decode_without_bom_handling_and_without_replacement(
                    &input[..took.unwrap_or(2)],
                );
                match took {
                    Some(n) => {
                        taken += 1;
                        assert_eq!(Some(text.as_str()), expected.as_deref(), "{input:02X?}");
                        assert_eq!(text.chars().count(), 1);
                        // 外字 and U+0080 are for the exact way to report.
                        assert!(!text.contains(|c: char| {
                            ('\u{E000}'..='\u{F8FF}').contains(&c) || c == '\u{80}'
                        }));
                        if n == 1 {
                            assert!((0xA1..=0xDF).contains(&first));
                        }
                    }
                    None => {
                        // Then the pair is not one ordinary character.
                        let ordinary = expected.as_deref().is_some_and(|t| {
                            t.chars().count() == 1
                                && !t.contains(|c: char| {
                                    ('\u{E000}'..='\u{F8FF}').contains(&c) || c == '\u{80}'
                                })
                        });
                        assert!(!ordinary, "{input:02X?} → {expected:?}");
                    }
                }
            }
        }
        // JIS X 0208 with the NEC and IBM extensions: several thousand pairs, × 256 for
        // the 63 katakana followed by any byte.
        assert!(taken > 63 * 256 + 7000, "{taken}");
    }

    #[test]
    fn a_usual_record_is_read_with_its_positions() {
        let mut input = SHIFT_JIS
            .encode("1,\"あ\"\"い,う\",ｶﾅ,Ω\r\n")
            .0
            .into_owned();
        input.extend(b"next");
        let mut rec = Record::default();
        rec.clear(1, 1, 0);
        let end = read_usual(&input, 0, &mut rec).expect("a usual record");
        assert_eq!(
            rec.values().collect::<Vec<_>>(),
            ["1", "あ\"い,う", "ｶﾅ", "Ω"]
        );
        assert_eq!(rec.field_byte_offset(2), Some(2));
        assert_eq!(rec.field_quoted(2), Some(true));
        assert_eq!(end.terminator, Terminator::CrLf);
        assert_eq!(&input[end.next..], b"next");
        assert_eq!(&input[end.end..end.next], b"\r\n");
    }
}
