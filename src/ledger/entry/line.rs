//! Reading an entry's stored line (its canonical text, [`super::Entry::to_json`]) quickly:
//! straight into the typed entry with `serde`, borrowing the text where it has no escapes, and
//! then checking that the entry writes back to exactly the same bytes.
//!
//! That last check is what makes the shortcut safe: a line that passes it is the one spelling
//! of its entry, so unknown, repeated, reordered or differently written fields cannot pass.
//! Anything unusual (a missing field, a number past 2^53 − 1, an act after its recording,
//! another spelling) gives `None`, and the caller reads the line the slow, strict way, which
//! decides and names the problem exactly as before. So this never accepts a line the strict
//! reader refuses, and never refuses one it accepts.

use super::model::*;
use crate::jpdate::{CivilDate, Timestamp, YearMonth};
use crate::ledger::canonical::MAX_SAFE_INTEGER;
use crate::ledger::chain::ChainHead;
use crate::ledger::device::DeviceId;
use serde::Deserialize;
use std::borrow::Cow;

type Text<'a> = Cow<'a, str>;

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    actor: Text<'a>,
    #[serde(borrow)]
    details: LineDetails<'a>,
    #[serde(borrow)]
    hash: Text<'a>,
    #[serde(borrow)]
    kind: Text<'a>,
    #[serde(borrow, default)]
    occurred_at: Option<Text<'a>>,
    #[serde(borrow)]
    prev_hash: Text<'a>,
    #[serde(borrow)]
    recorded_at: Text<'a>,
    seq: u64,
    #[serde(borrow)]
    subject: LineSubject<'a>,
}

#[derive(Deserialize)]
struct LineSubject<'a> {
    #[serde(borrow, default)]
    clients: Option<Vec<LineClient<'a>>>,
    #[serde(borrow, default)]
    direction: Option<Text<'a>>,
    #[serde(borrow, default)]
    file: Option<LineFile<'a>>,
    #[serde(borrow, default)]
    file_serial: Option<Text<'a>>,
    #[serde(borrow, default)]
    partner: Option<LinePartner<'a>>,
    #[serde(borrow, default)]
    service_month: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct LineClient<'a> {
    #[serde(borrow)]
    insured_number: Text<'a>,
    #[serde(borrow)]
    insurer_number: Text<'a>,
    #[serde(borrow, default)]
    kana: Option<Text<'a>>,
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow, default)]
    plan_date: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct LineFile<'a> {
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    sha256: Text<'a>,
    size: u64,
}

#[derive(Deserialize)]
struct LinePartner<'a> {
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    office_number: Text<'a>,
}

#[derive(Deserialize)]
struct LineHead<'a> {
    #[serde(borrow)]
    device_id: Text<'a>,
    entry_count: u64,
    #[serde(borrow)]
    head_hash: Text<'a>,
}

/// Every key any kind's `details` has; which ones a kind uses is decided in [`details`].
#[derive(Deserialize, Default)]
#[serde(default)]
struct LineDetails<'a> {
    amount_yen: Option<u64>,
    #[serde(borrow)]
    app_version: Option<Text<'a>>,
    appended: Option<u64>,
    #[serde(borrow)]
    applied_on: Option<Text<'a>>,
    #[serde(borrow)]
    attached_to_device: Option<Text<'a>>,
    attached_to_seq: Option<u64>,
    #[serde(borrow)]
    certificate: Option<Text<'a>>,
    #[serde(borrow)]
    completed_on: Option<Text<'a>>,
    #[serde(borrow)]
    consented_on: Option<Text<'a>>,
    #[serde(borrow)]
    corrects_device: Option<Text<'a>>,
    corrects_seq: Option<u64>,
    #[serde(borrow)]
    delivered_on: Option<Text<'a>>,
    #[serde(borrow)]
    device_id: Option<Text<'a>>,
    device_count: Option<u64>,
    #[serde(borrow)]
    document: Option<Text<'a>>,
    #[serde(borrow)]
    done_on: Option<Text<'a>>,
    #[serde(borrow)]
    due_on: Option<Text<'a>>,
    entry_count: Option<u64>,
    errors: Option<u64>,
    #[serde(borrow)]
    free_until: Option<Text<'a>>,
    #[serde(borrow)]
    head_hash: Option<Text<'a>>,
    #[serde(borrow)]
    item: Option<Text<'a>>,
    #[serde(borrow)]
    method: Option<Text<'a>>,
    #[serde(borrow)]
    migrated_from: Option<LineHead<'a>>,
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow)]
    new_due_on: Option<Text<'a>>,
    #[serde(borrow)]
    note: Option<Text<'a>>,
    #[serde(borrow)]
    office_number: Option<Text<'a>>,
    #[serde(borrow)]
    outcome: Option<Text<'a>>,
    #[serde(borrow)]
    owner: Option<Text<'a>>,
    #[serde(borrow)]
    place: Option<Text<'a>>,
    #[serde(borrow)]
    prior_approval_on: Option<Text<'a>>,
    #[serde(borrow)]
    reason: Option<Text<'a>>,
    replaces_seq: Option<u64>,
    #[serde(borrow)]
    replaces_device: Option<Text<'a>>,
    #[serde(borrow)]
    software: Option<Text<'a>>,
    source_entry_count: Option<u64>,
    #[serde(borrow)]
    source_head_hash: Option<Text<'a>>,
    #[serde(borrow)]
    summary: Option<Text<'a>>,
    #[serde(borrow)]
    terminal: Option<Text<'a>>,
    #[serde(borrow)]
    text: Option<Text<'a>>,
    #[serde(borrow)]
    updated_on: Option<Text<'a>>,
    warnings: Option<u64>,
    #[serde(borrow)]
    what: Option<Text<'a>>,
    with_files: Option<bool>,
}

