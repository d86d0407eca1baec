//! The driver: one pass over a file's bytes that identifies it, decodes each record, applies
//! the column rules and the whole-file rules, and returns the report (and, on request, the
//! decoded records).
//!
//! Never fails: every input, however broken, gives a [`FileReport`]. Memory stays bounded by
//! the finding cap plus two reused record buffers (and, for 第7表, a few bytes per user);
//! time is linear in the input.

use crate::check::decode::{content_start, detect_encoding, TextEncoding, TextIssue};
use crate::check::emit::{Emitter, FieldAt};
use crate::check::file_rules::FileRules;
use crate::check::findings::{Code, FindingList, MAX_FINDINGS_PER_FILE};
use crate::check::identify::{is_real_year_month, parse_file_name, FileName, NameIssue};
use crate::check::read_record::next_record;
use crate::check::record::{Record, RecordRef, RecordTable};
use crate::check::records::{FieldSpan, RecordReader, StructureIssue, Terminator};
use crate::check::report::FileReport;
use crate::check::rules::{check_value, hint_for, Violation};
use crate::fingerprint::sha256_hex;
use crate::spec::{
    FieldFormat, FieldSpec, FileKind, Layout, LayoutGeneration, Spec, SpecVersion,
    V4_APPLIES_FROM_MONTH,
};

/// Who a file is, from its name and its content: what the reconciliation groups files by.
#[derive(Clone, Debug)]
pub struct FileIdentity {
    /// Kind, shape and transmission tokens (対象年月, 送信元, 送信先, 連番) from the name.
    pub name: FileName,
    /// The encoding the bytes turned out to have.
    pub encoding: TextEncoding,
    /// CSVバージョン of the first data record, as written.
    pub csv_version: Option<String>,
    /// That value when the spec defines it.
    pub spec_version: Option<SpecVersion>,
    /// The layouts the records were checked against (`None`: not checked column by column).
    pub generation: Option<LayoutGeneration>,
}

impl FileIdentity {
    /// The file kind (from the name).
    pub fn kind(&self) -> Option<&'static FileKind> {
        self.name.kind
    }

    /// The field table the records were read with.
    pub fn layout(&self) -> Option<&'static Layout> {
        self.name.kind?.layout(self.generation?)
    }
}

/// A checked file with its decoded records, for the reconciliation and the page.
#[derive(Clone, Debug)]
pub struct CheckedFile {
    pub report: FileReport,
    pub identity: FileIdentity,
    /// Every record in file order (blank lines and a header line included, as read).
    pub records: RecordTable,
}

/// Checks one file. `path` is the name or path the user knows it by; only its last part is
/// read as the file name. Never panics; a 100 MB file is read in one linear pass.
pub fn check_file(path: &str, bytes: &[u8]) -> FileReport {
    check_file_with(path, bytes, CheckOptions::default()).report
}

/// Like [`check_file`], and also keeps every decoded record (memory grows with the file).
pub fn check_file_keeping_records(path: &str, bytes: &[u8]) -> CheckedFile {
    let options = CheckOptions {
        keep_records: true,
        ..CheckOptions::default()
    };
    check_file_with(path, bytes, options)
}

/// What a check does besides finding problems.
#[derive(Clone, Copy, Debug)]
pub struct CheckOptions {
    /// Keep every decoded record in [`CheckedFile::records`].
    pub keep_records: bool,
    /// Compute the file's SHA-256. Without it `report.sha256` is left empty for the caller to
    /// fill: the page has the browser hash the bytes on another thread while this runs.
    pub compute_sha256: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            keep_records: false,
            compute_sha256: true,
        }
    }
}

/// Checks one file as `options` say; [`check_file`] and [`check_file_keeping_records`] are
/// the usual ways in.
pub fn check_file_with(path: &str, bytes: &[u8], options: CheckOptions) -> CheckedFile {
    run(path, bytes, options, &mut |_, _| {})
}

/// Like [`check_file_with`], and shows every record to `see` as soon as it is decoded, so a
/// caller can collect what it needs in the same pass (the page's client list:
/// `facts::ClientList`).
pub fn check_file_seeing(
    path: &str,
    bytes: &[u8],
    options: CheckOptions,
    see: &mut dyn FnMut(&FileIdentity, RecordRef),
) -> CheckedFile {
    run(path, bytes, options, see)
}

