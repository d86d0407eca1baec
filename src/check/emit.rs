//! Turning problems into findings with full positions and plain-Japanese messages.
//!
//! Every rule reports through an [`Emitter`], so the wording of "where" is the same everywhere
//! (「3件目のレコード（4行目）の項目No.3「被保険者番号」: …」), a finding about the one
//! aspect of a row the spec is unsure of ([`crate::spec::doubt`]: an empty field whose 必須
//! mark is unsure, a 項目長 or a note in doubt) is lowered to a warning in one place, with the
//! reason at the end of its hint, and nothing is formatted once the cap is reached. Every
//! other finding keeps its code's severity, whatever the row's confidence.

use std::cell::Cell;

use crate::check::findings::{Code, Finding, FindingList, Position, Severity};
use crate::check::record::Record;
use crate::spec::{Aspect, Doubt, FieldSpec, Layout};

pub(crate) struct Emitter<'a> {
    pub findings: FindingList,
    pub bytes: &'a [u8],
    pub layout: Option<&'static Layout>,
    /// Last line computed: (record start, offset, line). Findings inside one record mostly
    /// come in offset order, so lines are counted on from here instead of from the record
    /// start; that keeps a 100 MB record with many findings linear.
    line_cache: Cell<(usize, usize, u64)>,
}

/// Where a field finding points, kept without the whole record (第7表 rules remember it
/// per user until the end of the file).
#[derive(Clone, Copy, Debug)]
pub(crate) struct FieldAt {
    pub record: u64,
    pub record_line: u64,
    pub record_offset: u64,
    pub field_offset: u64,
}

impl FieldAt {
    pub fn of(rec: &Record, no: usize) -> FieldAt {
        FieldAt {
            record: rec.index,
            record_line: rec.line,
            record_offset: rec.byte_offset,
            field_offset: rec.field_byte_offset(no).unwrap_or(rec.byte_offset),
        }
    }
}

impl<'a> Emitter<'a> {
    pub fn new(bytes: &'a [u8], findings: FindingList) -> Self {
        Emitter {
            findings,
            bytes,
            layout: None,
            line_cache: Cell::new((usize::MAX, 0, 0)),
        }
    }

    /// A finding about the whole file.
    pub fn file(&mut self, code: Code, message: impl FnOnce() -> String, hint: Option<&str>) {
        self.findings.add(code.severity(), || {
            let f = Finding::new(code, message());
            match hint {
                Some(h) => f.hint(h),
                None => f,
            }
        });
    }

