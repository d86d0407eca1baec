//! Turning problems into findings with full positions and plain-Japanese messages.
//!
//! Every rule reports through an [`Emitter`], so the wording of "where" is the same everywhere
//! (「3件目のレコード（4行目）の項目No.3「被保険者番号」: …」), fields the spec is unsure of
//! are lowered to warnings in one place, and nothing is formatted once the cap is reached.

use crate::check::findings::{Code, Finding, FindingList, Position, Severity};
use crate::check::record::Record;
use crate::spec::{Certainty, FieldSpec, Layout};

pub(crate) struct Emitter<'a> {
    pub findings: FindingList,
    pub bytes: &'a [u8],
    pub layout: Option<&'static Layout>,
}

impl<'a> Emitter<'a> {
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
        let severity = cap(code.severity(), spec);
        let bytes = self.bytes;
        self.findings.add(severity, || {
            let line = rec.map(|r| line_at(bytes, r, offset));
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
                .hint(hint)
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
        let spec = self.field_spec(Some(no));
        let severity = cap(code.severity(), spec);
        let bytes = self.bytes;
        self.findings.add(severity, || {
            let offset = rec.field_byte_offset(no).unwrap_or(rec.byte_offset);
            let line = line_at(bytes, rec, offset as usize);
            let name = spec.map(|s| s.name_ja.as_str()).unwrap_or("");
            let message = format!(
                "{}件目のレコード（{}行目）の項目No.{}「{}」: {}。",
                rec.index,
                line,
                no,
                name,
                detail()
            );
            let mut f = Finding::new(code, message)
                .at(Position {
                    record: Some(rec.index),
                    line: Some(line),
                    byte_offset: Some(offset),
                })
                .hint(hint(spec))
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

    fn field_spec(&self, no: Option<usize>) -> Option<&'static FieldSpec> {
        let layout = self.layout?;
        layout.field(u16::try_from(no?).ok()?)
    }
}

/// Uncertain spec rows give at most a warning.
fn cap(severity: Severity, spec: Option<&FieldSpec>) -> Severity {
    match spec.map(|s| s.certainty) {
        Some(Certainty::Uncertain) => severity.min(Severity::Warning),
        _ => severity,
    }
}

/// The physical line of `offset`, counting line breaks from the record's start.
fn line_at(bytes: &[u8], rec: &Record, offset: usize) -> u64 {
    let start = (rec.byte_offset as usize).min(bytes.len());
    let end = offset.clamp(start, bytes.len());
    let slice = &bytes[start..end];
    let mut breaks = 0u64;
    for (i, &b) in slice.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && slice.get(i + 1) != Some(&b'\n')) {
            breaks += 1;
        }
    }
    rec.line + breaks
}
