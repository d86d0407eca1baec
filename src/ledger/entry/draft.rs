//! Checking a draft before it is sealed: every problem at once, in Japanese, with its field.

use super::model::*;
use crate::check::identify::is_file_serial;
use crate::jpdate::Timestamp;
fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

use crate::check::identify::is_digits;

/// A renewal item's id: 1–40 of `a-z`, `0-9`, `-` (ASCII, so it is the same everywhere).
pub fn is_item_id(s: &str) -> bool {
    (1..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
use crate::check::rules::is_insured_number;

impl EntryDraft {
    pub fn new(actor: impl Into<String>, subject: Subject, details: Details) -> EntryDraft {
        EntryDraft {
            actor: actor.into(),
            occurred_at: None,
            subject,
            details,
        }
    }

    /// The same draft, saying when the act happened (送信日時, 取込日時 …).
    pub fn occurred_at(mut self, at: Option<Timestamp>) -> EntryDraft {
        self.occurred_at = at;
        self
    }

    pub fn kind(&self) -> Kind {
        self.details.kind()
    }

    /// Checks the draft on its own (references to other entries are checked when it is
    /// appended). Returns every problem, so a form can mark all fields at once.
    pub fn validate(&self) -> Result<(), Vec<ValidationIssue>> {
        let mut issues = Vec::new();
        let mut issue = |field: &'static str, message: &str| {
            issues.push(ValidationIssue {
                field,
                message: message.to_string(),
            })
        };
        let s = &self.subject;

        if self.actor.trim().is_empty() {
            issue("actor", "記録者を選んでください");
        } else if self.actor.trim() != self.actor {
            issue("actor", "記録者の名前の前後に空白があります");
        }
        for c in &s.clients {
            if !is_digits(&c.insurer_number, 6) {
                issue(
                    "subject.clients.insurer_number",
                    "保険者番号は半角数字6桁で入力してください",
                );
            }
            if !is_insured_number(&c.insured_number) {
                issue(
                    "subject.clients.insured_number",
                    "被保険者番号は半角10桁(生活保護単独は H+数字9桁)で入力してください",
                );
            }
            if c.name.trim().is_empty() {
                issue("subject.clients.name", "利用者の氏名を入力してください");
            }
        }
        if let Some(p) = &s.partner {
            if !is_digits(&p.office_number, 10) {
                issue(
                    "subject.partner.office_number",
                    "相手先の事業所番号は半角数字10桁で入力してください",
                );
            }
            if p.name.trim().is_empty() {
                issue("subject.partner.name", "相手先の事業所名を入力してください");
            }
        }
        if let Some(f) = &s.file {
            if f.name.trim().is_empty() {
                issue("subject.file.name", "ファイル名がありません");
            }
            if !is_hex64(&f.sha256) {
                issue(
                    "subject.file.sha256",
                    "ファイルのSHA-256は小文字16進64桁である必要があります",
                );
            }
            if f.size > crate::ledger::canonical::MAX_SAFE_INTEGER {
                issue("subject.file.size", "ファイルが大きすぎます");
            }
        }
        if let Some(serial) = &s.file_serial {
            if !is_file_serial(serial) {
                issue(
                    "subject.file_serial",
                    "連番は YYYYMMDDHHMMSS の半角数字14桁で入力してください",
                );
            }
        }

        let has_client = !s.clients.is_empty();
        let has_period =
            s.service_month.is_some() || s.clients.iter().any(|c| c.plan_date.is_some());
        let needs_file = |issue: &mut dyn FnMut(&'static str, &str)| {
            if s.file.is_none() {
                issue("subject.file", "対象のファイルを選んでください");
            }
        };
        let needs_partner = |issue: &mut dyn FnMut(&'static str, &str)| {
            if s.partner.is_none() {
                issue("subject.partner", "相手先の事業所を入力してください");
            }
        };
        let needs_client = |issue: &mut dyn FnMut(&'static str, &str)| {
            if !has_client {
                issue("subject.clients", "利用者を選んでください");
            }
        };
        let direction_must_be = |d: Direction, issue: &mut dyn FnMut(&'static str, &str)| {
            if s.direction.is_some() && s.direction != Some(d) {
                issue(
                    "subject.direction",
                    &format!(
                        "{}の記録ですが、方向が{}になっています",
                        d.label_ja(),
                        s.direction.map_or("", |x| x.label_ja())
                    ),
                );
            }
        };

        match &self.details {
            Details::Received | Details::DeletionReceived => {
                needs_file(&mut issue);
                needs_partner(&mut issue);
                direction_must_be(Direction::Received, &mut issue);
            }
            Details::Sent => {
                needs_file(&mut issue);
                needs_partner(&mut issue);
                direction_must_be(Direction::Sent, &mut issue);
            }
            Details::CheckResult { summary, .. } => {
                needs_file(&mut issue);
                if summary.trim().is_empty() {
                    issue("details.summary", "チェック結果の要約がありません");
                }
            }
            Details::Imported { software } => {
                needs_file(&mut issue);
                if software.as_deref().is_some_and(|x| x.trim().is_empty()) {
                    issue(
                        "details.software",
                        "介護ソフト名が空です(不要なら省略してください)",
                    );
                }
            }
            Details::StoragePlace { place } => {
                needs_file(&mut issue);
                if place.trim().is_empty() {
                    issue(
                        "details.place",
                        "保存場所(フォルダの場所や保管場所)を入力してください",
                    );
                }
            }
            Details::Replaced { reason, .. } => {
                needs_file(&mut issue);
                if reason.trim().is_empty() {
                    issue("details.reason", "差替の理由を入力してください");
                }
            }
            Details::Consent {
                method,
                prior_approval_on,
                consented_on,
            } => {
                needs_client(&mut issue);
                if !has_period {
                    issue(
                        "subject.clients.plan_date",
                        "同意した計画の作成(変更)日または対象年月を入力してください",
                    );
                }
                match (method, prior_approval_on) {
                    (ConsentMethod::Electronic, None) => issue(
                        "details.prior_approval_on",
                        "電磁的方法で同意を得るには、利用者の事前の承諾が必要です。承諾を得た日を入力してください",
                    ),
                    (ConsentMethod::Electronic, Some(p)) if p > consented_on => issue(
                        "details.prior_approval_on",
                        "事前の承諾日が同意日より後になっています",
                    ),
                    (ConsentMethod::Signature, Some(_)) => issue(
                        "details.prior_approval_on",
                        "署名による同意には事前承諾日は不要です",
                    ),
                    _ => {}
                }
            }
            Details::DeliveredToClient { .. } => {
                needs_client(&mut issue);
                if !has_period {
                    issue(
                        "subject.clients.plan_date",
                        "交付した計画の作成(変更)日または対象年月を入力してください",
                    );
                }
            }
            Details::Memo { text } => {
                if text.trim().is_empty() {
                    issue("details.text", "メモの内容を入力してください");
                }
            }
            Details::Correction {
                corrects_seq, text, ..
            } => {
                if *corrects_seq == 0 {
                    issue("details.corrects_seq", "訂正する記録を選んでください");
                }
                if text.trim().is_empty() {
                    issue(
                        "details.text",
                        "訂正の内容(何が誤りで、正しくは何か)を入力してください",
                    );
                }
            }
            Details::Completion { .. } => {
                needs_client(&mut issue);
                if !has_period {
                    issue(
                        "subject.service_month",
                        "完結した計画の作成(変更)日または対象年月を入力してください",
                    );
                }
            }
            Details::DeviceNamed {
                name,
                office_number,
                migrated_from,
                ..
            } => {
                if name.trim().is_empty() {
                    issue("details.name", "このパソコンの名前を入力してください");
                } else if name.chars().count() > 40 {
                    issue("details.name", "パソコンの名前は40文字までにしてください");
                }
                if !is_digits(office_number, 10) {
                    issue(
                        "details.office_number",
                        "事業所番号は半角数字10桁で入力してください",
                    );
                }
                if migrated_from.as_ref().is_some_and(|h| !is_hex64(&h.hash)) {
                    issue(
                        "details.migrated_from",
                        "ハッシュは小文字16進64桁である必要があります",
                    );
                }
            }
            Details::SendList => {
                needs_file(&mut issue);
                if s.service_month.is_none() {
                    issue(
                        "subject.service_month",
                        "どの月の送受信一覧かを選んでください",
                    );
                }
            }
            Details::Attachment {
                note,
                attached_to_seq,
                ..
            } => {
                needs_file(&mut issue);
                if note.as_deref().is_some_and(|n| n.trim().is_empty()) {
                    issue("details.note", "説明が空です(不要なら省略してください)");
                }
                if attached_to_seq.is_none() && note.is_none() {
                    issue(
                        "details.note",
                        "資料には、何の資料かが分かる説明を入力してください",
                    );
                }
                if *attached_to_seq == Some(0) {
                    issue(
                        "details.attached_to_seq",
                        "添付する先の記録を選んでください",
                    );
                }
            }
            Details::RenewalItem {
                item,
                owner,
                facts,
                what,
                ..
            } => {
                if !is_item_id(item) {
                    issue(
                        "details.item",
                        "項目の識別子は半角英小文字・数字・ハイフンの1〜40文字です",
                    );
                }
                if owner.trim().is_empty() {
                    issue("details.owner", "担当者を選んでください");
                }
                if let Some(o) = &facts.office_number {
                    if !is_digits(o, 10) {
                        issue(
                            "details.office_number",
                            "事業所番号は半角数字10桁で入力してください",
                        );
                    }
                }
                if *what == RenewalWhat::Licence && facts.office_number.is_none() {
                    issue(
                        "details.office_number",
                        "ライセンスの事業所番号を入力してください",
                    );
                }
                if *what == RenewalWhat::Certificate && facts.certificate.is_none() {
                    issue("details.certificate", "電子証明書の種類を選んでください");
                }
                for (field, text) in [
                    ("details.terminal", &facts.terminal),
                    ("details.app_version", &facts.app_version),
                ] {
                    if text.as_deref().is_some_and(|t| t.trim().is_empty()) {
                        issue(field, "空の項目があります(不要なら省略してください)");
                    }
                }
            }
            Details::RenewalDone {
                item,
                done_on,
                new_due_on,
                app_version,
                note,
            } => {
                if !is_item_id(item) {
                    issue("details.item", "どの項目の更新かを選んでください");
                }
                if new_due_on <= done_on {
                    issue(
                        "details.new_due_on",
                        "新しい期限は、済ませた日より後の日付にしてください",
                    );
                }
                if [app_version, note]
                    .iter()
                    .any(|t| t.as_deref().is_some_and(|t| t.trim().is_empty()))
                {
                    issue(
                        "details.note",
                        "空の項目があります(不要なら省略してください)",
                    );
                }
            }
            Details::Checkpoint { head_hash, .. }
            | Details::BackupExported { head_hash, .. }
            | Details::BackupRestored {
                source_head_hash: head_hash,
                ..
            } => {
                if !is_hex64(head_hash) {
                    issue(
                        "details.head_hash",
                        "ハッシュは小文字16進64桁である必要があります",
                    );
                }
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }

    /// Checks the draft as it would be recorded at `recorded_at`: everything [`validate`]
    /// checks, and that no date of the act lies after the recording (an act is recorded
    /// after it happened) or before the year 2000 (a typing slip).
    ///
    /// [`validate`]: EntryDraft::validate
    pub fn validate_at(&self, recorded_at: Timestamp) -> Result<(), Vec<ValidationIssue>> {
        let mut issues = self.validate().err().unwrap_or_default();
        let today = recorded_at.japan_date();
        let earliest = crate::jpdate::CivilDate::new(2000, 1, 1).expect("a real date");
        let date_issue = |field: &'static str, what: &str, date: crate::jpdate::CivilDate| {
            let message = if date > today {
                format!("{what}が今日より後になっています。実際の日付を入力してください")
            } else if date < earliest {
                format!("{what}が2000年より前になっています。日付を確かめてください")
            } else {
                return None;
            };
            Some(ValidationIssue { field, message })
        };
        if let Some(at) = self.occurred_at {
            let what = act_time_label(self.kind());
            if !takes_act_time(self.kind()) {
                issues.push(ValidationIssue {
                    field: "occurred_at",
                    message: format!(
                        "「{}」の記録には日時を付けられません",
                        self.kind().label_ja()
                    ),
                });
            } else if at > recorded_at {
                issues.push(ValidationIssue {
                    field: "occurred_at",
                    message: format!(
                        "{what}が今の時刻より後になっています。実際の日時を入力してください"
                    ),
                });
            } else {
                issues.extend(date_issue("occurred_at", what, at.japan_date()));
            }
        }
        match &self.details {
            Details::Consent {
                consented_on,
                prior_approval_on,
                ..
            } => {
                issues.extend(date_issue("details.consented_on", "同意日", *consented_on));
                if let Some(p) = prior_approval_on {
                    issues.extend(date_issue("details.prior_approval_on", "事前の承諾日", *p));
                }
            }
            Details::DeliveredToClient { delivered_on, .. } => {
                issues.extend(date_issue("details.delivered_on", "交付日", *delivered_on))
            }
            Details::Completion { completed_on } => {
                issues.extend(date_issue("details.completed_on", "完結日", *completed_on))
            }
            Details::RenewalDone { done_on, .. } => {
                issues.extend(date_issue("details.done_on", "済ませた日", *done_on))
            }
            _ => {}
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }
}

/// Whether an entry of this kind may say when its act happened: acts staff did or saw
/// (sending, receiving, importing, storing, replacing), not what the app itself did at the
/// moment of recording, and not kinds whose date is in their details.
pub fn takes_act_time(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Received
            | Kind::Sent
            | Kind::DeletionReceived
            | Kind::Imported
            | Kind::StoragePlace
            | Kind::Replaced
    )
}

/// What the act's time is called for a kind, as a form labels it.
pub fn act_time_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Sent => "送信日時",
        Kind::Received | Kind::DeletionReceived => "受信日時",
        Kind::Imported => "取込日時",
        Kind::StoragePlace => "保存した日時",
        Kind::Replaced => "差し替えた日時",
        _ => "日時",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jpdate::CivilDate;

    fn client() -> Client {
        Client {
            insurer_number: "131001".into(),
            insured_number: "0000012345".into(),
            name: "山田 花子".into(),
            kana: None,
            plan_date: None,
        }
    }

    #[test]
    fn kind_names_round_trip_and_are_unique() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        let mut names: Vec<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Kind::ALL.len());
    }

    #[test]
    fn replacement_needs_a_reason() {
        let draft = EntryDraft::new(
            "佐藤",
            Subject {
                file: Some(FileRef {
                    name: "a.CSV".into(),
                    size: 1,
                    sha256: "0".repeat(64),
                }),
                ..Subject::default()
            },
            Details::Replaced {
                reason: "  ".into(),
                replaces_seq: None,
                replaces_device: None,
            },
        );
        let issues = draft.validate().unwrap_err();
        assert_eq!(issues[0].message, "差替の理由を入力してください");
    }

    #[test]
    fn electronic_consent_needs_prior_approval() {
        let mut c = client();
        c.plan_date = CivilDate::new(2025, 5, 1);
        let draft = EntryDraft::new(
            "佐藤",
            Subject {
                clients: vec![c],
                ..Subject::default()
            },
            Details::Consent {
                method: ConsentMethod::Electronic,
                consented_on: CivilDate::new(2025, 5, 3).unwrap(),
                prior_approval_on: None,
            },
        );
        let issues = draft.validate().unwrap_err();
        assert!(issues[0].message.contains("事前の承諾"), "{issues:?}");
        let mut ok = draft.clone();
        ok.details = Details::Consent {
            method: ConsentMethod::Electronic,
            consented_on: CivilDate::new(2025, 5, 3).unwrap(),
            prior_approval_on: CivilDate::new(2025, 4, 20),
        };
        assert!(ok.validate().is_ok());
    }

    #[test]
    fn actor_is_required_and_numbers_are_checked() {
        let mut c = client();
        c.insured_number = "123456789".into();
        let draft = EntryDraft::new(
            "",
            Subject {
                clients: vec![c],
                ..Subject::default()
            },
            Details::Memo { text: "x".into() },
        );
        let issues = draft.validate().unwrap_err();
        let msgs: Vec<_> = issues.iter().map(|i| i.message.as_str()).collect();
        assert!(msgs.contains(&"記録者を選んでください"));
        assert!(msgs.iter().any(|m| m.starts_with("被保険者番号は")));
    }

    #[test]
    fn serial_from_name() {
        assert_eq!(
            serial_from_file_name("UPPLAN_201912_0300000100_43_0300000005_11_20191025200201.CSV")
                .as_deref(),
            Some("20191025200201")
        );
        assert_eq!(serial_from_file_name("memo.txt"), None);
        assert_eq!(serial_from_file_name("x_20191325200201.CSV"), None);
    }
}
