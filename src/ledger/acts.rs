//! The ledger as a list of acts, for 記録一覧: a file's 受信 or 送信 and its チェック結果 are two
//! entries in the chain (each its own evidence) but one thing staff did, so they are one row.

use std::collections::HashMap;

use super::entry::{Details, Entry, Kind};

/// One row of the list: an entry and, for a received or sent file, its check result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Act {
    /// Position of the act's entry.
    pub entry: usize,
    /// Position of the チェック結果 recorded with it, if any.
    pub check: Option<usize>,
}

fn is_exchange(e: &Entry) -> bool {
    matches!(
        e.kind(),
        Kind::Received | Kind::Sent | Kind::DeletionReceived
    )
}

/// The acts of the entries at `positions` (positions into `entries`, in time order). A
/// チェック結果 joins the exchange its device recorded just before it (the seq before, the
/// same file); any other one, or one whose exchange is not among `positions`, is its own row.
pub fn acts(entries: &[Entry], positions: &[usize]) -> Vec<Act> {
    let mut out: Vec<Act> = Vec::with_capacity(positions.len());
    // (device, seq) of an exchange → its row.
    let mut rows: HashMap<(&str, u64), usize> = HashMap::new();
    for &i in positions {
        let e = &entries[i];
        if matches!(e.details, Details::CheckResult { .. }) && e.seq > 1 {
            let before = rows.get(&(e.device.as_str(), e.seq - 1)).copied();
            if let Some(row) = before {
                let exchange = &entries[out[row].entry];
                let same_file = exchange.subject.file.as_ref().map(|f| &f.sha256)
                    == e.subject.file.as_ref().map(|f| &f.sha256);
                if same_file && out[row].check.is_none() {
                    out[row].check = Some(i);
                    continue;
                }
            }
        }
        if is_exchange(e) {
            rows.insert((e.device.as_str(), e.seq), out.len());
        }
        out.push(Act {
            entry: i,
            check: None,
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
    use crate::ledger::entry::{CheckOutcome, Direction, EntryDraft, FileRef, Partner, Subject};

    fn file(n: u8) -> Subject {
        Subject {
            partner: Some(Partner {
                office_number: "1310000002".into(),
                name: "ひまわり".into(),
            }),
            direction: Some(Direction::Received),
            file_serial: Some("20250425093000".into()),
            file: Some(FileRef {
                name: format!("UPPLAN_{n}.CSV"),
                size: 1,
                sha256: format!("{n:0>64}"),
            }),
            ..Subject::default()
        }
    }

    fn check(n: u8) -> EntryDraft {
        EntryDraft::new(
            "佐藤",
            file(n),
            Details::CheckResult {
                outcome: CheckOutcome::Ok,
                errors: 0,
                warnings: 0,
                summary: "正常".into(),
            },
        )
    }

    #[test]
    fn a_file_and_its_check_result_are_one_act() {
        let mut chain = DeviceChain::new("1310000001", DeviceId::from_random([3; 16]));
        let drafts = vec![
            EntryDraft::new("佐藤", file(1), Details::Received),
            check(1),
            EntryDraft::new(
                "佐藤",
                Subject {
                    direction: Some(Direction::Sent),
                    ..file(2)
                },
                Details::Sent,
            ),
            check(2),
            EntryDraft::new(
                "佐藤",
                Subject::default(),
                Details::Memo {
                    text: "メモ".into(),
                },
            ),
            // A check result not right after its file: its own row.
            check(1),
            EntryDraft::new("佐藤", file(3), Details::Received),
            // Right after a file, but about another one: its own row.
            check(2),
        ];
        for (i, d) in drafts.into_iter().enumerate() {
            let head = chain.head().hash;
            chain
                .append(d, &head, Timestamp(1_750_000_000_000 + i as i64))
                .unwrap();
        }
        let entries = chain.entries();
        let all: Vec<usize> = (0..entries.len()).collect();
        let rows = acts(entries, &all);
        let shape: Vec<(usize, Option<usize>)> = rows.iter().map(|a| (a.entry, a.check)).collect();
        assert_eq!(
            shape,
            vec![
                (0, Some(1)),
                (2, Some(3)),
                (4, None),
                (5, None),
                (6, None),
                (7, None)
            ]
        );
        // A check result whose exchange is filtered out is a row of its own.
        assert_eq!(acts(entries, &[1, 3]).len(), 2);
    }
}
