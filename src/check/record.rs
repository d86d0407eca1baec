//! A decoded record with its positions: what the reconciliation and the page read.
//!
//! All field values of a record live in one `String` with ranges into it, so reading a record
//! costs two buffers that are reused from record to record while checking.

/// One logical CSV record, decoded, with where it sits in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// 1-based index of the logical record (a quoted field with line breaks stays one record).
    pub index: u64,
    /// 1-based physical line the record starts on.
    pub line: u64,
    /// Byte offset of the record's first byte in the file.
    pub byte_offset: u64,
    text: String,
    fields: Vec<RecordField>,
}

/// Where one field's value is, in the record's text and in the file. Kept small (16 bytes):
/// the page keeps every field of every record of a month's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RecordField {
    start: u32,
    end: u32,
    /// Bytes from the record's first byte to the field's first byte.
    offset_in_record: u32,
    quoted: bool,
}

/// A position inside one record as stored (no record comes near 4 GiB; a larger one would
/// read as empty fields, never panic).
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Record {
    /// Number of fields (columns).
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The decoded value of the field with 項目No. `no` (1-based), quotes removed and `""`
    /// read as `"`.
    pub fn get(&self, no: usize) -> Option<&str> {
        let f = self.fields.get(no.checked_sub(1)?)?;
        self.text.get(f.start as usize..f.end as usize)
    }

    /// All values in column order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| {
            self.text
                .get(f.start as usize..f.end as usize)
                .unwrap_or("")
        })
    }

    /// Byte offset in the file of field `no`'s first byte (its opening quote, if quoted).
    pub fn field_byte_offset(&self, no: usize) -> Option<u64> {
        let f = self.fields.get(no.checked_sub(1)?)?;
        Some(self.byte_offset + u64::from(f.offset_in_record))
    }

    /// Whether field `no` was enclosed in quotes.
    pub fn field_quoted(&self, no: usize) -> Option<bool> {
        Some(self.fields.get(no.checked_sub(1)?)?.quoted)
    }

    pub(crate) fn clear(&mut self, index: u64, line: u64, byte_offset: u64) {
        self.index = index;
        self.line = line;
        self.byte_offset = byte_offset;
        self.text.clear();
        self.fields.clear();
    }

    /// Where the next field's text starts; pass it to [`Record::end_field`].
    pub(crate) fn text_mut(&mut self) -> &mut String {
        &mut self.text
    }

    /// The decoded text so far, as bytes.
    pub(crate) fn text_bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// Adds a field whose value is `text[start..end]` (read `""` as `"` when `escaped`);
    /// `false`, adding nothing, if that is not a piece of the text.
    pub(crate) fn push_field(
        &mut self,
        start: usize,
        end: usize,
        byte_offset: u64,
        quoted: bool,
        escaped: bool,
    ) -> bool {
        if self.text.get(start..end).is_none() {
            return false;
        }
        let (start, end) = if escaped {
            // The value without its doubled quotes goes after the record's text.
            let at = self.text.len();
            let mut rest = start;
            // In a well-quoted field every `"` is the first of a pair.
            while let Some(i) = memchr::memchr(b'"', &self.text.as_bytes()[rest..end]) {
                self.text.extend_from_within(rest..rest + i + 1);
                rest = (rest + i + 2).min(end);
            }
            self.text.extend_from_within(rest..end);
            (at, self.text.len())
        } else {
            (start, end)
        };
        self.push(start, end, byte_offset, quoted);
        true
    }

    /// Closes the field whose text was appended since `start`, reading `""` as `"`.
    pub(crate) fn end_field(
        &mut self,
        start: usize,
        byte_offset: u64,
        quoted: bool,
        escaped: bool,
    ) {
        if escaped {
            let unescaped = self.text[start..].replace("\"\"", "\"");
            self.text.truncate(start);
            self.text.push_str(&unescaped);
        }
        self.push(start, self.text.len(), byte_offset, quoted);
    }

    #[inline]
    fn push(&mut self, start: usize, end: usize, byte_offset: u64, quoted: bool) {
        let offset_in_record = byte_offset.saturating_sub(self.byte_offset);
        self.fields.push(RecordField {
            start: narrow(start),
            end: narrow(end),
            offset_in_record: u32::try_from(offset_in_record).unwrap_or(u32::MAX),
            quoted,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_by_number() {
        let mut r = Record::default();
        r.clear(1, 1, 0);
        let s = r.text_mut().len();
        r.text_mut().push_str("abc");
        r.end_field(s, 0, false, false);
        let s = r.text_mut().len();
        r.text_mut().push_str("a\"\"b");
        r.end_field(s, 4, true, true);
        assert_eq!(r.get(1), Some("abc"));
        assert_eq!(r.get(2), Some("a\"b"));
        assert_eq!(r.get(0), None);
        assert_eq!(r.get(3), None);
        assert_eq!(r.values().collect::<Vec<_>>(), ["abc", "a\"b"]);
    }
}
