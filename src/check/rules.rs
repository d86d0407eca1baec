//! Column rules: one field's value against its row of the spec (format, 項目長, code list,
//! 必須). Driven entirely by [`FieldSpec`]; nothing here knows a particular column.
//!
//! Values are checked as `&str` slices of the decoded record; ASCII formats only look at
//! bytes, and nothing is allocated unless a value is wrong.

use crate::check::findings::Code;
use crate::check::identify::{digits_form_real_date, digits_form_real_year_month, num, two_digits};
use crate::spec::{Aspect, FieldFormat, FieldSpec, Requirement};

/// What is wrong with one value: the code and the detail for the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub code: Code,
    /// The problem in Japanese, without the position (the caller adds where).
    pub detail: String,
    /// Wrong whichever reading of a doubted row is right (a value longer than every reading
    /// of a 項目長 in doubt): the finding is not lowered.
    pub beyond_doubt: bool,
}

fn violation(code: Code, detail: String) -> Option<Violation> {
    Some(Violation {
        code,
        detail,
        beyond_doubt: false,
    })
}

/// Checks one value against its spec row. Empty values only fail when required, or when the
/// spec is unsure whether they are (第6表 No.8 単位数 is "no" in the table, but its row says
/// to treat an empty value as a warning); the emitter lowers that finding to a warning.
#[inline(always)]
pub fn check_value(field: &FieldSpec, value: &str) -> Option<Violation> {
    if value.is_empty() {
        let required = field.required == Requirement::Required;
        let maybe_required = !required && field.doubt.is_some_and(|d| d.aspect == Aspect::Required);
        return (required || maybe_required).then(|| Violation {
            code: Code::FIELD_REQUIRED,
            detail: if field.doubt.is_some_and(|d| d.aspect == Aspect::Required) {
                "空です（仕様では必須と読める項目です）".to_owned()
            } else {
                "必須項目が空です".to_owned()
            },
            beyond_doubt: false,
        });
    }
    let b = value.as_bytes();
    let shown = Shown(value);
    let zeros = field.zero_allowed && b.iter().all(|&c| c == b'0');
    let format_ok = match field.format {
        FieldFormat::FreeText => true,
        FieldFormat::Unused => {
            return violation(
                Code::FIELD_UNUSED,
                format!("使用しない項目に値「{shown}」があります"),
            );
        }
        FieldFormat::Digits => all_digits(b),
        FieldFormat::Integer => {
            let digits = b.strip_prefix(b"-").unwrap_or(b);
            all_digits(digits)
        }
        FieldFormat::Decimal2 => is_decimal2(b),
        FieldFormat::SmallNumber => all_digits(b) && (1..=99).contains(&num(b)) && b.len() <= 2,
        FieldFormat::Alphanumeric => b.iter().all(u8::is_ascii_alphanumeric),
        FieldFormat::Alphabetic => b.iter().all(u8::is_ascii_alphabetic),
        FieldFormat::Date => {
            if b.len() != len_of(FieldFormat::Date) || !all_digits(b) {
                false
            } else if zeros || digits_form_real_date(b) {
                true
            } else {
                return violation(Code::FIELD_DATE, format!("「{shown}」は存在しない日付です"));
            }
        }
        FieldFormat::YearMonth => {
            if b.len() != len_of(FieldFormat::YearMonth) || !all_digits(b) {
                false
            } else if zeros || digits_form_real_year_month(b) {
                true
            } else {
                return violation(Code::FIELD_DATE, format!("「{shown}」は存在しない年月です"));
            }
        }
        FieldFormat::Time | FieldFormat::TimeOr9999 => {
            if b.len() != len_of(FieldFormat::Time) || !all_digits(b) {
                false
            } else {
                match (two_digits(b, 0), two_digits(b, 2)) {
                    (99, 99) if field.format == FieldFormat::TimeOr9999 => true,
                    (24, 0) => {
                        return violation(
                            Code::FIELD_TIME_2400,
                            "時刻が2400です（時分は0000〜2359）".to_owned(),
                        );
                    }
                    (hours, minutes) => hours <= 23 && minutes <= 59,
                }
            }
        }
        FieldFormat::DayFlags31 => {
            b.len() == len_of(FieldFormat::DayFlags31) && b.iter().all(|&c| c == b'0' || c == b'1')
        }
        FieldFormat::PostalCode => {
            b.len() == len_of(FieldFormat::PostalCode)
                && b[3] == b'-'
                && all_digits(&b[..3])
                && all_digits(&b[4..])
        }
        FieldFormat::TaisCode => b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-'),
        FieldFormat::InsurerNumber => {
            b.len() == len_of(FieldFormat::InsurerNumber) && all_digits(b)
        }
        FieldFormat::InsuredNumber => {
            let ok = is_insured_number(value);
            if !ok
                && b.len() == len_of(FieldFormat::InsuredNumber)
                && b.iter().all(u8::is_ascii_alphanumeric)
            {
                // The only 10-alphanumeric value refused: `H` not followed by 9 digits.
                return violation(
                    Code::INSURED_NUMBER_H,
                    format!("「{shown}」は「H」で始まりますが、続く9桁が数字ではありません"),
                );
            }
            ok
        }
        FieldFormat::OfficeNumber => b.len() == len_of(FieldFormat::OfficeNumber) && all_digits(b),
        FieldFormat::PhoneNumber => b.iter().all(|&c| c.is_ascii_digit() || c == b'-'),
        FieldFormat::ServiceCode | FieldFormat::ServiceType => {
            Some(b.len()) == field.format.exact_len() && b.iter().all(u8::is_ascii_alphanumeric)
        }
    };
    if !format_ok {
        // A value of a fixed shape with the wrong length says so (only on this cold path,
        // so a good value pays nothing for it).
        if let Some(n) = field.format.exact_len().filter(|&n| b.len() != n) {
            return violation(Code::FIELD_FORMAT, wrong_length(field, value, n));
        }
        return violation(
            Code::FIELD_FORMAT,
            format!("「{shown}」は{}ではありません", format_name(field.format)),
        );
    }
    // A value no longer in bytes than the limit is within it in characters too (a
    // character is at least one byte): only longer ones are counted.
    if let Some(max) = field.max_len.filter(|&max| b.len() > usize::from(max)) {
        // Every format but free text has passed as ASCII: bytes are characters.
        let len = if field.format == FieldFormat::FreeText {
            value.chars().count()
        } else {
            value.len()
        };
        let counted = if field.format == FieldFormat::Integer && b.first() == Some(&b'-') {
            len - 1
        } else {
            len
        };
        if counted > usize::from(max) {
            let longest = field.doubt.and_then(|d| d.longest_reading);
            return Some(Violation {
                code: Code::FIELD_TOO_LONG,
                detail: format!("「{shown}」は{counted}文字で、項目長{max}を超えています"),
                beyond_doubt: longest.is_some_and(|n| counted > usize::from(n)),
            });
        }
    }
    if !zeros && !field.code_allowed(value) {
        return violation(
            Code::FIELD_CODE,
            format!("「{shown}」はコード表にない値です"),
        );
    }
    None
}

