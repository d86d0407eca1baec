//! How the reconciliation reads a checked file: who sent it to whom, in which 送信単位, and
//! its data records with columns found by their 日本語名称.
//!
//! Columns are looked up by name in the file's own layout (V3 and V4 number them differently,
//! e.g. 第6表 サービス事業者コード is No.20 in V4 and No.17 in V3), never by a fixed 項目No.
//! Records whose column count does not match the layout are skipped: the checker already
//! reported them (`COLUMN_COUNT`), and their values cannot be trusted to be in place.

use serde::{Deserialize, Serialize};

use super::KeptFile;
use crate::check::{CheckedFile, FileIdentity, RecordRef, RecordTable};
use crate::spec::{roles, Layout, LayoutGeneration};

/// 居宅サービス計画作成（変更）日: the plan-family key (第1表 No.14, 第2表/第3表 No.5, 利用者補足 No.4).
pub(crate) const PLAN_DATE: &str = roles::PLAN_DATE;
/// 相談日: key of 利用者基本情報 (UPKIHON, its 別表 and DLTKIHON).
pub(crate) const CONSULTATION_DATE: &str = "相談日";
/// 計画作成(変更)日: key of 介護予防サービス・支援計画書 (UPYOBO, its 別表 and DLTYOBO).
pub(crate) const PREVENTION_PLAN_DATE: &str = "計画作成(変更)日";
/// サービス事業者コード: the provider of a 第6表 row (No.20 in V4) and of a DLTJSK (No.5).
pub(crate) const PROVIDER: &str = "サービス事業者コード";
/// サービス種類コード of DLTJSK (No.6).
pub(crate) const SERVICE_TYPE: &str = "サービス種類コード";
pub(crate) const START_TIME: &str = "サービス開始時刻";
pub(crate) const END_TIME: &str = "サービス終了時刻";
/// サービス回数 (第6表 No.14).
pub(crate) const COUNT: &str = "サービス回数";
/// 明細判別コード: tells apart 福祉用具 rows with the same code and units.
pub(crate) const DETAIL_NO: &str = "明細判別コード";
/// 利用者氏名 (利用者補足情報 No.6).
pub(crate) const USER_NAME: &str = crate::spec::roles::CLIENT_NAME;

/// A person in the files: 保険者番号 + 被保険者番号.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct UserKey {
    /// 保険者番号.
    pub insurer: String,
    /// 被保険者番号.
    pub insured: String,
}

impl UserKey {
    /// How messages name the user: 「被保険者番号 0000012345（保険者番号 131016）」.
    pub fn label(&self) -> String {
        user_label((&self.insurer, &self.insured))
    }

    /// The key of a borrowed (保険者番号, 被保険者番号).
    pub(crate) fn of((insurer, insured): (&str, &str)) -> UserKey {
        UserKey {
            insurer: insurer.to_owned(),
            insured: insured.to_owned(),
        }
    }
}

/// [`UserKey::label`] of a borrowed (保険者番号, 被保険者番号).
pub(crate) fn user_label((insurer, insured): (&str, &str)) -> String {
    format!("被保険者番号「{insured}」（保険者番号「{insurer}」）")
}

/// A 第6表 column the reconciliation reads on every record, looked up once per file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Col {
    Insurer,
    Insured,
    Month,
    ServiceCode,
    Provider,
    Date,
    Start,
    End,
    Count,
    Units,
    DetailNo,
}

impl Col {
    pub const ALL: [Col; 11] = [
        Col::Insurer,
        Col::Insured,
        Col::Month,
        Col::ServiceCode,
        Col::Provider,
        Col::Date,
        Col::Start,
        Col::End,
        Col::Count,
        Col::Units,
        Col::DetailNo,
    ];

    pub fn name_ja(self) -> &'static str {
        match self {
            Col::Insurer => roles::INSURER_NUMBER,
            Col::Insured => roles::INSURED_NUMBER,
            Col::Month => roles::SERVICE_MONTH,
            Col::ServiceCode => roles::SERVICE_CODE,
            Col::Provider => PROVIDER,
            Col::Date => roles::SERVICE_DATE,
            Col::Start => START_TIME,
            Col::End => END_TIME,
            Col::Count => COUNT,
            Col::Units => roles::UNITS,
            Col::DetailNo => DETAIL_NO,
        }
    }
}

