//! 証跡の保存と管理 (issue 15): the one A4 page for the operating-rules binder that the
//! security guideline asks for (where records are kept, how long, how often they are backed
//! up, who is responsible), made from what the app knows. What it cannot know (who is
//! responsible, where backups are kept) is left as a blank line to fill in by hand.
//!
//! Plain data in words: the page prints it, and tests read it.

use super::device::DeviceId;
use super::entry::{Details, Entry};
use super::office::OfficeLedger;
use super::renewals::renewal_states;
use super::retention::past_retention;
use super::settings::OfficeSettings;
use crate::jpdate::Timestamp;

/// What the sheet is made from.
pub struct KeepingInput<'a> {
    pub settings: &'a OfficeSettings,
    pub ledger: &'a OfficeLedger,
    /// The office ledger's entries in time order.
    pub entries: &'a [Entry],
    /// This browser's device, to say which PC the sheet was printed on.
    pub this_device: Option<&'a DeviceId>,
    /// The office folder's name as the user chose it, when one is in use.
    pub folder_name: Option<&'a str>,
    pub now: Timestamp,
}

/// One row: a label, and what the app knows (empty: a line to write on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepingRow {
    pub label: String,
    pub value: String,
}

/// One numbered part of the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepingSection {
    pub heading: &'static str,
    pub rows: Vec<KeepingRow>,
}

/// The sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepingSheet {
    pub title: &'static str,
    /// 「作成日 令和8年5月12日(火)」.
    pub made_on: String,
    pub sections: Vec<KeepingSection>,
    /// Lines under the sheet: 確認者, 確認日 (by hand).
    pub signature: Vec<&'static str>,
}

/// How many of the newest backups and checkpoints the sheet lists (one A4 page).
const NEWEST: usize = 3;

fn row(label: impl Into<String>, value: impl Into<String>) -> KeepingRow {
    KeepingRow {
        label: label.into(),
        value: value.into(),
    }
}

/// A row left for handwriting.
fn blank(label: &str) -> KeepingRow {
    row(label, "")
}

