//! Text from files as people must see it: characters that change how text looks without
//! showing themselves (bidirectional controls such as U+202E, which make `…30` + U+202E +
//! `VSC.exe` read `…30exe.CSV`; zero-width characters; control characters) are written out as 〔U+202E〕.
//!
//! Used wherever a file name or a cell from a file is shown, printed or exported, so what an
//! inspector reads is what the bytes say.

/// Whether a character is invisible or changes the display of its neighbours.
fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{E0000}'..='\u{E0FFF}')
        || (c.is_control() && c != '\n')
}

/// Whether the text holds any character [`visible`] would write out.
pub fn has_hidden(text: &str) -> bool {
    text.chars().any(is_hidden)
}

/// The text with every hidden character written as 〔U+XXXX〕 (line breaks are kept).
pub fn visible(text: &str) -> String {
    if !has_hidden(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hidden(c) {
            out.push_str(&format!("〔U+{:04X}〕", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// The hidden characters of a text, for a warning: 「〔U+202E〕」, each once, in order.
pub fn hidden_list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in text.chars().filter(|c| is_hidden(*c)) {
        let code = format!("〔U+{:04X}〕", c as u32);
        if !out.contains(&code) {
            out.push(code);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_right_to_left_override_is_shown_not_obeyed() {
        let name = "UPPLAN_202505_1310000001_43_1310000002_11_20250425093000\u{202E}VSC.exe";
        assert!(has_hidden(name));
        assert_eq!(
            visible(name),
            "UPPLAN_202505_1310000001_43_1310000002_11_20250425093000〔U+202E〕VSC.exe"
        );
        assert_eq!(hidden_list(name), vec!["〔U+202E〕"]);
    }

    #[test]
    fn zero_width_controls_and_tags_are_written_out() {
        for c in [
            '\u{200B}',
            '\u{200D}',
            '\u{2066}',
            '\u{FEFF}',
            '\u{0007}',
            '\u{7F}',
            '\u{E0041}',
            '\t',
        ] {
            let text = format!("山田{c}花子");
            assert!(has_hidden(&text), "{:04X}", c as u32);
            assert!(visible(&text).contains(&format!("〔U+{:04X}〕", c as u32)));
        }
    }

    #[test]
    fn ordinary_japanese_text_is_unchanged() {
        for text in [
            "濵田 正男",
            "髙橋　﨑子",
            "ﾊﾏﾀﾞ ﾏｻｵ",
            "①②",
            "メモ\n二行目",
            "UPPLAN_202505.CSV",
        ] {
            assert!(!has_hidden(text), "{text}");
            assert_eq!(visible(text), text);
        }
    }
}