/// Whether a record is a data record of a layout `width` columns wide: as many columns, first
/// field all digits (so header lines and blank lines are left out).
pub(crate) fn is_data_record(r: RecordRef<'_>, width: Option<usize>) -> bool {
    Some(r.len()) == width
        && r.get(1)
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
}

/// One checked file as the reconciliation sees it: a [`CheckedFile`] with every record, or a
/// [`super::KeptFile`] with only what the reconciliation reads.
pub(crate) struct FileView<'a> {
    /// Position in the caller's list: the order the files were dropped in.
    pub index: usize,
    pub path: &'a str,
    pub sha256: &'a str,
    pub identity: &'a FileIdentity,
    pub kind: &'static str,
    pub layout: Option<&'static Layout>,
    records: &'a RecordTable,
    /// The records are data records only (a kept file): no filtering needed.
    data_only: bool,
    /// The 項目No. of the fields kept, ascending, when only some were (a kept 第6表); the
    /// record's field `i + 1` is then the layout's field `columns[i]`.
    columns: Option<&'a [usize]>,
    /// Where each [`Col`] is in the records (already through `columns`).
    hot: [Option<usize>; Col::ALL.len()],
    /// Where each run of records with the same user and keys starts (a kept file).
    runs: Option<&'a [u32]>,
}

impl<'a> FileView<'a> {
    pub fn new(index: usize, file: &'a CheckedFile) -> Option<FileView<'a>> {
        FileView {
            index,
            path: &file.report.path,
            sha256: &file.report.sha256,
            identity: &file.identity,
            kind: file.identity.kind()?.id.as_str(),
            layout: file.identity.layout(),
            records: &file.records,
            data_only: false,
            columns: None,
            hot: [None; Col::ALL.len()],
            runs: None,
        }
        .with_columns_found()
    }

    /// A file kept by a [`super::RecordKeeper`].
    pub fn kept(index: usize, file: &'a KeptFile) -> Option<FileView<'a>> {
        FileView {
            index,
            path: &file.path,
            sha256: &file.sha256,
            identity: &file.identity,
            kind: file.identity.kind()?.id.as_str(),
            layout: file.identity.layout(),
            records: &file.records,
            data_only: true,
            columns: file.columns.as_deref(),
            hot: [None; Col::ALL.len()],
            runs: Some(&file.runs),
        }
        .with_columns_found()
    }

    fn with_columns_found(mut self) -> Option<FileView<'a>> {
        for c in Col::ALL {
            self.hot[c as usize] = self.col(c.name_ja()).and_then(|no| self.position(no));
        }
        Some(self)
    }

    pub fn path(&self) -> &'a str {
        self.path
    }

