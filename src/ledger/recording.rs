//! From a checked file to the entries that record it (台帳に記録): which way it went (受信 /
//! 送信, from our office number and the file's sender and receiver), the partner, the
//! clients, and the チェック結果.
//!
//! Pure: the page gathers what the checker said about each file into a [`CheckedFileSummary`],
//! shows the proposed direction (staff may change it), and appends the drafts this returns.

use super::entry::{
    CheckOutcome, Client, ClientKey, Details, Direction, EntryDraft, FileRef, Partner, Subject,
};
use crate::check::identify::is_digits;
use crate::check::rules::is_insured_number;
use crate::facts::FileFacts;
use crate::jpdate::{CivilDate, YearMonth};

/// Written as the 氏名 when neither the file nor an earlier record names the client (a
/// 利用票 carries numbers only). Staff can see it and add a メモ with the name.
pub const UNNAMED_CLIENT: &str = "氏名未記載";

/// What the checker said about one file, as the recording needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFileSummary {
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub facts: FileFacts,
    pub errors: u64,
    pub warnings: u64,
    /// The first finding's message, for the one-line summary.
    pub first_problem: Option<String>,
}

/// The direction seen from our office: 送信 when we are the sender, 受信 when we are the
/// receiver; `None` when the name does not say (staff choose).
pub fn direction_for(our_office: &str, facts: &FileFacts) -> Option<Direction> {
    let is_ours =
        |p: &Option<crate::check::Party>| p.as_ref().is_some_and(|p| p.office == our_office);
    match (is_ours(&facts.sender), is_ours(&facts.receiver)) {
        (true, false) => Some(Direction::Sent),
        (false, true) => Some(Direction::Received),
        _ => None,
    }
}

/// The partner's 事業所番号 for a direction: the receiver of what we sent, the sender of what
/// we received.
pub fn partner_office(facts: &FileFacts, direction: Direction) -> Option<String> {
    let party = match direction {
        Direction::Sent => &facts.receiver,
        Direction::Received => &facts.sender,
    };
    party.as_ref().map(|p| p.office.clone())
}

/// The clients a file names, with a name from the file, else from `known_name` (earlier
/// records, other files of the same upload), else [`UNNAMED_CLIENT`].
///
/// Clients whose 保険者番号 or 被保険者番号 is malformed are left out: the checker has
/// reported them as errors, the file's bytes are kept with the record, and a file received
/// broken must still be recordable as evidence that it came.
pub fn clients_of(
    facts: &FileFacts,
    known_name: &dyn Fn(&ClientKey) -> Option<String>,
) -> Vec<Client> {
    facts
        .clients
        .iter()
        .filter(|c| is_digits(&c.insurer_number, 6) && is_insured_number(&c.insured_number))
        .map(|c| {
            let key = ClientKey {
                insurer_number: c.insurer_number.clone(),
                insured_number: c.insured_number.clone(),
            };
            let name = c
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .or_else(|| known_name(&key))
                .unwrap_or_else(|| UNNAMED_CLIENT.to_string());
            Client {
                insurer_number: key.insurer_number,
                insured_number: key.insured_number,
                name: name.trim().to_string(),
                kana: c.kana.clone(),
                plan_date: c.plan_date.as_deref().and_then(CivilDate::parse_yyyymmdd),
            }
        })
        .collect()
}

/// The check result as the ledger models it.
pub fn check_details(file: &CheckedFileSummary) -> Details {
    let outcome = if file.errors > 0 {
        CheckOutcome::Error
    } else if file.warnings > 0 {
        CheckOutcome::Warning
    } else {
        CheckOutcome::Ok
    };
    let summary = match (&file.first_problem, outcome) {
        (_, CheckOutcome::Ok) | (None, _) => format!(
            "{}(エラー{}件、警告{}件)",
            outcome.label_ja(),
            file.errors,
            file.warnings
        ),
        (Some(first), _) => {
            let first: String = first.chars().take(120).collect();
            format!("エラー{}件、警告{}件: {first}", file.errors, file.warnings)
        }
    };
    Details::CheckResult {
        outcome,
        errors: file.errors,
        warnings: file.warnings,
        summary,
    }
}

