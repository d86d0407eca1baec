//! Attachments (添付, issue 15): the month's 送受信一覧 and the documents behind an entry (the
//! minutes behind a 差替, a signed consent page), kept like the CSVs: the bytes once per
//! SHA-256 beside the entries, the SHA-256 in the entry, verified when read.
//!
//! Here are the rules a form and the views share: what may be attached (size, type by the
//! bytes, not the name), the drafts, which months still lack their 送受信一覧, and which
//! attachments belong to a client and month.

use std::collections::BTreeSet;

use super::device::DeviceId;
use super::entry::{ClientKey, Details, Entry, EntryDraft, EntryRef, FileRef, Kind, Subject};
use super::reminders::{exchange_months, missing_send_list_ja, missing_send_lists};
use crate::display::byte_size;
use crate::jpdate::{CivilDate, YearMonth};
use crate::visible_text::visible;

/// The largest file that may be attached: a month's list as a PDF is well below it, and
/// the bytes are held in memory, in IndexedDB and in every backup with files.
pub const MAX_ATTACHMENT_BYTES: u64 = 50 * 1024 * 1024;

/// What the bytes are, by their first bytes (a name can say anything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentType {
    Pdf,
    Png,
    Jpeg,
    /// Anything else: kept and downloadable, never shown inside the page.
    Other,
}

impl ContentType {
    /// Sniffs `bytes` (only their start is looked at).
    pub fn of(bytes: &[u8]) -> ContentType {
        if bytes.starts_with(b"%PDF-") {
            ContentType::Pdf
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            ContentType::Png
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            ContentType::Jpeg
        } else {
            ContentType::Other
        }
    }

    /// The type the page gives a blob: the preview follows the bytes, so a file named
    /// `.pdf` that is not one is never handed to the PDF viewer, and nothing is shown as
    /// HTML or script. Downloads use `application/octet-stream` for [`ContentType::Other`].
    pub fn mime(self) -> &'static str {
        match self {
            ContentType::Pdf => "application/pdf",
            ContentType::Png => "image/png",
            ContentType::Jpeg => "image/jpeg",
            ContentType::Other => "application/octet-stream",
        }
    }

    pub fn can_preview(self) -> bool {
        self != ContentType::Other
    }

    /// The type a file name claims, by its extension.
    pub fn claimed_by(name: &str) -> Option<ContentType> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => Some(ContentType::Pdf),
            "png" => Some(ContentType::Png),
            "jpg" | "jpeg" => Some(ContentType::Jpeg),
            _ => None,
        }
    }

    fn label_ja(self) -> &'static str {
        match self {
            ContentType::Pdf => "PDF",
            ContentType::Png => "PNG画像",
            ContentType::Jpeg => "JPEG画像",
            ContentType::Other => "PDFや画像ではないファイル",
        }
    }
}

/// What is being attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachAs {
    /// The 送受信一覧 of a month.
    SendList(YearMonth),
    /// A document belonging to an earlier entry (差替, 同意, 交付).
    ToEntry(EntryRef),
    /// A 資料 on its own, with a note saying what it is.
    Document,
}

impl AttachAs {
    /// Whether only a PDF or an image will do (a list or a scanned page is one).
    fn wants_pdf_or_image(&self) -> bool {
        !matches!(self, AttachAs::Document)
    }
}

/// The kinds an attachment may belong to.
pub fn takes_attachments(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Replaced | Kind::Consent | Kind::DeliveredToClient
    )
}

/// Why a file cannot be attached as `what`, in words for the form; `None` when it can. The
/// size is known before the bytes are read, so a too-big file is refused without reading it.
pub fn size_problem_ja(name: &str, size: u64) -> Option<String> {
    let name = visible(name);
    if size == 0 {
        Some(format!(
            "「{name}」は空のファイル(0バイト)です。保存し直したファイルを選んでください"
        ))
    } else if size > MAX_ATTACHMENT_BYTES {
        Some(format!(
            "「{name}」は{}あり、大きすぎます。添付できるのは1ファイル{}までです。PDFを分けるか、画面の写しを小さくしてから選んでください",
            byte_size(size),
            byte_size(MAX_ATTACHMENT_BYTES)
        ))
    } else {
        None
    }
}

