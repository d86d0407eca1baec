//! Text encoding: recognising UTF-8 files, and strict MS932 decoding of each field.
//!
//! The spec requires Shift-JIS (MS932) without 外字. `encoding_rs`'s `Shift_JIS` is the WHATWG
//! decoder, which is MS932 (NEC and IBM extensions included, so 髙, 﨑 and ① decode) and maps the
//! user-defined area F040–F9FC to the Private Use Area U+E000–U+E757; that is how 外字 are found.
//! Decoding is strict: every invalid sequence is reported with its byte offset in the file, and
//! a U+FFFD stands in for it in the decoded value.
//!
//! Fields are decoded one at a time, appending to a caller's buffer: pure-ASCII fields (almost
//! all of a 第6表) are copied without going through the decoder, so the hot path allocates
//! nothing.

use encoding_rs::{DecoderResult, EncoderResult, SHIFT_JIS};

/// The encoding a file turned out to have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// Shift-JIS (MS932), as the spec requires (also pure ASCII files).
    ShiftJis,
    /// UTF-8: wrong, but decoded as such so the other checks still run.
    Utf8 { bom: bool },
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Recognises UTF-8: a BOM, or non-ASCII bytes that are all valid UTF-8 (Japanese text in
/// Shift-JIS is practically never valid UTF-8). Linear, no allocation.
pub fn detect_encoding(bytes: &[u8]) -> TextEncoding {
    if bytes.starts_with(UTF8_BOM) {
        return TextEncoding::Utf8 { bom: true };
    }
    if !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
        return TextEncoding::Utf8 { bom: false };
    }
    TextEncoding::ShiftJis
}

/// Number of bytes before the first record (the UTF-8 BOM).
pub fn content_start(encoding: TextEncoding) -> usize {
    match encoding {
        TextEncoding::Utf8 { bom: true } => UTF8_BOM.len(),
        _ => 0,
    }
}

/// A character-level problem inside a field, at an absolute byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextIssue {
    /// Bytes that are not a valid MS932 character.
    Invalid { offset: usize, len: usize },
    /// A 外字 (user-defined area), with its two bytes.
    Gaiji { offset: usize, code: u16 },
    /// A control character (other than TAB, and CR/LF inside quotes).
    Control { offset: usize, ch: char },
    /// (UTF-8 files) a character MS932 cannot represent.
    NotMs932 { offset: usize, ch: char },
}

/// Decodes `raw` (a field's bytes, starting at file offset `base`) onto the end of `out`,
/// reporting problems to `issue`. Returns whether the field was pure ASCII.
pub fn decode_field(
    encoding: TextEncoding,
    raw: &[u8],
    base: usize,
    out: &mut String,
    issue: &mut impl FnMut(TextIssue),
) {
    // One pass decides both questions, so the common field (short, ASCII, clean) costs a
    // single scan and a copy.
    let mut non_ascii = false;
    let mut control = false;
    for &b in raw {
        non_ascii |= b >= 0x80;
        control |= is_control_byte(b);
    }
    if control {
        control_characters(raw, base, issue);
    }
    if !non_ascii {
        // ASCII is the same in MS932 and UTF-8.
        if let Ok(s) = std::str::from_utf8(raw) {
            out.push_str(s);
        }
        return;
    }
    match encoding {
        TextEncoding::ShiftJis => decode_sjis(raw, base, out, issue),
        TextEncoding::Utf8 { .. } => decode_utf8(raw, base, out, issue),
    }
}

/// C0 controls other than TAB, CR and LF (CR/LF only reach a field inside quotes), and DEL.
fn is_control_byte(b: u8) -> bool {
    (b < 0x20 && b != b'\t' && b != b'\r' && b != b'\n') || b == 0x7F
}

fn control_characters(raw: &[u8], base: usize, issue: &mut impl FnMut(TextIssue)) {
    // In MS932, bytes below 0x20 and 0x7F are never trail bytes, so a byte scan is exact.
    for (i, &b) in raw.iter().enumerate() {
        if is_control_byte(b) {
            issue(TextIssue::Control {
                offset: base + i,
                ch: char::from(b),
            });
        }
    }
}

/// Whether decoded UTF-8 holds a Private Use Area character (U+E000–U+F8FF: EE xx xx, or
/// EF 80–A3 xx) or U+0080 (C2 80), the traces of 外字 and of the undefined byte 0x80.
fn has_rare_characters(utf8: &[u8]) -> bool {
    let mut prev = 0u8;
    for &b in utf8 {
        if prev == 0xEE || (prev == 0xEF && b <= 0xA3) || (prev == 0xC2 && b == 0x80) {
            return true;
        }
        prev = b;
    }
    false
}

fn decode_sjis(raw: &[u8], base: usize, out: &mut String, issue: &mut impl FnMut(TextIssue)) {
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let start_len = out.len();
    let mut consumed = 0usize;
    loop {
        let needed = decoder
            .max_utf8_buffer_length_without_replacement(raw.len() - consumed)
            .unwrap_or(raw.len() * 3 + 16);
        out.reserve(needed);
        let (result, read) =
            decoder.decode_to_string_without_replacement(&raw[consumed..], out, true);
        consumed += read;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => continue,
            DecoderResult::Malformed(bad, after) => {
                let len = usize::from(bad);
                let offset = base + consumed - usize::from(after) - len;
                issue(TextIssue::Invalid { offset, len });
                out.push('\u{FFFD}');
            }
        }
    }
    // Rare characters are located by walking the bytes only when the decoded text has them.
    if has_rare_characters(&out.as_bytes()[start_len..]) {
        for (i, lead, two_bytes) in SjisChars::new(raw) {
            if two_bytes && (0xF0..=0xF9).contains(&lead) {
                let code = u16::from(lead) << 8 | u16::from(raw[i + 1]);
                issue(TextIssue::Gaiji {
                    offset: base + i,
                    code,
                });
            } else if !two_bytes && lead == 0x80 {
                issue(TextIssue::Control {
                    offset: base + i,
                    ch: '\u{80}',
                });
            }
        }
    }
}

