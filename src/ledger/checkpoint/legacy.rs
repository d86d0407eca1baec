//! Format-1 checkpoints (one chain): a short text with the office number, entry count and
//! head hash, printed or kept outside the browser before the office ledger had devices. They
//! still verify, against the migrated chain they were issued for.
//!
//! Why: the hash chain alone shows that entries fit together, but someone who rewrites the
//! whole ledger can recompute every hash. A checkpoint kept on paper or another medium pins
//! the first N entries: if the ledger still has the same hash at entry N, nothing up to N was
//! changed *after* the checkpoint was kept. It proves nothing about what happened before it was
//! kept, and nothing about later entries; the page must say so.
//!
//! The text is meant to be typed back by hand, so parsing tolerates full-width digits and
//! letters, spaces anywhere in the hash, upper-case hex, and a hash shortened to its first
//! 16+ characters (reported as such).

use crate::check::identify::is_digits;
use crate::jpdate::{CivilDate, Timestamp};
use crate::ledger::chain::{verify, GENESIS_PREV_HASH};
use crate::ledger::entry::Entry;

/// Shortest hash prefix accepted when typed by hand (64 bits).
pub const MIN_TYPED_HASH_LEN: usize = 16;

/// A checkpoint as issued by the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// 事業所番号 of the office whose ledger it is.
    pub office_number: String,
    /// Entries covered (the ledger's length when it was issued).
    pub entry_count: u64,
    /// Hash of entry `entry_count` (64 zeros for an empty ledger).
    pub head_hash: String,
    /// When it was issued.
    pub issued_at: Timestamp,
}

impl Checkpoint {
    /// The checkpoint of a (verified) ledger now.
    pub fn of(office_number: &str, entries: &[Entry], now: Timestamp) -> Checkpoint {
        let (entry_count, head_hash) = head_of(entries);
        Checkpoint {
            office_number: office_number.to_string(),
            entry_count,
            head_hash,
            issued_at: now,
        }
    }

    /// The printable text. The hash is split into 8 groups of 8 so it can be read aloud and
    /// typed back.
    pub fn to_text(&self) -> String {
        let groups: Vec<&str> = (0..self.head_hash.len())
            .step_by(8)
            .map(|i| &self.head_hash[i..(i + 8).min(self.head_hash.len())])
            .collect();
        format!(
            "【証跡台帳 チェックポイント】\n\
             事業所番号: {}\n\
             記録件数: {}件\n\
             最終ハッシュ: {}\n\
             作成日時: {}\n\
             ※この控えは台帳の外(紙・別の媒体)に保管してください。保管した時点までの記録が、\
             その後に書き換えられていないことを確かめられます。\n",
            self.office_number,
            self.entry_count,
            groups.join(" "),
            self.issued_at.format_ja()
        )
    }
}

/// A checkpoint read back from text (possibly typed by hand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCheckpoint {
    pub office_number: Option<String>,
    pub entry_count: u64,
    /// Lower-case hex, 16 to 64 characters (a prefix when shortened by hand).
    pub head_hash: String,
    /// The date part of 作成日時, when present.
    pub issued_on: Option<CivilDate>,
}

fn head_of(entries: &[Entry]) -> (u64, String) {
    entries
        .last()
        .map_or((0, GENESIS_PREV_HASH.to_string()), |e| {
            (e.seq, e.hash.clone())
        })
}

/// Full-width ASCII (digits, letters, colon…) to half-width, ideographic space to space.
pub fn to_half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

pub(super) fn value_after_label<'a>(lines: &'a [String], labels: &[&str]) -> Option<&'a str> {
    lines.iter().find_map(|line| {
        labels.iter().find_map(|label| {
            line.find(label).map(|i| {
                line[i + label.len()..]
                    .trim_start_matches([':', ' ', '\t', '='])
                    .trim()
            })
        })
    })
}

/// Reads a checkpoint text. Errors are Japanese and say which line to fix.
pub fn parse_checkpoint(text: &str) -> Result<ParsedCheckpoint, String> {
    let lines: Vec<String> = to_half_width(text).lines().map(str::to_string).collect();

    let office_number = value_after_label(&lines, &["事業所番号"])
        .map(|v| v.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|v| !v.is_empty());
    if let Some(o) = &office_number {
        if !is_digits(o, 10) {
            return Err("事業所番号は数字10桁で入力してください".into());
        }
    }

    let count_text = value_after_label(&lines, &["記録件数", "件数"])
        .ok_or("「記録件数: 」の行が見つかりません")?;
    let digits: String = count_text
        .trim_end_matches('件')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 15 {
        return Err("記録件数は数字で入力してください".into());
    }
    let entry_count: u64 = digits.parse().map_err(|_| "記録件数が読めません")?;

    let hash_text = value_after_label(&lines, &["最終ハッシュ", "ハッシュ"])
        .ok_or("「最終ハッシュ: 」の行が見つかりません")?;
    let head_hash: String = hash_text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if !head_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("最終ハッシュには 0〜9 と a〜f だけを入力してください".into());
    }
    if head_hash.len() < MIN_TYPED_HASH_LEN || head_hash.len() > 64 {
        return Err(format!(
            "最終ハッシュは先頭から{MIN_TYPED_HASH_LEN}文字以上64文字以下で入力してください(いま{}文字)",
            head_hash.len()
        ));
    }

    let issued_on = value_after_label(&lines, &["作成日時", "作成日"]).and_then(parse_ja_date);

    Ok(ParsedCheckpoint {
        office_number,
        entry_count,
        head_hash,
        issued_on,
    })
}