/// A column rule's violation as a finding on field `no`.
#[cold]
#[inline(never)]
fn report_value(v: Violation, field: &FieldSpec, rec: &Record, no: usize, emit: &mut Emitter) {
    let code = v.code;
    let hint = |_: Option<&FieldSpec>| hint_for(field, code);
    if v.beyond_doubt {
        emit.field_beyond_doubt(code, rec, no, || v.detail, hint);
    } else {
        emit.field(code, rec, no, || v.detail, hint);
    }
}

/// 項目No.1–3 of a record whose column count is wrong. Out of line and cold, so that the
/// usual records' loop is the one place [`check_value`] is called from and the compiler
/// inlines it there (two call sites kept it a call per value in the page's wasm).
#[cold]
#[inline(never)]
fn check_shared_fields(layout: &Layout, rec: &Record, emit: &mut Emitter) {
    let shared = layout.fields.iter().take(SHARED_FIELDS);
    for (i, (field, value)) in shared.zip(rec.values()).enumerate() {
        if let Some(v) = check_value(field, value) {
            report_value(v, field, rec, i + 1, emit);
        }
    }
}

/// What a clerk can do about a file their care software wrote.
const CARE_SOFTWARE_HINT: &str =
    "介護ソフトの出力設定（仕様のバージョン・文字コード）を確認するか、ソフトの会社に問い合わせてください。";

/// The fields at the same place in every layout: 項目No.1–3.
const SHARED_FIELDS: usize = 3;

/// Where something reported once per file was seen first (with a number: the 項目No., or the
/// column count), and how often.
#[derive(Default)]
struct Occurrences {
    first: Option<(FieldAt, usize)>,
    count: u64,
}

impl Occurrences {
    fn see(&mut self, rec: &Record, n: usize) {
        self.count += 1;
        if self.first.is_none() {
            let no = n.min(rec.len()).max(1);
            self.first = Some((FieldAt::of(rec, no), n));
        }
    }
}

/// The first data record's CSVバージョン and column count, and its index.
struct FirstRecord {
    index: u64,
    version: String,
    columns: usize,
}

fn peek_first_record(bytes: &[u8], start: usize) -> Option<FirstRecord> {
    let mut reader = RecordReader::new(bytes, start);
    let mut fields = Vec::new();
    let mut issues = Vec::new();
    for _ in 0..3 {
        let span = reader.next_record(&mut fields, &mut issues)?;
        let first = fields.first()?;
        let value = &bytes[first.start..first.end];
        let blank = fields.len() == 1 && value.is_empty() && !first.quoted;
        // A header names its columns (「CSVバージョン」): no digit at all. Anything else,
        // even a mistyped version, is the first data record.
        let header = !value.is_empty() && !value.iter().any(u8::is_ascii_digit);
        if !blank && !header {
            return Some(FirstRecord {
                index: span.index,
                version: String::from_utf8_lossy(value).into_owned(),
                columns: fields.len(),
            });
        }
    }
    None
}

