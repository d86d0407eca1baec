//! What exactly the compiled spec is unsure of in a row marked below "high" confidence.
//!
//! `fields.json` marks a row's `confidence`, and its prose says what the doubt is about:
//! almost always whether the field is required (the 必須 column of the layout dump is shifted
//! against the names), twice a 項目長, once a note's row. A checker that lowered every finding
//! of such a row to a warning would call a 外字 or a wrong code in 利用者氏名 a warning, so
//! the doubt is narrowed here to one [`Aspect`]: only findings about that aspect are lowered,
//! and their hint says why. Every other finding of the row keeps its full severity.
//!
//! The table below is read off the `confidence` texts (see `docs/spec/resolutions.md`); a test
//! checks that it names exactly the uncertain rows of `fields.json`, so a new uncertain row
//! cannot pass unclassified. A row missing from the table falls back to [`Aspect::Unknown`],
//! which lowers all of its findings, as before this table existed.

/// The part of a row the spec is unsure of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aspect {
    /// Whether the field is required (○ in the 必須 column): an empty value is a warning.
    Required,
    /// The 項目長: a value over it is a warning.
    Length,
    /// The code list: a value not in it is a warning (no row has this doubt today; a row
    /// that gets one is classified here).
    Codes,
    /// Whether a fixed-value note (「9999999999を固定でセット」) belongs to this row.
    FixedValue,
    /// Not classified: every finding of the row is lowered to a warning.
    Unknown,
}

/// An uncertain aspect with the plain-Japanese reason that the hint of a lowered finding ends
/// with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Doubt {
    pub aspect: Aspect,
    pub reason_ja: &'static str,
    /// For a 項目長 in doubt between readings: the longest reading. A value longer than every
    /// reading is too long whichever is right, so that finding keeps its full severity.
    pub longest_reading: Option<u16>,
}

/// The reason for an uncertain 必須 mark, in the words the clerk sees.
pub const REQUIRED_REASON: &str = "仕様で必須かどうかがはっきりしないため、警告にしています。";

const REQUIRED: Doubt = Doubt {
    aspect: Aspect::Required,
    reason_ja: REQUIRED_REASON,
    longest_reading: None,
};

/// (file kinds, 日本語名称) → the doubt. V3 rows share their V4 row's names.
const DOUBTS: &[(&[&str], &str, Doubt)] = &[
    // UPHOSOKU No.5–8: medium-high, "the 必須 column holds 9 ○ …".
    (&["UPHOSOKU"], "利用者氏名フリガナ", REQUIRED),
    (&["UPHOSOKU"], "利用者氏名", REQUIRED),
    (&["UPHOSOKU"], "利用者性別", REQUIRED),
    (&["UPHOSOKU"], "利用者生年月日", REQUIRED),
    // 第6表 No.6/7: medium, the ○-count argument; No.8: low "(required mark) … treat an
    // empty No.8 as a warning" although its 必須 is "no".
    (&["UPPLAN", "UPJSK"], "プラン担当業者コード", REQUIRED),
    (&["UPPLAN", "UPJSK"], "プラン担当者名", REQUIRED),
    (&["UPPLAN", "UPJSK"], "単位数", REQUIRED),
    // 第6表 No.19: low, "the layout dump has no 項目長 for this field … 2 is honobono's
    // assumption".
    (
        &["UPPLAN", "UPJSK"],
        "明細判別コード",
        Doubt {
            aspect: Aspect::Length,
            reason_ja: "仕様書にこの項目の項目長が読み取れる形で載っておらず、2桁は推定のため、警告にしています。",
            longest_reading: None,
        },
    ),
    // 第7表 No.30: medium, printed 2 in V4.1, 5 since the 3.2 change log; the row says to
    // accept up to 5, so 3–5 digits pass and more is wrong under both readings (an error).
    (
        &["UPSIKYU"],
        "前月までの利用日数",
        Doubt {
            aspect: Aspect::Length,
            reason_ja: "仕様書の項目長は第4.1版の表では2、第3.2版の変更では5で、はっきりしないため、警告にしています。",
            longest_reading: Some(5),
        },
    ),
    // 第7表 No.34/35: medium-high, which of the two rows the 「9999999999を固定でセット」 note
    // belongs to.
    (
        &["UPSIKYU"],
        "事業所コード",
        Doubt {
            aspect: Aspect::FixedValue,
            reason_ja: "仕様書の「9999999999を固定でセット」の注記がこの項目のものと読めますが、はっきりしないため、警告にしています。",
            longest_reading: None,
        },
    ),
    (
        &["UPSIKYU"],
        "入力者コード",
        Doubt {
            aspect: Aspect::FixedValue,
            reason_ja: "仕様書の注記がこの項目のものかどうかはっきりしないため、警告にしています。",
            longest_reading: None,
        },
    ),
];

const UNKNOWN: Doubt = Doubt {
    aspect: Aspect::Unknown,
    reason_ja: "仕様のこの項目の読み取りがはっきりしないため、警告にしています。",
    longest_reading: None,
};

/// The doubt of an uncertain row of `kind` named `name_ja`.
pub fn doubt_of(kind: &str, name_ja: &str) -> &'static Doubt {
    DOUBTS
        .iter()
        .find(|(kinds, name, _)| *name == name_ja && kinds.contains(&kind))
        .map_or(&UNKNOWN, |(_, _, d)| d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{LayoutGeneration, Spec};

    #[test]
    fn the_table_names_exactly_the_uncertain_rows() {
        let mut uncertain = std::collections::BTreeSet::new();
        for kind in &Spec::get().kinds {
            for g in [LayoutGeneration::V4, LayoutGeneration::V3] {
                for f in kind.layout(g).map_or(&[][..], |l| &l.fields) {
                    if let Some(d) = f.doubt {
                        assert_ne!(d.aspect, Aspect::Unknown, "{} {}", kind.id, f.name_ja);
                        uncertain.insert((kind.id.as_str(), f.name_ja.as_str()));
                    }
                }
            }
        }
        let table: std::collections::BTreeSet<(&str, &str)> = DOUBTS
            .iter()
            .flat_map(|(kinds, name, _)| kinds.iter().map(move |k| (*k, *name)))
            .collect();
        assert_eq!(uncertain, table);
    }

    #[test]
    fn the_required_reason_is_the_promised_wording() {
        assert_eq!(
            doubt_of("UPPLAN", "プラン担当業者コード").reason_ja,
            REQUIRED_REASON
        );
        assert!(
            REQUIRED_REASON.starts_with("仕様で必須かどうかがはっきりしないため、警告にしています")
        );
        assert_eq!(doubt_of("UPPLAN", "被保険者番号").aspect, Aspect::Unknown);
    }
}
