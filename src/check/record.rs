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

/// Where one field's value is, in the record's text and in the file. Kept small (8 bytes):
/// the page keeps every field of every record of a month's files, and the command line the
/// kept fields of every 第6表 (their first writing showed in its profile as page faults). A
/// record's values lie one after the other in its text, so a field's value starts where the
/// one before ends (the first at 0), and only the end is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RecordField {
    /// Where the value ends in the record's text.
    end: u32,
    /// Bytes from the record's first byte to the field's first byte, and in the highest bit
    /// whether the field was quoted.
    offset_and_quoted: u32,
}

const QUOTED: u32 = 1 << 31;

impl RecordField {
    fn new(end: usize, offset_in_record: usize, quoted: bool) -> RecordField {
        RecordField {
            end: narrow(end),
            offset_and_quoted: narrow(offset_in_record).min(QUOTED - 1)
                | if quoted { QUOTED } else { 0 },
        }
    }

    fn offset_in_record(self) -> u32 {
        self.offset_and_quoted & !QUOTED
    }

    fn quoted(self) -> bool {
        self.offset_and_quoted & QUOTED != 0
    }
}

/// The value of field `i` (0-based) of a record whose text is `text`: from the end of the
/// field before to its own end.
#[inline]
fn value_of<'a>(text: &'a str, fields: &[RecordField], i: usize) -> Option<&'a str> {
    let end = fields.get(i)?.end;
    let start = match i.checked_sub(1) {
        Some(before) => fields[before].end,
        None => 0,
    };
    text.get(start as usize..end as usize)
}

/// The values of `fields` in order (a field past the end of `text` reads as empty).
fn values_of<'a>(
    text: &'a str,
    fields: &'a [RecordField],
) -> impl Iterator<Item = &'a str> + use<'a> {
    let mut start = 0;
    fields.iter().map(move |f| {
        let value = text.get(start as usize..f.end as usize).unwrap_or("");
        start = f.end;
        value
    })
}

/// A position inside one record as stored (no record comes near 2 GiB; a larger one would
/// read as empty fields or wrong offsets, never panic).
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Record {
    /// The record as a [`RecordRef`], the form every reader of records takes.
    pub fn as_ref(&self) -> RecordRef<'_> {
        RecordRef {
            index: self.index,
            line: self.line,
            byte_offset: self.byte_offset,
            text: &self.text,
            fields: &self.fields,
        }
    }

    /// Number of fields (columns).
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The decoded value of the field with 項目No. `no` (1-based), quotes removed and `""`
    /// read as `"`.
    #[inline]
    pub fn get(&self, no: usize) -> Option<&str> {
        self.as_ref().get(no)
    }

    /// All values in column order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.as_ref().values()
    }

    /// Byte offset in the file of field `no`'s first byte (its opening quote, if quoted).
    pub fn field_byte_offset(&self, no: usize) -> Option<u64> {
        self.as_ref().field_byte_offset(no)
    }

    /// Whether field `no` was enclosed in quotes.
    pub fn field_quoted(&self, no: usize) -> Option<bool> {
        self.as_ref().field_quoted(no)
    }

    /// Whether field `no` holds a value written without quotes (a field past the end does
    /// not). One look at the field's position, for a check that runs on every record.
    pub fn written_unquoted(&self, no: usize) -> bool {
        let Some(f) = no.checked_sub(1).and_then(|i| self.fields.get(i)) else {
            return false;
        };
        // Field `no - 1` exists when field `no` does.
        let start = no.checked_sub(2).map_or(0, |b| self.fields[b].end);
        f.end > start && !f.quoted()
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

    /// Adds a field whose value is `text[start..end]`, decoded already (quotes removed, `""`
    /// read as `"`): the one-pass reader's way. `offset_in_record`: bytes from the record's
    /// first byte to the field's.
    #[inline]
    pub(crate) fn push_whole_field(
        &mut self,
        start: usize,
        end: usize,
        offset_in_record: usize,
        quoted: bool,
    ) {
        debug_assert!(self.text.get(start..end).is_some());
        self.add(start, end, offset_in_record, quoted);
    }

    /// Closes the field whose text was appended since `start` (the exact way's reader
    /// decodes each field onto the text), reading `""` as `"` when `escaped`.
    /// `byte_offset`: the field's first byte in the file.
    pub(crate) fn end_field(
        &mut self,
        start: usize,
        byte_offset: u64,
        quoted: bool,
        escaped: bool,
    ) {
        if escaped {
            let value = self.text.split_off(start);
            self.text.push_str(&value.replace("\"\"", "\""));
        }
        let offset_in_record = byte_offset.saturating_sub(self.byte_offset);
        let offset_in_record = usize::try_from(offset_in_record).unwrap_or(usize::MAX);
        self.add(start, self.text.len(), offset_in_record, quoted);
    }

    /// Stores a field's positions (see [`RecordField`]); its value must start where the one
    /// before ends.
    #[inline]
    fn add(&mut self, start: usize, end: usize, offset_in_record: usize, quoted: bool) {
        debug_assert_eq!(
            start,
            self.fields.last().map_or(0, |f| f.end as usize),
            "a field's value starts where the one before ends"
        );
        self.fields
            .push(RecordField::new(end, offset_in_record, quoted));
    }
}

