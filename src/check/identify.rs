//! Identification from the file name: kind, V3/V4 shape and the transmission tokens.
//!
//! V4 names are `PREFIX[_対象年月]_送信元事業所番号_送信元種類_送信先事業所番号_送信先種類_連番.CSV`,
//! V3 names lack the two サービス種類コード tokens (spec §3). The name is cut at `_` into
//! tokens; the prefix is the longest kind id from the spec data that the name starts with
//! (so `UPKIHON_SUB1_…` is never read as `UPKIHON`), and the number of remaining tokens says
//! V3 or V4. No regex: the token shapes come from the spec, and a test checks this parser
//! agrees with the `filename_pattern_*` regexes of `fields.json`.

use serde::{Deserialize, Serialize};

use crate::jpdate::days_in_month;
use crate::spec::{FieldFormat, FileKind, LayoutGeneration, Spec};

/// The name's tokens have the shapes of the fields they name (spec §2–3), read from the one
/// table of fixed shapes, [`FieldFormat::exact_len`].
const fn shape_len(format: FieldFormat) -> usize {
    match format.exact_len() {
        Some(n) => n,
        None => 0,
    }
}
/// 事業所番号: 10 digits.
const OFFICE_DIGITS: usize = shape_len(FieldFormat::OfficeNumber);
/// 対象年月: 6 digits.
const MONTH_DIGITS: usize = shape_len(FieldFormat::YearMonth);
/// サービス種類コード: 2 characters.
const SERVICE_TYPE_CHARS: usize = shape_len(FieldFormat::ServiceType);

/// An office at one end of a transmission: 事業所番号 and, in V4 names, サービス種類コード.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// 事業所番号 token as written (10 digits when valid).
    pub office: String,
    /// サービス種類コード token (2 characters, V4 names only).
    pub service_type: Option<String>,
}

/// What a file name says, token by token. Tokens are kept as written even when malformed;
/// whether they are valid is what [`NameIssue`]s say.
#[derive(Clone, Debug, Default)]
pub struct FileName {
    /// The base name (directories removed).
    pub base: String,
    /// The kind whose prefix the name starts with.
    pub kind: Option<&'static FileKind>,
    /// V3 or V4, from the number of tokens.
    pub shape: Option<LayoutGeneration>,
    /// 対象年月 / 提供年月 token (`000000` for a 利用者補足情報 of a plan set).
    pub service_month: Option<String>,
    /// 送信元.
    pub sender: Option<Party>,
    /// 送信先.
    pub receiver: Option<Party>,
    /// The 14-digit ファイル連番 (creation timestamp) that binds one transmission unit.
    pub sequence: Option<String>,
    /// Extension without the dot.
    pub extension: String,
    /// Every token has the character class and length the spec's pattern demands (this is
    /// exactly what `filename_pattern_v4`/`_v3` accept).
    pub matches_pattern: bool,
}

/// A problem with the name, in the order found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameIssue {
    /// No kind's prefix: the name's own prefix (the part before the first token that starts
    /// with a digit) and the kinds one letter away from it (UPKHON → UPKIHON).
    UnknownKind {
        prefix: String,
        /// (id, 日本語名称) of each near kind.
        near: Vec<(&'static str, &'static str)>,
    },
    /// Wrong token count; holds the count found after the prefix.
    TokenCount(usize),
    /// A token of the wrong shape: which token (Japanese name), the token, what it should be.
    BadToken {
        token_name: &'static str,
        token: String,
        expected: &'static str,
    },
    /// A V4-style name with parts left out (e.g. the receiver): which parts, and the name
    /// as it should be, filled in with the name's own tokens.
    MissingParts {
        missing: Vec<&'static str>,
        expected: String,
    },
    /// The kind has no V3 form.
    KindNotInV3,
    Extension(String),
    MonthNotReal(String),
    TimestampNotReal(String),
    SameOffice(String),
}