/// Why these bytes cannot be attached as `what` (size, then type), or `None`.
pub fn content_problem_ja(name: &str, bytes: &[u8], what: &AttachAs) -> Option<String> {
    if let Some(p) = size_problem_ja(name, bytes.len() as u64) {
        return Some(p);
    }
    let shown = visible(name);
    let actual = ContentType::of(bytes);
    if what.wants_pdf_or_image() && !actual.can_preview() {
        return Some(format!(
            "「{shown}」はPDFでもPNG・JPEG画像でもありません。送受信一覧や書類は、PDFか画像で保存したものを選んでください(ほかのファイルは「資料」として添付できます)"
        ));
    }
    match ContentType::claimed_by(name) {
        Some(claimed) if claimed != actual => Some(format!(
            "「{shown}」は名前では{}ですが、中身は{}です。正しいファイルか確かめてください",
            claimed.label_ja(),
            actual.label_ja()
        )),
        _ => None,
    }
}

/// The draft that attaches the file `file` (already hashed) as `what`. For an attachment to
/// an entry, the entry's clients, month and partner are copied so the document is found
/// under the same client and month; its device is named only when it is not `own` (the
/// device that will seal the draft), as every reference in the ledger is.
pub fn attachment_draft(
    actor: &str,
    file: FileRef,
    what: &AttachAs,
    note: Option<String>,
    entries: &[Entry],
    own: Option<&DeviceId>,
) -> EntryDraft {
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    match what {
        AttachAs::SendList(month) => EntryDraft::new(
            actor,
            Subject {
                file: Some(file),
                service_month: Some(*month),
                ..Subject::default()
            },
            Details::SendList,
        ),
        AttachAs::ToEntry(target) => {
            let about = entries.iter().find(|e| e.id() == *target);
            let subject = Subject {
                clients: about.map(|e| e.subject.clients.clone()).unwrap_or_default(),
                service_month: about.and_then(|e| e.subject.service_month),
                partner: about.and_then(|e| e.subject.partner.clone()),
                file: Some(file),
                ..Subject::default()
            };
            EntryDraft::new(
                actor,
                subject,
                Details::Attachment {
                    note,
                    attached_to_seq: Some(target.seq),
                    attached_to_device: (Some(&target.device) != own)
                        .then(|| target.device.clone()),
                },
            )
        }
        AttachAs::Document => EntryDraft::new(
            actor,
            Subject {
                file: Some(file),
                ..Subject::default()
            },
            Details::Attachment {
                note,
                attached_to_seq: None,
                attached_to_device: None,
            },
        ),
    }
}

/// The months whose 送受信一覧 is in the ledger.
pub fn saved_send_list_months(entries: &[Entry]) -> BTreeSet<YearMonth> {
    entries
        .iter()
        .filter(|e| e.kind() == Kind::SendList)
        .filter_map(|e| e.subject.service_month)
        .collect()
}

/// The month a form offers first: the last month (its list is the one due).
pub fn default_send_list_month(today: CivilDate) -> YearMonth {
    let m = today.year_month();
    if m.month == 1 {
        YearMonth::new(m.year - 1, 12).expect("December")
    } else {
        YearMonth::new(m.year, m.month - 1).expect("1..=12")
    }
}

/// Months with exchanges whose 送受信一覧 is due on `today` and not saved, oldest first.
pub fn missing_send_list_months(entries: &[Entry], today: CivilDate) -> Vec<YearMonth> {
    missing_send_lists(
        &exchange_months(entries),
        &saved_send_list_months(entries),
        today,
    )
}

/// The reminder lines: 「2025年5月分の送受信一覧がまだ保存されていません」.
pub fn send_list_reminders(entries: &[Entry], today: CivilDate) -> Vec<(YearMonth, String)> {
    missing_send_list_months(entries, today)
        .into_iter()
        .map(|m| (m, missing_send_list_ja(m)))
        .collect()
}