    /// A finding about a byte offset (encoding, quoting), inside record `rec` when known.
    pub fn at_offset(
        &mut self,
        code: Code,
        rec: Option<&Record>,
        offset: usize,
        field_no: Option<usize>,
        detail: impl FnOnce() -> String,
        hint: &str,
    ) {
        let spec = self.field_spec(field_no);
        let doubt = doubt_about(code, spec);
        let severity = lowered(code.severity(), doubt);
        let (bytes, cache) = (self.bytes, &self.line_cache);
        self.findings.add(severity, || {
            let line = rec.map(|r| line_at(bytes, cache, r.byte_offset as usize, r.line, offset));
            let mut message = match (rec, line) {
                (Some(r), Some(l)) => format!("{}件目のレコード（{}行目）", r.index, l),
                _ => String::new(),
            };
            if let Some(f) = spec {
                message.push_str(&format!("の項目No.{}「{}」", f.no, f.name_ja));
            }
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&detail());
            message.push_str(&format!("（{}バイト目）。", offset + 1));
            let mut f = Finding::new(code, message)
                .at(Position {
                    record: rec.map(|r| r.index),
                    line,
                    byte_offset: Some(offset as u64),
                })
                .hint(with_reason(hint.to_owned(), doubt))
                .at_most(severity);
            if let Some(s) = spec {
                f = f.field(s.no, &s.name_ja);
            }
            f
        });
    }

    /// A finding about one field of a record (`no` is the 項目No.).
    pub fn field(
        &mut self,
        code: Code,
        rec: &Record,
        no: usize,
        detail: impl FnOnce() -> String,
        hint: impl FnOnce(Option<&FieldSpec>) -> String,
    ) {
        self.field_at(code, FieldAt::of(rec, no), no, detail, hint);
    }

    /// A finding about field `no` that is wrong whichever reading of its row is right: never
    /// lowered (a value longer than every reading of a 項目長 in doubt).
    pub fn field_beyond_doubt(
        &mut self,
        code: Code,
        rec: &Record,
        no: usize,
        detail: impl FnOnce() -> String,
        hint: impl FnOnce(Option<&FieldSpec>) -> String,
    ) {
        self.field_in(code, FieldAt::of(rec, no), no, false, detail, hint);
    }

    /// A finding about field `no` at a remembered place.
    pub fn field_at(
        &mut self,
        code: Code,
        at: FieldAt,
        no: usize,
        detail: impl FnOnce() -> String,
        hint: impl FnOnce(Option<&FieldSpec>) -> String,
    ) {
        self.field_in(code, at, no, true, detail, hint);
    }

    fn field_in(
        &mut self,
        code: Code,
        at: FieldAt,
        no: usize,
        may_be_doubted: bool,
        detail: impl FnOnce() -> String,
        hint: impl FnOnce(Option<&FieldSpec>) -> String,
    ) {
        let spec = self.field_spec(Some(no));
        let doubt = doubt_about(code, spec).filter(|_| may_be_doubted);
        let severity = lowered(code.severity(), doubt);
        let (bytes, cache) = (self.bytes, &self.line_cache);
        self.findings.add(severity, || {
            let line = line_at(
                bytes,
                cache,
                at.record_offset as usize,
                at.record_line,
                at.field_offset as usize,
            );
            let name = spec.map(|s| s.name_ja.as_str()).unwrap_or("");
            let message = format!(
                "{}件目のレコード（{}行目）の項目No.{}「{}」: {}。",
                at.record,
                line,
                no,
                name,
                detail()
            );
            let mut f = Finding::new(code, message)
                .at(Position {
                    record: Some(at.record),
                    line: Some(line),
                    byte_offset: Some(at.field_offset),
                })
                .hint(with_reason(hint(spec), doubt))
                .at_most(severity);
            f.field_no = Some(no as u16);
            if let Some(s) = spec {
                f = f.field(s.no, &s.name_ja);
            }
            f
        });
    }

    /// A finding about a record as a whole.
    pub fn record(
        &mut self,
        code: Code,
        rec: &Record,
        detail: impl FnOnce() -> String,
        hint: impl FnOnce() -> String,
    ) {
        self.findings.add(code.severity(), || {
            let message = format!(
                "{}件目のレコード（{}行目）: {}。",
                rec.index,
                rec.line,
                detail()
            );
            Finding::new(code, message)
                .at(Position {
                    record: Some(rec.index),
                    line: Some(rec.line),
                    byte_offset: Some(rec.byte_offset),
                })
                .hint(hint())
        });
    }

    /// A finding about a record as a whole, at a remembered place (reported once per file).
    pub fn record_at(
        &mut self,
        code: Code,
        at: FieldAt,
        detail: impl FnOnce() -> String,
        hint: impl FnOnce() -> String,
    ) {
        self.findings.add(code.severity(), || {
            let message = format!(
                "{}件目のレコード（{}行目）: {}。",
                at.record,
                at.record_line,
                detail()
            );
            Finding::new(code, message)
                .at(Position {
                    record: Some(at.record),
                    line: Some(at.record_line),
                    byte_offset: Some(at.record_offset),
                })
                .hint(hint())
        });
    }

    fn field_spec(&self, no: Option<usize>) -> Option<&'static FieldSpec> {
        let layout = self.layout?;
        layout.field(u16::try_from(no?).ok()?)
    }
}

/// The row's doubt when `code` is a finding about the aspect in doubt: 必須 for
/// `FIELD_REQUIRED`, 項目長 for `FIELD_TOO_LONG`, the code list for `FIELD_CODE`, a
/// fixed-value note for `FIXED_OFFICE_CODE`.
/// Format, date, 外字 and encoding findings are never about a doubt.
pub(crate) fn doubt_about(code: Code, spec: Option<&FieldSpec>) -> Option<&'static Doubt> {
    let doubt = spec?.doubt?;
    let about = match code {
        Code::FIELD_REQUIRED => Some(Aspect::Required),
        Code::FIELD_TOO_LONG => Some(Aspect::Length),
        Code::FIELD_CODE => Some(Aspect::Codes),
        Code::FIXED_OFFICE_CODE => Some(Aspect::FixedValue),
        _ => None,
    };
    (doubt.aspect == Aspect::Unknown || about == Some(doubt.aspect)).then_some(doubt)
}

/// A finding about a doubted aspect gives at most a warning.
fn lowered(severity: Severity, doubt: Option<&Doubt>) -> Severity {
    match doubt {
        Some(_) => severity.min(Severity::Warning),
        None => severity,
    }
}

/// The hint, ending with why the finding is only a warning.
fn with_reason(mut hint: String, doubt: Option<&Doubt>) -> String {
    if let Some(d) = doubt {
        if !hint.is_empty() {
            hint.push(' ');
        }
        hint.push_str(d.reason_ja);
    }
    hint
}

/// The physical line of `offset` in the record starting at `start` on line `first_line`,
/// counting line breaks on from the cached position when it lies before `offset`.
fn line_at(
    bytes: &[u8],
    cache: &Cell<(usize, usize, u64)>,
    start: usize,
    first_line: u64,
    offset: usize,
) -> u64 {
    let start = start.min(bytes.len());
    let end = offset.clamp(start, bytes.len());
    let (cached_start, cached_offset, cached_line) = cache.get();
    let (mut from, mut line) = if cached_start == start && cached_offset <= end {
        (cached_offset, cached_line)
    } else {
        (start, first_line)
    };
    // A CR counts when no LF follows; from a cached CR the LF is the next byte.
    while from < end {
        let b = bytes[from];
        if b == b'\n' || (b == b'\r' && bytes.get(from + 1) != Some(&b'\n')) {
            line += 1;
        }
        from += 1;
    }
    cache.set((start, end, line));
    line
}