/// The exact length of a fixed-shape format, from the one table ([`FieldFormat::exact_len`]);
/// with a constant format the compiler folds it to a number.
const fn len_of(format: FieldFormat) -> usize {
    match format.exact_len() {
        Some(n) => n,
        None => 0,
    }
}

/// 「「13111」は5文字です。サービスコードは半角英数6文字（…）です」 (a value of a fixed shape
/// with the wrong length; a cold path, so characters are counted here).
fn wrong_length(field: &FieldSpec, value: &str, n: usize) -> String {
    let count = value.chars().count();
    let what = if count < n {
        "足りません"
    } else {
        "多すぎます"
    };
    format!(
        "「{}」は{count}文字で、{what}。{}は{}です",
        Shown(value),
        field.name_ja,
        field.format.shape_ja()
    )
}

/// The code list as a hint: 「使える値: 1=男性、2=女性」.
pub fn codes_hint(field: &FieldSpec) -> String {
    let list: Vec<String> = field
        .codes
        .iter()
        .map(|(c, m)| format!("{c}={m}"))
        .collect();
    format!("{}に使える値: {}。", field.name_ja, list.join("、"))
}

/// The fix hint for a violation of `field`.
pub fn hint_for(field: &FieldSpec, code: Code) -> String {
    match code {
        Code::FIELD_CODE => codes_hint(field),
        Code::FIELD_REQUIRED if field.doubt.is_some_and(|d| d.aspect == Aspect::Required) => {
            format!(
                "{}に値を入れてください。{}",
                field.name_ja,
                field.format.hint(&field.name_ja, field.max_len)
            )
        }
        Code::FIELD_REQUIRED => format!(
            "{}は必須です。{}",
            field.name_ja,
            field.format.hint(&field.name_ja, field.max_len)
        ),
        _ => field.format.hint(&field.name_ja, field.max_len),
    }
}

fn all_digits(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(u8::is_ascii_digit)
}

/// `99.99`: 1–2 integer digits, a dot, 2 fraction digits.
fn is_decimal2(b: &[u8]) -> bool {
    match b.iter().position(|&c| c == b'.') {
        Some(dot) => {
            (1..=2).contains(&dot)
                && all_digits(&b[..dot])
                && b.len() - dot - 1 == 2
                && all_digits(&b[dot + 1..])
        }
        None => false,
    }
}

