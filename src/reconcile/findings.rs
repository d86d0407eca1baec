//! The reconciliation's finding catalogue: every code it can report, in one table, and the
//! one way to build a [`CrossFileFinding`] from it.
//!
//! The codes are separate from the checker's [`crate::check::Code`] on purpose: the checker
//! judges one file against the spec, these judge files against each other (送信単位, 版の順序,
//! 予定↔実績, 合計). Both share the finding shape ([`Finding`]), so the report, the page and
//! the ledger treat them alike. `docs/findings.md` has a section generated from
//! [`ReconcileCode::ALL`], kept equal by `tests/findings_doc.rs`.

use std::borrow::Cow;

use crate::check::findings::finding_catalogue;
use crate::check::{CrossFileFinding, Finding, RecordRef, Severity};

finding_catalogue! {
    /// Every cross-file finding code. The variant name is the stable code string.
    ReconcileCode;
    // 送信単位 (transmission units: files with the same 連番, 送信元 and 送信先)
    /// A unit lacks a file its set requires (e.g. 第6表 without 第7表 or 利用者補足情報).
    UNIT_MISSING_FILE => (Error, "送信単位（同じ連番のファイルの組み合わせ）に必要なファイルがありません。"),
    /// Two files of the same kind (and month) in one unit.
    UNIT_DUPLICATE_FILE => (Error, "送信単位に同じ種類のファイルが2つ以上あります。"),
    /// Files of different sets (or a 削除 file) share one 連番, 送信元 and 送信先.
    UNIT_MIXED_SETS => (Warning, "同じ連番・送信元・送信先に、別の組み合わせのファイルが混ざっています。"),
    /// Files of one unit have different CSVバージョン or name shapes (V3/V4).
    UNIT_VERSION_MIXED => (Error, "送信単位の中でCSVバージョン（版）が揃っていません。"),
    /// Files that belong to one set carry different 連番, so they travel as broken units.
    UNIT_SEQUENCE_MIXED => (Error, "1つの組み合わせのはずのファイルの連番が揃っていません。"),
    /// A dependent file's record whose key (保険者番号+被保険者番号+作成（変更）日/対象年月) is not in the parent file.
    UNIT_KEY_NO_PARENT => (Error, "親ファイル（第1表・第6表など）にない利用者のレコードがあります。"),
    /// A parent file's user with no record in a companion file of the same unit.
    UNIT_KEY_NO_DEPENDENT => (Error, "同じ送信単位の他のファイルに、この利用者のレコードがありません。"),
    // 版の順序 (version order and deletes)
    /// A unit with an older 連番 comes after a newer one for the same users (import in 連番 order).
    ORDER_OLDER_AFTER_NEWER => (Warning, "古い連番の送信単位が、新しい連番の送信単位より後に置かれています。"),
    /// A unit replaced by a newer 連番 for the same users, month and partner.
    ORDER_SUPERSEDED => (Info, "新しい連番の送信単位で置き換えられた送信単位です。"),
    /// A 削除 file cancels (part of) a unit that is also among the files.
    ORDER_DELETE_APPLIED => (Info, "削除ファイルが取り消す送信単位があります。"),
    /// A 削除 file whose target is not among the files (it may have been sent earlier).
    ORDER_DELETE_NO_TARGET => (Info, "削除ファイルが取り消す対象は、今回のファイルの中にありません。"),
    // 予定↔実績 (第6表 予定 UPPLAN against 実績 UPJSK)
    /// A service planned on a day with no 実績 for it.
    PLAN_ACTUAL_NOT_PERFORMED => (Warning, "予定にあるサービスの実績がありません。"),
    /// A service in the 実績 on a day the plan does not have it.
    PLAN_ACTUAL_NOT_PLANNED => (Warning, "予定にないサービスが実績にあります。"),
    /// サービス開始時刻/終了時刻 differ between 予定 and 実績.
    PLAN_ACTUAL_TIME => (Warning, "予定と実績でサービスの時刻が違います。"),
    /// サービス回数 differs between 予定 and 実績.
    PLAN_ACTUAL_COUNT => (Warning, "予定と実績でサービス回数が違います。"),
    /// 単位数 differs between 予定 and 実績.
    PLAN_ACTUAL_UNITS => (Warning, "予定と実績で単位数が違います。"),
    /// The provider's 実績 file has no record at all for a user it was planned for.
    PLAN_ACTUAL_NO_ACTUAL => (Warning, "事業所の実績ファイルに、予定のある利用者の実績がありません。"),
    /// 実績 of a provider/service type the user's plan does not contain.
    PLAN_ACTUAL_NO_PLAN => (Warning, "利用者の予定にない事業所・サービス種類の実績があります。"),
    /// Monthly totals of one service (回数, 単位数) differ between 予定 and 実績.
    PLAN_ACTUAL_TOTAL => (Info, "サービスごとの月合計（回数・単位数）が予定と実績で違います。"),
    // 合計 (第6表 ↔ 第7表 ↔ 利用者補足情報; derived checks, the spec does not state them)
    /// A 第6表 service (事業所+サービスコード) with no 第7表 row.
    TOTAL_SIKYU_ROW_MISSING => (Warning, "第6表のサービスに対応する第7表の行がありません。"),
    /// Σ サービス回数 of 第6表 differs from 第7表 回数／日数.
    TOTAL_COUNT_6_7 => (Warning, "第6表の回数の合計が第7表の回数／日数と違います。"),
    /// Σ(単位数×回数) of 第6表 differs from the 第7表 row.
    TOTAL_UNITS_6_7 => (Warning, "第6表の単位数×回数の合計が第7表の行と違います。"),
    /// A 種類別小計 row (種類CD+AAAA) that is not the sum of its rows.
    TOTAL_SUBTOTAL_SUM => (Warning, "第7表の種類別小計が明細行の合計と違います。"),
    /// The 全合計 row (999999) that is not the sum of the rows.
    TOTAL_GRAND_SUM => (Warning, "第7表の全合計が各行の合計と違います。"),
    /// 区分支給限度基準 超 + 内 (or 種類支給限度基準 超 + 内) not equal to 給付管理単位数.
    TOTAL_LIMIT_SPLIT => (Warning, "第7表の限度基準超単位数と基準内単位数の和が給付管理単位数と違います。"),
    /// 利用者補足情報 種類別 合計単位数/限度超単位数 differ from 第7表.
    TOTAL_HOSOKU_SLOT => (Warning, "利用者補足情報の種類別の合計単位数・限度超単位数が第7表と違います。"),
    /// 利用者補足情報 合計限度超単位数 differs from 第7表 全合計.
    TOTAL_HOSOKU_OVER => (Warning, "利用者補足情報の合計限度超単位数が第7表の全合計と違います。"),
    /// The month's 給付管理単位数 exceed 区分支給限度基準額 (利用者補足情報 No.19).
    TOTAL_OVER_LIMIT => (Warning, "区分支給限度基準額を超えています。"),
}

