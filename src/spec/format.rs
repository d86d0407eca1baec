//! What a field's value must look like: the `type` strings of `fields.json` as an enum.
//!
//! Most variants map one `type` string. Four refine a plain type with what spec §2 says about
//! the domain's identifiers (保険者番号 = 6 digits, 被保険者番号 = 10 characters or `H` + 9
//! digits, 事業所番号 = 10 digits); phone numbers (英数 15) get their own variant because real
//! numbers carry hyphens, which plain 英数 would reject (a gap the spec leaves open).

/// The format of a field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldFormat {
    /// 数字: half-width digits.
    Digits,
    /// 整数: an integer, optionally negative (共生型 reductions).
    Integer,
    /// 数値 99.99: a decimal with two fraction digits (単位数単価).
    Decimal2,
    /// 数字 1-99: a small sequence number (課題ＮＯ …).
    SmallNumber,
    /// 英数: half-width letters and digits.
    Alphanumeric,
    /// 英字: half-width letters.
    Alphabetic,
    /// 日付 YYYYMMDD: a real calendar date.
    Date,
    /// 数字 YYYYMM: a year and month.
    YearMonth,
    /// HHMM: a time of day.
    Time,
    /// HHMM or 9999: a time, or 9999 for services without a time (第6表 No.12/13).
    TimeOr9999,
    /// 31-char 0/1 string: 日割対象日, character n = day n.
    DayFlags31,
    /// XXX-XXXX: a postal code.
    PostalCode,
    /// TAISコード: letters, digits and hyphens (e.g. `00001-000010`).
    TaisCode,
    /// Free text (フリーテキスト): any MS932 text, quoted.
    FreeText,
    /// 識別子 ※使用しない: must stay empty.
    Unused,
    /// 保険者番号: exactly 6 digits.
    InsurerNumber,
    /// 被保険者番号: 10 half-width alphanumerics; 生活保護単独 = `H` + 9 digits.
    InsuredNumber,
    /// 事業所番号 / 事業者コード: exactly 10 digits.
    OfficeNumber,
    /// 電話番号 / Fax番号: digits and hyphens.
    PhoneNumber,
    /// サービスコード: exactly 6 half-width alphanumerics, 2 of サービス種類 and 4 of 項目
    /// (第7表 summary rows: 種類 + `AAAA`/`EEEE`/`ZZZZ`, and `999999`).
    ServiceCode,
    /// サービス種類コード: exactly 2 half-width alphanumerics (11, 2A, A1 …).
    ServiceType,
}

/// 10-digit 数字 fields that hold an office number (事業所番号), by 日本語名称.
const OFFICE_NUMBER_FIELDS: &[&str] = &[
    "サービス事業者コード",
    "サービス事業所コード",
    "プラン担当業者コード",
    "介護支援事業者コード",
    "更新業者コード",
    "同意書受付業者",
    "事業所コード",
];

impl FieldFormat {
    /// Derives the format from a `fields.json` row (`type`, 日本語名称, 項目長).
    pub fn from_spec(type_: &str, name_ja: &str, max_len: Option<u16>) -> FieldFormat {
        if name_ja == "保険者番号" {
            return FieldFormat::InsurerNumber;
        }
        if name_ja == "被保険者番号" {
            return FieldFormat::InsuredNumber;
        }
        if (name_ja.contains("電話番号") || name_ja.contains("Fax番号")) && type_ == "英数"
        {
            return FieldFormat::PhoneNumber;
        }
        if name_ja == "TAISコード" {
            // 第6表 prints the example 00001-000010; 第7表 says only 英数 for the same code.
            return FieldFormat::TaisCode;
        }
        if type_ == "数字" && max_len == Some(10) && OFFICE_NUMBER_FIELDS.contains(&name_ja) {
            return FieldFormat::OfficeNumber;
        }
        if type_ == "英数" && max_len == Some(6) && name_ja == "サービスコード" {
            return FieldFormat::ServiceCode;
        }
        if type_ == "英数" && max_len == Some(2) && name_ja.ends_with("サービス種類コード")
        {
            return FieldFormat::ServiceType;
        }
        match type_ {
            "数字" => FieldFormat::Digits,
            "整数" => FieldFormat::Integer,
            "数値 99.99" => FieldFormat::Decimal2,
            "数字 1-99" => FieldFormat::SmallNumber,
            "英数" => FieldFormat::Alphanumeric,
            "英字" => FieldFormat::Alphabetic,
            "日付 YYYYMMDD" => FieldFormat::Date,
            "数字 YYYYMM" => FieldFormat::YearMonth,
            "HHMM" => FieldFormat::Time,
            "HHMM or 9999" => FieldFormat::TimeOr9999,
            "31-char 0/1 string" => FieldFormat::DayFlags31,
            "XXX-XXXX" => FieldFormat::PostalCode,
            "" => FieldFormat::Unused,
            t if t.starts_with("英数 (e.g.") => FieldFormat::TaisCode,
            // "free text (全角/半角 mixed, quoted)" and anything the table adds later:
            // accept rather than invent a rule.
            _ => FieldFormat::FreeText,
        }
    }