fn safe(n: u64) -> Option<u64> {
    (n <= MAX_SAFE_INTEGER).then_some(n)
}

fn opt_safe(n: Option<u64>) -> Option<Option<u64>> {
    match n {
        None => Some(None),
        Some(n) => safe(n).map(Some),
    }
}

fn owned(t: Option<Text<'_>>) -> Option<String> {
    t.map(Cow::into_owned)
}

fn date(t: Option<Text<'_>>) -> Option<CivilDate> {
    CivilDate::parse_yyyymmdd(&t?)
}

fn opt_date(t: Option<Text<'_>>) -> Option<Option<CivilDate>> {
    match t {
        None => Some(None),
        Some(t) => CivilDate::parse_yyyymmdd(&t).map(Some),
    }
}

fn opt_device(t: Option<Text<'_>>) -> Option<Option<DeviceId>> {
    match t {
        None => Some(None),
        Some(t) => DeviceId::parse(&t).map(Some),
    }
}

fn details(kind: Kind, d: LineDetails<'_>) -> Option<Details> {
    Some(match kind {
        Kind::Received => Details::Received,
        Kind::Sent => Details::Sent,
        Kind::DeletionReceived => Details::DeletionReceived,
        Kind::CheckResult => Details::CheckResult {
            outcome: CheckOutcome::parse(&d.outcome?)?,
            errors: safe(d.errors?)?,
            warnings: safe(d.warnings?)?,
            summary: owned(d.summary)?,
        },
        Kind::Imported => Details::Imported {
            software: owned(d.software),
        },
        Kind::StoragePlace => Details::StoragePlace {
            place: owned(d.place)?,
        },
        Kind::Replaced => Details::Replaced {
            reason: owned(d.reason)?,
            replaces_seq: opt_safe(d.replaces_seq)?,
            replaces_device: opt_device(d.replaces_device)?,
        },
        Kind::Consent => Details::Consent {
            method: ConsentMethod::parse(&d.method?)?,
            consented_on: date(d.consented_on)?,
            prior_approval_on: opt_date(d.prior_approval_on)?,
        },
        Kind::DeliveredToClient => Details::DeliveredToClient {
            document: DeliveredDocument::parse(&d.document?)?,
            delivered_on: date(d.delivered_on)?,
        },
        Kind::Memo => Details::Memo {
            text: owned(d.text)?,
        },
        Kind::Correction => Details::Correction {
            corrects_seq: safe(d.corrects_seq?)?,
            corrects_device: opt_device(d.corrects_device)?,
            text: owned(d.text)?,
        },
        Kind::Completion => Details::Completion {
            completed_on: date(d.completed_on)?,
        },
        Kind::Checkpoint => Details::Checkpoint {
            entry_count: safe(d.entry_count?)?,
            head_hash: owned(d.head_hash)?,
            device_count: opt_safe(d.device_count)?,
        },
        Kind::BackupExported => Details::BackupExported {
            entry_count: safe(d.entry_count?)?,
            head_hash: owned(d.head_hash)?,
            with_files: d.with_files?,
            device_count: opt_safe(d.device_count)?,
        },
        Kind::BackupRestored => Details::BackupRestored {
            outcome: RestoreOutcome::parse(&d.outcome?)?,
            source_entry_count: safe(d.source_entry_count?)?,
            source_head_hash: owned(d.source_head_hash)?,
            appended: safe(d.appended?)?,
        },
        Kind::DeviceNamed => Details::DeviceNamed {
            device_id: DeviceId::parse(&d.device_id?)?,
            name: owned(d.name)?,
            office_number: owned(d.office_number)?,
            migrated_from: match d.migrated_from {
                None => None,
                Some(h) => Some(ChainHead {
                    device: DeviceId::parse(&h.device_id)?,
                    entry_count: safe(h.entry_count)?,
                    hash: h.head_hash.into_owned(),
                }),
            },
        },
        Kind::SendList => Details::SendList,
        Kind::Attachment => Details::Attachment {
            note: owned(d.note),
            attached_to_seq: opt_safe(d.attached_to_seq)?,
            attached_to_device: opt_device(d.attached_to_device)?,
        },
        Kind::RenewalItem => Details::RenewalItem {
            item: owned(d.item)?,
            what: RenewalWhat::parse(&d.what?)?,
            owner: owned(d.owner)?,
            due_on: date(d.due_on)?,
            facts: RenewalFacts {
                office_number: owned(d.office_number),
                applied_on: opt_date(d.applied_on)?,
                free_until: opt_date(d.free_until)?,
                amount_yen: opt_safe(d.amount_yen)?,
                certificate: match d.certificate {
                    None => None,
                    Some(c) => Some(CertificateKind::parse(&c)?),
                },
                terminal: owned(d.terminal),
                app_version: owned(d.app_version),
                updated_on: opt_date(d.updated_on)?,
            },
        },
        Kind::RenewalDone => Details::RenewalDone {
            item: owned(d.item)?,
            done_on: date(d.done_on)?,
            new_due_on: date(d.new_due_on)?,
            app_version: owned(d.app_version),
            note: owned(d.note),
        },
    })
}

