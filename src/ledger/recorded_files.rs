//! When a file is already recorded: the one rule both the record panel (which offers only
//! files not yet recorded) and the store's write transaction (which drops what another tab
//! recorded meanwhile) apply, so a file is recorded once whatever the tabs do.
//!
//! A file exchange is its bytes (SHA-256) under its name: the name carries the sender, the
//! receiver and the 連番, so the same bytes under a new name are a new exchange (the care
//! software re-exported an unchanged plan), while the same name and bytes dropped twice, or
//! recorded by two tabs at once, are one.

use std::collections::HashSet;

use super::entry::{Entry, EntryDraft, FileRef, Kind, Subject};

/// Whether entries of this kind record a file's exchange (受信, 送信, 削除ファイル受信).
pub fn is_exchange(kind: Kind) -> bool {
    matches!(kind, Kind::Received | Kind::Sent | Kind::DeletionReceived)
}

/// The exchanges some entries record, by SHA-256 and name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RecordedFiles {
    exchanges: HashSet<(String, String)>,
}

impl RecordedFiles {
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> RecordedFiles {
        let mut recorded = RecordedFiles::default();
        for e in entries {
            if let Some(f) = exchanged_file(e.kind(), &e.subject) {
                recorded
                    .exchanges
                    .insert((f.sha256.clone(), f.name.clone()));
            }
        }
        recorded
    }

    pub fn contains(&self, sha256: &str, name: &str) -> bool {
        // A tuple of borrowed strings cannot look up owned ones; the set is small per call.
        self.exchanges
            .contains(&(sha256.to_string(), name.to_string()))
    }

    pub fn is_empty(&self) -> bool {
        self.exchanges.is_empty()
    }

    /// The drafts left when the files these entries record are not recorded again: each
    /// such file's exchange and its チェック結果 go together. Returns the drafts kept and
    /// the names of the files left out, in their order.
    pub fn leave_out(&self, drafts: Vec<EntryDraft>) -> (Vec<EntryDraft>, Vec<String>) {
        if self.is_empty() {
            return (drafts, Vec::new());
        }
        let mut left_out = Vec::new();
        let kept = drafts
            .into_iter()
            .filter(|d| {
                let Some(f) = d.subject.file.as_ref() else {
                    return true;
                };
                let belongs = is_exchange(d.kind()) || d.kind() == Kind::CheckResult;
                if belongs && self.contains(&f.sha256, &f.name) {
                    if is_exchange(d.kind()) {
                        left_out.push(f.name.clone());
                    }
                    false
                } else {
                    true
                }
            })
            .collect();
        (kept, left_out)
    }
}

fn exchanged_file(kind: Kind, subject: &Subject) -> Option<&FileRef> {
    subject.file.as_ref().filter(|_| is_exchange(kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jpdate::Timestamp;
    use crate::ledger::chain::{seal, ChainHead};
    use crate::ledger::entry::{CheckOutcome, Details, Direction};
    use crate::ledger::sample::{sample_client, sample_partner};
    use crate::ledger::DeviceId;

    fn file(name: &str, sha: char) -> Subject {
        Subject {
            file: Some(FileRef {
                name: name.into(),
                size: 10,
                sha256: sha.to_string().repeat(64),
            }),
            direction: Some(Direction::Received),
            clients: vec![sample_client(1)],
            partner: Some(sample_partner(1)),
            ..Subject::default()
        }
    }

    fn drafts_for(subject: &Subject) -> Vec<EntryDraft> {
        vec![
            EntryDraft::new("佐藤", subject.clone(), Details::Received),
            EntryDraft::new(
                "佐藤",
                subject.clone(),
                Details::CheckResult {
                    outcome: CheckOutcome::Ok,
                    errors: 0,
                    warnings: 0,
                    summary: "問題なし".into(),
                },
            ),
        ]
    }

    fn sealed(drafts: Vec<EntryDraft>) -> Vec<Entry> {
        let device = DeviceId::parse("11111111111111111111111111111111").unwrap();
        let mut head = ChainHead::genesis("0300000100", &device);
        let now = Timestamp::parse_rfc3339("2025-05-01T01:00:00.000Z").unwrap();
        drafts
            .into_iter()
            .map(|d| {
                let e = seal(&head, d, now).unwrap_or_else(|e| panic!("{e}"));
                head = ChainHead::after(std::slice::from_ref(&e), head.clone());
                e
            })
            .collect()
    }

    #[test]
    fn a_file_recorded_meanwhile_is_left_out_with_its_check_result() {
        let a = file("UPPLAN_a.CSV", 'a');
        let b = file("UPPLAN_b.CSV", 'b');
        let meanwhile = sealed(drafts_for(&a));
        let recorded = RecordedFiles::of(&meanwhile);
        let mut batch = drafts_for(&a);
        batch.extend(drafts_for(&b));
        let (kept, left_out) = recorded.leave_out(batch);
        assert_eq!(left_out, vec!["UPPLAN_a.CSV".to_string()]);
        assert_eq!(kept.len(), 2);
        assert!(kept
            .iter()
            .all(|d| d.subject.file.as_ref().unwrap().name == "UPPLAN_b.CSV"));
    }

    #[test]
    fn the_same_bytes_under_a_new_name_are_a_new_exchange() {
        let a = file("UPPLAN_a.CSV", 'a');
        let renamed = file("UPPLAN_a2.CSV", 'a');
        let recorded = RecordedFiles::of(&sealed(drafts_for(&a)));
        assert!(recorded.contains(&"a".repeat(64), "UPPLAN_a.CSV"));
        let (kept, left_out) = recorded.leave_out(drafts_for(&renamed));
        assert_eq!((kept.len(), left_out.len()), (2, 0));
    }

    #[test]
    fn only_exchanges_count_as_recording_a_file() {
        // A チェック結果 alone, or a メモ naming the file, does not make it recorded.
        let a = file("UPPLAN_a.CSV", 'a');
        let check_only = sealed(drafts_for(&a).split_off(1));
        assert!(!RecordedFiles::of(&check_only).contains(&"a".repeat(64), "UPPLAN_a.CSV"));
        // Drafts without a file (a メモ, a 端末の登録) are always kept.
        let recorded = RecordedFiles::of(&sealed(drafts_for(&a)));
        let memo = EntryDraft::new(
            "佐藤",
            Subject::default(),
            Details::Memo {
                text: "確認済み".into(),
            },
        );
        let (kept, _) = recorded.leave_out(vec![memo]);
        assert_eq!(kept.len(), 1);
    }
}