fn run(
    path: &str,
    bytes: &[u8],
    options: CheckOptions,
    see: &mut dyn FnMut(&FileIdentity, RecordRef),
) -> CheckedFile {
    let keep = options.keep_records;
    let (name, name_issues) = parse_file_name(path);
    let encoding = detect_encoding(bytes);
    let start = content_start(encoding);
    let first = peek_first_record(bytes, start);
    let csv_version = first
        .as_ref()
        .map(|f| f.version.clone())
        .filter(|v| !v.is_empty());
    let spec_version = csv_version.as_deref().and_then(SpecVersion::from_csv_value);
    let mut emit = Emitter::new(bytes, FindingList::new(MAX_FINDINGS_PER_FILE));
    report_name(
        &name,
        &name_issues,
        first.as_ref().map(|f| f.columns),
        &mut emit,
    );
    if let TextEncoding::Utf8 { bom } = encoding {
        emit.file(
            Code::ENCODING_UTF8,
            || {
                if bom {
                    "文字コードがUTF-8です（BOM付き）。仕様はShift-JIS（MS932）です。".to_owned()
                } else {
                    "文字コードがUTF-8です。仕様はShift-JIS（MS932）です。".to_owned()
                }
            },
            Some(&format!(
                "文字コードはShift-JIS（MS932）にします。{CARE_SOFTWARE_HINT}"
            )),
        );
    }
    let generation = choose_generation(&name, spec_version, first.as_ref());
    let layout = name.kind.zip(generation).and_then(|(k, g)| k.layout(g));
    emit.layout = layout;
    let identity = FileIdentity {
        name,
        encoding,
        csv_version,
        spec_version,
        generation,
    };
    let mut records_kept = if keep {
        RecordTable::for_file_of(bytes.len())
    } else {
        RecordTable::default()
    };
    if bytes[start..].iter().all(|&b| b == b'\r' || b == b'\n') {
        emit.file(
            Code::EMPTY_FILE,
            || "ファイルにデータがありません。".to_owned(),
            Some("出力し直したファイルを確認してください。"),
        );
        return finish(path, bytes, options, identity, emit, 0, records_kept);
    }
    let mut rules = identity
        .name
        .kind
        .zip(layout)
        .map(|(k, l)| FileRules::new(k, l, &identity.name));
    let mut reader = RecordReader::new(bytes, start);
    let mut spans: Vec<FieldSpan> = Vec::new();
    let mut structure: Vec<StructureIssue> = Vec::new();
    let mut text_issues: Vec<(usize, TextIssue)> = Vec::new();
    let mut rec = Record::default();
    let mut first_data: Option<Record> = None;
    let mut other_breaks = 0u64;
    let mut unquoted = Occurrences::default();
    // 項目No. of the free-text fields, which the spec writes in quotes.
    let free_text: Vec<usize> = layout.map_or(Vec::new(), |l| {
        l.fields
            .iter()
            .filter(|f| f.format == FieldFormat::FreeText)
            .map(|f| usize::from(f.no))
            .collect()
    });
    let mut column_counts = Occurrences::default();
    let mut last_index = 0;
    while let Some(span) = next_record(
        &mut reader,
        encoding,
        &mut rec,
        &mut spans,
        &mut structure,
        &mut text_issues,
    ) {
        last_index = span.index;
        if matches!(span.terminator, Terminator::Lf | Terminator::Cr) {
            other_breaks += 1;
        }
        see(&identity, rec.as_ref());
        // A record whose quoting is broken says so; its free text is not judged again.
        let quoting_broken = !structure.is_empty();
        for issue in structure.drain(..) {
            report_structure(issue, &rec, &spans, &mut emit);
        }
        for (no, issue) in text_issues.drain(..) {
            report_text(issue, &rec, no, &mut emit);
        }
        let blank = rec.len() == 1 && rec.get(1) == Some("") && rec.field_quoted(1) == Some(false);
        if blank {
            emit.record(
                Code::BLANK_LINE,
                &rec,
                || "空行です".to_owned(),
                || "空行を削除してください。".to_owned(),
            );
        } else if Some(span.index) < first.as_ref().map(|f| f.index) {
            emit.record(
                Code::HEADER_ROW,
                &rec,
                || {
                    format!(
                        "先頭の項目が「{}」で、見出し行のようです",
                        crate::check::rules::Shown(rec.get(1).unwrap_or(""))
                    )
                },
                || "見出し行を削除し、データ行だけにしてください。".to_owned(),
            );
        } else {
            if first_data.is_none() {
                report_version(&identity, &rec, &mut emit);
                first_data = Some(rec.clone());
            } else {
                check_same_version(&identity, &rec, &mut emit);
            }
            if let Some(layout) = layout {
                if rec.len() != layout.fields.len() {
                    // No.1–3 (CSVバージョン, 保険者番号, 被保険者番号) sit at the same place in
                    // every layout (spec::roles tests it), so they are still checked.
                    check_shared_fields(layout, &rec, &mut emit);
                    column_counts.see(&rec, rec.len());
                } else {
                    for (i, (field, value)) in layout.fields.iter().zip(rec.values()).enumerate() {
                        if let Some(v) = check_value(field, value) {
                            report_value(v, field, &rec, i + 1, &mut emit);
                        }
                    }
                    if !quoting_broken {
                        for &no in &free_text {
                            if rec.written_unquoted(no) {
                                unquoted.see(&rec, no);
                            }
                        }
                    }
                    if let Some(r) = rules.as_mut() {
                        r.on_record(&rec, &mut emit);
                    }
                }
            }
        }
        if keep {
            records_kept.push(&rec);
        }
    }
    if let (Some((at, found)), Some(layout)) = (column_counts.first, layout) {
        report_column_count(&identity, layout, at, found, column_counts.count, &mut emit);
    }
    if let Some((at, no)) = unquoted.first {
        let n = unquoted.count;
        emit.field_at(
            Code::FREE_TEXT_UNQUOTED,
            at,
            no,
            || format!("フリーテキストの項目が「\"」で囲まれていません（このファイルで{n}か所。最初の1か所を示しています）"),
            |_| format!("多くの読み手はそのまま読めますが、仕様ではフリーテキストを「\"」で囲みます。{CARE_SOFTWARE_HINT}"),
        );
    }
    if other_breaks > 0 {
        emit.file(
            Code::LINE_ENDING,
            || format!("改行がCRLFでない行が{other_breaks}行あります。"),
            Some("仕様に定めはありませんが、一般的な実装は改行をCRLFにしています。"),
        );
    }
    let content_month = rules
        .as_ref()
        .and_then(|r| r.content_month().map(str::to_owned));
    if let Some(r) = rules {
        r.finish(&mut emit);
    }
    if let Some(first) = &first_data {
        report_version_for_month(&identity, content_month.as_deref(), first, &mut emit);
    }
    finish(
        path,
        bytes,
        options,
        identity,
        emit,
        last_index,
        records_kept,
    )
}

