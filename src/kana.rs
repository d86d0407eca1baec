//! Readings (フリガナ) of clients' names: one spelling for what files write in many
//! (「ﾊﾏﾀﾞ ﾏｻｵ」, 「ハマダ　マサオ」), the 五十音 order offices file clients in, and search by
//! かな or by part of the name.
//!
//! Why by hand on top of `unicode-normalization`: NFKC does the hard part (half-width カナ
//! with separate ﾞ/ﾟ to composed full-width), the rest is the Japanese convention of ordering:
//! voiced and small kana sort with their plain kana first (か = が, つ = っ) and only then apart.

use std::cmp::Ordering;

use unicode_normalization::UnicodeNormalization;

/// The reading as one spelling: full-width カタカナ, words separated by one space, nothing
/// else changed. `None` when nothing is left.
pub fn normalize_reading(text: &str) -> Option<String> {
    let wide: String = text.nfkc().collect();
    let words: Vec<&str> = wide.split_whitespace().collect();
    let joined = words.join(" ");
    let katakana: String = joined.chars().map(hiragana_to_katakana).collect();
    (!katakana.is_empty()).then_some(katakana)
}

fn hiragana_to_katakana(c: char) -> char {
    match c {
        'ぁ'..='ゖ' | 'ゝ' | 'ゞ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        _ => c,
    }
}

fn katakana_to_hiragana(c: char) -> char {
    match c {
        'ァ'..='ヶ' | 'ヽ' | 'ヾ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => c,
    }
}

/// Text for matching: NFKC (full-width letters and half-width カナ alike), ひらがな, no spaces,
/// ASCII letters lower case. Both the query and what it is matched against go through it.
pub fn search_form(text: &str) -> String {
    text.nfkc()
        .filter(|c| !c.is_whitespace())
        .map(katakana_to_hiragana)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The plain kana of a voiced or small one: が → か, ぱ → は, っ → つ, ゃ → や.
fn plain(c: char) -> char {
    let base = c.nfd().next().unwrap_or(c);
    match base {
        'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | 'っ' | 'ゃ' | 'ゅ' | 'ょ' | 'ゎ' => {
            char::from_u32(base as u32 + 1).unwrap_or(base)
        }
        'ゕ' => 'か',
        'ゖ' => 'け',
        _ => base,
    }
}

/// The key that sorts readings in 五十音 order: first by plain kana, then as written (so
/// 「ばば」 < 「はまだ」 < 「はやし」: voiced kana do not jump to the end of their row).
pub fn gojuon_key(reading: &str) -> (String, String) {
    let written = search_form(reading);
    let first: String = written.chars().map(plain).collect();
    (first, written)
}

/// Compares two clients for a list in 五十音 order: by reading where both have one; a client
/// without a reading (old records, files without 利用者補足情報) comes after those with one, by
/// name.
pub fn compare_clients(a: (Option<&str>, &str), b: (Option<&str>, &str)) -> Ordering {
    match (a.0, b.0) {
        (Some(x), Some(y)) => gojuon_key(x).cmp(&gojuon_key(y)).then_with(|| a.1.cmp(b.1)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.1.cmp(b.1),
    }
}

/// The first plain kana of a reading's row of the 五十音 table (あ, か, さ …), for headings
/// in a long list; `None` for a reading that does not start with kana.
pub fn gojuon_row(reading: &str) -> Option<char> {
    const ROWS: [(char, char); 10] = [
        ('あ', 'お'),
        ('か', 'ご'),
        ('さ', 'ぞ'),
        ('た', 'ど'),
        ('な', 'の'),
        ('は', 'ぽ'),
        ('ま', 'も'),
        ('や', 'よ'),
        ('ら', 'ろ'),
        ('わ', 'ん'),
    ];
    let first = plain(search_form(reading).chars().next()?);
    ROWS.iter()
        .find(|(from, to)| (*from..=*to).contains(&first))
        .map(|(from, _)| *from)
}

/// Whether a client matches what was typed: part of the name (as written, or in ひらがな for
/// a name written in カナ) or of the reading, typed in ひらがな, カタカナ or half-width カナ.
pub fn matches_client(query: &str, name: &str, reading: Option<&str>) -> bool {
    let q = search_form(query);
    if q.is_empty() {
        return true;
    }
    search_form(name).contains(&q) || reading.is_some_and(|r| search_form(r).contains(&q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_readings_become_one_spelling() {
        assert_eq!(
            normalize_reading("ﾊﾏﾀﾞ ﾏｻｵ").as_deref(),
            Some("ハマダ マサオ")
        );
        assert_eq!(
            normalize_reading("はまだ　 まさお").as_deref(),
            Some("ハマダ マサオ")
        );
        assert_eq!(normalize_reading("ﾊﾟﾝ").as_deref(), Some("パン"));
        assert_eq!(normalize_reading("  ").as_deref(), None);
    }

    #[test]
    fn readings_sort_in_gojuon_order() {
        let mut names = vec![
            "ワタナベ",
            "ハヤシ",
            "ババ",
            "アベ",
            "ハマダ",
            "カトウ",
            "ガモウ",
        ];
        names.sort_by_key(|n| gojuon_key(n));
        assert_eq!(
            names,
            vec![
                "アベ",
                "カトウ",
                "ガモウ",
                "ババ",
                "ハマダ",
                "ハヤシ",
                "ワタナベ"
            ]
        );
        // Small kana sort with their plain kana first: キッタ between キタ and キツネ.
        let mut small = vec!["キツネ", "キッタ", "キタ"];
        small.sort_by_key(|n| gojuon_key(n));
        assert_eq!(small, vec!["キタ", "キッタ", "キツネ"]);
    }

    #[test]
    fn clients_without_a_reading_come_last() {
        let mut clients = [
            (None, "山田 太郎"),
            (Some("ワタナベ"), "渡辺"),
            (Some("アベ"), "阿部"),
        ];
        clients.sort_by(|a, b| compare_clients(*a, *b));
        let names: Vec<&str> = clients.iter().map(|c| c.1).collect();
        assert_eq!(names, vec!["阿部", "渡辺", "山田 太郎"]);
    }

    #[test]
    fn search_by_kana_in_any_width_or_by_name() {
        assert!(matches_client("はまだ", "濵田 正男", Some("ハマダ マサオ")));
        assert!(matches_client("ﾊﾏﾀﾞ", "濵田 正男", Some("ハマダ マサオ")));
        assert!(matches_client("マサオ", "濵田 正男", Some("ハマダ マサオ")));
        assert!(matches_client("濵田", "濵田 正男", None));
        assert!(!matches_client(
            "やまだ",
            "濵田 正男",
            Some("ハマダ マサオ")
        ));
        assert!(matches_client("", "濵田 正男", None));
    }

    #[test]
    fn rows_of_the_table() {
        assert_eq!(gojuon_row("ガモウ"), Some('か'));
        assert_eq!(gojuon_row("ﾊﾟｸ"), Some('は'));
        assert_eq!(gojuon_row("ンジャメナ"), Some('わ'));
        assert_eq!(gojuon_row("ABC"), None);
    }
}
