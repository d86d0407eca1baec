//! The entry's canonical text (RFC 8785, as [`crate::ledger::canonical`] defines it) written
//! straight from the typed entry, without building a `serde_json::Value` first.
//!
//! Why: hashing and storing an entry is the bulk of opening, verifying, exporting and
//! importing years of records, and building a `Value` tree per entry (maps of owned strings)
//! only to print it again cost most of that time. The text is byte for byte
//! `canonicalize(&entry.to_value())` (tests below compare the two over every kind and option
//! and over awkward strings): keys in each object are written in ascending order by hand,
//! which a debug assertion checks, and strings are escaped exactly as JCS says.
//!
//! Because every key is ASCII, JCS's UTF-16 key order is plain byte order here, and JCS's
//! compact text equals `serde_json`'s compact text of the same `Value` (same escapes,
//! lower-case `\u00xx`): the stored line of an entry ([`super::Entry::to_json`]) is its
//! canonical text with `hash`.

use super::model::*;
use crate::ledger::canonical::write_string;
use std::fmt::Write as _;

/// Writes one JSON object's members in order; checks (in debug builds) that the keys really
/// come in JCS order, so a misordered hand-written key cannot slip through the tests.
struct ObjectWriter<'a> {
    out: &'a mut String,
    first: bool,
    #[cfg(debug_assertions)]
    last_key: &'static str,
}

impl<'a> ObjectWriter<'a> {
    fn open(out: &'a mut String) -> ObjectWriter<'a> {
        out.push('{');
        ObjectWriter {
            out,
            first: true,
            #[cfg(debug_assertions)]
            last_key: "",
        }
    }

    /// Starts the member `key` and returns the buffer for its value.
    fn key(&mut self, key: &'static str) -> &mut String {
        #[cfg(debug_assertions)]
        {
            debug_assert!(
                self.first || self.last_key < key,
                "JCS order: {key} after {}",
                self.last_key
            );
            self.last_key = key;
        }
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\":");
        self.out
    }

    fn str(&mut self, key: &'static str, value: &str) {
        write_string(self.key(key), value);
    }

    fn opt_str(&mut self, key: &'static str, value: Option<&str>) {
        if let Some(v) = value {
            self.str(key, v);
        }
    }

    fn u64(&mut self, key: &'static str, value: u64) {
        let _ = write!(self.key(key), "{value}");
    }

    fn opt_u64(&mut self, key: &'static str, value: Option<u64>) {
        if let Some(v) = value {
            self.u64(key, v);
        }
    }

    fn bool(&mut self, key: &'static str, value: bool) {
        self.key(key).push_str(if value { "true" } else { "false" });
    }

    fn close(self) {
        self.out.push('}');
    }
}

/// Appends the canonical text of `entry` to `out`: with its `hash` member (the stored line)
/// or without it (the text that is hashed).
pub(crate) fn write_entry(out: &mut String, entry: &Entry, with_hash: bool) {
    let mut o = ObjectWriter::open(out);
    o.str("actor", &entry.actor);
    write_details(o.key("details"), &entry.details);
    if with_hash {
        o.str("hash", &entry.hash);
    }
    o.str("kind", entry.kind().as_str());
    if let Some(at) = entry.occurred_at {
        o.str("occurred_at", &at.to_rfc3339());
    }
    o.str("prev_hash", &entry.prev_hash);
    o.str("recorded_at", &entry.recorded_at.to_rfc3339());
    o.u64("seq", entry.seq);
    write_subject(o.key("subject"), &entry.subject);
    o.close();
}

fn write_subject(out: &mut String, s: &Subject) {
    let mut o = ObjectWriter::open(out);
    if !s.clients.is_empty() {
        let list = o.key("clients");
        list.push('[');
        for (i, c) in s.clients.iter().enumerate() {
            if i > 0 {
                list.push(',');
            }
            let mut co = ObjectWriter::open(list);
            co.str("insured_number", &c.insured_number);
            co.str("insurer_number", &c.insurer_number);
            if let Some(k) = &c.kana {
                co.str("kana", k);
            }
            co.str("name", &c.name);
            if let Some(d) = c.plan_date {
                co.str("plan_date", &d.to_yyyymmdd());
            }
            co.close();
        }
        list.push(']');
    }
    if let Some(d) = s.direction {
        o.str("direction", d.as_str());
    }
    if let Some(f) = &s.file {
        let mut fo = ObjectWriter::open(o.key("file"));
        fo.str("name", &f.name);
        fo.str("sha256", &f.sha256);
        fo.u64("size", f.size);
        fo.close();
    }
    o.opt_str("file_serial", s.file_serial.as_deref());
    if let Some(p) = &s.partner {
        let mut po = ObjectWriter::open(o.key("partner"));
        po.str("name", &p.name);
        po.str("office_number", &p.office_number);
        po.close();
    }
    if let Some(ym) = s.service_month {
        o.str("service_month", &ym.to_yyyymm());
    }
    o.close();
}