fn finish(
    path: &str,
    bytes: &[u8],
    options: CheckOptions,
    identity: FileIdentity,
    emit: Emitter,
    records: u64,
    mut kept: RecordTable,
) -> CheckedFile {
    let (findings, counts) = emit.findings.finish();
    kept.shrink_to_fit();
    let report = FileReport {
        path: path.to_owned(),
        name: identity.name.base.clone(),
        kind: identity.name.kind.map(|k| k.id.clone()),
        spec_version: identity.spec_version.map(|v| v.csv_value().to_owned()),
        csv_version: identity.csv_version.clone(),
        records,
        sha256: if options.compute_sha256 {
            sha256_hex(bytes)
        } else {
            String::new()
        },
        findings,
        counts,
    };
    CheckedFile {
        report,
        identity,
        records: kept,
    }
}

/// The layouts to check against: the content's CSVバージョン decides; without a usable one,
/// the name's shape; without that, the column count of the first record.
fn choose_generation(
    name: &FileName,
    version: Option<SpecVersion>,
    first: Option<&FirstRecord>,
) -> Option<LayoutGeneration> {
    let kind = name.kind?;
    match version {
        Some(v) => {
            let g = v.generation()?;
            kind.layout(g).map(|_| g)
        }
        None => name.shape.or_else(|| {
            let cols = first?.columns;
            [LayoutGeneration::V4, LayoutGeneration::V3]
                .into_iter()
                .find(|&g| kind.layout(g).is_some_and(|l| l.fields.len() == cols))
        }),
    }
}

fn example_name(kind: &FileKind, generation: LayoutGeneration) -> String {
    let month = if kind.has_month_token { "_202504" } else { "" };
    match generation {
        LayoutGeneration::V4 => {
            format!(
                "{}{month}_1310000001_43_1310000002_11_20250425093000.CSV",
                kind.id
            )
        }
        LayoutGeneration::V3 => format!(
            "{}{month}_1310000001_1310000002_20230125093000.CSV",
            kind.id
        ),
    }
}

