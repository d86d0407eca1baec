//! Findings and their catalogue: every code the checker can report, in one table.
//!
//! A [`Finding`] is one problem at one place (record, line, byte offset, 項目No.). Its code is
//! stable (tests, the ledger and other tools match on it); its message is plain Japanese that
//! says what is wrong where, and its hint says what a correct value looks like.
//! `docs/findings.md` is generated from [`Code::ALL`] and a test keeps it equal.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing to fix.
    Info,
    /// Probably wrong, or wrong against a part of the spec we are not sure of.
    Warning,
    /// Against the spec: the receiver may reject or misread the file.
    Error,
}

impl Severity {
    /// 日本語 label for human output.
    pub fn label_ja(self) -> &'static str {
        match self {
            Severity::Error => "エラー",
            Severity::Warning => "警告",
            Severity::Info => "情報",
        }
    }
}

/// One problem found in a file (or, for `cross_file`, across files).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable code from the catalogue, e.g. `FIELD_FORMAT`.
    pub code: Cow<'static, str>,
    /// 1-based index of the logical CSV record.
    pub record: Option<u64>,
    /// 1-based physical line where the record (or the problem) starts.
    pub line: Option<u64>,
    /// The spec's 項目No.
    pub field_no: Option<u16>,
    /// The field's 日本語名称.
    pub field: Option<Cow<'static, str>>,
    /// 0-based byte offset in the file.
    pub byte_offset: Option<u64>,
    /// What is wrong where, in plain Japanese.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// Where in a file a finding points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    pub record: Option<u64>,
    pub line: Option<u64>,
    pub byte_offset: Option<u64>,
}