/// Builds the sheet.
pub fn keeping_sheet(input: &KeepingInput<'_>) -> KeepingSheet {
    let s = input.settings;
    let today = input.now.japan_date();
    let labels = input.ledger.device_labels();
    let label_of = |d: &DeviceId| {
        labels
            .get(d)
            .cloned()
            .unwrap_or_else(|| format!("端末 {}", &d.as_str()[..8]))
    };

    let office = KeepingSection {
        heading: "1. 事業所と責任者",
        rows: vec![
            row(
                "事業所",
                format!("{}(事業所番号 {})", s.office_name, s.office_number),
            ),
            blank("管理責任者(記録の保存の責任者)"),
            row("台帳に記録する職員", s.staff.join("、")),
        ],
    };

    let mut devices: Vec<String> = input
        .ledger
        .chains()
        .map(|c| {
            let last = c
                .entries()
                .last()
                .map(|e| {
                    format!(
                        "、最後の記録 {}",
                        e.recorded_at.japan_date().format_wareki_ja()
                    )
                })
                .unwrap_or_default();
            let this = if Some(c.device()) == input.this_device {
                "(このパソコン)"
            } else {
                ""
            };
            format!("{}{this}: 記録{}件{last}", label_of(c.device()), c.len())
        })
        .collect();
    if devices.is_empty() {
        devices.push("まだ記録がありません".into());
    }
    let place = KeepingSection {
        heading: "2. 台帳の保存場所",
        rows: vec![
            row(
                "このパソコン",
                match input.this_device {
                    Some(d) => format!(
                        "「{}」のブラウザの中(パソコンごとに、そのパソコンの記録を持ちます)",
                        label_of(d)
                    ),
                    None => "このパソコンのブラウザの中".into(),
                },
            ),
            row(
                "台帳フォルダ",
                match input.folder_name {
                    Some(name) => format!("「{name}」(事業所のパソコンが記録を共有するフォルダ)"),
                    None => "使っていません".into(),
                },
            ),
            blank("台帳フォルダの場所(サーバー名・共有名)"),
            row("記録する端末", devices.join(" / ")),
        ],
    };

    let past = past_retention(input.entries, s.retention_years, today);
    let retention = KeepingSection {
        heading: "3. 保存期間",
        rows: vec![
            row(
                "保存年限",
                format!("完結日から{}年(自動では消しません)", s.retention_years),
            ),
            row(
                "保存期間を過ぎた記録",
                if past.is_empty() {
                    "ありません".to_string()
                } else {
                    format!("{}件(台帳の「記録一覧」に一覧があります)", past.len())
                },
            ),
        ],
    };

    let backups: Vec<&Entry> = input
        .entries
        .iter()
        .rev()
        .filter(|e| matches!(e.details, Details::BackupExported { .. }))
        .take(NEWEST)
        .collect();
    let backup_lines: Vec<String> = backups
        .iter()
        .map(|e| {
            let files = match e.details {
                Details::BackupExported {
                    with_files: true, ..
                } => "ファイルを含む",
                _ => "ファイルを含まない",
            };
            format!(
                "{} {}({}、{})",
                e.recorded_at.format_wareki_ja(),
                e.actor,
                label_of(&e.device),
                files
            )
        })
        .collect();
    let backup = KeepingSection {
        heading: "4. バックアップ",
        rows: vec![
            row(
                "頻度",
                format!(
                    "{}日ごと(過ぎると台帳の画面でお知らせします)",
                    s.backup_reminder_days
                ),
            ),
            row(
                "最近のバックアップ",
                if backup_lines.is_empty() {
                    "まだ書き出していません".to_string()
                } else {
                    backup_lines.join(" / ")
                },
            ),
            blank("バックアップの保管先(媒体・場所)"),
        ],
    };

    let checkpoints: Vec<&Entry> = input
        .entries
        .iter()
        .filter(|e| matches!(e.details, Details::Checkpoint { .. }))
        .collect();
    let checkpoint_lines: Vec<String> = checkpoints
        .iter()
        .rev()
        .take(NEWEST)
        .map(|e| match &e.details {
            Details::Checkpoint {
                entry_count,
                head_hash,
                ..
            } => format!(
                "{} 記録{entry_count}件の時点({}…)",
                e.recorded_at.format_wareki_ja(),
                &head_hash[..head_hash.len().min(16)]
            ),
            _ => String::new(),
        })
        .collect();
    let checkpoint = KeepingSection {
        heading: "5. チェックポイント(改ざんがないことの控え)",
        rows: vec![
            row("作った回数", format!("{}回", checkpoints.len())),
            row(
                "最近のもの",
                if checkpoint_lines.is_empty() {
                    "まだ作っていません".to_string()
                } else {
                    checkpoint_lines.join(" / ")
                },
            ),
            blank("控えの保管場所"),
        ],
    };

    let renewals = renewal_states(input.entries);
    let mut renewal_rows: Vec<KeepingRow> = renewals
        .iter()
        .map(|r| {
            row(
                r.title_ja(),
                format!(
                    "{} {} / 担当 {}",
                    r.what.due_label_ja(),
                    r.due_on.format_wareki_ja(),
                    r.owner
                ),
            )
        })
        .collect();
    if renewal_rows.is_empty() {
        renewal_rows.push(row("更新・期限", "まだ登録していません"));
    }
    renewal_rows.push(blank("IDとパスワードを管理する人"));
    let renewal = KeepingSection {
        heading: "6. 更新・期限の管理",
        rows: renewal_rows,
    };

    KeepingSheet {
        title: "証跡の保存と管理(ケアプラン連携)",
        made_on: format!("作成日 {}", today.format_wareki_ja()),
        sections: vec![office, place, retention, backup, checkpoint, renewal],
        signature: vec!["確認者", "確認日"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::sample::{sample_device, sample_device_chain};

    #[test]
    fn the_sheet_says_what_the_app_knows_and_leaves_the_rest_blank() {
        let (chain, _) = sample_device_chain(1, 60, 5, 2, false);
        let device = sample_device(1);
        let mut ledger = OfficeLedger::new(chain.office_number());
        ledger.add_chain(chain).unwrap();
        let entries = ledger.entries_in_time_order();
        let settings = OfficeSettings {
            office_number: ledger.office_number().to_string(),
            office_name: "さくら居宅介護支援事業所".into(),
            staff: vec!["佐藤 花子".into(), "鈴木 一郎".into()],
            retention_years: 5,
            backup_reminder_days: 14,
        };
        let now = Timestamp::parse_rfc3339("2026-05-12T03:00:00.000Z").unwrap();
        let sheet = keeping_sheet(&KeepingInput {
            settings: &settings,
            ledger: &ledger,
            entries: &entries,
            this_device: Some(&device),
            folder_name: Some("ケアプラン台帳"),
            now,
        });
        assert_eq!(sheet.made_on, "作成日 令和8年5月12日(火)");
        let all: Vec<&KeepingRow> = sheet.sections.iter().flat_map(|s| &s.rows).collect();
        let value = |label: &str| {
            all.iter()
                .find(|r| r.label == label)
                .map(|r| r.value.clone())
                .unwrap_or_else(|| panic!("{label}"))
        };
        assert!(value("事業所").contains("さくら居宅介護支援事業所(事業所番号 "));
        assert_eq!(value("台帳に記録する職員"), "佐藤 花子、鈴木 一郎");
        assert_eq!(value("管理責任者(記録の保存の責任者)"), "");
        assert!(value("台帳フォルダ").contains("「ケアプラン台帳」"));
        assert!(value("このパソコン").contains("パソコン1"));
        assert!(value("記録する端末").contains("パソコン1(このパソコン): 記録60件"));
        assert_eq!(value("保存年限"), "完結日から5年(自動では消しません)");
        assert!(value("頻度").starts_with("14日ごと"));
        assert_eq!(value("バックアップの保管先(媒体・場所)"), "");
        assert_eq!(value("更新・期限"), "まだ登録していません");
        assert_eq!(sheet.sections.len(), 6);
    }
}