fn report_name(name: &FileName, issues: &[NameIssue], columns: Option<usize>, emit: &mut Emitter) {
    // Messages quote the name with hidden characters written out (〔U+202E〕).
    let shown_base = crate::visible_text::visible(&name.base);
    let base = shown_base.as_str();
    if crate::visible_text::has_hidden(&name.base) {
        let shown = base;
        let list = crate::visible_text::hidden_list(&name.base).join("");
        emit.file(
            Code::FILENAME_HIDDEN_CHARACTERS,
            || format!("ファイル名「{shown}」に、画面に出ない文字{list}が含まれています。表示される名前と実際の名前が違って見えることがあります。"),
            Some("受け取ったファイルなら、送り主に確かめてください。名前を付け直すときは、見えない文字を消してください。"),
        );
    }
    for issue in issues {
        match issue {
            NameIssue::UnknownKind { prefix, near } => {
                // A prefix one letter off a real one is the likelier reading, so it comes
                // before what the column count suggests.
                let near_ids: Vec<String> = near
                    .iter()
                    .map(|(id, name)| format!("「{id}」（{name}）"))
                    .collect();
                let by_columns = columns.map(|n| (n, matching_layouts(n, None, None)));
                emit.file(
                    Code::FILENAME_UNKNOWN_KIND,
                    || {
                        let mut m = format!("ファイル名「{base}」がどの種類のファイルか分かりません。");
                        if !near_ids.is_empty() {
                            m.push_str(&format!(
                                "接頭辞「{prefix}」は{}の書き間違いかもしれません（1文字違い）。",
                                near_ids.join("か")
                            ));
                        }
                        if let Some((n, Matches::OtherKinds(kinds))) = &by_columns {
                            let same = near
                                .iter()
                                .any(|(id, _)| kinds.iter().any(|x| x.starts_with(&format!("{id}（"))));
                            if same {
                                m.push_str(&format!("内容の項目数{n}もそのレイアウトと同じです。"));
                            } else {
                                m.push_str(&format!(
                                    "内容の項目数{n}は{}と同じ形です。",
                                    kinds.join("、")
                                ));
                            }
                        }
                        m.push_str("種類が分からないため、項目の確認はしていません。");
                        m
                    },
                    Some(&match near.first() {
                        Some((id, name)) => format!(
                            "{name}なら、ファイル名は「{id}_」で始まります。ファイル名を直すか、介護ソフトの出力設定を確認するか、ソフトの会社に問い合わせてください。"
                        ),
                        None => "ファイル名は「UPPLAN_」「UP1KYO_」のような仕様の接頭辞で始まります。ファイル名を直すか、介護ソフトの出力設定を確認するか、ソフトの会社に問い合わせてください。".to_owned(),
                    }),
                );
            }
            NameIssue::TokenCount(n) => {
                let Some(kind) = name.kind else { continue };
                let m = usize::from(kind.has_month_token);
                let hint = format!("例: {}", example_name(kind, LayoutGeneration::V4));
                emit.file(
                    Code::FILENAME_SHAPE,
                    || {
                        format!(
                            "ファイル名「{base}」の接頭辞の後の「_」区切りの部分が{n}個です。{}はV4では{}個、V3では{}個です。",
                            kind.id,
                            m + 5,
                            m + 3
                        )
                    },
                    Some(&hint),
                );
            }
            NameIssue::BadToken {
                token_name,
                token,
                expected,
            } => emit.file(
                Code::FILENAME_SHAPE,
                || {
                    let token = crate::visible_text::visible(token);
                    format!("ファイル名「{base}」の{token_name}「{token}」が{expected}ではありません。")
                },
                Some(&format!("{token_name}は{expected}です。")),
            ),
            NameIssue::MissingParts { missing, expected } => {
                let hint = format!("V4のファイル名は「{expected}」の形です。{CARE_SOFTWARE_HINT}");
                emit.file(
                    Code::FILENAME_SHAPE,
                    || {
                        format!(
                            "ファイル名「{base}」は部分が足りません。{}がありません。",
                            missing.join("と")
                        )
                    },
                    Some(&hint),
                );
            }
            NameIssue::KindNotInV3 => {
                let Some(kind) = name.kind else { continue };
                let hint = format!("V4の形の例: {}", example_name(kind, LayoutGeneration::V4));
                emit.file(
                    Code::KIND_NOT_IN_VERSION,
                    || {
                        format!(
                            "{}（{}）はV4で追加されたファイルですが、ファイル名がV3の形（サービス種類コードなし）です。",
                            kind.name_ja, kind.id
                        )
                    },
                    Some(&hint),
                );
            }
            NameIssue::Extension(ext) => emit.file(
                Code::FILENAME_EXTENSION,
                || format!(
                    "ファイル名「{base}」の拡張子が「.{}」です。",
                    crate::visible_text::visible(ext)
                ),
                Some("拡張子は大文字の「.CSV」にします（仕様の例はすべて「.CSV」です）。"),
            ),
            NameIssue::MonthNotReal(m) => emit.file(
                Code::FILENAME_MONTH,
                || format!("ファイル名の対象年月「{m}」が正しい年月ではありません。"),
                Some("対象年月は西暦の年月6桁（例: 202504）です。"),
            ),
            NameIssue::TimestampNotReal(t) => emit.file(
                Code::FILENAME_TIMESTAMP,
                || format!("ファイル名の連番「{t}」が正しい日時（YYYYMMDDHHMMSS）ではありません。"),
                Some("連番は作成日時の14桁（例: 20250425093000）です。"),
            ),
            NameIssue::SameOffice(o) => emit.file(
                Code::FILENAME_SAME_OFFICE,
                || format!("送信元と送信先の事業所番号がどちらも「{o}」です。"),
                Some("事業所番号を確かめてください。同じ事業所番号どうしの送受信はエラーになることがあります。"),
            ),
        }
    }
}