/// Declares a catalogue of finding codes: an enum whose variant names are the stable code
/// strings, with `ALL`, `as_str`, `severity` and `title_ja`. Used for the checker's [`Code`]
/// and the reconciliation's `ReconcileCode`, so both catalogues work the same way.
macro_rules! finding_catalogue {
    ($(#[$enum_doc:meta])* $name:ident;
     $( $(#[$doc:meta])* $variant:ident => ($sev:ident, $title:literal), )*) => {
        $(#[$enum_doc])*
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $( $(#[$doc])* $variant, )* }

        impl $name {
            /// The whole catalogue, in documentation order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The stable code string, e.g. `FIELD_FORMAT`.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => stringify!($variant), )* }
            }

            /// The default severity (a finding about an aspect the spec is unsure of is lowered
            /// to a warning, see `crate::spec::doubt`).
            pub fn severity(self) -> $crate::check::Severity {
                match self { $( $name::$variant => $crate::check::Severity::$sev, )* }
            }

            /// A one-line Japanese description of the code for the catalogue.
            pub fn title_ja(self) -> &'static str {
                match self { $( $name::$variant => $title, )* }
            }

            /// The catalogue as a Markdown table, the content of its section of
            /// `docs/findings.md` (kept equal by `tests/findings_doc.rs`).
            pub fn catalogue_markdown() -> String {
                let mut out = String::from("| code | severity | meaning |\n|---|---|---|\n");
                for code in Self::ALL {
                    out.push_str(&format!(
                        "| `{}` | {} | {} |\n",
                        code.as_str(),
                        $crate::check::findings::severity_en(code.severity()),
                        code.title_ja()
                    ));
                }
                out
            }
        }
    };
}
pub(crate) use finding_catalogue;

finding_catalogue! {
    /// Every finding code of the single-file checker. The variant name in SCREAMING_SNAKE_CASE
    /// is the stable code, so it is spelled exactly as reports and docs show it.
    Code;
    // File and encoding
    /// The file has no bytes, or only line breaks.
    EMPTY_FILE => (Error, "ファイルが空です。"),
    /// The file is UTF-8 (with or without BOM), not Shift-JIS (MS932).
    ENCODING_UTF8 => (Error, "文字コードがUTF-8です。Shift-JIS（MS932）で保存する必要があります。"),
    /// A byte sequence that is not a valid Shift-JIS (MS932) character.
    ENCODING_INVALID => (Error, "Shift-JIS（MS932）として読めないバイト列があります。"),
    /// A user-defined character (外字, MS932 F040–F9FC), forbidden by the spec.
    ENCODING_GAIJI => (Error, "外字（ユーザー定義文字）が使われています。"),
    /// (UTF-8 files) a character that has no MS932 code (emoji, 𠮷 …).
    ENCODING_NOT_MS932 => (Error, "Shift-JIS（MS932）にない文字が使われています。"),
    /// A control character (NUL, TAB excepted …) inside a field.
    CONTROL_CHARACTER => (Error, "制御文字が含まれています。"),
    // CSV structure
    /// A quoted field is never closed.
    CSV_UNCLOSED_QUOTE => (Error, "「\"」で始まった項目が閉じられていません。"),
    /// A `"` inside a field that does not start with `"`.
    CSV_STRAY_QUOTE => (Error, "囲まれていない項目の中に「\"」があります。"),
    /// Characters between a closing `"` and the next comma.
    CSV_TEXT_AFTER_QUOTE => (Error, "閉じた「\"」の後に文字があります。"),
    /// An empty line between records.
    BLANK_LINE => (Warning, "空行があります。"),
    /// Line breaks other than CRLF (the implementations' convention; the spec is silent).
    LINE_ENDING => (Info, "改行がCRLFではありません。"),
    /// A header line; the spec defines data records only.
    HEADER_ROW => (Error, "見出し行があります。仕様ではデータ行のみです。"),
    /// Free text (フリーテキスト) written without the `"` the spec puts around it; readers
    /// accept it, so it is worth knowing only (once per file, with the count).
    FREE_TEXT_UNQUOTED => (Info, "フリーテキストの項目が「\"」で囲まれていません。"),
    /// A record with more or fewer columns than the layout.
    COLUMN_COUNT => (Error, "項目数がレイアウトと合いません。"),
    // File name and identification
    /// The name does not start with a known file prefix.
    FILENAME_UNKNOWN_KIND => (Error, "ファイル名からファイルの種類が分かりません。"),
    /// The name's tokens have the wrong number or shape.
    FILENAME_SHAPE => (Error, "ファイル名の形が仕様と合いません。"),
    /// The extension is not `.CSV`.
    FILENAME_EXTENSION => (Warning, "拡張子が「.CSV」ではありません。"),
    /// The name's 対象年月 is not a real month.
    FILENAME_MONTH => (Error, "ファイル名の対象年月が正しい年月ではありません。"),
    /// The 14-digit ファイル連番 is not a real date and time.
    FILENAME_TIMESTAMP => (Warning, "ファイル名の連番（作成日時）が正しい日時ではありません。"),
    /// The name holds characters that do not show or that change how it reads (U+202E …):
    /// what people see differs from the name. Shown written out (〔U+202E〕).
    FILENAME_HIDDEN_CHARACTERS => (Warning, "ファイル名に見えない文字が含まれています。"),
    /// Sender and receiver have the same 事業所番号.
    FILENAME_SAME_OFFICE => (Warning, "送信元と送信先の事業所番号が同じです。"),
    /// The name's shape (V3/V4) disagrees with the CSVバージョン inside.
    VERSION_NAME_MISMATCH => (Error, "ファイル名の形とCSVバージョンが合いません。"),
    /// A V4-only file kind in V3 form.
    KIND_NOT_IN_VERSION => (Error, "この種類のファイルはこの版にはありません。"),
    // Versions
    /// CSVバージョン is not a value the spec defines (e.g. 202410).
    VERSION_UNKNOWN => (Error, "CSVバージョンが仕様にない値です。"),
    /// CSVバージョン of V1/V2, long replaced.
    VERSION_OBSOLETE => (Error, "CSVバージョンが古い版です。"),
    /// CSVバージョン 202504 of 第4.0版, replaced by 202407 in 第4.1版.
    VERSION_V40 => (Warning, "CSVバージョン202504は第4.0版の値です。第4.1版では202407です。"),
    /// Records of different CSVバージョン in one file.
    VERSION_MIXED => (Error, "1つのファイルに異なるCSVバージョンのレコードがあります。"),
    /// A V3 file for a service month from 2025-04 on.
    VERSION_V3_AFTER_V4 => (Error, "2025年4月以降のサービス提供月にV3（202208）が使われています。"),
    /// A V4 file for a service month before 2025-04.
    VERSION_V4_BEFORE => (Warning, "V4は2025年4月サービス提供分から適用です。"),
    // Fields
    /// A required field (○) is empty.
    FIELD_REQUIRED => (Error, "必須項目が空です。"),
    /// A value does not have the field's format.
    FIELD_FORMAT => (Error, "項目の形式が正しくありません。"),
    /// A date or month that does not exist (20250231, 202513 …).
    FIELD_DATE => (Error, "存在しない日付・年月です。"),
    /// A value longer than 項目長.
    FIELD_TOO_LONG => (Error, "項目長を超えています。"),
    /// A value not in the field's code list.
    FIELD_CODE => (Error, "コード表にない値です。"),
    /// A 被保険者番号 starting with H that is not H + 9 digits.
    INSURED_NUMBER_H => (Error, "生活保護単独の被保険者番号は「H」と数字9桁です。"),
    /// A time of 2400 (end of day), which HHMM does not define.
    FIELD_TIME_2400 => (Warning, "時刻2400は仕様の時分（0000〜2359）の範囲外です。"),
    /// 識別子 (※使用しない) holds a value.
    FIELD_UNUSED => (Warning, "使用しない項目に値があります。"),
    // Whole-file rules
    /// Several service months in one 第6表/第7表/削除 file.
    SERVICE_MONTH_MIXED => (Error, "1つのファイルに複数の対象年月があります。"),
    /// The records' service month differs from the file name's.
    SERVICE_MONTH_NAME => (Error, "対象年月がファイル名の対象年月と違います。"),
    /// A 第6表 サービス利用日 outside the record's 対象年月.
    SERVICE_DATE_MONTH => (Warning, "サービス利用日が対象年月の中にありません。"),
    /// A 第7表 user without the 全合計 row (999999 / 9999999999).
    TOTAL_ROW_MISSING => (Error, "第7表に全合計行（サービスコード999999）がありません。"),
    /// A second 全合計 row for the same user.
    TOTAL_ROW_DUPLICATE => (Error, "第7表の全合計行が2行以上あります。"),
    /// A 全合計 row whose サービス事業所コード is not 9999999999.
    TOTAL_ROW_OFFICE => (Error, "全合計行のサービス事業所コードが9999999999ではありません。"),
    /// A service type with several rows but no 種類別小計 row.
    SUBTOTAL_MISSING => (Error, "複数行あるサービス種類に種類別小計行（種類CD+AAAA）がありません。"),
    /// 単位数 not 0, or 割引後率/割引後単位数 set, on a 小計/全合計 row.
    SUMMARY_ROW_VALUE => (Error, "小計・全合計行の値が仕様と違います。"),
    /// 第7表 No.34 事業所コード not 9999999999.
    FIXED_OFFICE_CODE => (Warning, "第7表の事業所コードは9999999999固定です。"),
    /// A 福祉用具 (17/67) row without TAISコード or 福祉用具届出コード (V4).
    WELFARE_EQUIPMENT_CODE => (Error, "福祉用具貸与の行にTAISコードも福祉用具届出コードもありません。"),
    /// A 実績 service code whose サービス種類 is not the sender's in the file name (V4).
    SERVICE_TYPE_SENDER => (Warning, "実績のサービスコードのサービス種類が、ファイル名の送信元サービス種類コードと違います。"),
    /// A record of a user unrelated to the receiving office (spec §5).
    RECORD_OTHER_OFFICE => (Warning, "送信先の事業所と関係のない利用者のレコードがあります。"),
    /// 利用者補足情報 No.4 not set as the set it travels with requires.
    HOSOKU_PLAN_DATE => (Error, "利用者補足情報の居宅サービス計画作成（変更）日が送信の組み合わせと合いません。"),
    /// 利用者補足情報 No.63 not set as the set it travels with requires.
    HOSOKU_TARGET_MONTH => (Error, "利用者補足情報の対象年月が送信の組み合わせと合いません。"),
    // Limits
    /// Further findings were counted but not listed.
    FINDINGS_TRUNCATED => (Info, "指摘が多いため、以降は件数のみ数えています。"),
}

/// The severity as the catalogue table spells it.
pub(crate) fn severity_en(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

impl Finding {
    /// A finding with the code's default severity, no position and no field.
    pub fn new(code: Code, message: String) -> Finding {
        Finding {
            severity: code.severity(),
            code: Cow::Borrowed(code.as_str()),
            record: None,
            line: None,
            field_no: None,
            field: None,
            byte_offset: None,
            message,
            hint: None,
        }
    }

    pub fn at(mut self, pos: Position) -> Finding {
        self.record = pos.record;
        self.line = pos.line;
        self.byte_offset = pos.byte_offset;
        self
    }

    pub fn field(mut self, no: u16, name: &str) -> Finding {
        self.field_no = Some(no);
        self.field = Some(Cow::Owned(name.to_owned()));
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }

    /// Lowers the severity to at most `cap` (a finding about an aspect the spec is unsure of).
    pub fn at_most(mut self, cap: Severity) -> Finding {
        self.severity = self.severity.min(cap);
        self
    }
}

/// The findings of one file, capped so a broken 100 MB file cannot flood memory.
#[derive(Debug)]
pub struct FindingList {
    list: Vec<Finding>,
    cap: usize,
    counts: SeverityCounts,
    omitted: SeverityCounts,
}

/// How many findings of each severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCounts {
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
}

impl SeverityCounts {
    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.errors + self.warnings + self.infos
    }
}

/// Default cap on listed findings per file.
pub const MAX_FINDINGS_PER_FILE: usize = 1000;

impl FindingList {
    pub fn new(cap: usize) -> FindingList {
        FindingList {
            list: Vec::new(),
            cap,
            counts: SeverityCounts::default(),
            omitted: SeverityCounts::default(),
        }
    }

    /// Whether another finding would still be listed (callers skip formatting otherwise).
    pub fn has_room(&self) -> bool {
        self.list.len() < self.cap
    }

    /// Adds a finding built lazily: past the cap only its severity is counted.
    pub fn add(&mut self, severity: Severity, make: impl FnOnce() -> Finding) {
        if self.has_room() {
            let f = make();
            self.counts.add(f.severity);
            self.list.push(f);
        } else {
            self.counts.add(severity);
            self.omitted.add(severity);
        }
    }

    pub fn push(&mut self, f: Finding) {
        let s = f.severity;
        self.add(s, || f);
    }

    /// All findings counted so far, listed or not.
    pub fn counts(&self) -> SeverityCounts {
        self.counts
    }

    /// The listed findings, ending with a `FINDINGS_TRUNCATED` note when some were omitted.
    pub fn finish(mut self) -> (Vec<Finding>, SeverityCounts) {
        if self.omitted.total() > 0 {
            let o = self.omitted;
            self.list.push(Finding::new(
                Code::FINDINGS_TRUNCATED,
                format!(
                    "指摘が{}件を超えたため、残りのエラー{}件、警告{}件、情報{}件は一覧にしていません。",
                    self.cap, o.errors, o.warnings, o.infos
                ),
            ).hint("先頭の指摘を直してから、もう一度確認してください。"));
        }
        (self.list, self.counts)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Finding> {
        self.list.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_screaming() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{}", c.as_str());
            assert!(c
                .as_str()
                .chars()
                .all(|ch| ch.is_ascii_uppercase() || ch == '_' || ch.is_ascii_digit()));
        }
    }

    #[test]
    fn the_list_is_capped_and_counts_the_rest() {
        let mut l = FindingList::new(2);
        for _ in 0..5 {
            l.push(Finding::new(Code::FIELD_FORMAT, "x".into()));
        }
        let (list, counts) = l.finish();
        assert_eq!(list.len(), 3);
        assert_eq!(list[2].code, "FINDINGS_TRUNCATED");
        assert_eq!(counts.errors, 5);
    }
}
