//! The canonical JSON form that entry hashes are computed over: RFC 8785 (JSON
//! Canonicalization Scheme, JCS), restricted to integers.
//!
//! Why JCS: an independent verifier in any language can rebuild the exact bytes from the
//! parsed JSON without knowing how we happened to print it. Why our own implementation: it is
//! eighty lines over `serde_json::Value`, and the one hard part of JCS, printing binary
//! floating point like ECMAScript does, is avoided by allowing integers only (|n| ≤ 2^53−1,
//! where every JCS implementation prints plain decimal digits). Anything else is refused, both
//! when canonicalizing and when reading: a float in a backup is a format error, not a value.
//!
//! Reading goes through [`parse_strict`], which additionally refuses duplicate object keys
//! (RFC 8785 §3.1 requires unique names; `serde_json` would silently keep the last one, which
//! would let a changed byte hide a value).

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Largest integer JSON can carry exactly in every language (2^53 − 1).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Why a value has no canonical form (Japanese text, shown to the user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalError(pub String);

impl fmt::Display for CanonicalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CanonicalError {}

/// The RFC 8785 canonical UTF-8 text of `value`.
pub fn canonicalize(value: &Value) -> Result<String, CanonicalError> {
    let mut out = String::new();
    write_value(&mut out, value)?;
    Ok(out)
}

/// Appends the canonical text of `value` to `out` (lets callers reuse one buffer).
pub fn write_value(out: &mut String, value: &Value) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_integer(out, n)?,
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            // UTF-16 order equals code point (= UTF-8 byte) order unless a key has a character
            // at or above U+E000 (surrogate pairs sort below U+E000..U+FFFF). Our own keys are
            // ASCII and usually arrive sorted, so the costly comparison is rarely needed.
            let simple = keys.iter().all(|k| k.chars().all(|c| (c as u32) < 0xE000));
            if !(simple && keys.is_sorted()) {
                keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            }
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, &map[key])?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_integer(out: &mut String, n: &serde_json::Number) -> Result<(), CanonicalError> {
    if let Some(u) = n.as_u64() {
        if u <= MAX_SAFE_INTEGER {
            out.push_str(&u.to_string());
            return Ok(());
        }
    } else if let Some(i) = n.as_i64() {
        if i.unsigned_abs() <= MAX_SAFE_INTEGER {
            out.push_str(&i.to_string());
            return Ok(());
        }
    }
    Err(CanonicalError(format!(
        "数値 {n} は使えません(整数 ±{MAX_SAFE_INTEGER} の範囲のみ)"
    )))
}

/// JCS string escaping (RFC 8785 §3.2.2.2): `"` `\` and the two-letter escapes for
/// \b \t \n \f \r, `\u00xx` (lower-case hex) for the other controls, everything else as is.
/// Runs without escapes (nearly all text) are copied in one piece.
pub(crate) fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        // Only ASCII bytes are escaped, so `i` is always a character boundary.
        out.push_str(&s[start..i]);
        start = i + 1;
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0c => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            c => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Parses JSON text strictly: no duplicate keys, integers only within ±(2^53 − 1), nesting
/// limited by `serde_json`'s recursion limit. Never panics; the error is Japanese.
pub fn parse_strict(text: &str) -> Result<Value, CanonicalError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let StrictValue(value) = StrictValue::deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(json_error)?;
    Ok(value)
}

fn json_error(e: serde_json::Error) -> CanonicalError {
    CanonicalError(format!(
        "JSONとして読めません({}行目 {}文字目): {}",
        e.line(),
        e.column(),
        e
    ))
}

/// A `serde_json::Value` built by a visitor that refuses what JCS cannot represent.
pub(crate) struct StrictValue(pub(crate) Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        if v.unsigned_abs() > MAX_SAFE_INTEGER {
            return Err(E::custom("整数が大きすぎます"));
        }
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        if v > MAX_SAFE_INTEGER {
            return Err(E::custom("整数が大きすぎます"));
        }
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
        Err(E::custom("小数・指数表記の数値は使えません(整数のみ)"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let StrictValue(v) = map.next_value()?;
            if out.insert(key.clone(), v).is_some() {
                return Err(de::Error::custom(format!(
                    "項目名 \"{key}\" が重複しています"
                )));
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        canonicalize(&parse_strict(text).unwrap()).unwrap()
    }

    /// RFC 8785 §3.2.2.2 (string escaping), the example in the text.
    #[test]
    fn rfc8785_string_example() {
        let input = r#""\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/""#;
        assert_eq!(canon(input), "\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"");
    }

    /// RFC 8785 §3.2.3 (sorting by UTF-16 code units): the "weird" test vector, where
    /// U+1F600 (surrogates D83D DE00) sorts before U+FB33 although its code point is larger.
    #[test]
    fn rfc8785_sorting_example() {
        let input = r#"{
            "\u20ac": "Euro Sign",
            "\r": "Carriage Return",
            "\ufb33": "Hebrew Letter Dalet With Dagesh",
            "1": "One",
            "\ud83d\ude00": "Emoji: Grinning Face",
            "\u0080": "Control",
            "\u00f6": "Latin Small Letter O With Diaeresis"
        }"#;
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\
            \"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\
            \"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
        assert_eq!(canon(input), expected);
    }

    /// RFC 8785 Appendix / cyberphone test data "structures.json" restricted to integers:
    /// nested objects sorted at every level, arrays kept in order, whitespace removed.
    #[test]
    fn nested_structures() {
        let input = r#"{ "1": {"f": {"f": "hi","F": 5} ,"\n": 56},
            "10": { }, "": "empty", "a": { }, "111": [ {"e": "yes","E": "no" } ], "A": { } }"#;
        assert_eq!(
            canon(input),
            r#"{"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],"A":{},"a":{}}"#
        );
    }

    #[test]
    fn integers_and_literals() {
        assert_eq!(
            canon("[0, 1, -1, 9007199254740991, -9007199254740991, null, true, false]"),
            "[0,1,-1,9007199254740991,-9007199254740991,null,true,false]"
        );
        // serde_json reads -0 as a float; refusing it keeps one spelling of zero.
        assert!(parse_strict("-0").is_err());
        assert!(parse_strict("1.5").is_err());
        assert!(parse_strict("1e3").is_err());
        assert!(parse_strict("1.0").is_err());
        assert!(parse_strict("9007199254740992").is_err());
        assert!(parse_strict("-9007199254740992").is_err());
    }

    #[test]
    fn controls_and_non_ascii_are_escaped_as_jcs_says() {
        let v = Value::String("\u{1}\u{1f}\u{7f}\u{2028}日本".into());
        assert_eq!(
            canonicalize(&v).unwrap(),
            "\"\\u0001\\u001f\u{7f}\u{2028}日本\""
        );
    }

    #[test]
    fn strict_parse_refuses_what_would_hide_changes() {
        let e = parse_strict(r#"{"a":1,"a":2}"#).unwrap_err();
        assert!(e.0.contains("重複"), "{e}");
        assert!(parse_strict(r#"{"a":1} x"#).is_err());
        assert!(parse_strict(r#""\ud800""#).is_err());
        assert!(parse_strict("").is_err());
        let deep = "[".repeat(10_000);
        assert!(parse_strict(&deep).is_err());
    }
}