/// Version findings anchored on the first data record's CSVバージョン.
fn report_version(identity: &FileIdentity, rec: &Record, emit: &mut Emitter) {
    let value = rec.get(1).unwrap_or("");
    if value.is_empty() {
        // FIELD_REQUIRED says so.
        return;
    }
    let hint =
        format!("CSVバージョンは第4.1版なら202407、第3版なら202208です。{CARE_SOFTWARE_HINT}");
    match identity.spec_version {
        None => emit.field(
            Code::VERSION_UNKNOWN,
            rec,
            1,
            || format!("CSVバージョン「{value}」は仕様にない値です"),
            |_| hint.to_owned(),
        ),
        Some(v @ (SpecVersion::V1 | SpecVersion::V2)) => emit.field(
            Code::VERSION_OBSOLETE,
            rec,
            1,
            || {
                format!(
                    "CSVバージョン「{value}」は{}の値で、項目の確認はしていません",
                    v.label_ja()
                )
            },
            |_| hint.to_owned(),
        ),
        Some(SpecVersion::V4_0) => emit.field(
            Code::VERSION_V40,
            rec,
            1,
            || {
                "CSVバージョン「202504」は第4.0版の値です（第4.1版で202407に変わりました）"
                    .to_owned()
            },
            |_| "第4.1版に対応したソフトでは202407を出力します。".to_owned(),
        ),
        Some(_) => {}
    }
    let content = identity.spec_version.and_then(SpecVersion::generation);
    let kind = identity.name.kind;
    if let (Some(c), Some(k)) = (content, kind) {
        if k.layout(c).is_none() {
            emit.field(
                Code::KIND_NOT_IN_VERSION,
                rec,
                1,
                || {
                    format!(
                        "{}（{}）はV4で追加されたファイルですが、CSVバージョンが「{value}」です",
                        k.name_ja, k.id
                    )
                },
                |_| format!("CSVバージョンは202407（第4.1版）です。{CARE_SOFTWARE_HINT}"),
            );
        }
        if let Some(shape) = identity.name.shape {
            if shape != c {
                emit.field(
                    Code::VERSION_NAME_MISMATCH,
                    rec,
                    1,
                    || {
                        format!(
                            "ファイル名は{}の形ですが、CSVバージョン「{value}」は{}です",
                            shape.label(),
                            c.label()
                        )
                    },
                    |_| format!("V4のファイル名には送信元・送信先のサービス種類コード（2桁）が入ります。ファイル名と内容は同じ版にします。{CARE_SOFTWARE_HINT}"),
                );
            }
        }
    }
}

fn check_same_version(identity: &FileIdentity, rec: &Record, emit: &mut Emitter) {
    let Some(file_version) = identity.csv_version.as_deref() else {
        return;
    };
    let value = rec.get(1).unwrap_or("");
    if !value.is_empty() && value != file_version {
        emit.field(
            Code::VERSION_MIXED,
            rec,
            1,
            || format!("CSVバージョン「{value}」が先頭のレコードの「{file_version}」と違います"),
            |_| "1つのファイルの中ではCSVバージョンをそろえます。".to_owned(),
        );
    }
}