    /// The exact length in characters of every value of this format, when the spec gives an
    /// exact shape rather than a maximum (a shorter value is as wrong as a longer one). This
    /// is the one place the fixed shapes live: the column rules and the file-name tokens
    /// (事業所番号, 対象年月) both read them from here.
    pub const fn exact_len(self) -> Option<usize> {
        match self {
            FieldFormat::InsurerNumber | FieldFormat::YearMonth | FieldFormat::ServiceCode => {
                Some(6)
            }
            FieldFormat::InsuredNumber | FieldFormat::OfficeNumber => Some(10),
            FieldFormat::Date | FieldFormat::PostalCode => Some(8),
            FieldFormat::Time | FieldFormat::TimeOr9999 => Some(4),
            FieldFormat::DayFlags31 => Some(31),
            FieldFormat::ServiceType => Some(2),
            _ => None,
        }
    }

    /// The exact shape in words, for a value of the wrong length: 「6文字（サービス種類2文字
    /// と項目4文字）」.
    pub fn shape_ja(self) -> &'static str {
        match self {
            FieldFormat::InsurerNumber => "半角数字6桁",
            FieldFormat::InsuredNumber => "半角英数10文字",
            FieldFormat::OfficeNumber => "半角数字10桁",
            FieldFormat::Date => "8桁（YYYYMMDD）",
            FieldFormat::YearMonth => "6桁（YYYYMM）",
            FieldFormat::Time | FieldFormat::TimeOr9999 => "4桁（HHMM）",
            FieldFormat::DayFlags31 => "31文字",
            FieldFormat::PostalCode => "8文字（123-4567）",
            FieldFormat::ServiceCode => "半角英数6文字（サービス種類2文字と項目4文字）",
            FieldFormat::ServiceType => "半角英数2文字",
            _ => "",
        }
    }

    /// Whether values of this format are plain ASCII (checked on bytes, never decoded).
    pub fn is_ascii_only(self) -> bool {
        !matches!(self, FieldFormat::FreeText | FieldFormat::Unused)
    }

    /// The fix hint for a field of this format: what a correct value looks like.
    pub fn hint(self, name_ja: &str, max_len: Option<u16>) -> String {
        let len = max_len.map(|n| n.to_string()).unwrap_or_default();
        match self {
            FieldFormat::Digits => format!("{name_ja}は半角数字{len}桁以内です。"),
            FieldFormat::Integer => format!("{name_ja}は半角数字の整数で{len}桁以内です。"),
            FieldFormat::Decimal2 => {
                format!("{name_ja}は「11.40」のように整数部2桁以内・小数部2桁の半角数字です。")
            }
            FieldFormat::SmallNumber => format!("{name_ja}は1〜99の半角数字です。"),
            FieldFormat::Alphanumeric => format!("{name_ja}は半角英数{len}桁以内です。"),
            FieldFormat::Alphabetic => format!("{name_ja}は半角英字{len}文字以内です。"),
            FieldFormat::Date => {
                format!("{name_ja}は西暦の年月日8桁（例: 20250401）で、実在する日付です。")
            }
            FieldFormat::YearMonth => format!("{name_ja}は西暦の年月6桁（例: 202504）です。"),
            FieldFormat::Time => format!("{name_ja}は時分4桁（例: 0930）です。"),
            FieldFormat::TimeOr9999 => format!(
                "{name_ja}は時分4桁（例: 0930）です。時刻を表示しないサービスは9999にします。"
            ),
            FieldFormat::DayFlags31 => format!(
                "{name_ja}は0と1を31文字並べたもの（n文字目がn日）です。日割でないサービスは空にします。"
            ),
            FieldFormat::PostalCode => {
                format!("{name_ja}は「123-4567」の形（半角数字3桁、ハイフン、4桁）です。")
            }
            FieldFormat::TaisCode => {
                format!("{name_ja}は半角英数とハイフンで{len}文字以内です（例: 00001-000010）。")
            }
            FieldFormat::FreeText => format!("{name_ja}は文字列（フリーテキスト）です。"),
            FieldFormat::Unused => format!("{name_ja}は使用しない項目です。空にしてください。"),
            FieldFormat::InsurerNumber => "保険者番号は半角数字6桁です。".to_owned(),
            FieldFormat::InsuredNumber => {
                "被保険者番号は半角英数10桁です。生活保護単独の方は「H」と数字9桁です。"
                    .to_owned()
            }
            FieldFormat::OfficeNumber => {
                format!("{name_ja}は事業所番号（半角数字10桁）です。")
            }
            FieldFormat::PhoneNumber => {
                format!("{name_ja}は半角数字とハイフンで{len}文字以内です。")
            }
            FieldFormat::ServiceCode => format!(
                "{name_ja}はサービス種類2文字と項目4文字の、ちょうど6文字の半角英数です（例: 111111）。"
            ),
            FieldFormat::ServiceType => {
                format!("{name_ja}はちょうど2文字の半角英数です（例: 11、2A、A1）。")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{LayoutGeneration, Spec};

    #[test]
    fn every_type_string_in_the_spec_is_understood() {
        // FreeText is the fallback, so make sure only free-text rows land there.
        for kind in &Spec::get().kinds {
            for gen in [LayoutGeneration::V4, LayoutGeneration::V3] {
                let Some(layout) = kind.layout(gen) else {
                    continue;
                };
                for f in &layout.fields {
                    if f.format == FieldFormat::FreeText {
                        assert!(f.max_len.is_none(), "{} No.{}", kind.id, f.no);
                    }
                }
            }
        }
    }

    #[test]
    fn domain_identifiers_are_refined() {
        let upplan = Spec::get().kind("UPPLAN").unwrap();
        let l = upplan.layout(LayoutGeneration::V4).unwrap();
        assert_eq!(l.field(2).unwrap().format, FieldFormat::InsurerNumber);
        assert_eq!(l.field(3).unwrap().format, FieldFormat::InsuredNumber);
        assert_eq!(l.field(20).unwrap().format, FieldFormat::OfficeNumber);
        assert_eq!(l.field(12).unwrap().format, FieldFormat::TimeOr9999);
        assert_eq!(l.field(16).unwrap().format, FieldFormat::TaisCode);
        assert_eq!(l.field(25).unwrap().format, FieldFormat::Unused);
        assert_eq!(l.field(15).unwrap().format, FieldFormat::ServiceCode);
        let hosoku = Spec::get().kind("UPHOSOKU").unwrap();
        let h = hosoku.layout(LayoutGeneration::V4).unwrap();
        assert_eq!(h.field(20).unwrap().format, FieldFormat::ServiceType);
        let dltjsk = Spec::get().kind("DLTJSK").unwrap();
        let d = dltjsk.layout(LayoutGeneration::V4).unwrap();
        assert_eq!(d.field(6).unwrap().format, FieldFormat::ServiceType);
    }

    #[test]
    fn exact_shapes_agree_with_the_spec_lengths() {
        // Where a format has an exact length, it is the row's 項目長 (the spec as data).
        for kind in &Spec::get().kinds {
            for gen in [LayoutGeneration::V4, LayoutGeneration::V3] {
                for f in kind.layout(gen).map_or(&[][..], |l| &l.fields) {
                    if let Some(n) = f.format.exact_len() {
                        assert_eq!(
                            f.max_len.map(usize::from),
                            Some(n),
                            "{} No.{}",
                            kind.id,
                            f.no
                        );
                        assert!(!f.format.shape_ja().is_empty());
                    }
                }
            }
        }
    }
}