/// Walks MS932 character boundaries: (offset, first byte, is a two-byte character).
struct SjisChars<'a> {
    raw: &'a [u8],
    pos: usize,
}

impl<'a> SjisChars<'a> {
    fn new(raw: &'a [u8]) -> Self {
        SjisChars { raw, pos: 0 }
    }
}

impl Iterator for SjisChars<'_> {
    type Item = (usize, u8, bool);

    fn next(&mut self) -> Option<Self::Item> {
        let &b = self.raw.get(self.pos)?;
        let start = self.pos;
        let lead = matches!(b, 0x81..=0x9F | 0xE0..=0xFC);
        let trail_ok = self
            .raw
            .get(start + 1)
            .is_some_and(|&t| matches!(t, 0x40..=0x7E | 0x80..=0xFC));
        let two = lead && trail_ok;
        self.pos += if two { 2 } else { 1 };
        Some((start, b, two))
    }
}

fn decode_utf8(raw: &[u8], base: usize, out: &mut String, issue: &mut impl FnMut(TextIssue)) {
    // The whole file was valid UTF-8 and fields are cut at ASCII bytes, so this succeeds;
    // a lossy fallback keeps it total anyway.
    let text = String::from_utf8_lossy(raw);
    let mut encoder = SHIFT_JIS.new_encoder();
    let mut buf = [0u8; 8];
    let mut utf8 = [0u8; 4];
    for (i, ch) in text.char_indices() {
        if ch.is_ascii() {
            continue;
        }
        let s = ch.encode_utf8(&mut utf8);
        let (result, _, _) = encoder.encode_from_utf8_without_replacement(s, &mut buf, true);
        if ch == '\u{80}' || matches!(result, EncoderResult::Unmappable(_)) {
            issue(TextIssue::NotMs932 {
                offset: base + i,
                ch,
            });
        }
    }
    out.push_str(&text);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sjis(s: &str) -> Vec<u8> {
        SHIFT_JIS.encode(s).0.into_owned()
    }

    fn run(enc: TextEncoding, raw: &[u8]) -> (String, Vec<TextIssue>) {
        let mut out = String::new();
        let mut issues = Vec::new();
        decode_field(enc, raw, 100, &mut out, &mut |i| issues.push(i));
        (out, issues)
    }

    #[test]
    fn ms932_extensions_decode_cleanly() {
        let raw = sjis("髙橋﨑①ｱｲｳ");
        let (out, issues) = run(TextEncoding::ShiftJis, &raw);
        assert_eq!(out, "髙橋﨑①ｱｲｳ");
        assert!(issues.is_empty(), "{issues:?}");
    }

    #[test]
    fn invalid_bytes_are_located() {
        // "あ" then a lone lead byte 0x82 followed by ASCII 'A', then 0xFF.
        let raw = [0x82, 0xA0, 0x82, b'A', 0xFF];
        let (_, issues) = run(TextEncoding::ShiftJis, &raw);
        assert_eq!(
            issues,
            vec![
                TextIssue::Invalid {
                    offset: 102,
                    len: 1
                },
                TextIssue::Invalid {
                    offset: 104,
                    len: 1
                }
            ]
        );
    }

    #[test]
    fn gaiji_is_located() {
        let raw = [0x82, 0xA0, 0xF0, 0x40];
        let (out, issues) = run(TextEncoding::ShiftJis, &raw);
        assert_eq!(out.chars().nth(1), Some('\u{E000}'));
        assert_eq!(
            issues,
            vec![TextIssue::Gaiji {
                offset: 102,
                code: 0xF040
            }]
        );
    }

    #[test]
    fn utf8_is_recognised_and_non_ms932_characters_found() {
        assert_eq!(
            detect_encoding("あ".as_bytes()),
            TextEncoding::Utf8 { bom: false }
        );
        assert_eq!(
            detect_encoding(b"\xEF\xBB\xBFabc"),
            TextEncoding::Utf8 { bom: true }
        );
        assert_eq!(detect_encoding(&sjis("あいう髙")), TextEncoding::ShiftJis);
        assert_eq!(detect_encoding(b"abc"), TextEncoding::ShiftJis);
        let (_, issues) = run(TextEncoding::Utf8 { bom: false }, "a𠮷😀髙".as_bytes());
        assert_eq!(
            issues,
            vec![
                TextIssue::NotMs932 {
                    offset: 101,
                    ch: '𠮷'
                },
                TextIssue::NotMs932 {
                    offset: 105,
                    ch: '😀'
                }
            ]
        );
    }

    #[test]
    fn control_characters_are_found() {
        let (_, issues) = run(TextEncoding::ShiftJis, b"a\x00b\tc");
        assert_eq!(
            issues,
            vec![TextIssue::Control {
                offset: 101,
                ch: '\0'
            }]
        );
    }
}