/// V3 for a service month from 2025-04 on, or V4 before it.
fn report_version_for_month(
    identity: &FileIdentity,
    content_month: Option<&str>,
    first: &Record,
    emit: &mut Emitter,
) {
    let Some(generation) = identity.spec_version.and_then(SpecVersion::generation) else {
        return;
    };
    let name_month = identity
        .name
        .service_month
        .as_deref()
        .filter(|m| is_real_year_month(m));
    let Some(month) = name_month.or(content_month.filter(|m| is_real_year_month(m))) else {
        return;
    };
    let month_num: u32 = month.parse().unwrap_or(0);
    let value = first.get(1).unwrap_or("").to_owned();
    if generation == LayoutGeneration::V3 && month_num >= V4_APPLIES_FROM_MONTH {
        emit.field(
            Code::VERSION_V3_AFTER_V4,
            first,
            1,
            || format!("対象年月{month}のファイルにCSVバージョン「{value}」（V3）が使われています"),
            |_| {
                "2025年4月サービス提供分からは第4.1版（CSVバージョン202407）で作成します。"
                    .to_owned()
            },
        );
    } else if generation == LayoutGeneration::V4 && month_num < V4_APPLIES_FROM_MONTH {
        emit.field(
            Code::VERSION_V4_BEFORE,
            first,
            1,
            || format!("対象年月{month}のファイルにV4のCSVバージョン「{value}」が使われています"),
            |_| {
                "2025年3月サービス提供分までは第3版（CSVバージョン202208）で作成します。".to_owned()
            },
        );
    }
}

/// COLUMN_COUNT once per file: how many records, the first of them, and which layout its
/// column count matches (the kind's other version, or another kind), if any.
fn report_column_count(
    identity: &FileIdentity,
    layout: &Layout,
    at: FieldAt,
    found: usize,
    records: u64,
    emit: &mut Emitter,
) {
    let Some(kind) = identity.name.kind else {
        return;
    };
    let expected = layout.fields.len();
    let generation = identity.generation;
    let label = generation.map(|g| g.label()).unwrap_or("");
    let matches = matching_layouts(found, Some(kind), generation);
    emit.record_at(
        Code::COLUMN_COUNT,
        at,
        || {
            let mut m = if records == 1 {
                format!("項目数が{found}です。{}（{label}）は{expected}項目です", kind.id)
            } else {
                format!(
                    "項目数がレイアウトと合わないレコードが{records}件あります（このレコードが最初で、項目数{found}）。{}（{label}）は{expected}項目です",
                    kind.id
                )
            };
            match &matches {
                Matches::OtherVersion(g) => m.push_str(&format!(
                    "。{found}項目は{}の{}のレイアウトと同じです。ファイル名かCSVバージョンの版を確かめてください",
                    kind.id,
                    g.label()
                )),
                Matches::OtherKinds(kinds) => m.push_str(&format!(
                    "。{found}項目は{}と同じです。ファイル名の種類を確かめてください",
                    kinds.join("、")
                )),
                Matches::None => m.push_str(&format!("。{found}項目のレイアウトは仕様にありません")),
            }
            m.push_str("。項目数が合わないレコードは、項目No.1〜3（CSVバージョン・保険者番号・被保険者番号）だけを確認しています");
            m
        },
        || {
            format!("区切りの「,」の数を確かめてください。文字列の中の「,」や改行は「\"」で囲みます。{CARE_SOFTWARE_HINT}")
        },
    );
}

/// Which layouts have `columns` fields, besides `kind` in `generation`.
enum Matches {
    /// The same kind in its other version.
    OtherVersion(LayoutGeneration),
    /// Other kinds: 「UPYOBO_SUB（V4）」.
    OtherKinds(Vec<String>),
    None,
}