/// Parses a file name (a path is fine: only the part after the last `/` or `\` counts).
pub fn parse_file_name(name: &str) -> (FileName, Vec<NameIssue>) {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mut out = FileName {
        base: base.to_owned(),
        ..FileName::default()
    };
    let mut issues = Vec::new();
    let (stem, ext) = match base.rfind('.') {
        Some(i) => (&base[..i], &base[i + 1..]),
        None => (base, ""),
    };
    out.extension = ext.to_owned();
    let ext_ok = ext == "CSV";
    if !ext_ok {
        issues.push(NameIssue::Extension(ext.to_owned()));
    }
    let Some(kind) = kind_of(stem) else {
        let prefix = stem
            .split('_')
            .take_while(|t| !t.starts_with(|c: char| c.is_ascii_digit()))
            .collect::<Vec<_>>()
            .join("_");
        let near = Spec::get()
            .kinds
            .iter()
            .filter(|k| one_edit_apart(&prefix, &k.id))
            .map(|k| (k.id.as_str(), k.name_ja.as_str()))
            .collect();
        issues.push(NameIssue::UnknownKind { prefix, near });
        return (out, issues);
    };
    out.kind = Some(kind);
    let rest = &stem[kind.id.len()..];
    let tokens: Vec<&str> = match rest.strip_prefix('_') {
        Some(r) => r.split('_').collect(),
        None => Vec::new(),
    };
    let month_tokens = usize::from(kind.has_month_token);
    let v3_fits = || {
        let parts = V3_PARTS.iter().map(|(p, _)| *p);
        let parts: Vec<Part> = kind
            .has_month_token
            .then_some(Part::Month)
            .into_iter()
            .chain(parts)
            .collect();
        parts.iter().zip(&tokens).all(|(p, t)| p.fits(t))
    };
    let shape = if tokens.len() == month_tokens + 5 {
        LayoutGeneration::V4
    } else if tokens.len() == month_tokens + 3 && v3_fits() {
        LayoutGeneration::V3
    } else if let Some(parts) = align_v4(kind, &tokens) {
        read_aligned(kind, &parts, &mut out, &mut issues);
        return (out, issues);
    } else if tokens.len() == month_tokens + 3 {
        LayoutGeneration::V3
    } else {
        issues.push(NameIssue::TokenCount(tokens.len()));
        return (out, issues);
    };
    out.shape = Some(shape);
    let mut shapes_ok = ext_ok;
    if shape == LayoutGeneration::V3 && kind.layout(LayoutGeneration::V3).is_none() {
        issues.push(NameIssue::KindNotInV3);
        shapes_ok = false;
    }
    let mut it = tokens.into_iter();
    let mut bad = |token_name, token: &str, expected, ok: bool, issues: &mut Vec<NameIssue>| {
        if !ok {
            issues.push(NameIssue::BadToken {
                token_name,
                token: token.to_owned(),
                expected,
            });
            shapes_ok = false;
        }
    };
    if kind.has_month_token {
        let m = it.next().unwrap_or_default();
        bad(
            "対象年月",
            m,
            "数字6桁（YYYYMM）",
            is_digits(m, MONTH_DIGITS),
            &mut issues,
        );
        out.service_month = Some(m.to_owned());
    }
    // 事業所番号 (10 digits) and, in V4 names, サービス種類コード (2 characters) of one end.
    let mut party = |it: &mut std::vec::IntoIter<&str>,
                     office_name: &'static str,
                     type_name: &'static str,
                     issues: &mut Vec<NameIssue>| {
        let office = it.next().unwrap_or_default();
        bad(
            office_name,
            office,
            "数字10桁",
            is_digits(office, OFFICE_DIGITS),
            issues,
        );
        let service_type = (shape == LayoutGeneration::V4).then(|| {
            let t = it.next().unwrap_or_default();
            bad(type_name, t, "英数大文字2桁", is_service_type(t), issues);
            t.to_owned()
        });
        Party {
            office: office.to_owned(),
            service_type,
        }
    };
    let sender = party(
        &mut it,
        "送信元事業所番号",
        "送信元サービス種類コード",
        &mut issues,
    );
    let receiver = party(
        &mut it,
        "送信先事業所番号",
        "送信先サービス種類コード",
        &mut issues,
    );
    let seq = it.next().unwrap_or_default();
    bad(
        "連番（作成日時）",
        seq,
        "数字14桁（YYYYMMDDHHMMSS）",
        is_digits(seq, 14),
        &mut issues,
    );
    out.matches_pattern = shapes_ok;
    // Meaning, beyond shape: real month, real timestamp, two different offices.
    if let Some(m) = &out.service_month {
        let zero_ok = kind.month_token_may_be_zero && m == "000000";
        if is_digits(m, MONTH_DIGITS) && !zero_ok && !is_real_year_month(m) {
            issues.push(NameIssue::MonthNotReal(m.clone()));
        }
    }
    if is_digits(seq, 14) && !is_file_serial(seq) {
        issues.push(NameIssue::TimestampNotReal(seq.to_owned()));
    }
    if is_digits(&sender.office, OFFICE_DIGITS) && sender.office == receiver.office {
        issues.push(NameIssue::SameOffice(sender.office.clone()));
    }
    out.sender = Some(sender);
    out.receiver = Some(receiver);
    out.sequence = Some(seq.to_owned());
    (out, issues)
}

