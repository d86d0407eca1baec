//! Kept file bytes that no entry names (orphans). Versions before recording became one
//! transaction could leave them when the browser died between a file's bytes and its entries;
//! they are nobody's evidence and only take room. The page sweeps them on opening, and only
//! when its ledger is verified, has no damaged entries and is exactly what the store holds
//! (checked inside the deleting transaction), so bytes an entry names are never deleted.

use std::collections::HashSet;

use super::entry::Entry;

/// The SHA-256 of every file some entry names, whatever its kind (a チェック結果 or a メモ
/// naming a file keeps its bytes too: the rule errs on keeping).
pub fn named_files<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> HashSet<&'a str> {
    entries
        .into_iter()
        .filter_map(|e| e.subject.file.as_ref().map(|f| f.sha256.as_str()))
        .collect()
}

/// The kept files no entry names, sorted.
pub fn orphans<'a>(
    kept: impl IntoIterator<Item = &'a str>,
    entries: impl IntoIterator<Item = &'a Entry>,
) -> Vec<String> {
    let named = named_files(entries);
    let mut out: Vec<String> = kept
        .into_iter()
        .filter(|sha| !named.contains(sha))
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jpdate::Timestamp;
    use crate::ledger::chain::{seal, ChainHead};
    use crate::ledger::entry::{Details, EntryDraft, FileRef, Subject};
    use crate::ledger::DeviceId;

    #[test]
    fn only_bytes_no_entry_names_are_orphans() {
        let device = DeviceId::parse("11111111111111111111111111111111").unwrap();
        let head = ChainHead::genesis("0300000100", &device);
        let now = Timestamp::parse_rfc3339("2025-05-01T01:00:00.000Z").unwrap();
        let named = "a".repeat(64);
        let subject = Subject {
            file: Some(FileRef {
                name: "UPPLAN_x.CSV".into(),
                size: 1,
                sha256: named.clone(),
            }),
            ..Subject::default()
        };
        let entry = seal(
            &head,
            EntryDraft::new("佐藤", subject, Details::Memo { text: "x".into() }),
            now,
        )
        .unwrap();
        let orphan = "b".repeat(64);
        let kept = [named.as_str(), orphan.as_str(), orphan.as_str()];
        assert_eq!(orphans(kept, [&entry]), vec![orphan.clone()]);
        // With no entries at all, every kept file is an orphan.
        assert_eq!(orphans([named.as_str()], []).len(), 1);
    }
}