    /// The 14-digit ファイル連番.
    pub fn sequence(&self) -> Option<&'a str> {
        self.identity.name.sequence.as_deref()
    }

    pub fn sender(&self) -> Option<&'a str> {
        self.identity
            .name
            .sender
            .as_ref()
            .map(|p| p.office.as_str())
    }

    pub fn receiver(&self) -> Option<&'a str> {
        self.identity
            .name
            .receiver
            .as_ref()
            .map(|p| p.office.as_str())
    }

    /// The name's 対象年月 token (`000000` for a plan-set 利用者補足情報).
    pub fn month_token(&self) -> Option<&'a str> {
        self.identity.name.service_month.as_deref()
    }

    pub fn generation(&self) -> Option<LayoutGeneration> {
        self.identity.generation.or(self.identity.name.shape)
    }

    /// 1-based column (項目No.) of the named field in this file's layout.
    pub fn col(&self, name_ja: &str) -> Option<usize> {
        self.layout.and_then(|l| roles::index_of(l, name_ja))
    }

    /// Where field `no` is in the records as kept.
    fn position(&self, no: usize) -> Option<usize> {
        match self.columns {
            None => Some(no),
            Some(cols) => {
                let p = cols.binary_search(&no).ok().map(|i| i + 1);
                debug_assert!(p.is_some(), "{}: field {no} was not kept", self.kind);
                p
            }
        }
    }

    /// The data records: as many columns as the layout, first field all digits (so header
    /// lines and blank lines are left out).
    pub fn records(&self) -> impl Iterator<Item = RecordRef<'a>> + 'a {
        let width = self.layout.map(|l| l.fields.len());
        let data_only = self.data_only;
        self.records
            .iter()
            .filter(move |r| data_only || is_data_record(*r, width))
    }

    /// The data records in runs: each run's first record and where the run's records are
    /// ([`FileView::records_in`]). Within a run the user and every key the reconciliation
    /// looks up (see `kept::RUN_FIELDS`) are the same; without runs (a file with every record)
    /// each record is a run of its own.
    pub fn runs(&self) -> Runs<'a> {
        Runs {
            records: self.records,
            starts: self.runs,
            width: self.layout.map(|l| l.fields.len()),
            data_only: self.data_only,
            next: 0,
        }
    }

    /// The records of a run (see [`FileView::runs`]).
    pub fn records_in(
        &self,
        run: std::ops::Range<usize>,
    ) -> impl Iterator<Item = RecordRef<'a>> + 'a {
        let records = self.records;
        run.filter_map(move |i| records.get(i))
    }

    /// The user a record is about, borrowed (保険者番号, 被保険者番号).
    pub fn user_ref(&self, rec: RecordRef<'a>) -> (&'a str, &'a str) {
        (self.get(rec, Col::Insurer), self.get(rec, Col::Insured))
    }

    /// The value of a [`Col`] of a record (empty when absent).
    #[inline]
    pub fn get(&self, rec: RecordRef<'a>, c: Col) -> &'a str {
        self.hot[c as usize].and_then(|p| rec.get(p)).unwrap_or("")
    }

    /// The value of the named field of a record (empty when absent).
    pub fn value(&self, rec: RecordRef<'a>, name_ja: &str) -> &'a str {
        self.col(name_ja)
            .and_then(|no| self.position(no))
            .and_then(|p| rec.get(p))
            .unwrap_or("")
    }
}

/// The iterator of [`FileView::runs`] (a plain loop: the adapters it replaced showed in the
/// profile).
pub(crate) struct Runs<'a> {
    records: &'a RecordTable,
    starts: Option<&'a [u32]>,
    width: Option<usize>,
    data_only: bool,
    next: usize,
}

impl<'a> Iterator for Runs<'a> {
    type Item = (RecordRef<'a>, std::ops::Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let i = self.next;
        match self.starts {
            Some(starts) => {
                let start = *starts.get(i)? as usize;
                let end = starts
                    .get(i + 1)
                    .map_or(self.records.len(), |&n| n as usize);
                self.next += 1;
                Some((self.records.get(start)?, start..end))
            }
            None => loop {
                let i = self.next;
                let r = self.records.get(i)?;
                self.next += 1;
                if self.data_only || is_data_record(r, self.width) {
                    return Some((r, i..i + 1));
                }
            },
        }
    }
}

/// An integer cell: `None` when empty or not a number (the checker reports those).
pub(crate) fn int(v: &str) -> Option<i64> {
    let v = v.trim();
    if v.is_empty() || v.len() > 15 {
        return None;
    }
    v.parse().ok()
}

/// 「2025年5月」 from `202505` (the value itself when it is not a month).
pub fn month_ja(m: &str) -> String {
    match crate::jpdate::YearMonth::parse_yyyymm(m) {
        Some(ym) => ym.format_ja(),
        None => m.to_owned(),
    }
}

/// 「09:00」 from `0900`; 9999 (no time shown) as 「時刻なし」.
pub fn time_ja(t: &str) -> String {
    if t == "9999" {
        "時刻なし".to_owned()
    } else if t.len() == 4 && t.is_ascii() {
        format!("{}:{}", &t[..2], &t[2..])
    } else {
        format!("「{t}」")
    }
}