/// Whether `a` becomes `b` by inserting, deleting or changing one character (case is
/// ignored, so 「upplan」 is next to 「UPPLAN」 too).
fn one_edit_apart(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_uppercase()).collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 || short.is_empty() {
        return false;
    }
    let head = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        // Equal (only case differs) or one change.
        head == short.len() || short[head + 1..] == long[head + 1..]
    } else {
        short[head..] == long[head + 1..]
    }
}

/// One part of a name after the prefix, by its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Month,
    Office,
    ServiceType,
    Serial,
}

impl Part {
    fn fits(self, token: &str) -> bool {
        match self {
            Part::Month => is_digits(token, MONTH_DIGITS),
            Part::Office => is_digits(token, OFFICE_DIGITS),
            Part::ServiceType => is_service_type(token),
            Part::Serial => is_digits(token, 14),
        }
    }

    /// What stands in the expected name for a missing part.
    fn placeholder(self, name: &str) -> String {
        let len = match self {
            Part::Month => MONTH_DIGITS,
            Part::Office => OFFICE_DIGITS,
            Part::ServiceType => SERVICE_TYPE_CHARS,
            Part::Serial => 14,
        };
        format!("＜{name}{len}桁＞")
    }
}

/// The parts of a V4 name after the prefix (and the month), in order, with their names.
const V4_PARTS: [(Part, &str); 5] = [
    (Part::Office, "送信元事業所番号"),
    (Part::ServiceType, "送信元サービス種類コード"),
    (Part::Office, "送信先事業所番号"),
    (Part::ServiceType, "送信先サービス種類コード"),
    (Part::Serial, "連番（作成日時）"),
];
const V3_PARTS: [(Part, &str); 3] = [
    (Part::Office, "送信元事業所番号"),
    (Part::Office, "送信先事業所番号"),
    (Part::Serial, "連番（作成日時）"),
];

/// Reads `tokens` as a V4 name with some parts left out: each token, in order, fills the next
/// part whose shape it has (the shapes differ in length, so this is unambiguous). `None`
/// unless every token found a part and at least one part is missing.
fn align_v4<'t>(
    kind: &FileKind,
    tokens: &[&'t str],
) -> Option<Vec<(Part, &'static str, Option<&'t str>)>> {
    let month = kind.has_month_token.then_some((Part::Month, "対象年月"));
    let mut it = tokens.iter().peekable();
    let mut parts = Vec::new();
    for (part, name) in month.into_iter().chain(V4_PARTS) {
        let token = it.next_if(|t| part.fits(t)).copied();
        parts.push((part, name, token));
    }
    let missing = parts.iter().any(|(_, _, t)| t.is_none());
    (it.next().is_none() && missing).then_some(parts)
}