fn format_name(f: FieldFormat) -> &'static str {
    match f {
        FieldFormat::Digits => "半角数字",
        FieldFormat::Integer => "半角数字の整数",
        FieldFormat::Decimal2 => "「99.99」形式の数値",
        FieldFormat::SmallNumber => "1〜99の半角数字",
        FieldFormat::Alphanumeric => "半角英数",
        FieldFormat::Alphabetic => "半角英字",
        FieldFormat::Date => "年月日8桁（YYYYMMDD）",
        FieldFormat::YearMonth => "年月6桁（YYYYMM）",
        FieldFormat::Time => "時分4桁（HHMM）",
        FieldFormat::TimeOr9999 => "時分4桁（HHMM）または9999",
        FieldFormat::DayFlags31 => "0と1の31文字",
        FieldFormat::PostalCode => "郵便番号（123-4567）",
        FieldFormat::TaisCode => "半角英数とハイフン",
        FieldFormat::FreeText => "文字列",
        FieldFormat::Unused => "空",
        FieldFormat::InsurerNumber => "半角数字6桁",
        FieldFormat::InsuredNumber => "半角英数10桁",
        FieldFormat::OfficeNumber => "半角数字10桁の事業所番号",
        FieldFormat::PhoneNumber => "半角数字とハイフンの電話番号",
        FieldFormat::ServiceCode | FieldFormat::ServiceType => "半角英数",
    }
}

/// A value as shown in a message: at most 20 characters, line breaks and controls as `?`.
pub struct Shown<'a>(pub &'a str);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (n, c) in self.0.chars().enumerate() {
            if n == 20 {
                return f.write_str("…");
            }
            let c = if c.is_control() { '?' } else { c };
            std::fmt::Write::write_char(f, c)?;
        }
        Ok(())
    }
}