fn subject(s: LineSubject<'_>) -> Option<Subject> {
    let clients = match s.clients {
        None => Vec::new(),
        Some(list) => list
            .into_iter()
            .map(|c| {
                Some(Client {
                    insurer_number: c.insurer_number.into_owned(),
                    insured_number: c.insured_number.into_owned(),
                    name: c.name.into_owned(),
                    kana: c.kana.map(|k| k.into_owned()),
                    plan_date: opt_date(c.plan_date)?,
                })
            })
            .collect::<Option<Vec<_>>>()?,
    };
    Some(Subject {
        clients,
        service_month: match s.service_month {
            None => None,
            Some(t) => Some(YearMonth::parse_yyyymm(&t)?),
        },
        partner: s.partner.map(|p| Partner {
            office_number: p.office_number.into_owned(),
            name: p.name.into_owned(),
        }),
        file: match s.file {
            None => None,
            Some(f) => Some(FileRef {
                name: f.name.into_owned(),
                size: safe(f.size)?,
                sha256: f.sha256.into_owned(),
            }),
        },
        file_serial: owned(s.file_serial),
        direction: match s.direction {
            None => None,
            Some(t) => Some(Direction::parse(&t)?),
        },
    })
}

/// The entry whose canonical text `text` is, or `None` when `text` is anything else.
pub(super) fn read_canonical_line(text: &str, device: &DeviceId) -> Option<Entry> {
    read_line_straight(text, device).filter(|entry| entry.to_json() == text)
}

