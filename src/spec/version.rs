//! CSVバージョン values and the layout generation each one uses.
//!
//! The data itself has no "V4" label: field No.1 of every record holds the month the spec
//! version was issued (spec §1). The values are listed in `fields.json` (`csv_versions`);
//! which layout each one uses is said there only in prose, so it is written down here, and a
//! test keeps this list and the data's list equal.

/// A CSVバージョン value the spec defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpecVersion {
    /// `201910` 初版 (V1).
    V1,
    /// `202003` 第2版 (V2).
    V2,
    /// `202208` 第3版 / 3.1 / 3.2 (V3).
    V3,
    /// `202504` 第4.0版: the value V4.0 used before V4.1 changed it to `202407`.
    V4_0,
    /// `202407` 第4.1版 (V4), applied from service month 2025-04.
    V4_1,
}

/// Which field tables a file uses: the V3 ones or the V4 ones (第4.0版 and 第4.1版 share them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LayoutGeneration {
    V3,
    V4,
}

/// First service month (YYYYMM as a number) for which V4 applies (spec §1: "applies from
/// 2025-04 service month"). A V3 file for this month or later is out of date.
pub const V4_APPLIES_FROM_MONTH: u32 = 202504;

impl SpecVersion {
    pub const ALL: [SpecVersion; 5] = [
        SpecVersion::V1,
        SpecVersion::V2,
        SpecVersion::V3,
        SpecVersion::V4_0,
        SpecVersion::V4_1,
    ];

    /// Reads a CSVバージョン value; `None` for values the spec does not define (e.g. `202410`).
    pub fn from_csv_value(value: &str) -> Option<SpecVersion> {
        SpecVersion::ALL
            .into_iter()
            .find(|v| v.csv_value() == value)
    }

    /// The value written in field No.1.
    pub fn csv_value(self) -> &'static str {
        match self {
            SpecVersion::V1 => "201910",
            SpecVersion::V2 => "202003",
            SpecVersion::V3 => "202208",
            SpecVersion::V4_0 => "202504",
            SpecVersion::V4_1 => "202407",
        }
    }

    /// The layouts this version uses; `None` for V1/V2, whose tables the compiled spec lacks.
    pub fn generation(self) -> Option<LayoutGeneration> {
        match self {
            SpecVersion::V1 | SpecVersion::V2 => None,
            SpecVersion::V3 => Some(LayoutGeneration::V3),
            SpecVersion::V4_0 | SpecVersion::V4_1 => Some(LayoutGeneration::V4),
        }
    }

    /// A short Japanese label (第4.1版 …).
    pub fn label_ja(self) -> &'static str {
        match self {
            SpecVersion::V1 => "初版",
            SpecVersion::V2 => "第2版",
            SpecVersion::V3 => "第3版",
            SpecVersion::V4_0 => "第4.0版",
            SpecVersion::V4_1 => "第4.1版",
        }
    }
}

impl LayoutGeneration {
    pub fn label(self) -> &'static str {
        match self {
            LayoutGeneration::V3 => "V3",
            LayoutGeneration::V4 => "V4",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Spec;

    #[test]
    fn every_value_in_the_data_is_known_and_back() {
        let data: Vec<&str> = Spec::get()
            .csv_versions
            .iter()
            .map(|(v, _)| v.as_str())
            .collect();
        assert_eq!(data.len(), SpecVersion::ALL.len());
        for v in data {
            let parsed = SpecVersion::from_csv_value(v).expect(v);
            assert_eq!(parsed.csv_value(), v);
        }
        assert_eq!(SpecVersion::from_csv_value("202410"), None);
    }
}