/// Fills `out` from an aligned V4 name and reports the missing parts.
fn read_aligned(
    kind: &FileKind,
    parts: &[(Part, &'static str, Option<&str>)],
    out: &mut FileName,
    issues: &mut Vec<NameIssue>,
) {
    let mut expected = kind.id.clone();
    for (part, name, token) in parts {
        expected.push('_');
        match token {
            Some(t) => expected.push_str(t),
            None => expected.push_str(&part.placeholder(name)),
        }
    }
    expected.push_str(".CSV");
    let token = |name: &str| {
        parts
            .iter()
            .find(|(_, n, _)| *n == name)
            .and_then(|(_, _, t)| t.map(str::to_owned))
    };
    let party = |office: &str, service_type: &str| {
        token(office).map(|office| Party {
            office,
            service_type: token(service_type),
        })
    };
    out.shape = Some(LayoutGeneration::V4);
    out.service_month = token("対象年月");
    out.sender = party("送信元事業所番号", "送信元サービス種類コード");
    out.receiver = party("送信先事業所番号", "送信先サービス種類コード");
    out.sequence = token("連番（作成日時）");
    issues.push(NameIssue::MissingParts {
        missing: parts
            .iter()
            .filter(|(_, _, t)| t.is_none())
            .map(|(_, n, _)| *n)
            .collect(),
        expected,
    });
}

/// The kind whose id is the longest prefix of `stem` followed by `_` (or all of it).
fn kind_of(stem: &str) -> Option<&'static FileKind> {
    Spec::get()
        .kinds
        .iter()
        .filter(|k| {
            stem.strip_prefix(k.id.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
        })
        .max_by_key(|k| k.id.len())
}

/// Whether `s` is exactly `n` ASCII digits (事業所番号, 保険者番号, 年月 …).
pub fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// サービス種類コード in names: two of `[0-9A-Z]` (43, 11, 2A, A1 …).
fn is_service_type(s: &str) -> bool {
    s.len() == SERVICE_TYPE_CHARS
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// `YYYYMM` with a month 01–12.
pub fn is_real_year_month(s: &str) -> bool {
    is_digits(s, 6) && digits_form_real_year_month(s.as_bytes())
}

/// `YYYYMMDD` that exists in the Gregorian calendar.
pub fn is_real_date(s: &str) -> bool {
    is_digits(s, 8) && digits_form_real_date(s.as_bytes())
}

/// [`is_real_year_month`] for 6 bytes already known to be digits (the column rules check
/// the digits first, and every 第6表 record has two such months).
pub(crate) fn digits_form_real_year_month(b: &[u8]) -> bool {
    let (year, month) = (two_digits(b, 0) * 100 + two_digits(b, 2), two_digits(b, 4));
    year >= 1 && (1..=12).contains(&month)
}

/// [`is_real_date`] for 8 bytes already known to be digits.
pub(crate) fn digits_form_real_date(b: &[u8]) -> bool {
    let year = two_digits(b, 0) * 100 + two_digits(b, 2);
    let (month, day) = (two_digits(b, 4), two_digits(b, 6));
    year >= 1
        && (1..=12).contains(&month)
        && day >= 1
        && day <= u32::from(days_in_month(year as i32, month as u8))
}

/// The value of the two digits at `b[i..i + 2]` (callers checked they are digits; anything
/// else gives some number, never a panic).
pub(crate) fn two_digits(b: &[u8], i: usize) -> u32 {
    let digit = |at: usize| u32::from(b.get(at).map_or(0, |d| d.wrapping_sub(b'0')));
    digit(i) * 10 + digit(i + 1)
}

/// A ファイル連番: 14 digits `YYYYMMDDHHMMSS` that form a real date and time.
pub fn is_file_serial(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 14
        && b.iter().all(u8::is_ascii_digit)
        && is_real_date(&s[..8])
        && num(&b[8..10]) <= 23
        && num(&b[10..12]) <= 59
        && num(&b[12..14]) <= 59
}

/// Value of ASCII digits (callers checked they are digits).
pub fn num(digits: &[u8]) -> u32 {
    digits.iter().fold(0u32, |acc, &d| {
        acc.saturating_mul(10)
            .saturating_add(u32::from(d.wrapping_sub(b'0')))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_name_is_read_token_by_token() {
        let (n, issues) =
            parse_file_name("in/UPPLAN_202505_0300000100_43_0300000005_11_20250425200201.CSV");
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(n.kind.unwrap().id, "UPPLAN");
        assert_eq!(n.shape, Some(LayoutGeneration::V4));
        assert_eq!(n.service_month.as_deref(), Some("202505"));
        assert_eq!(
            n.sender.as_ref().unwrap().service_type.as_deref(),
            Some("43")
        );
        assert_eq!(n.receiver.as_ref().unwrap().office, "0300000005");
        assert_eq!(n.sequence.as_deref(), Some("20250425200201"));
        assert!(n.matches_pattern);
    }

    #[test]
    fn sub_files_are_not_read_as_their_parent() {
        let (n, issues) =
            parse_file_name("UPKIHON_SUB1_0300000100_A1_0300000005_2A_20250425200201.CSV");
        assert!(issues.is_empty());
        assert_eq!(n.kind.unwrap().id, "UPKIHON_SUB1");
        let (n, _) = parse_file_name("UPYOBO_SUB_0300000100_46_0300000005_A1_20250425200201.CSV");
        assert_eq!(n.kind.unwrap().id, "UPYOBO_SUB");
    }

    #[test]
    fn v3_names_and_problems() {
        let (n, issues) =
            parse_file_name("UPHOSOKU_000000_0300000100_0300000005_20221025200201.CSV");
        assert!(issues.is_empty());
        assert_eq!(n.shape, Some(LayoutGeneration::V3));
        let (_, issues) = parse_file_name("UP3KYO_0300000100_0300000005_20221025200201.CSV");
        assert_eq!(issues, vec![NameIssue::KindNotInV3]);
        let (_, issues) =
            parse_file_name("UPPLAN_202505_030000010_43_0300000005_11_20250425200201.csv");
        assert_eq!(issues.len(), 2, "{issues:?}");
        let (_, issues) = parse_file_name("UPKHON_0300000100_43_0300000005_11_20250425200201.CSV");
        let NameIssue::UnknownKind { prefix, near } = &issues[0] else {
            panic!("{issues:?}")
        };
        assert_eq!(prefix, "UPKHON");
        assert_eq!(near.iter().map(|k| k.0).collect::<Vec<_>>(), ["UPKIHON"]);
        assert!(one_edit_apart("UPPLN", "UPPLAN") && one_edit_apart("UPPLAM", "UPPLAN"));
        assert!(one_edit_apart("upplan", "UPPLAN") && !one_edit_apart("UPXXAN", "UPPLAN"));
        assert!(one_edit_apart("UPYOBO_SUBB", "UPYOBO_SUB") && !one_edit_apart("", "UP"));
        let (_, issues) =
            parse_file_name("UPPLAN_202513_0300000100_43_0300000100_11_20250431200201.CSV");
        assert_eq!(issues.len(), 3, "{issues:?}");
    }

    #[test]
    fn a_v4_name_with_parts_left_out_says_which() {
        let (n, issues) = parse_file_name("UP1KYO_1310000001_43_20250425093000.csv");
        assert_eq!(
            issues[1],
            NameIssue::MissingParts {
                missing: vec!["送信先事業所番号", "送信先サービス種類コード"],
                expected: "UP1KYO_1310000001_43_＜送信先事業所番号10桁＞_＜送信先サービス種類コード2桁＞_20250425093000.CSV".into(),
            }
        );
        assert_eq!(n.receiver, None);
        assert_eq!(n.sender.unwrap().service_type.as_deref(), Some("43"));
        assert_eq!(n.sequence.as_deref(), Some("20250425093000"));
        let (_, issues) =
            parse_file_name("UPPLAN_202505_1310000001_1310000002_11_20250425093000.CSV");
        assert!(
            matches!(&issues[0], NameIssue::MissingParts { missing, .. } if missing == &["送信元サービス種類コード"])
        );
        // A V3 name with a mistyped receiver stays a V3 name.
        let (n, issues) = parse_file_name("UP1KYO_1310000001_131000002_20230425093000.CSV");
        assert_eq!(n.shape, Some(LayoutGeneration::V3));
        assert!(matches!(issues[0], NameIssue::BadToken { .. }));
    }

    #[test]
    fn calendar() {
        assert!(is_real_date("20240229"));
        assert!(!is_real_date("20250229"));
        assert!(!is_real_date("20250431"));
        assert!(is_real_year_month("202512"));
        assert!(!is_real_year_month("202500"));
        assert!(is_real_date("20000229") && !is_real_date("19000229"));
        assert!(is_real_date("00010101") && !is_real_date("00000101"));
        assert!(!is_real_date("20251301") && !is_real_date("20250100"));
        assert!(!is_real_date("2025013") && !is_real_date("2025O131"));
        assert!(!is_real_year_month("000012") && !is_real_year_month("202513"));
        assert!(!is_real_year_month("2025-1") && !is_real_year_month("2025011"));
    }
}
