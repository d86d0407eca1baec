//! サービス種類コード (the 2 characters in V4 file names and the first two of a サービスコード)
//! in words, as far as the spec says.
//!
//! The spec compiled in `docs/spec/` has **no table of サービス種類コード**: it names only
//! 43 居宅介護支援 and 11 訪問介護 as examples (spec.md, 事業所番号), and 22 as the code to
//! set for 短期入所療養介護 (介護老人保健施設) in the 利用者補足情報 種類 slots. The national code
//! list lives in another document the project has not compiled, so every other code is shown
//! as the code itself (「種類15」) rather than guessed.

/// The name the spec gives a サービス種類コード, if it gives one.
pub fn name_ja(code: &str) -> Option<&'static str> {
    match code {
        "43" => Some("居宅介護支援"),
        "11" => Some("訪問介護"),
        "22" => Some("短期入所療養介護（介護老人保健施設）"),
        _ => None,
    }
}

/// The kind as a clerk reads it: 「訪問介護」 where the spec names it, else 「種類15」.
pub fn label_ja(code: &str) -> String {
    match name_ja(code) {
        Some(name) => name.to_owned(),
        None => format!("種類{code}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_codes_read_as_words_and_the_rest_as_the_code() {
        assert_eq!(label_ja("11"), "訪問介護");
        assert_eq!(label_ja("43"), "居宅介護支援");
        assert_eq!(label_ja("15"), "種類15");
        assert_eq!(label_ja("2A"), "種類2A");
    }
}
