//! One line per entry for people (the timeline, the search result, the 訂正 picker):
//! 「受信 UPPLAN_…CSV(ひまわり訪問介護)」, 「保存場所: \\server\ケアプラン\2025\05」.

use super::entry::{Details, Entry, RestoreOutcome};
use crate::visible_text::visible;

/// What the entry says, without its time and actor (shown beside it).
pub fn describe_ja(e: &Entry) -> String {
    let s = &e.subject;
    // A file name with hidden characters (U+202E …) is shown written out.
    let file = s.file.as_ref().map(|f| visible(&f.name));
    let partner = s.partner.as_ref().map(|p| p.name.as_str());
    let about = match (file, partner) {
        (Some(f), Some(p)) => format!(" {f}(相手先: {p})"),
        (Some(f), None) => format!(" {f}"),
        (None, Some(p)) => format!("(相手先: {p})"),
        (None, None) => String::new(),
    };
    let kind = e.kind().label_ja();
    let line = describe_details(e, kind, &about);
    match e.occurred_at {
        Some(at) => format!(
            "{line}({}: {})",
            super::entry::act_time_label(e.kind()),
            at.format_ja()
        ),
        None => line,
    }
}

fn describe_details(e: &Entry, kind: &str, about: &str) -> String {
    match &e.details {
        Details::Received | Details::Sent | Details::DeletionReceived => format!("{kind}{about}"),
        Details::CheckResult { summary, .. } => format!("{kind}: {summary}"),
        Details::Imported { software } => match software {
            Some(sw) => format!("{kind}({sw}){about}"),
            None => format!("{kind}{about}"),
        },
        Details::StoragePlace { place } => format!("{kind}: {place}"),
        Details::Replaced {
            reason,
            replaces_seq,
            ..
        } => match replaces_seq {
            Some(seq) => format!("{kind}(記録{seq}の版を差替): {reason}"),
            None => format!("{kind}: {reason}"),
        },
        Details::Consent {
            method,
            consented_on,
            prior_approval_on,
        } => {
            let prior = prior_approval_on
                .map(|d| format!("、事前承諾 {}", d.format_ja()))
                .unwrap_or_default();
            format!(
                "{kind}: {}({}{prior})",
                method.label_ja(),
                consented_on.format_ja()
            )
        }
        Details::DeliveredToClient {
            document,
            delivered_on,
        } => format!(
            "{kind}: {}({})",
            document.label_ja(),
            delivered_on.format_ja()
        ),
        Details::Memo { text } => format!("{kind}: {text}"),
        Details::Correction {
            corrects_seq, text, ..
        } => {
            format!("{kind}(記録{corrects_seq}について): {text}")
        }
        Details::Completion { completed_on } => format!("{kind}: {}", completed_on.format_ja()),
        Details::Checkpoint { entry_count, .. } => format!("{kind}: 記録{entry_count}件の時点"),
        Details::BackupExported {
            entry_count,
            with_files,
            ..
        } => format!(
            "{kind}: 記録{entry_count}件{}",
            if *with_files {
                "(ファイルを含む)"
            } else {
                ""
            }
        ),
        Details::BackupRestored {
            outcome, appended, ..
        } => match outcome {
            RestoreOutcome::Appended => format!("{kind}: 記録{appended}件を追加"),
            RestoreOutcome::ForkKept => format!("{kind}: 分かれた記録を別に保管"),
            RestoreOutcome::Merged => format!("{kind}: ほかの端末の記録{appended}件を統合"),
        },
        Details::DeviceNamed {
            name,
            migrated_from,
            ..
        } => match migrated_from {
            Some(h) => format!(
                "{kind}: 「{name}」(それまでの台帳 記録{}件を引き継ぎ)",
                h.entry_count
            ),
            None => format!("{kind}: 「{name}」"),
        },
        Details::SendList => format!(
            "{kind}: {}分{about}",
            e.subject
                .service_month
                .map(|m| m.format_ja())
                .unwrap_or_default()
        ),
        Details::Attachment {
            note,
            attached_to_seq,
            ..
        } => {
            let to = attached_to_seq
                .map(|s| format!("(記録{s}に添付)"))
                .unwrap_or_default();
            let note = note
                .as_deref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default();
            format!("{kind}{to}{about}{note}")
        }
        Details::RenewalItem {
            what,
            owner,
            due_on,
            ..
        } => format!(
            "{kind}: {} {} {}(担当: {owner})",
            what.label_ja(),
            what.due_label_ja(),
            due_on.format_wareki_ja()
        ),
        Details::RenewalDone {
            done_on,
            new_due_on,
            ..
        } => format!(
            "{kind}: {}に済ませました。次の期限 {}",
            done_on.format_wareki_ja(),
            new_due_on.format_wareki_ja()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::sample::sample_ledger;

    #[test]
    fn every_sample_entry_has_a_line_starting_with_its_kind() {
        let (entries, _) = sample_ledger(300, 5, 3, false);
        for e in &entries {
            let line = describe_ja(e);
            assert!(line.starts_with(e.kind().label_ja()), "{line}");
        }
    }

    #[test]
    fn a_file_name_with_a_direction_override_is_written_out() {
        let (mut entries, _) = sample_ledger(40, 2, 2, false);
        let e = entries
            .iter_mut()
            .find(|e| e.subject.file.is_some())
            .expect("a file entry");
        if let Some(f) = &mut e.subject.file {
            f.name = "UPPLAN_x\u{202E}VSC.exe".into();
        }
        let line = describe_ja(e);
        assert!(line.contains("UPPLAN_x〔U+202E〕VSC.exe"), "{line}");
        assert!(!line.contains('\u{202E}'));
    }
}