/// [`read_canonical_line`] without its last step, the write-back comparison: the entry a
/// canonical line holds, for a caller that has that comparison made elsewhere.
pub(super) fn read_line_straight(text: &str, device: &DeviceId) -> Option<Entry> {
    let line: Line<'_> = serde_json::from_str(text).ok()?;
    let recorded_at = Timestamp::parse_rfc3339(&line.recorded_at).ok()?;
    let occurred_at = match line.occurred_at {
        None => None,
        Some(t) => Some(Timestamp::parse_rfc3339(&t).ok()?),
    };
    if occurred_at.is_some_and(|at| at > recorded_at) {
        return None;
    }
    let kind = Kind::parse(&line.kind)?;
    let entry = Entry {
        device: device.clone(),
        seq: safe(line.seq)?,
        recorded_at,
        occurred_at,
        actor: line.actor.into_owned(),
        subject: subject(line.subject)?,
        details: details(kind, line.details)?,
        prev_hash: line.prev_hash.into_owned(),
        hash: line.hash.into_owned(),
    };
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::canonical::parse_strict;
    use crate::ledger::sample::{sample_device, sample_device_chain};

    /// The strict reader's answer, for comparison.
    fn strict(text: &str, device: &DeviceId) -> Option<Entry> {
        let v = parse_strict(text).ok()?;
        Entry::from_value(&v, "entry", device).ok()
    }

    /// Lines this app writes are read the fast way, to the same entry.
    #[test]
    fn canonical_lines_read_fast_to_the_same_entry() {
        let d = sample_device(2);
        let (chain, _) = sample_device_chain(2, 300, 20, 10, false);
        for e in chain.entries() {
            let line = e.to_json();
            assert_eq!(read_canonical_line(&line, &d).as_ref(), Some(e));
            assert_eq!(strict(&line, &d).as_ref(), Some(e));
        }
    }

    /// Every kind and option (those of issue 15 too) reads the fast way to the same entry as
    /// the strict way; with a field of another kind added, neither takes it.
    #[test]
    fn every_kind_reads_the_same_fast_and_strict() {
        let d = sample_device(2);
        let base = sample_device_chain(2, 3, 1, 1, false).0.entries()[1].clone();
        for details in super::super::canonical::tests::every_details() {
            let mut e = base.clone();
            e.details = details;
            let line = e.to_json();
            assert_eq!(read_canonical_line(&line, &d).as_ref(), Some(&e), "{line}");
            assert_eq!(strict(&line, &d).as_ref(), Some(&e), "{line}");
            // A key another kind uses, slipped into these details.
            let stray = line.replacen("\"details\":{", "\"details\":{\"zz_text\":\"x\",", 1);
            let foreign = line.replacen("\"details\":{", "\"details\":{\"amount_yen\":1,", 1);
            let renewal = matches!(e.details, Details::RenewalItem { .. });
            // (A renewal item may have an amount: there it is another valid entry.)
            for bad in [Some(stray), (!renewal).then_some(foreign)]
                .into_iter()
                .flatten()
            {
                assert_eq!(read_canonical_line(&bad, &d), None, "{bad}");
                assert_eq!(strict(&bad, &d), None, "{bad}");
            }
        }
    }

    /// Every other spelling, and every line the strict reader refuses, is left to the strict
    /// reader: the shortcut never accepts what it refuses.
    #[test]
    fn anything_unusual_is_left_to_the_strict_reader() {
        let d = sample_device(2);
        let (chain, _) = sample_device_chain(2, 40, 5, 3, false);
        let line = chain.entries()[7].to_json();
        let seq = format!("\"seq\":{}", chain.entries()[7].seq);
        let actor = &chain.entries()[7].actor;
        let first = actor.chars().next().unwrap();
        let escaped = line.replacen(
            &format!("\"actor\":\"{first}"),
            &format!("\"actor\":\"\\u{:04x}", first as u32),
            1,
        );
        let variants = [
            line.replacen("{\"actor\"", "{ \"actor\"", 1),
            line.replacen(&seq, &format!("{seq},{seq}"), 1),
            line.replacen(&seq, "\"seq\":9007199254740993", 1),
            line.replacen(&seq, "\"seq\":8.0", 1),
            line.replacen(&seq, "\"seq\":-8", 1),
            line.replacen(&seq, &format!("{seq},\"extra\":1"), 1),
            line.replacen(&format!(",{seq}"), "", 1),
            line.replacen("\"details\":{", "\"details\":{\"zzz\":\"x\",", 1),
            line.replacen("\"kind\":\"", "\"kind\":\"x", 1),
            line.replacen(
                "\"prev_hash\"",
                "\"occurred_at\":\"2999-01-01T00:00:00.000Z\",\"prev_hash\"",
                1,
            ),
            line[..line.len() - 1].to_string(),
        ];
        for v in &variants {
            assert_ne!(v, &line);
            assert_eq!(read_canonical_line(v, &d), None, "{v}");
        }
        // Other whitespace and an escaped character are the same entry for the strict reader.
        assert_ne!(escaped, line);
        assert_eq!(read_canonical_line(&escaped, &d), None);
        let trailing = format!("{line} \n");
        assert_eq!(read_canonical_line(&trailing, &d), None);
        for same in [&variants[0], &escaped, &trailing] {
            assert_eq!(strict(same, &d).as_ref(), Some(&chain.entries()[7]));
            assert_eq!(Entry::from_json(same, &d).as_ref(), Ok(&chain.entries()[7]));
        }
        for v in &variants[1..] {
            assert!(Entry::from_json(v, &d).is_err(), "{v}");
        }
    }
}