/// Builds one cross-file finding. The position (record, line, byte offset, 項目No.) points into
/// the **first** file of `files`, so callers put the file the clerk should open first.
pub(crate) struct Report {
    finding: Finding,
    files: Vec<String>,
}

impl Report {
    pub fn new(code: ReconcileCode, message: String, hint: &str, files: Vec<String>) -> Report {
        Report {
            finding: Finding {
                severity: code.severity(),
                code: Cow::Borrowed(code.as_str()),
                record: None,
                line: None,
                field_no: None,
                field: None,
                byte_offset: None,
                message,
                hint: Some(hint.to_owned()),
            },
            files,
        }
    }

    /// Points at a record of the first file.
    pub fn at(mut self, rec: RecordRef<'_>) -> Report {
        self.finding.record = Some(rec.index);
        self.finding.line = Some(rec.line);
        self.finding.byte_offset = Some(rec.byte_offset);
        self
    }

    /// Points at a field of that record (項目No. and 日本語名称).
    pub fn field(mut self, rec: RecordRef<'_>, no: usize, name: &str) -> Report {
        self = self.at(rec);
        self.finding.field_no = u16::try_from(no).ok();
        self.finding.field = Some(Cow::Owned(name.to_owned()));
        self.finding.byte_offset = rec.field_byte_offset(no).or(Some(rec.byte_offset));
        self
    }

    pub fn severity(mut self, s: Severity) -> Report {
        self.finding.severity = s;
        self
    }

    pub fn build(self) -> CrossFileFinding {
        CrossFileFinding {
            finding: self.finding,
            files: self.files,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_screaming_and_apart_from_the_checker() {
        let mut seen = std::collections::HashSet::new();
        let checker: Vec<&str> = crate::check::Code::ALL.iter().map(|c| c.as_str()).collect();
        for c in ReconcileCode::ALL {
            assert!(seen.insert(c.as_str()), "{}", c.as_str());
            assert!(
                !checker.contains(&c.as_str()),
                "{} is also a checker code",
                c.as_str()
            );
            assert!(c
                .as_str()
                .chars()
                .all(|ch| ch.is_ascii_uppercase() || ch == '_' || ch.is_ascii_digit()));
        }
    }
}
