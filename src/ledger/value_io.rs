//! Reading typed records out of a `serde_json::Value` strictly, with Japanese errors that name
//! the field (`entries[3].subject.file.size`).
//!
//! Why not `#[derive(Deserialize)]`: a hashed record must have exactly one spelling. The
//! reader refuses unknown keys and wrong types, and callers then check that the typed record
//! writes back to the very same value, so what is hashed is what is shown.

use serde_json::{Map, Value};
use std::fmt;

/// A record that does not have the documented shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError(pub String);

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormatError {}

/// A JSON object being read field by field; [`Obj::finish`] refuses leftover keys.
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
    used: Vec<&'static str>,
}

impl<'a> Obj<'a> {
    /// Starts reading `value`, which must be an object; `path` names it in errors.
    pub fn new(value: &'a Value, path: impl Into<String>) -> Result<Obj<'a>, FormatError> {
        let path = path.into();
        match value {
            Value::Object(map) => Ok(Obj {
                map,
                path,
                used: Vec::new(),
            }),
            _ => Err(FormatError(format!(
                "{path} はオブジェクト({{…}})である必要があります"
            ))),
        }
    }

    /// The dotted path of a field, for messages.
    pub fn field_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{}", self.path, key)
        }
    }

    /// The raw value of an optional field.
    pub fn opt(&mut self, key: &'static str) -> Option<&'a Value> {
        self.used.push(key);
        self.map.get(key)
    }

    /// The raw value of a required field.
    pub fn req(&mut self, key: &'static str) -> Result<&'a Value, FormatError> {
        let path = self.field_path(key);
        self.opt(key)
            .ok_or_else(|| FormatError(format!("{path} がありません")))
    }

    /// A required string.
    pub fn str(&mut self, key: &'static str) -> Result<&'a str, FormatError> {
        let path = self.field_path(key);
        as_str(self.req(key)?, &path)
    }

    /// An optional string.
    pub fn opt_str(&mut self, key: &'static str) -> Result<Option<&'a str>, FormatError> {
        let path = self.field_path(key);
        self.opt(key).map(|v| as_str(v, &path)).transpose()
    }

    /// A required non-negative integer.
    pub fn u64(&mut self, key: &'static str) -> Result<u64, FormatError> {
        let path = self.field_path(key);
        as_u64(self.req(key)?, &path)
    }

    /// An optional non-negative integer.
    pub fn opt_u64(&mut self, key: &'static str) -> Result<Option<u64>, FormatError> {
        let path = self.field_path(key);
        self.opt(key).map(|v| as_u64(v, &path)).transpose()
    }

    /// A required boolean.
    pub fn bool(&mut self, key: &'static str) -> Result<bool, FormatError> {
        let path = self.field_path(key);
        match self.req(key)? {
            Value::Bool(b) => Ok(*b),
            _ => Err(FormatError(format!(
                "{path} は true か false である必要があります"
            ))),
        }
    }

    /// A required array.
    pub fn array(&mut self, key: &'static str) -> Result<&'a Vec<Value>, FormatError> {
        let path = self.field_path(key);
        match self.req(key)? {
            Value::Array(items) => Ok(items),
            _ => Err(FormatError(format!(
                "{path} は配列([…])である必要があります"
            ))),
        }
    }

    /// Refuses any key that was not read: an unknown field would not be covered by the
    /// typed record and could change unnoticed.
    pub fn finish(self) -> Result<(), FormatError> {
        for key in self.map.keys() {
            if !self.used.contains(&key.as_str()) {
                return Err(FormatError(format!(
                    "{} に未知の項目 \"{}\" があります",
                    if self.path.is_empty() {
                        "文書"
                    } else {
                        &self.path
                    },
                    key
                )));
            }
        }
        Ok(())
    }
}

fn as_str<'a>(v: &'a Value, path: &str) -> Result<&'a str, FormatError> {
    v.as_str()
        .ok_or_else(|| FormatError(format!("{path} は文字列である必要があります")))
}

fn as_u64(v: &Value, path: &str) -> Result<u64, FormatError> {
    v.as_u64()
        .ok_or_else(|| FormatError(format!("{path} は0以上の整数である必要があります")))
}