fn matching_layouts(
    columns: usize,
    kind: Option<&FileKind>,
    generation: Option<LayoutGeneration>,
) -> Matches {
    let gens = [LayoutGeneration::V4, LayoutGeneration::V3];
    if let Some(k) = kind {
        if let Some(g) = gens
            .into_iter()
            .filter(|&g| Some(g) != generation)
            .find(|&g| k.layout(g).is_some_and(|l| l.fields.len() == columns))
        {
            return Matches::OtherVersion(g);
        }
    }
    // The file's own generation first, then the other.
    let order: Vec<LayoutGeneration> = match generation {
        Some(LayoutGeneration::V3) => vec![LayoutGeneration::V3, LayoutGeneration::V4],
        _ => gens.to_vec(),
    };
    let mut kinds = Vec::new();
    for g in order {
        for k in &Spec::get().kinds {
            if kind.is_some_and(|own| own.id == k.id) {
                continue;
            }
            if k.layout(g).is_some_and(|l| l.fields.len() == columns) {
                let name = format!("{}（{}）", k.id, g.label());
                // A kind whose V3 layout is its V4 one is named once.
                if !kinds
                    .iter()
                    .any(|n: &String| n.starts_with(&format!("{}（", k.id)))
                {
                    kinds.push(name);
                }
            }
        }
    }
    if kinds.is_empty() {
        Matches::None
    } else {
        Matches::OtherKinds(kinds)
    }
}

/// Which field (項目No.) a byte offset falls in.
fn field_at(spans: &[FieldSpan], offset: usize) -> Option<usize> {
    spans
        .iter()
        .rposition(|f| f.start - usize::from(f.quoted) <= offset)
        .map(|i| i + 1)
}

fn report_structure(issue: StructureIssue, rec: &Record, spans: &[FieldSpan], emit: &mut Emitter) {
    let hint = "文字列の中の「\"」は「\"\"」と2つ重ね、項目全体を「\"」で囲みます。";
    match issue {
        StructureIssue::UnclosedQuote { offset, .. } => emit.at_offset(
            Code::CSV_UNCLOSED_QUOTE,
            Some(rec),
            offset,
            field_at(spans, offset),
            || "「\"」で始まった項目がファイルの終わりまで閉じられていません".to_owned(),
            hint,
        ),
        StructureIssue::StrayQuote { offset, .. } => emit.at_offset(
            Code::CSV_STRAY_QUOTE,
            Some(rec),
            offset,
            field_at(spans, offset),
            || "「\"」で囲まれていない項目の中に「\"」があります".to_owned(),
            hint,
        ),
        StructureIssue::TextAfterQuote { offset, .. } => emit.at_offset(
            Code::CSV_TEXT_AFTER_QUOTE,
            Some(rec),
            offset,
            field_at(spans, offset),
            || "閉じた「\"」の後、次の「,」までに文字があります".to_owned(),
            hint,
        ),
    }
}

fn report_text(issue: TextIssue, rec: &Record, no: usize, emit: &mut Emitter) {
    let bytes = emit.bytes;
    match issue {
        TextIssue::Invalid { offset, len } => {
            let shown: Vec<String> = bytes
                .get(offset..offset + len)
                .unwrap_or_default()
                .iter()
                .map(|b| format!("0x{b:02X}"))
                .collect();
            emit.at_offset(
                Code::ENCODING_INVALID,
                Some(rec),
                offset,
                Some(no),
                || {
                    format!(
                        "Shift-JIS（MS932）として読めないバイト列（{}）があります",
                        shown.join(" ")
                    )
                },
                &format!("その文字を入力し直すか、{CARE_SOFTWARE_HINT}"),
            );
        }
        TextIssue::Gaiji { offset, code } => emit.at_offset(
            Code::ENCODING_GAIJI,
            Some(rec),
            offset,
            Some(no),
            || format!("外字（0x{code:04X}）が使われています"),
            "外字は使えません。MS932にある文字に置き換えてください。",
        ),
        TextIssue::Control { offset, ch } => emit.at_offset(
            Code::CONTROL_CHARACTER,
            Some(rec),
            offset,
            Some(no),
            || format!("制御文字（U+{:04X}）があります", u32::from(ch)),
            "制御文字を取り除いてください。",
        ),
        TextIssue::NotMs932 { offset, ch } => emit.at_offset(
            Code::ENCODING_NOT_MS932,
            Some(rec),
            offset,
            Some(no),
            || {
                format!(
                    "「{ch}」（U+{:04X}）はShift-JIS（MS932）にない文字です",
                    u32::from(ch)
                )
            },
            "MS932にある文字に置き換えてください（例: 𠮷→吉、絵文字は削除）。",
        ),
    }
}