/// Every 送受信一覧 and 添付 entry, newest first (the attachments place lists them).
pub fn attachment_entries(entries: &[Entry]) -> Vec<&Entry> {
    entries
        .iter()
        .rev()
        .filter(|e| matches!(e.kind(), Kind::SendList | Kind::Attachment))
        .collect()
}

/// The 添付 about `client` in the months `from..=to` (by their month or the entry they
/// belong to; an attachment without a month counts for every month), oldest first.
pub fn client_attachments<'a>(
    entries: &'a [Entry],
    client: &ClientKey,
    from: YearMonth,
    to: YearMonth,
) -> Vec<&'a Entry> {
    entries
        .iter()
        .filter(|e| e.kind() == Kind::Attachment)
        .filter(|e| e.subject.clients.iter().any(|c| c.key() == *client))
        .filter(|e| {
            let month = e.subject.service_month.or_else(|| {
                e.subject
                    .clients
                    .iter()
                    .find_map(|c| c.plan_date.map(|d| d.year_month()))
            });
            month.is_none_or(|m| from <= m && m <= to)
        })
        .collect()
}

/// The 送受信一覧 of the months `from..=to`, oldest first.
pub fn send_lists_of(entries: &[Entry], from: YearMonth, to: YearMonth) -> Vec<&Entry> {
    entries
        .iter()
        .filter(|e| e.kind() == Kind::SendList)
        .filter(|e| {
            e.subject
                .service_month
                .is_some_and(|m| from <= m && m <= to)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jpdate::Timestamp;
    use crate::ledger::chain::{seal, ChainHead};
    use crate::ledger::sample::sample_device;

    fn ym(y: i32, m: u8) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    fn file(name: &str, bytes: &[u8]) -> FileRef {
        FileRef {
            name: name.into(),
            size: bytes.len() as u64,
            sha256: crate::fingerprint::sha256_hex(bytes),
        }
    }

    #[test]
    fn sizes_and_types_are_judged_by_the_bytes() {
        assert!(size_problem_ja("a.pdf", 1).is_none());
        assert!(size_problem_ja("a.pdf", MAX_ATTACHMENT_BYTES).is_none());
        let big = size_problem_ja("一覧.pdf", 60 * 1024 * 1024).unwrap();
        assert!(big.contains("大きすぎます") && big.contains("50"), "{big}");
        let empty = size_problem_ja("a.pdf", 0).unwrap();
        assert!(empty.contains("0バイト"), "{empty}");
        // A hostile name is written out in the message.
        let hostile = size_problem_ja("x\u{202E}fdp.exe", 0).unwrap();
        assert!(hostile.contains("〔U+202E〕") && !hostile.contains('\u{202E}'));

        let pdf = b"%PDF-1.4\n...";
        let month = AttachAs::SendList(ym(2025, 5));
        assert_eq!(ContentType::of(pdf), ContentType::Pdf);
        assert!(content_problem_ja("一覧.pdf", pdf, &month).is_none());
        // A PNG named .pdf: kept from the list with a clear word.
        let png = b"\x89PNG\r\n\x1a\nrest";
        let named_wrong = content_problem_ja("一覧.pdf", png, &month).unwrap();
        assert!(named_wrong.contains("中身はPNG画像"), "{named_wrong}");
        // An executable named .pdf is neither a list nor shown.
        let exe = b"MZ\x90\x00";
        let not_pdf = content_problem_ja("一覧.pdf", exe, &month).unwrap();
        assert!(
            not_pdf.contains("PDFでもPNG・JPEG画像でもありません"),
            "{not_pdf}"
        );
        // As a 資料, any file type is fine when its name does not claim otherwise.
        assert!(content_problem_ja("議事録.docx", exe, &AttachAs::Document).is_none());
        assert!(content_problem_ja("議事録.pdf", exe, &AttachAs::Document).is_some());
        assert_eq!(ContentType::of(exe).mime(), "application/octet-stream");
        assert!(!ContentType::of(b"<html><script>").can_preview());
    }

    #[test]
    fn an_attachment_to_an_entry_is_found_under_its_client_and_month() {
        let (chain, _) = crate::ledger::sample::sample_device_chain(1, 40, 4, 2, false);
        let entries = chain.entries().to_vec();
        let target = entries
            .iter()
            .find(|e| !e.subject.clients.is_empty() && e.subject.service_month.is_some())
            .unwrap()
            .clone();
        let month = target.subject.service_month.unwrap();
        let client = target.subject.clients[0].key();
        let bytes = b"%PDF-1.7 minutes";
        let draft = attachment_draft(
            "佐藤",
            file("担当者会議.pdf", bytes),
            &AttachAs::ToEntry(target.id()),
            Some("  担当者会議の記録 ".into()),
            &entries,
            Some(&chain.head().device),
        );
        assert_eq!(draft.subject.clients, target.subject.clients);
        assert!(
            matches!(&draft.details, Details::Attachment { note: Some(n), .. } if n == "担当者会議の記録")
        );
        let head = chain.head();
        let at = entries.last().unwrap().recorded_at;
        let sealed = seal(&head, draft, at).unwrap();
        assert_eq!(sealed.attached_to(), Some(target.id()));
        let mut all = entries.clone();
        all.push(sealed.clone());
        let found = client_attachments(&all, &client, month, month);
        assert_eq!(found, vec![&sealed]);
        let next = YearMonth::new(month.year + 1, month.month).unwrap();
        assert!(client_attachments(&all, &client, next, next).is_empty());

        // An attachment pointing forward in its own chain is refused by the seal.
        let mut forward = attachment_draft(
            "佐藤",
            file("a.pdf", bytes),
            &AttachAs::Document,
            Some("資料".into()),
            &all,
            None,
        );
        forward.details = Details::Attachment {
            note: None,
            attached_to_seq: Some(999),
            attached_to_device: None,
        };
        assert!(seal(&head, forward, at).is_err());
        // A 資料 without a note is refused.
        let bare = attachment_draft(
            "佐藤",
            file("a.bin", b"x"),
            &AttachAs::Document,
            None,
            &all,
            None,
        );
        assert!(bare.validate().is_err());
    }

    #[test]
    fn the_send_list_of_a_month_with_exchanges_is_due_from_the_10th() {
        let d = sample_device(1);
        let mut head = ChainHead::genesis("1310000001", &d);
        let mut entries = Vec::new();
        // A 送信 on 2025-05-31 23:30 Japan time is May's.
        let sent_at = Timestamp::parse_rfc3339("2025-05-31T14:30:00.000Z").unwrap();
        let sent = EntryDraft::new(
            "佐藤",
            Subject {
                file: Some(file("UPPLAN.CSV", b"a")),
                partner: Some(crate::ledger::Partner {
                    office_number: "1310000002".into(),
                    name: "ひまわり".into(),
                }),
                ..Subject::default()
            },
            Details::Sent,
        );
        let e = seal(&head, sent, sent_at).unwrap();
        head = ChainHead::after(std::slice::from_ref(&e), head);
        entries.push(e);
        let june9 = CivilDate::new(2025, 6, 9).unwrap();
        let june10 = CivilDate::new(2025, 6, 10).unwrap();
        assert!(send_list_reminders(&entries, june9).is_empty());
        assert_eq!(
            send_list_reminders(&entries, june10),
            vec![(
                ym(2025, 5),
                "2025年5月分の送受信一覧がまだ保存されていません".to_string()
            )]
        );
        assert_eq!(default_send_list_month(june10), ym(2025, 5));
        assert_eq!(
            default_send_list_month(CivilDate::new(2026, 1, 10).unwrap()),
            ym(2025, 12)
        );
        let list = attachment_draft(
            "佐藤",
            file("送受信一覧_202505.pdf", b"%PDF-1.4"),
            &AttachAs::SendList(ym(2025, 5)),
            None,
            &entries,
            Some(&d),
        );
        let at = Timestamp::parse_rfc3339("2025-06-10T01:00:00.000Z").unwrap();
        let e = seal(&head, list, at).unwrap();
        entries.push(e);
        assert!(send_list_reminders(&entries, june10).is_empty());
        assert_eq!(send_lists_of(&entries, ym(2025, 5), ym(2025, 5)).len(), 1);
        assert!(send_lists_of(&entries, ym(2025, 6), ym(2025, 6)).is_empty());
    }
}