/// `2025年5月3日…` or `2025-05-03…` / `2025/5/3…` to a date.
pub(super) fn parse_ja_date(s: &str) -> Option<CivilDate> {
    let nums: Vec<i64> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .take(3)
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match nums[..] {
        [y, m, d] => CivilDate::new(
            i32::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        ),
        _ => None,
    }
}

/// The result of comparing a ledger with a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointVerdict {
    /// Entries 1..=entry_count are unchanged since the checkpoint; `compared_hex_digits` says
    /// how much of the hash was compared (64 unless typed shortened).
    Matches {
        entry_count: u64,
        compared_hex_digits: usize,
    },
    /// The checkpoint belongs to another office.
    OtherOffice { checkpoint: String, ours: String },
    /// The ledger has fewer entries than the checkpoint covers (entries were lost).
    LedgerShorter { ledger: u64, checkpoint: u64 },
    /// The chain itself is broken before the checkpoint's entry.
    ChainBroken { first_bad_seq: u64 },
    /// The chain is intact but its entry N has another hash: the ledger was rewritten after
    /// the checkpoint was kept (or the checkpoint was mistyped).
    HashDiffers { entry_count: u64 },
}

impl CheckpointVerdict {
    pub fn is_match(&self) -> bool {
        matches!(self, CheckpointVerdict::Matches { .. })
    }

    pub fn message_ja(&self) -> String {
        match self {
            CheckpointVerdict::Matches {
                entry_count,
                compared_hex_digits,
            } => {
                let how = if *compared_hex_digits < 64 {
                    format!("(ハッシュ先頭{compared_hex_digits}文字で照合)")
                } else {
                    String::new()
                };
                format!(
                    "チェックポイントと一致しました{how}。記録1〜{entry_count}は、チェックポイントを保管した後に書き換えられていません。\
                     それより後の記録と、保管より前に起きたことについては、この照合では分かりません"
                )
            }
            CheckpointVerdict::OtherOffice { checkpoint, ours } => format!(
                "このチェックポイントは別の事業所({checkpoint})のものです。この台帳は{ours}です"
            ),
            CheckpointVerdict::LedgerShorter { ledger, checkpoint } => format!(
                "台帳の記録が{ledger}件しかありません。チェックポイントは{checkpoint}件の時点のものです。記録が失われています"
            ),
            CheckpointVerdict::ChainBroken { first_bad_seq } => format!(
                "記録{first_bad_seq}で台帳のつながりが壊れています。チェックポイント以前の記録が書き換えられています"
            ),
            CheckpointVerdict::HashDiffers { entry_count } => format!(
                "記録{entry_count}時点のハッシュがチェックポイントと違います。入力の誤りがないか確かめてください。\
                 誤りがなければ、チェックポイントの保管後に台帳が作り直されています"
            ),
        }
    }
}

/// Compares `entries` with a checkpoint. `our_office` is the office number in settings.
pub fn verify_against_checkpoint(
    entries: &[Entry],
    checkpoint: &ParsedCheckpoint,
    our_office: &str,
) -> CheckpointVerdict {
    if let Some(o) = &checkpoint.office_number {
        if o != our_office {
            return CheckpointVerdict::OtherOffice {
                checkpoint: o.clone(),
                ours: our_office.to_string(),
            };
        }
    }
    let n = checkpoint.entry_count;
    if (entries.len() as u64) < n {
        return CheckpointVerdict::LedgerShorter {
            ledger: entries.len() as u64,
            checkpoint: n,
        };
    }
    let covered = &entries[..n as usize];
    let v = verify(covered);
    if let Some((seq, _)) = v.first_bad {
        return CheckpointVerdict::ChainBroken { first_bad_seq: seq };
    }
    if head_of(covered).1.starts_with(&checkpoint.head_hash) {
        CheckpointVerdict::Matches {
            entry_count: n,
            compared_hex_digits: checkpoint.head_hash.len(),
        }
    } else {
        CheckpointVerdict::HashDiffers { entry_count: n }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_with_full_width_and_spaces_parses() {
        let typed = "事業所番号：０３０００００１００\n記録件数：　１２３件\n\
                     最終ハッシュ： ＡＢ１２ cd34 5678 9abc\n作成日時: 2025年5月3日(土) 14:05";
        let p = parse_checkpoint(typed).unwrap();
        assert_eq!(p.office_number.as_deref(), Some("0300000100"));
        assert_eq!(p.entry_count, 123);
        assert_eq!(p.head_hash, "ab12cd3456789abc");
        assert_eq!(p.issued_on, CivilDate::new(2025, 5, 3));
    }

    #[test]
    fn bad_typed_text_says_what_to_fix() {
        assert!(parse_checkpoint("記録件数: 3")
            .unwrap_err()
            .contains("最終ハッシュ"));
        assert!(parse_checkpoint("記録件数: 3\n最終ハッシュ: abc")
            .unwrap_err()
            .contains("16文字以上"));
        assert!(
            parse_checkpoint("記録件数: 3\n最終ハッシュ: xyz0123456789abcdef")
                .unwrap_err()
                .contains("0〜9")
        );
    }
}