/// 被保険者番号: 10 half-width alphanumerics; one that starts with `H` (生活保護単独) is `H`
/// followed by 9 digits. The ledger accepts exactly what the checker accepts.
pub fn is_insured_number(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == len_of(FieldFormat::InsuredNumber)
        && b.iter().all(u8::is_ascii_alphanumeric)
        && (b[0] != b'H' || all_digits(&b[1..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{LayoutGeneration, Spec};

    fn field(kind: &str, no: u16) -> &'static FieldSpec {
        Spec::get()
            .kind(kind)
            .unwrap()
            .layout(LayoutGeneration::V4)
            .unwrap()
            .field(no)
            .unwrap()
    }

    fn code(kind: &str, no: u16, v: &str) -> Option<Code> {
        check_value(field(kind, no), v).map(|x| x.code)
    }

    #[test]
    fn formats() {
        assert_eq!(code("UPPLAN", 2, "131016"), None);
        assert_eq!(code("UPPLAN", 2, "13101"), Some(Code::FIELD_FORMAT));
        assert_eq!(code("UPPLAN", 3, "H123456789"), None);
        assert_eq!(
            code("UPPLAN", 3, "H12345678X"),
            Some(Code::INSURED_NUMBER_H)
        );
        assert_eq!(code("UPPLAN", 3, "012345678"), Some(Code::FIELD_FORMAT));
        assert_eq!(code("UPPLAN", 3, ""), Some(Code::FIELD_REQUIRED));
        assert_eq!(code("UPPLAN", 4, "20250230"), Some(Code::FIELD_DATE));
        assert_eq!(code("UPPLAN", 5, "202513"), Some(Code::FIELD_DATE));
        assert_eq!(code("UPPLAN", 11, "1111100000000000000000000000000"), None);
        assert_eq!(
            code("UPPLAN", 11, "111110000000000000000000000000"),
            Some(Code::FIELD_FORMAT)
        );
        assert_eq!(code("UPPLAN", 12, "9999"), None);
        assert_eq!(code("UPPLAN", 12, "0960"), Some(Code::FIELD_FORMAT));
        assert_eq!(code("UPPLAN", 12, "2400"), Some(Code::FIELD_TIME_2400));
        assert_eq!(code("UPPLAN", 14, "123"), Some(Code::FIELD_TOO_LONG));
        assert_eq!(code("UPPLAN", 23, "2"), Some(Code::FIELD_CODE));
        assert_eq!(code("UPPLAN", 25, "x"), Some(Code::FIELD_UNUSED));
        assert_eq!(code("UPPLAN", 8, "-50"), None);
        assert_eq!(code("UPSIKYU", 23, "11.40"), None);
        assert_eq!(code("UPSIKYU", 23, "11.4"), Some(Code::FIELD_FORMAT));
        assert_eq!(code("UPHOSOKU", 4, "00000000"), None);
        assert_eq!(code("UPHOSOKU", 63, "000000"), None);
        assert_eq!(code("UPHOSOKU", 9, "123-4567"), None);
        assert_eq!(code("UPHOSOKU", 9, "1234567"), Some(Code::FIELD_FORMAT));
        assert_eq!(code("UPHOSOKU", 12, "03-1234-5678"), None);
        assert_eq!(code("UP2KYO", 6, "100"), Some(Code::FIELD_FORMAT));
        assert_eq!(code("UP2KYO", 15, "Y"), None);
    }

    #[test]
    fn fixed_shapes_refuse_shorter_values() {
        for (kind, no, ok, short) in [
            ("UPPLAN", 15, "111111", "11111"),
            ("UPSIKYU", 9, "11AAAA", "11AAA"),
            ("UPPLAN", 2, "131016", "13101"),
            ("UPPLAN", 3, "0000012345", "000012345"),
            ("UPPLAN", 20, "1310000002", "131000000"),
            ("UPPLAN", 6, "1310000001", "131000000"),
            ("UPPLAN", 10, "20250501", "2025051"),
            ("UPPLAN", 5, "202505", "20255"),
            ("UPPLAN", 12, "0930", "930"),
            ("UP3KYO", 11, "0930", "930"),
            ("UPHOSOKU", 20, "11", "1"),
            ("DLTJSK", 6, "2A", "2"),
        ] {
            assert_eq!(code(kind, no, ok), None, "{kind} No.{no} {ok}");
            assert_eq!(
                code(kind, no, short),
                Some(Code::FIELD_FORMAT),
                "{kind} No.{no} {short}"
            );
        }
        let detail = check_value(field("UPPLAN", 15), "13111").unwrap().detail;
        assert_eq!(
            detail,
            "「13111」は5文字で、足りません。サービスコードは半角英数6文字（サービス種類2文字と項目4文字）です"
        );
        assert_eq!(code("UPPLAN", 15, "1111111"), Some(Code::FIELD_FORMAT));
        assert_eq!(code("UPPLAN", 15, "11-111"), Some(Code::FIELD_FORMAT));
    }

    #[test]
    fn lengths_count_characters_of_free_text_and_digits_of_integers() {
        let base = field("UPPLAN", 12);
        let with = |format, max_len| FieldSpec {
            format,
            max_len: Some(max_len),
            codes: Vec::new(),
            name_ja: "項目".into(),
            ..*base
        };
        let text = with(FieldFormat::FreeText, 5);
        let code = |f: &FieldSpec, v: &str| check_value(f, v).map(|x| x.code);
        // 5 characters in 15 bytes: within; 6 characters: too long, ASCII or not.
        assert_eq!(code(&text, "あいうえお"), None);
        assert_eq!(code(&text, "ｱｲｳｴｵ"), None);
        assert_eq!(code(&text, "abcde"), None);
        assert_eq!(code(&text, "あいうえおか"), Some(Code::FIELD_TOO_LONG));
        assert_eq!(code(&text, "abcdef"), Some(Code::FIELD_TOO_LONG));
        let integer = with(FieldFormat::Integer, 3);
        assert_eq!(code(&integer, "-123"), None);
        assert_eq!(code(&integer, "1234"), Some(Code::FIELD_TOO_LONG));
        assert_eq!(code(&integer, "-1234"), Some(Code::FIELD_TOO_LONG));
    }

    #[test]
    fn times() {
        let or_9999 = field("UPPLAN", 12);
        assert_eq!(or_9999.format, FieldFormat::TimeOr9999);
        let plain = FieldSpec {
            format: FieldFormat::Time,
            codes: Vec::new(),
            name_ja: "時刻".into(),
            ..*or_9999
        };
        let code = |f: &FieldSpec, v: &str| check_value(f, v).map(|x| x.code);
        for ok in ["0000", "0959", "2359"] {
            assert_eq!((code(or_9999, ok), code(&plain, ok)), (None, None), "{ok}");
        }
        assert_eq!(code(or_9999, "9999"), None);
        assert_eq!(code(&plain, "9999"), Some(Code::FIELD_FORMAT));
        assert_eq!(code(&plain, "2400"), Some(Code::FIELD_TIME_2400));
        for bad in ["2401", "2460", "0060", "9959", "999", "09:00", "０９００"] {
            assert_eq!(code(or_9999, bad), Some(Code::FIELD_FORMAT), "{bad}");
        }
    }

    #[test]
    fn shown_values_are_short_and_single_line() {
        assert_eq!(Shown("a\r\nb").to_string(), "a??b");
        assert_eq!(Shown(&"あ".repeat(30)).to_string().chars().count(), 21);
    }
}
