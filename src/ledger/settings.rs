//! The office's ledger settings (台帳の設定): our 事業所番号 and name, the staff who may record
//! (記録者), how many years records are kept, and after how many days to remind of a backup.
//! Also the 「最後のバックアップ: N日前」 line every ledger view shows.
//!
//! Stored as one JSON record in the store's `meta` and carried in backups' `settings`; no
//! secrets live here.

use super::entry::ValidationIssue;
use super::value_io::{FormatError, Obj};
use crate::check::identify::is_digits;
use crate::jpdate::Timestamp;
use serde_json::{json, Map, Value};

/// The `meta` key of the settings record.
pub const SETTINGS_KEY: &str = "settings";
/// The `meta` key of the last verified backup's time (RFC 3339 text in JSON).
pub const LAST_BACKUP_KEY: &str = "last_backup_at";

/// 台帳の設定.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeSettings {
    /// 自事業所番号 (10 digits): decides 受信 / 送信 of a file.
    pub office_number: String,
    /// 事業所名, printed on the inspection sheet.
    pub office_name: String,
    /// 職員: the names a recording can be made under (記録者).
    pub staff: Vec<String>,
    /// 保存年限: 2 by default, 5 where the municipality asks for it.
    pub retention_years: u8,
    /// Remind of a backup when the last one is older than this many days.
    pub backup_reminder_days: u32,
}

impl Default for OfficeSettings {
    fn default() -> Self {
        OfficeSettings {
            office_number: String::new(),
            office_name: String::new(),
            staff: Vec::new(),
            retention_years: 2,
            backup_reminder_days: 7,
        }
    }
}

/// Staff names typed one per line (or separated by 、 / ,): trimmed, blanks and repeats dropped.
pub fn parse_staff_list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in text.split(['\n', '、', ',', '，']) {
        let name = name.trim();
        if !name.is_empty() && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    out
}

impl OfficeSettings {
    /// Whether recording can start: office and at least one staff member are set.
    pub fn is_ready(&self) -> bool {
        self.validate().is_ok()
    }

    /// Every problem, with the field it belongs to, in words that say what to do.
    pub fn validate(&self) -> Result<(), Vec<ValidationIssue>> {
        let mut issues = Vec::new();
        let mut issue = |field: &'static str, message: &str| {
            issues.push(ValidationIssue {
                field,
                message: message.to_string(),
            })
        };
        let n = &self.office_number;
        if !is_digits(n, 10) {
            issue(
                "office_number",
                "自事業所番号は半角数字10桁で入力してください",
            );
        }
        if self.office_name.trim().is_empty() {
            issue("office_name", "事業所名を入力してください");
        }
        if self.staff.is_empty() {
            issue(
                "staff",
                "記録する職員の名前を1人以上入力してください(1行に1人)",
            );
        }
        if !matches!(self.retention_years, 2 | 5) {
            issue("retention_years", "保存年限は2年か5年を選んでください");
        }
        if !(1..=365).contains(&self.backup_reminder_days) {
            issue(
                "backup_reminder_days",
                "バックアップのお知らせは1〜365日の間で入力してください",
            );
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }

    pub fn to_value(&self) -> Value {
        json!({
            "office_number": self.office_number,
            "office_name": self.office_name,
            "staff": self.staff,
            "retention_years": self.retention_years,
            "backup_reminder_days": self.backup_reminder_days,
        })
    }