/// A record read from where it is kept (a [`Record`] or a [`RecordTable`]): small and
/// `Copy`, its values borrow from the keeper.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordRef<'a> {
    /// 1-based index of the logical record.
    pub index: u64,
    /// 1-based physical line the record starts on.
    pub line: u64,
    /// Byte offset of the record's first byte in the file.
    pub byte_offset: u64,
    text: &'a str,
    fields: &'a [RecordField],
}

impl<'a> RecordRef<'a> {
    /// Number of fields (columns).
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The decoded value of the field with 項目No. `no` (1-based), quotes removed and `""`
    /// read as `"`.
    #[inline]
    pub fn get(&self, no: usize) -> Option<&'a str> {
        value_of(self.text, self.fields, no.checked_sub(1)?)
    }

    /// All values in column order.
    pub fn values(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        values_of(self.text, self.fields)
    }

    /// Byte offset in the file of field `no`'s first byte (its opening quote, if quoted).
    pub fn field_byte_offset(&self, no: usize) -> Option<u64> {
        let f = self.fields.get(no.checked_sub(1)?)?;
        Some(self.byte_offset + u64::from(f.offset_in_record()))
    }

    /// Whether field `no` was enclosed in quotes.
    pub fn field_quoted(&self, no: usize) -> Option<bool> {
        Some(self.fields.get(no.checked_sub(1)?)?.quoted())
    }
}

/// Every record of a file, kept compactly: all texts in one `String`, all field positions in
/// one `Vec`, so keeping 100,000 records costs three growing buffers instead of 200,000 small
/// allocations, and reading them back walks memory in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordTable {
    text: String,
    fields: Vec<RecordField>,
    rows: Vec<Row>,
}

/// A kept record: where it was in the file and where its text and fields start in the
/// table's buffers (they end where the next record's start, the last at the buffers' end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Row {
    index: u64,
    line: u64,
    byte_offset: u64,
    text_start: usize,
    fields_start: usize,
}

impl RecordTable {
    /// An empty table with room for the records of a file of `file_len` bytes, as generated
    /// 第6表 files average (about 8 bytes per field, 200 per record), so that the field and
    /// record lists of a big file rarely grow. The text gets a quarter more than the file:
    /// the values alone decode to about the file's size (the generated 第6表: 1.004 times;
    /// Japanese grows by half, the quotes and commas go), and a text that outgrew the file's
    /// size doubled and was then shrunk back, two copies of it (measured 1.3 ms for 20 MB
    /// in the browser). [`RecordTable::shrink_to_fit`] leaves a quarter of slack alone.
    pub fn for_file_of(file_len: usize) -> RecordTable {
        RecordTable {
            text: String::with_capacity(file_len + file_len / 4),
            fields: Vec::with_capacity(file_len / 8),
            rows: Vec::with_capacity(file_len / 200),
        }
    }

    /// Adds a copy of `record` at the end.
    pub fn push(&mut self, record: &Record) {
        self.push_ref(record.as_ref());
    }

    /// Adds a copy of `record` at the end.
    pub fn push_ref(&mut self, record: RecordRef<'_>) {
        let row = Row {
            index: record.index,
            line: record.line,
            byte_offset: record.byte_offset,
            text_start: self.text.len(),
            fields_start: self.fields.len(),
        };
        self.text.push_str(record.text);
        self.fields.extend_from_slice(record.fields);
        self.rows.push(row);
    }

    /// Adds a copy of `record` with only the fields numbered `nos` (項目No., 1-based), which
    /// become fields 1, 2, … of the copy (a number past the record's end gives an empty
    /// field). Their byte offsets in the file stay as they were. What a reader that needs a
    /// few columns of a big file keeps.
    pub fn push_fields(&mut self, record: RecordRef<'_>, nos: &[usize]) {
        let text_start = self.text.len();
        let fields_start = self.fields.len();
        for &no in nos {
            let (value, f) = no
                .checked_sub(1)
                .and_then(|i| Some((record.get(no)?, record.fields[i])))
                .unwrap_or(("", RecordField::new(0, 0, false)));
            self.text.push_str(value);
            self.fields.push(RecordField {
                end: narrow(self.text.len() - text_start),
                ..f
            });
        }
        self.rows.push(Row {
            index: record.index,
            line: record.line,
            byte_offset: record.byte_offset,
            text_start,
            fields_start,
        });
    }

