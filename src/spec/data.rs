//! Loading `fields.json` once and shaping it into typed tables.
//!
//! The JSON is embedded with `include_str!`, so the checker needs no file system and the page
//! ships the same tables. It is parsed on first use; a test proves the embedded copy parses,
//! and a broken copy would give an empty spec (every file "unknown") rather than a panic.

use std::sync::OnceLock;

use serde::Deserialize;

use super::doubt::{doubt_of, Doubt};
use super::format::FieldFormat;
use super::version::LayoutGeneration;

const FIELDS_JSON: &str = include_str!("fields.json");

/// The whole standard: every file kind with its layouts.
#[derive(Debug)]
pub struct Spec {
    /// File kinds in `fields.json` order (利用者補足情報 first).
    pub kinds: Vec<FileKind>,
    /// The CSVバージョン values the spec knows, with their description.
    pub csv_versions: Vec<(String, String)>,
}

/// One file type of the standard, e.g. `UPPLAN` 第6表（サービス利用票）予定.
#[derive(Debug)]
pub struct FileKind {
    /// The file-name prefix, e.g. `UPPLAN`, `UPKIHON_SUB1`.
    pub id: String,
    /// 日本語名称 of the file, e.g. 第6表（サービス利用票）予定.
    pub name_ja: String,
    /// Whether the name carries a 対象年月 token after the prefix (第6表, 第7表, their deletes,
    /// 利用者補足情報).
    pub has_month_token: bool,
    /// Whether the month token may be `000000` (利用者補足情報 travelling with 第1表/第2表).
    pub month_token_may_be_zero: bool,
    /// The V4 file-name regex from `fields.json`, kept for cross-checking the token parser.
    pub filename_pattern_v4: String,
    /// The V3 file-name regex, when the kind existed in V3.
    pub filename_pattern_v3: Option<String>,
    v4: Layout,
    v3: Option<Layout>,
}

/// The ordered fields of one kind in one layout generation.
#[derive(Debug)]
pub struct Layout {
    pub fields: Vec<FieldSpec>,
}

/// One column: 項目No., 日本語名称, format, 項目長, 必須 and code list.
#[derive(Debug)]
pub struct FieldSpec {
    /// 項目No. (1-based column number).
    pub no: u16,
    /// 日本語名称 as printed in the layout.
    pub name_ja: String,
    pub format: FieldFormat,
    /// 項目長 (maximum length in characters); `None` = variable (― in the layout).
    pub max_len: Option<u16>,
    pub required: Requirement,
    /// Allowed values with their meaning, in spec order; empty = no code list.
    pub codes: Vec<(String, String)>,
    /// How sure the compiled spec is of this row: `None` when sure; otherwise which aspect
    /// is in doubt (only findings about that aspect are lowered to warnings).
    pub doubt: Option<&'static Doubt>,
    /// The value of all zeros (`00000000` / `000000`) is allowed because the note says so
    /// (利用者補足情報 No.4 and No.63 for the set the file travels with).
    pub zero_allowed: bool,
}

/// 必須 column: ○, conditional, or optional.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirement {
    Required,
    Conditional,
    Optional,
}

impl Spec {
    /// The embedded standard, parsed on first use.
    pub fn get() -> &'static Spec {
        static SPEC: OnceLock<Spec> = OnceLock::new();
        SPEC.get_or_init(|| Spec::parse(FIELDS_JSON).unwrap_or_else(|_| Spec::empty()))
    }

    /// Finds a kind by its file-name prefix (`UPPLAN`).
    pub fn kind(&self, id: &str) -> Option<&FileKind> {
        self.kinds.iter().find(|k| k.id == id)
    }

    fn empty() -> Spec {
        Spec {
            kinds: Vec::new(),
            csv_versions: Vec::new(),
        }
    }

    fn parse(json: &str) -> Result<Spec, serde_json::Error> {
        let raw: RawSpec = serde_json::from_str(json)?;
        let kinds = raw.files.into_iter().map(FileKind::from_raw).collect();
        let csv_versions = raw
            .common
            .csv_versions
            .into_iter()
            .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_owned()))
            .collect();
        Ok(Spec {
            kinds,
            csv_versions,
        })
    }
}