/// The two drafts that record a file: 受信 (or 削除ファイル受信) / 送信, then its チェック結果.
pub fn record_drafts(
    actor: &str,
    file: &CheckedFileSummary,
    direction: Direction,
    partner_name: &str,
    known_name: &dyn Fn(&ClientKey) -> Option<String>,
) -> Vec<EntryDraft> {
    let facts = &file.facts;
    let subject = Subject {
        clients: clients_of(facts, known_name),
        service_month: facts
            .service_month
            .as_deref()
            .and_then(YearMonth::parse_yyyymm),
        partner: partner_office(facts, direction).map(|office_number| Partner {
            office_number,
            name: partner_name.trim().to_string(),
        }),
        file: Some(FileRef {
            name: file.name.clone(),
            size: file.size,
            sha256: file.sha256.clone(),
        }),
        file_serial: facts.serial.clone(),
        direction: Some(direction),
    };
    let is_deletion = facts.kind.as_deref().is_some_and(|k| k.starts_with("DLT"))
        || file.name.to_ascii_uppercase().starts_with("DLT");
    let event = match direction {
        Direction::Sent => Details::Sent,
        Direction::Received if is_deletion => Details::DeletionReceived,
        Direction::Received => Details::Received,
    };
    vec![
        EntryDraft::new(actor, subject.clone(), event),
        EntryDraft::new(actor, subject, check_details(file)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Party;
    use crate::facts::ClientFacts;

    const OURS: &str = "0300000100";
    const PARTNER: &str = "0300000005";

    fn party(office: &str) -> Option<Party> {
        Some(Party {
            office: office.into(),
            service_type: Some("43".into()),
        })
    }

    fn summary(sender: &str, receiver: &str) -> CheckedFileSummary {
        CheckedFileSummary {
            name: format!("UPPLAN_202505_{sender}_43_{receiver}_11_20250420120000.CSV"),
            size: 120,
            sha256: "a".repeat(64),
            facts: FileFacts {
                kind: Some("UPPLAN".into()),
                service_month: Some("202505".into()),
                sender: party(sender),
                receiver: party(receiver),
                serial: Some("20250420120000".into()),
                clients: vec![
                    ClientFacts {
                        insurer_number: "031234".into(),
                        insured_number: "0000012345".into(),
                        name: None,
                        kana: None,
                        plan_date: None,
                    },
                    ClientFacts {
                        insurer_number: "031234".into(),
                        insured_number: "0000067890".into(),
                        name: Some("山田 花子".into()),
                        kana: Some("ヤマダ ハナコ".into()),
                        plan_date: Some("20250410".into()),
                    },
                ],
                ..FileFacts::default()
            },
            errors: 0,
            warnings: 0,
            first_problem: None,
        }
    }

    #[test]
    fn direction_follows_our_office_number() {
        assert_eq!(
            direction_for(OURS, &summary(OURS, PARTNER).facts),
            Some(Direction::Sent)
        );
        assert_eq!(
            direction_for(OURS, &summary(PARTNER, OURS).facts),
            Some(Direction::Received)
        );
        assert_eq!(
            direction_for(OURS, &summary(PARTNER, "0300000009").facts),
            None
        );
        assert_eq!(
            partner_office(&summary(OURS, PARTNER).facts, Direction::Sent).as_deref(),
            Some(PARTNER)
        );
        assert_eq!(
            partner_office(&summary(PARTNER, OURS).facts, Direction::Received).as_deref(),
            Some(PARTNER)
        );
    }

    #[test]
    fn sent_file_gives_a_valid_sent_and_check_result_entry() {
        let known =
            |k: &ClientKey| (k.insured_number == "0000012345").then(|| "佐藤 一郎".to_string());
        let drafts = record_drafts(
            "佐藤",
            &summary(OURS, PARTNER),
            Direction::Sent,
            "ひまわり訪問介護",
            &known,
        );
        assert_eq!(drafts.len(), 2);
        assert_eq!(drafts[0].details, Details::Sent);
        assert!(matches!(
            drafts[1].details,
            Details::CheckResult {
                outcome: CheckOutcome::Ok,
                ..
            }
        ));
        for d in &drafts {
            d.validate().unwrap();
        }
        let s = &drafts[0].subject;
        assert_eq!(s.clients[0].name, "佐藤 一郎");
        assert_eq!(s.clients[1].name, "山田 花子");
        assert_eq!(s.clients[1].plan_date, CivilDate::new(2025, 4, 10));
        assert_eq!(s.service_month, YearMonth::new(2025, 5));
        assert_eq!(s.partner.as_ref().unwrap().office_number, PARTNER);
        assert_eq!(s.file_serial.as_deref(), Some("20250420120000"));
    }

    #[test]
    fn unknown_names_are_marked_and_errors_summarized() {
        let mut file = summary(PARTNER, OURS);
        file.errors = 2;
        file.first_problem = Some("3行目の被保険者番号が9桁です。".into());
        let drafts = record_drafts("鈴木", &file, Direction::Received, "ひまわり", &|_| None);
        assert_eq!(drafts[0].details, Details::Received);
        assert_eq!(drafts[0].subject.clients[0].name, UNNAMED_CLIENT);
        match &drafts[1].details {
            Details::CheckResult {
                outcome, summary, ..
            } => {
                assert_eq!(*outcome, CheckOutcome::Error);
                assert!(
                    summary.contains("エラー2件") && summary.contains("9桁"),
                    "{summary}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_broken_file_is_still_recordable_as_evidence_that_it_came() {
        // Binary junk under a proper name: its "clients" are garbage the checker reported.
        let mut file = summary(PARTNER, OURS);
        file.errors = 300;
        file.facts.clients.push(ClientFacts {
            insurer_number: "\u{fffd}3x".into(),
            insured_number: "12".into(),
            name: None,
            kana: None,
            plan_date: None,
        });
        let drafts = record_drafts("鈴木", &file, Direction::Received, "ひまわり", &|_| None);
        for d in &drafts {
            d.validate().unwrap();
        }
        assert_eq!(
            drafts[0].subject.clients.len(),
            2,
            "the two well-formed clients stay"
        );
    }

    #[test]
    fn an_empty_partner_name_is_caught_by_validation() {
        let drafts = record_drafts(
            "鈴木",
            &summary(PARTNER, OURS),
            Direction::Received,
            " ",
            &|_| None,
        );
        let issues = drafts[0].validate().unwrap_err();
        assert_eq!(issues[0].field, "subject.partner.name");
    }
}