fn write_details(out: &mut String, details: &Details) {
    let mut o = ObjectWriter::open(out);
    match details {
        Details::Received | Details::Sent | Details::DeletionReceived => {}
        Details::CheckResult {
            outcome,
            errors,
            warnings,
            summary,
        } => {
            o.u64("errors", *errors);
            o.str("outcome", outcome.as_str());
            o.str("summary", summary);
            o.u64("warnings", *warnings);
        }
        Details::Imported { software } => o.opt_str("software", software.as_deref()),
        Details::StoragePlace { place } => o.str("place", place),
        Details::Replaced {
            reason,
            replaces_seq,
            replaces_device,
        } => {
            o.str("reason", reason);
            o.opt_str(
                "replaces_device",
                replaces_device.as_ref().map(|d| d.as_str()),
            );
            o.opt_u64("replaces_seq", *replaces_seq);
        }
        Details::Consent {
            method,
            consented_on,
            prior_approval_on,
        } => {
            o.str("consented_on", &consented_on.to_yyyymmdd());
            o.str("method", method.as_str());
            if let Some(d) = prior_approval_on {
                o.str("prior_approval_on", &d.to_yyyymmdd());
            }
        }
        Details::DeliveredToClient {
            document,
            delivered_on,
        } => {
            o.str("delivered_on", &delivered_on.to_yyyymmdd());
            o.str("document", document.as_str());
        }
        Details::Memo { text } => o.str("text", text),
        Details::Correction {
            corrects_seq,
            corrects_device,
            text,
        } => {
            o.opt_str(
                "corrects_device",
                corrects_device.as_ref().map(|d| d.as_str()),
            );
            o.u64("corrects_seq", *corrects_seq);
            o.str("text", text);
        }
        Details::Completion { completed_on } => o.str("completed_on", &completed_on.to_yyyymmdd()),
        Details::Checkpoint {
            entry_count,
            head_hash,
            device_count,
        } => {
            o.opt_u64("device_count", *device_count);
            o.u64("entry_count", *entry_count);
            o.str("head_hash", head_hash);
        }
        Details::BackupExported {
            entry_count,
            head_hash,
            with_files,
            device_count,
        } => {
            o.opt_u64("device_count", *device_count);
            o.u64("entry_count", *entry_count);
            o.str("head_hash", head_hash);
            o.bool("with_files", *with_files);
        }
        Details::BackupRestored {
            outcome,
            source_entry_count,
            source_head_hash,
            appended,
        } => {
            o.u64("appended", *appended);
            o.str("outcome", outcome.as_str());
            o.u64("source_entry_count", *source_entry_count);
            o.str("source_head_hash", source_head_hash);
        }
        Details::DeviceNamed {
            device_id,
            name,
            office_number,
            migrated_from,
        } => {
            o.str("device_id", device_id.as_str());
            if let Some(h) = migrated_from {
                let mut m = ObjectWriter::open(o.key("migrated_from"));
                m.str("device_id", h.device.as_str());
                m.u64("entry_count", h.entry_count);
                m.str("head_hash", &h.hash);
                m.close();
            }
            o.str("name", name);
            o.str("office_number", office_number);
        }
        Details::SendList => {}
        Details::Attachment {
            note,
            attached_to_seq,
            attached_to_device,
        } => {
            o.opt_str(
                "attached_to_device",
                attached_to_device.as_ref().map(|d| d.as_str()),
            );
            o.opt_u64("attached_to_seq", *attached_to_seq);
            o.opt_str("note", note.as_deref());
        }
        Details::RenewalItem {
            item,
            what,
            owner,
            due_on,
            facts,
        } => {
            let date = |d: Option<crate::jpdate::CivilDate>| d.map(|d| d.to_yyyymmdd());
            o.opt_u64("amount_yen", facts.amount_yen);
            o.opt_str("app_version", facts.app_version.as_deref());
            o.opt_str("applied_on", date(facts.applied_on).as_deref());
            o.opt_str("certificate", facts.certificate.map(|c| c.as_str()));
            o.str("due_on", &due_on.to_yyyymmdd());
            o.opt_str("free_until", date(facts.free_until).as_deref());
            o.str("item", item);
            o.opt_str("office_number", facts.office_number.as_deref());
            o.str("owner", owner);
            o.opt_str("terminal", facts.terminal.as_deref());
            o.opt_str("updated_on", date(facts.updated_on).as_deref());
            o.str("what", what.as_str());
        }
        Details::RenewalDone {
            item,
            done_on,
            new_due_on,
            app_version,
            note,
        } => {
            o.opt_str("app_version", app_version.as_deref());
            o.str("done_on", &done_on.to_yyyymmdd());
            o.str("item", item);
            o.str("new_due_on", &new_due_on.to_yyyymmdd());
            o.opt_str("note", note.as_deref());
        }
    }
    o.close();
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::jpdate::{CivilDate, Timestamp, YearMonth};
    use crate::ledger::canonical::canonicalize;
    use crate::ledger::chain::ChainHead;
    use crate::ledger::device::DeviceId;
    use crate::ledger::sample::{sample_device, sample_device_chain};

    pub(in crate::ledger::entry) fn every_details() -> Vec<Details> {
        let d = sample_device(3);
        let date = CivilDate::parse_yyyymmdd("20250401").unwrap();
        vec![
            Details::Received,
            Details::Sent,
            Details::DeletionReceived,
            Details::CheckResult {
                outcome: CheckOutcome::Error,
                errors: 2,
                warnings: 0,
                summary: "エラー2件: \"3行目\"\n\t\\".into(),
            },
            Details::Imported { software: None },
            Details::Imported {
                software: Some("ケアソフト".into()),
            },
            Details::StoragePlace {
                place: "\\\\server\\ケアプラン\\2025".into(),
            },
            Details::Replaced {
                reason: "誤り".into(),
                replaces_seq: None,
                replaces_device: None,
            },
            Details::Replaced {
                reason: "誤り".into(),
                replaces_seq: Some(4),
                replaces_device: Some(d.clone()),
            },
            Details::Consent {
                method: ConsentMethod::Signature,
                consented_on: date,
                prior_approval_on: None,
            },
            Details::Consent {
                method: ConsentMethod::Electronic,
                consented_on: date,
                prior_approval_on: Some(date),
            },
            Details::DeliveredToClient {
                document: DeliveredDocument::ScheduleCopy,
                delivered_on: date,
            },
            Details::Memo {
                text: "\u{0}\u{1f}\u{7f}\u{8}\u{c}\r 😀 \u{fb33}".into(),
            },
            Details::Correction {
                corrects_seq: 3,
                corrects_device: None,
                text: "訂正".into(),
            },
            Details::Correction {
                corrects_seq: 3,
                corrects_device: Some(d.clone()),
                text: "訂正".into(),
            },
            Details::Completion { completed_on: date },
            Details::Checkpoint {
                entry_count: 10,
                head_hash: "ab".repeat(32),
                device_count: None,
            },
            Details::Checkpoint {
                entry_count: 10,
                head_hash: "ab".repeat(32),
                device_count: Some(3),
            },
            Details::BackupExported {
                entry_count: 10,
                head_hash: "cd".repeat(32),
                with_files: true,
                device_count: None,
            },
            Details::BackupExported {
                entry_count: 10,
                head_hash: "cd".repeat(32),
                with_files: false,
                device_count: Some(2),
            },
            Details::BackupRestored {
                outcome: RestoreOutcome::ForkKept,
                source_entry_count: 7,
                source_head_hash: "ef".repeat(32),
                appended: 0,
            },
            Details::DeviceNamed {
                device_id: d.clone(),
                name: "事務室PC".into(),
                office_number: "1310000001".into(),
                migrated_from: None,
            },
            Details::SendList,
            Details::Attachment {
                note: None,
                attached_to_seq: Some(4),
                attached_to_device: None,
            },
            Details::Attachment {
                note: Some("担当者会議の記録 \"5月\"\n".into()),
                attached_to_seq: Some(4),
                attached_to_device: Some(d.clone()),
            },
            Details::Attachment {
                note: Some("資料".into()),
                attached_to_seq: None,
                attached_to_device: None,
            },
            Details::RenewalItem {
                item: "licence-1".into(),
                what: RenewalWhat::Licence,
                owner: "佐藤 花子".into(),
                due_on: date,
                facts: RenewalFacts {
                    office_number: Some("1310000001".into()),
                    applied_on: Some(date),
                    free_until: Some(date),
                    amount_yen: Some(21_000),
                    ..RenewalFacts::default()
                },
            },
            Details::RenewalItem {
                item: "cert-1".into(),
                what: RenewalWhat::Certificate,
                owner: "鈴木".into(),
                due_on: date,
                facts: RenewalFacts {
                    certificate: Some(CertificateKind::DelegatedBilling),
                    terminal: Some("事務室PC".into()),
                    app_version: Some("V2.3".into()),
                    updated_on: Some(date),
                    ..RenewalFacts::default()
                },
            },
            Details::RenewalItem {
                item: "kj".into(),
                what: RenewalWhat::IdPassword,
                owner: "鈴木".into(),
                due_on: date,
                facts: RenewalFacts::default(),
            },
            Details::RenewalDone {
                item: "kj".into(),
                done_on: date,
                new_due_on: date,
                app_version: None,
                note: None,
            },
            Details::RenewalDone {
                item: "app".into(),
                done_on: date,
                new_due_on: date,
                app_version: Some("3.0.1".into()),
                note: Some("更新しました".into()),
            },
            Details::DeviceNamed {
                device_id: d.clone(),
                name: "事務室PC".into(),
                office_number: "1310000001".into(),
                migrated_from: Some(ChainHead {
                    device: DeviceId::legacy_of(&"0".repeat(64)),
                    entry_count: 12,
                    hash: "12".repeat(32),
                }),
            },
        ]
    }

    fn subjects() -> Vec<Subject> {
        let (chain, _) = sample_device_chain(1, 30, 5, 3, false);
        let mut all: Vec<Subject> = chain.entries().iter().map(|e| e.subject.clone()).collect();
        all.push(Subject::default());
        all.push(Subject {
            clients: vec![Client {
                insurer_number: "131001".into(),
                insured_number: "0000000001".into(),
                name: "山田 \"花子\"".into(),
                kana: Some("ヤマダ ハナコ".into()),
                plan_date: Some(CivilDate::parse_yyyymmdd("20250420").unwrap()),
            }],
            service_month: YearMonth::parse_yyyymm("202505"),
            partner: Some(Partner {
                office_number: "1310000002".into(),
                name: "ひまわり".into(),
            }),
            file: Some(FileRef {
                name: "UPPLAN.CSV".into(),
                size: (1 << 53) - 1,
                sha256: "00".repeat(32),
            }),
            file_serial: Some("0001".into()),
            direction: Some(Direction::Received),
        });
        all
    }

    /// The typed text is exactly the canonical text of the entry's `Value`, with and without
    /// `hash`, over every kind, every optional field and strings that need escaping.
    #[test]
    fn typed_text_is_the_canonical_text_of_the_value() {
        let base = sample_device_chain(1, 3, 1, 1, false).0.entries()[1].clone();
        let mut checked = 0;
        for details in every_details() {
            for subject in subjects() {
                for occurred in [None, Some(Timestamp::from_unix_ms(1_700_000_000_123))] {
                    let mut e = base.clone();
                    e.details = details.clone();
                    e.subject = subject.clone();
                    e.occurred_at = occurred;
                    e.actor = "佐々木\u{2028}\\".into();
                    let mut with = String::new();
                    write_entry(&mut with, &e, true);
                    assert_eq!(with, canonicalize(&e.to_value()).unwrap());
                    assert_eq!(with, e.to_value().to_string(), "serde_json's compact text");
                    let mut without = String::new();
                    write_entry(&mut without, &e, false);
                    assert_eq!(without, canonicalize(&e.unhashed_value()).unwrap());
                    checked += 1;
                }
            }
        }
        assert!(checked > 500, "{checked}");
    }
}