impl FileKind {
    /// The layout of this kind in a generation; `None` when the kind did not exist then
    /// (第3表 and the 介護予防 files are V4 only).
    pub fn layout(&self, generation: LayoutGeneration) -> Option<&Layout> {
        match generation {
            LayoutGeneration::V4 => Some(&self.v4),
            LayoutGeneration::V3 => self.v3.as_ref(),
        }
    }

    fn from_raw(raw: RawFile) -> FileKind {
        let month_prefix = format!("^{}_(\\d{{6}})_", raw.id);
        let has_month_token = raw.filename_pattern_v4.starts_with(&month_prefix);
        let month_token_may_be_zero = raw
            .filename_note
            .as_deref()
            .is_some_and(|n| n.contains("000000"));
        let v4 = Layout::from_raw(&raw.id, raw.fields);
        let v3 = if raw.filename_pattern_v3.is_none() {
            None
        } else if let Some(fields) = raw.fields_v3_reconstructed {
            Some(Layout::from_raw(&raw.id, fields))
        } else {
            // fields.json: "assumed unchanged" in V3 for the kinds without a V3 table.
            Some(Layout {
                fields: v4.fields.clone(),
            })
        };
        FileKind {
            id: raw.id,
            name_ja: raw.name_ja,
            has_month_token,
            month_token_may_be_zero,
            filename_pattern_v4: raw.filename_pattern_v4,
            filename_pattern_v3: raw.filename_pattern_v3,
            v4,
            v3,
        }
    }
}

impl Layout {
    /// The field with this 日本語名称, if the layout has one.
    pub fn field_named(&self, name_ja: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.name_ja == name_ja)
    }

    /// The field with this 項目No.
    pub fn field(&self, no: u16) -> Option<&FieldSpec> {
        self.fields.get(usize::from(no).checked_sub(1)?)
    }

    fn from_raw(kind: &str, fields: Vec<RawField>) -> Layout {
        Layout {
            fields: fields
                .into_iter()
                .map(|f| FieldSpec::from_raw(kind, f))
                .collect(),
        }
    }
}

impl Clone for FieldSpec {
    fn clone(&self) -> Self {
        FieldSpec {
            no: self.no,
            name_ja: self.name_ja.clone(),
            format: self.format,
            max_len: self.max_len,
            required: self.required,
            codes: self.codes.clone(),
            doubt: self.doubt,
            zero_allowed: self.zero_allowed,
        }
    }
}

impl FieldSpec {
    fn from_raw(kind: &str, raw: RawField) -> FieldSpec {
        let required = match raw.required.as_str() {
            "yes" => Requirement::Required,
            "cond" => Requirement::Conditional,
            _ => Requirement::Optional,
        };
        let doubt = raw
            .confidence
            .as_deref()
            .filter(|c| !is_high(c))
            .map(|_| doubt_of(kind, &raw.name_ja));
        let note = raw.note.as_deref().unwrap_or("");
        let zero_allowed = note.contains("'00000000'") || note.contains("'000000'");
        let format = FieldFormat::from_spec(&raw.type_, &raw.name_ja, raw.max_len);
        FieldSpec {
            no: raw.no,
            name_ja: raw.name_ja,
            format,
            max_len: raw.max_len,
            required,
            codes: raw.codes.unwrap_or_default().into_iter().collect(),
            doubt,
            zero_allowed,
        }
    }

    /// Whether `value` is one of the code list's values (always true without a code list).
    pub fn code_allowed(&self, value: &str) -> bool {
        self.codes.is_empty() || self.codes.iter().any(|(c, _)| c == value)
    }
}

/// `confidence` strings start with their level ("high", "medium-high", "medium", "low");
/// V3 rows say "reconstructed from V4 (<level>…".
fn is_high(confidence: &str) -> bool {
    confidence
        .strip_prefix("reconstructed from V4 (")
        .unwrap_or(confidence)
        .starts_with("high")
}

#[derive(Deserialize)]
struct RawSpec {
    common: RawCommon,
    files: Vec<RawFile>,
}