    /// The settings as a backup's `settings` object.
    pub fn to_map(&self) -> Map<String, Value> {
        match self.to_value() {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    pub fn from_value(v: &Value) -> Result<OfficeSettings, FormatError> {
        let mut o = Obj::new(v, "settings")?;
        let staff = o
            .array("staff")?
            .iter()
            .map(|s| {
                s.as_str().map(str::to_string).ok_or_else(|| {
                    FormatError("settings.staff は文字列の配列である必要があります".into())
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let settings = OfficeSettings {
            office_number: o.str("office_number")?.to_string(),
            office_name: o.str("office_name")?.to_string(),
            staff,
            retention_years: u8::try_from(o.u64("retention_years")?)
                .map_err(|_| FormatError("settings.retention_years が大きすぎます".into()))?,
            backup_reminder_days: u32::try_from(o.u64("backup_reminder_days")?)
                .map_err(|_| FormatError("settings.backup_reminder_days が大きすぎます".into()))?,
        };
        o.finish()?;
        Ok(settings)
    }

    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    pub fn from_json(text: &str) -> Result<OfficeSettings, FormatError> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| FormatError(format!("設定を読めません: {e}")))?;
        OfficeSettings::from_value(&v)
    }
}

/// The 「最後のバックアップ」 line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReminder {
    /// 「最後のバックアップ: 3日前」.
    pub status: String,
    /// What to do, when a backup is due (none yet, or older than the set number of days).
    pub reminder: Option<String>,
}

/// Whole days between two instants, counted on the Japan calendar (yesterday 23:00 → today
/// 08:00 is 1 day).
pub fn days_between(earlier: Timestamp, later: Timestamp) -> i64 {
    later.japan_date().days_since_epoch() - earlier.japan_date().days_since_epoch()
}

/// The line for a last backup at `last` (none yet when `None`).
pub fn backup_reminder(
    last: Option<Timestamp>,
    now: Timestamp,
    reminder_days: u32,
) -> BackupReminder {
    match last {
        None => BackupReminder {
            status: "最後のバックアップ: まだありません".into(),
            reminder: Some(
                "バックアップがまだありません。「バックアップを書き出す」で、USBやファイルサーバーに保存してください。"
                    .into(),
            ),
        },
        Some(at) => {
            let days = days_between(at, now).max(0);
            let status = if days == 0 {
                "最後のバックアップ: 今日".to_string()
            } else {
                format!("最後のバックアップ: {days}日前")
            };
            let reminder = (days > i64::from(reminder_days)).then(|| {
                format!(
                    "前回のバックアップから{days}日たっています。「バックアップを書き出す」で保存してください。"
                )
            });
            BackupReminder { status, reminder }
        }
    }
}

/// Whether this month's checkpoint is still to be made: the ledger has entries and no
/// チェックポイント entry was recorded in the current Japan month.
pub fn monthly_checkpoint_due(entries: &[super::entry::Entry], now: Timestamp) -> bool {
    let month = now.japan_date().year_month();
    !entries.is_empty()
        && !entries.iter().rev().any(|e| {
            e.kind() == super::entry::Kind::Checkpoint
                && e.recorded_at.japan_date().year_month() == month
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready() -> OfficeSettings {
        OfficeSettings {
            office_number: "0300000100".into(),
            office_name: "さくら居宅介護支援事業所".into(),
            staff: vec!["佐藤".into(), "鈴木".into()],
            ..OfficeSettings::default()
        }
    }

    #[test]
    fn defaults_are_not_ready_and_say_what_is_missing() {
        let issues = OfficeSettings::default().validate().unwrap_err();
        let fields: Vec<_> = issues.iter().map(|i| i.field).collect();
        assert_eq!(fields, ["office_number", "office_name", "staff"]);
        assert!(ready().is_ready());
    }

    #[test]
    fn office_number_must_be_ten_half_width_digits() {
        for bad in ["030000010", "０３００００００１００", "03000001OO"] {
            let s = OfficeSettings {
                office_number: bad.into(),
                ..ready()
            };
            assert_eq!(s.validate().unwrap_err()[0].field, "office_number", "{bad}");
        }
    }

    #[test]
    fn staff_list_is_trimmed_and_deduplicated() {
        assert_eq!(
            parse_staff_list(" 佐藤\n\n鈴木、佐藤, 高橋 \n"),
            ["佐藤", "鈴木", "高橋"]
        );
    }

    #[test]
    fn json_round_trip_and_unknown_keys_refused() {
        let s = OfficeSettings {
            retention_years: 5,
            backup_reminder_days: 14,
            ..ready()
        };
        assert_eq!(OfficeSettings::from_json(&s.to_json()).unwrap(), s);
        let mut v = s.to_value();
        v.as_object_mut()
            .unwrap()
            .insert("password".into(), "x".into());
        assert!(OfficeSettings::from_value(&v).is_err());
    }

    #[test]
    fn a_checkpoint_is_due_each_month_once_there_are_records() {
        use crate::ledger::chain::seal;
        use crate::ledger::entry::{Details, EntryDraft, Subject};
        use crate::ledger::sample::sample_ledger;
        let t = |s: &str| Timestamp::parse_rfc3339(s).unwrap();
        assert!(!monthly_checkpoint_due(&[], t("2025-05-03T00:00:00.000Z")));
        let (mut entries, _) = sample_ledger(3, 1, 1, false);
        let may = t("2025-05-03T00:00:00.000Z");
        assert!(monthly_checkpoint_due(&entries, may));
        let head = crate::ledger::ChainHead::after(
            &entries,
            crate::ledger::ChainHead::legacy_genesis(&entries[0].device),
        );
        let draft = EntryDraft::new(
            "佐藤",
            Subject::default(),
            Details::Checkpoint {
                entry_count: head.entry_count,
                head_hash: head.hash.clone(),
                device_count: None,
            },
        );
        entries.push(seal(&head, draft, may).unwrap());
        assert!(!monthly_checkpoint_due(
            &entries,
            t("2025-05-31T14:00:00.000Z")
        ));
        // 2025-05-31 15:00 UTC is already June 1st in Japan.
        assert!(monthly_checkpoint_due(
            &entries,
            t("2025-05-31T15:00:00.000Z")
        ));
    }

    #[test]
    fn backup_reminder_counts_japan_days() {
        let t = |s: &str| Timestamp::parse_rfc3339(s).unwrap();
        // 2025-05-02 23:30 JST and 2025-05-03 08:00 JST: one day apart.
        assert_eq!(
            days_between(t("2025-05-02T14:30:00.000Z"), t("2025-05-02T23:00:00.000Z")),
            1
        );
        let none = backup_reminder(None, t("2025-05-03T00:00:00.000Z"), 7);
        assert_eq!(none.status, "最後のバックアップ: まだありません");
        assert!(none.reminder.is_some());
        let today = backup_reminder(
            Some(t("2025-05-03T00:00:00.000Z")),
            t("2025-05-03T05:00:00.000Z"),
            7,
        );
        assert_eq!(today.status, "最後のバックアップ: 今日");
        assert_eq!(today.reminder, None);
        let old = backup_reminder(
            Some(t("2025-04-20T00:00:00.000Z")),
            t("2025-05-03T00:00:00.000Z"),
            7,
        );
        assert_eq!(old.status, "最後のバックアップ: 13日前");
        assert!(old.reminder.unwrap().contains("13日"));
    }
}
