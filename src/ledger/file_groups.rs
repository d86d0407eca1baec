//! Recorded files taken together, so 取込 and 保存場所 are recorded for many files in one
//! step: the files recorded at once (a batch from 「台帳に記録」) and the files of one
//! transmission unit (one 連番 to one partner).

use std::collections::HashMap;

use super::entry::{Direction, Entry, EntryRef, Kind};
use super::versions::serial_made_at_ja;

/// Files that belong together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileGroup {
    /// What staff read in the list of choices.
    pub label: String,
    /// The value of the choice: `batch:<device>:<ms>` or `unit:<連番>:<事業所番号>`.
    pub value: String,
    /// The 受信・送信 entries of the files, oldest first.
    pub files: Vec<EntryRef>,
}

fn is_exchange(e: &Entry) -> bool {
    matches!(
        e.kind(),
        Kind::Received | Kind::Sent | Kind::DeletionReceived
    )
}

/// 「ひまわり訪問介護」 or 「ひまわり訪問介護 ほか2事業所」.
fn partners_words(files: &[&Entry]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for e in files {
        if let Some(p) = &e.subject.partner {
            if !names.contains(&p.name.as_str()) {
                names.push(&p.name);
            }
        }
    }
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [first, rest @ ..] => format!("{first} ほか{}事業所", rest.len()),
    }
}

fn direction_words(files: &[&Entry]) -> &'static str {
    let sent = files
        .iter()
        .filter(|e| e.subject.direction == Some(Direction::Sent))
        .count();
    match sent {
        0 => "受信",
        n if n == files.len() => "送信",
        _ => "受信・送信",
    }
}

/// Groups of at least two files, newest first, at most `limit` of each kind: the batches
/// (files one device recorded at the same moment), then the transmission units.
pub fn file_groups(entries: &[Entry], limit: usize) -> Vec<FileGroup> {
    let mut batches: Vec<((String, i64), Vec<&Entry>)> = Vec::new();
    let mut batch_at: HashMap<(String, i64), usize> = HashMap::new();
    let mut units: Vec<((String, String), Vec<&Entry>)> = Vec::new();
    let mut unit_at: HashMap<(String, String), usize> = HashMap::new();
    for e in entries.iter().filter(|e| is_exchange(e)) {
        let key = (e.device.as_str().to_string(), e.recorded_at.0);
        match batch_at.get(&key) {
            Some(&i) => batches[i].1.push(e),
            None => {
                batch_at.insert(key.clone(), batches.len());
                batches.push((key, vec![e]));
            }
        }
        let (Some(serial), Some(partner)) = (&e.subject.file_serial, &e.subject.partner) else {
            continue;
        };
        let key = (serial.clone(), partner.office_number.clone());
        match unit_at.get(&key) {
            Some(&i) => units[i].1.push(e),
            None => {
                unit_at.insert(key.clone(), units.len());
                units.push((key, vec![e]));
            }
        }
    }
    let refs = |files: &[&Entry]| files.iter().map(|e| e.id()).collect::<Vec<_>>();
    let mut out = Vec::new();
    for ((device, ms), files) in batches
        .iter()
        .rev()
        .filter(|(_, f)| f.len() > 1)
        .take(limit)
    {
        let at = files[0].occurred_at.unwrap_or(files[0].recorded_at);
        out.push(FileGroup {
            label: format!(
                "{} に記録した{}{}件({})",
                at.format_ja(),
                direction_words(files),
                files.len(),
                partners_words(files)
            ),
            value: format!("batch:{device}:{ms}"),
            files: refs(files),
        });
    }
    for ((serial, office), files) in units.iter().rev().filter(|(_, f)| f.len() > 1).take(limit) {
        let made = serial_made_at_ja(serial).unwrap_or_else(|| serial.clone());
        out.push(FileGroup {
            label: format!(
                "{}の連番 {}{}件({})",
                made,
                direction_words(files),
                files.len(),
                partners_words(files)
            ),
            value: format!("unit:{serial}:{office}"),
            files: refs(files),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jpdate::Timestamp;
    use crate::ledger::chain::DeviceChain;
    use crate::ledger::device::DeviceId;
    use crate::ledger::entry::{Details, EntryDraft, FileRef, Partner, Subject};

    fn received(n: u8, serial: &str, partner: &str) -> EntryDraft {
        EntryDraft::new(
            "佐藤",
            Subject {
                partner: Some(Partner {
                    office_number: partner.into(),
                    name: format!("事業所{partner}"),
                }),
                direction: Some(Direction::Received),
                file_serial: Some(serial.into()),
                file: Some(FileRef {
                    name: format!("UPJSK_{n}.CSV"),
                    size: 1,
                    sha256: format!("{n:0>64}"),
                }),
                ..Subject::default()
            },
            Details::Received,
        )
    }

    #[test]
    fn batches_and_units_of_two_or_more_files() {
        let mut chain = DeviceChain::new("1310000001", DeviceId::from_random([4; 16]));
        let batch = |chain: &mut DeviceChain, drafts: Vec<EntryDraft>, at: i64| {
            for d in drafts {
                let head = chain.head().hash;
                chain.append(d, &head, Timestamp(at)).unwrap();
            }
        };
        let t = 1_750_000_000_000;
        // Batch 1: three files, two of one unit from partner A and one from B.
        batch(
            &mut chain,
            vec![
                received(1, "20250425093000", "1310000002"),
                received(2, "20250425093000", "1310000002"),
                received(3, "20250426100000", "1310000003"),
            ],
            t,
        );
        // Batch 2: one file alone (no group).
        batch(
            &mut chain,
            vec![received(4, "20250501100000", "1310000002")],
            t + 60_000,
        );
        let groups = file_groups(chain.entries(), 10);
        let values: Vec<&str> = groups.iter().map(|g| g.value.as_str()).collect();
        assert_eq!(values.len(), 2, "{values:?}");
        assert!(values[0].starts_with("batch:"));
        assert_eq!(values[1], "unit:20250425093000:1310000002");
        assert_eq!(groups[0].files.len(), 3);
        assert!(
            groups[0]
                .label
                .contains("受信3件(事業所1310000002 ほか1事業所)"),
            "{}",
            groups[0].label
        );
        assert_eq!(groups[1].files.len(), 2);
        assert!(
            groups[1]
                .label
                .starts_with("2025年4月25日 09:30作成の連番 受信2件"),
            "{}",
            groups[1].label
        );
    }
}