#[derive(Deserialize)]
struct RawCommon {
    csv_versions: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct RawFile {
    id: String,
    name_ja: String,
    filename_pattern_v4: String,
    #[serde(default)]
    filename_pattern_v3: Option<String>,
    #[serde(default)]
    filename_note: Option<String>,
    fields: Vec<RawField>,
    #[serde(default)]
    fields_v3_reconstructed: Option<Vec<RawField>>,
}

#[derive(Deserialize)]
struct RawField {
    no: u16,
    name_ja: String,
    #[serde(rename = "type")]
    type_: String,
    max_len: Option<u16>,
    required: String,
    #[serde(default)]
    codes: Option<std::collections::BTreeMap<String, String>>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    confidence: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::doubt::Aspect;

    #[test]
    fn embedded_spec_parses_with_all_kinds() {
        let spec = Spec::parse(FIELDS_JSON).expect("fields.json parses");
        assert_eq!(spec.kinds.len(), 17);
        let ids: Vec<&str> = spec.kinds.iter().map(|k| k.id.as_str()).collect();
        for id in [
            "UPHOSOKU",
            "UPPLAN",
            "UPJSK",
            "UPSIKYU",
            "UPKIHON_SUB1",
            "UPYOBO_SUB",
        ] {
            assert!(ids.contains(&id), "{id}");
        }
        assert_eq!(spec.csv_versions.len(), 5);
    }

    #[test]
    fn field_counts_match_the_declared_counts() {
        let json: serde_json::Value = serde_json::from_str(FIELDS_JSON).unwrap();
        for file in json["files"].as_array().unwrap() {
            let kind = Spec::get().kind(file["id"].as_str().unwrap()).unwrap();
            let v4 = file["field_count"]["V4"].as_u64().unwrap() as usize;
            assert_eq!(kind.layout(LayoutGeneration::V4).unwrap().fields.len(), v4);
            if let Some(v3) = file["field_count"]["V3"].as_u64() {
                let layout = kind.layout(LayoutGeneration::V3).unwrap();
                assert_eq!(layout.fields.len(), v3 as usize, "{}", kind.id);
            }
            for (i, f) in kind
                .layout(LayoutGeneration::V4)
                .unwrap()
                .fields
                .iter()
                .enumerate()
            {
                assert_eq!(usize::from(f.no), i + 1, "{} numbering", kind.id);
            }
        }
    }

    #[test]
    fn month_tokens_and_v3_presence_come_from_the_patterns() {
        let spec = Spec::get();
        let month: Vec<&str> = spec
            .kinds
            .iter()
            .filter(|k| k.has_month_token)
            .map(|k| k.id.as_str())
            .collect();
        assert_eq!(
            month,
            ["UPHOSOKU", "UPPLAN", "UPJSK", "DLTPLAN", "DLTJSK", "UPSIKYU"]
        );
        assert!(spec.kind("UPHOSOKU").unwrap().month_token_may_be_zero);
        assert!(spec
            .kind("UP3KYO")
            .unwrap()
            .layout(LayoutGeneration::V3)
            .is_none());
        assert!(spec
            .kind("UP1KYO")
            .unwrap()
            .layout(LayoutGeneration::V3)
            .is_some());
    }

    #[test]
    fn uncertain_rows_are_marked() {
        let upplan = Spec::get().kind("UPPLAN").unwrap();
        let v4 = upplan.layout(LayoutGeneration::V4).unwrap();
        let aspect = |f: &FieldSpec| f.doubt.map(|d| d.aspect);
        assert_eq!(aspect(v4.field(6).unwrap()), Some(Aspect::Required));
        assert_eq!(aspect(v4.field(8).unwrap()), Some(Aspect::Required));
        assert_eq!(aspect(v4.field(19).unwrap()), Some(Aspect::Length));
        assert_eq!(aspect(v4.field(3).unwrap()), None);
        let hosoku = Spec::get().kind("UPHOSOKU").unwrap();
        let f4 = hosoku
            .layout(LayoutGeneration::V4)
            .unwrap()
            .field(4)
            .unwrap();
        assert!(f4.zero_allowed);
        let sikyu = Spec::get().kind("UPSIKYU").unwrap();
        let l = sikyu.layout(LayoutGeneration::V4).unwrap();
        assert_eq!(aspect(l.field(14).unwrap()), None);
        assert_eq!(aspect(l.field(30).unwrap()), Some(Aspect::Length));
        assert_eq!(aspect(l.field(34).unwrap()), Some(Aspect::FixedValue));
    }
}