    /// Gives back the room reserved by [`RecordTable::for_file_of`] where much of it was not
    /// used (kept files stay in memory as long as the page shows them); a little slack is
    /// left alone, as shrinking copies.
    pub fn shrink_to_fit(&mut self) {
        let wasteful = |len: usize, capacity: usize| capacity - len > len / 4;
        if wasteful(self.text.len(), self.text.capacity()) {
            self.text.shrink_to_fit();
        }
        if wasteful(self.fields.len(), self.fields.capacity()) {
            self.fields.shrink_to_fit();
        }
        if wasteful(self.rows.len(), self.rows.capacity()) {
            self.rows.shrink_to_fit();
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Record `i` (0-based, in file order).
    #[inline]
    pub fn get(&self, i: usize) -> Option<RecordRef<'_>> {
        (i < self.rows.len()).then(|| self.at(i))
    }

    /// Every record in file order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = RecordRef<'_>> + ExactSizeIterator {
        (0..self.rows.len()).map(|i| self.at(i))
    }

    /// Record `i`, which must be one (`i < self.rows.len()`).
    #[inline]
    fn at(&self, i: usize) -> RecordRef<'_> {
        let row = &self.rows[i];
        let (text_end, fields_end) = match self.rows.get(i + 1) {
            Some(next) => (next.text_start, next.fields_start),
            None => (self.text.len(), self.fields.len()),
        };
        RecordRef {
            index: row.index,
            line: row.line,
            byte_offset: row.byte_offset,
            text: self.text.get(row.text_start..text_end).unwrap_or(""),
            fields: self.fields.get(row.fields_start..fields_end).unwrap_or(&[]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record built the way the exact path builds one: (raw value, quoted, escaped).
    fn record(index: u64, byte_offset: u64, values: &[(&str, bool, bool)]) -> Record {
        let mut r = Record::default();
        r.clear(index, index * 2, byte_offset);
        for &(v, quoted, escaped) in values {
            let s = r.text_mut().len();
            r.text_mut().push_str(v);
            r.end_field(s, byte_offset + s as u64, quoted, escaped);
        }
        r
    }

    #[test]
    fn fields_are_read_by_number() {
        let r = record(1, 0, &[("abc", false, false), ("a\"\"b", true, true)]);
        assert_eq!(r.get(1), Some("abc"));
        assert_eq!(r.get(2), Some("a\"b"));
        assert_eq!(r.get(0), None);
        assert_eq!(r.get(3), None);
        assert_eq!(r.values().collect::<Vec<_>>(), ["abc", "a\"b"]);
    }

    #[test]
    fn a_table_gives_back_the_records_it_was_given() {
        let values = [
            ("x", false, false),
            ("髙橋", true, false),
            ("", false, false),
        ];
        let records: Vec<Record> = (1..=3u64)
            .map(|i| record(i, i * 100, &values[..i as usize]))
            .collect();
        let mut table = RecordTable::default();
        for r in &records {
            table.push(r);
        }
        assert_eq!(table.len(), 3);
        let back: Vec<RecordRef> = table.iter().collect();
        let given: Vec<RecordRef> = records.iter().map(Record::as_ref).collect();
        assert_eq!(back, given);
        assert_eq!(table.get(1).unwrap().get(2), Some("髙橋"));
        assert_eq!(table.get(2).unwrap().field_byte_offset(2), Some(301));
        assert!(table.get(3).is_none());
    }

    #[test]
    fn a_table_keeps_the_chosen_fields_of_a_record() {
        let r = record(
            7,
            1000,
            &[
                ("a", false, false),
                ("髙橋", true, false),
                ("c", false, false),
            ],
        );
        let mut table = RecordTable::default();
        table.push_fields(r.as_ref(), &[2, 3, 9]);
        let kept = table.get(0).unwrap();
        assert_eq!(kept.values().collect::<Vec<_>>(), ["髙橋", "c", ""]);
        assert_eq!((kept.index, kept.line, kept.byte_offset), (7, 14, 1000));
        assert_eq!(kept.field_byte_offset(1), r.field_byte_offset(2));
        assert_eq!(kept.field_quoted(1), Some(true));
    }

    #[test]
    fn unused_room_is_given_back_and_a_little_slack_kept() {
        let r = record(1, 0, &[("12345678", false, false)]);
        let mut table = RecordTable::for_file_of(1_000_000);
        table.push(&r);
        table.shrink_to_fit();
        assert!(table.text.capacity() < 100 && table.fields.capacity() < 100);
        let mut snug = RecordTable::for_file_of(80);
        for _ in 0..9 {
            snug.push(&r);
        }
        snug.shrink_to_fit();
        assert_eq!(snug.fields.capacity(), 10, "within a quarter: left alone");
        assert_eq!(snug.get(8).unwrap().get(1), Some("12345678"));
    }
}
