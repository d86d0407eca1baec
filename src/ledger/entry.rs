//! One ledger entry (記録): who recorded what about which client, file and partner, when.
//!
//! Entries are append-only. An [`EntryDraft`] is what a form produces; [`EntryDraft::validate`]
//! answers in Japanese; [`crate::ledger::chain::seal`] turns a valid draft into an [`Entry`]
//! with `seq`, `recorded_at`, `prev_hash` and `hash`. Nothing is ever edited: a mistake is
//! answered by a [`Details::Correction`] entry that points at the wrong one.
//!
//! The JSON shape (documented in `docs/backup-format.md`) is written and read by hand
//! ([`Entry::to_value`], [`Entry::from_value`]) so that an entry has exactly one spelling:
//! optional fields are left out rather than `null`, unknown fields are refused, and reading
//! checks that the typed entry writes back to the same value. Only strings, integers, booleans,
//! objects and arrays occur (no floats; see [`super::canonical`]).

use super::value_io::{FormatError, Obj};
use crate::jpdate::{CivilDate, Timestamp, YearMonth};
use serde_json::{json, Map, Value};
use std::fmt;

/// The `kind` of an entry, serialized as a stable lower-case ASCII name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// 受信: a file was received from a partner.
    Received,
    /// 送信: a file was sent to a partner.
    Sent,
    /// チェック結果: the result of checking a file with this app.
    CheckResult,
    /// 介護ソフトへ取込完了: the file was imported into the care software.
    Imported,
    /// 保存場所: where the file is kept (a path or a place).
    StoragePlace,
    /// 差替: this version replaces an earlier one (reason required).
    Replaced,
    /// 削除ファイル受信: a delete file (DLT…) was received.
    DeletionReceived,
    /// 利用者同意: the client agreed to the plan (署名 or 電磁的方法).
    Consent,
    /// 利用者へ交付: a copy was handed to the client (計画書 / 第6表控).
    DeliveredToClient,
    /// メモ: free text.
    Memo,
    /// 訂正: points at an earlier entry and says what was wrong.
    Correction,
    /// 完結: the plan or month record is complete (starts the retention period).
    Completion,
    /// チェックポイント: a checkpoint text was issued.
    Checkpoint,
    /// バックアップ書出: a backup was written.
    BackupExported,
    /// バックアップ復元: a backup was imported and changed something.
    BackupRestored,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 15] = [
        Kind::Received,
        Kind::Sent,
        Kind::CheckResult,
        Kind::Imported,
        Kind::StoragePlace,
        Kind::Replaced,
        Kind::DeletionReceived,
        Kind::Consent,
        Kind::DeliveredToClient,
        Kind::Memo,
        Kind::Correction,
        Kind::Completion,
        Kind::Checkpoint,
        Kind::BackupExported,
        Kind::BackupRestored,
    ];

    /// The stable serialized name. Never change one: it is inside every hash.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Received => "received",
            Kind::Sent => "sent",
            Kind::CheckResult => "check_result",
            Kind::Imported => "imported",
            Kind::StoragePlace => "storage_place",
            Kind::Replaced => "replaced",
            Kind::DeletionReceived => "deletion_received",
            Kind::Consent => "consent",
            Kind::DeliveredToClient => "delivered_to_client",
            Kind::Memo => "memo",
            Kind::Correction => "correction",
            Kind::Completion => "completion",
            Kind::Checkpoint => "checkpoint",
            Kind::BackupExported => "backup_exported",
            Kind::BackupRestored => "backup_restored",
        }
    }

    /// The Japanese label shown to staff.
    pub fn label_ja(self) -> &'static str {
        match self {
            Kind::Received => "受信",
            Kind::Sent => "送信",
            Kind::CheckResult => "チェック結果",
            Kind::Imported => "介護ソフトへ取込完了",
            Kind::StoragePlace => "保存場所",
            Kind::Replaced => "差替",
            Kind::DeletionReceived => "削除ファイル受信",
            Kind::Consent => "利用者同意",
            Kind::DeliveredToClient => "利用者へ交付",
            Kind::Memo => "メモ",
            Kind::Correction => "訂正",
            Kind::Completion => "完結",
            Kind::Checkpoint => "チェックポイント",
            Kind::BackupExported => "バックアップ書出",
            Kind::BackupRestored => "バックアップ復元",
        }
    }

    /// The kind with this serialized name.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// 受信 / 送信, seen from our own office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// 受信: the partner sent it to us.
    Received,
    /// 送信: we sent it to the partner.
    Sent,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Received => "received",
            Direction::Sent => "sent",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            Direction::Received => "受信",
            Direction::Sent => "送信",
        }
    }
    fn parse(s: &str) -> Option<Direction> {
        match s {
            "received" => Some(Direction::Received),
            "sent" => Some(Direction::Sent),
            _ => None,
        }
    }
}

/// 利用者: a client as the spec keys them (保険者番号 + 被保険者番号), with the name for people.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Client {
    /// 保険者番号 (6 digits).
    pub insurer_number: String,
    /// 被保険者番号 (10 characters; `H` + 9 digits for 生活保護単独).
    pub insured_number: String,
    /// 氏名 as written in the file or typed by staff.
    pub name: String,
    /// 居宅サービス計画作成(変更)日 of this client's plan in this file, when the entry is
    /// about a plan (the plan family's key together with the two numbers).
    pub plan_date: Option<CivilDate>,
}

/// The stable identity of a client across entries: 保険者番号 + 被保険者番号.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientKey {
    pub insurer_number: String,
    pub insured_number: String,
}

impl Client {
    pub fn key(&self) -> ClientKey {
        ClientKey {
            insurer_number: self.insurer_number.clone(),
            insured_number: self.insured_number.clone(),
        }
    }
}

/// 相手先事業所: the partner office a file went to or came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Partner {
    /// 事業所番号 (10 digits).
    pub office_number: String,
    /// 事業所名.
    pub name: String,
}

/// A file the entry is about: its original name, size and SHA-256 (lower-case hex). The
/// bytes themselves are kept once per SHA-256 outside the entries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileRef {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// What an entry is about. Every part is optional; each kind requires the parts it needs
/// (see [`EntryDraft::validate`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subject {
    /// 利用者: one or more (a file may carry several clients).
    pub clients: Vec<Client>,
    /// 対象年月 (service month) for 利用票 / 実績 files and month records.
    pub service_month: Option<YearMonth>,
    /// 相手先事業所.
    pub partner: Option<Partner>,
    /// The file.
    pub file: Option<FileRef>,
    /// 連番: the 14-digit `YYYYMMDDHHMMSS` creation timestamp from the file name that binds
    /// the files of one transmission unit and orders versions.
    pub file_serial: Option<String>,
    /// 受信 / 送信.
    pub direction: Option<Direction>,
}

/// Result of a check, as summarized in a チェック結果 entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckOutcome {
    /// 問題なし.
    Ok,
    /// 注意あり.
    Warning,
    /// エラーあり.
    Error,
}

impl CheckOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckOutcome::Ok => "ok",
            CheckOutcome::Warning => "warning",
            CheckOutcome::Error => "error",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            CheckOutcome::Ok => "問題なし",
            CheckOutcome::Warning => "注意あり",
            CheckOutcome::Error => "エラーあり",
        }
    }
    fn parse(s: &str) -> Option<CheckOutcome> {
        match s {
            "ok" => Some(CheckOutcome::Ok),
            "warning" => Some(CheckOutcome::Warning),
            "error" => Some(CheckOutcome::Error),
            _ => None,
        }
    }
}

/// 同意の方法.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentMethod {
    /// 署名 (signature on paper).
    Signature,
    /// 電磁的方法 (electronic); needs the client's prior 承諾.
    Electronic,
}

impl ConsentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::Signature => "signature",
            ConsentMethod::Electronic => "electronic",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            ConsentMethod::Signature => "署名",
            ConsentMethod::Electronic => "電磁的方法",
        }
    }
    fn parse(s: &str) -> Option<ConsentMethod> {
        match s {
            "signature" => Some(ConsentMethod::Signature),
            "electronic" => Some(ConsentMethod::Electronic),
            _ => None,
        }
    }
}

/// What was handed to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveredDocument {
    /// 計画書 (居宅サービス計画書).
    CarePlan,
    /// 第6表控 (the client's copy of the サービス利用票).
    ScheduleCopy,
}

impl DeliveredDocument {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveredDocument::CarePlan => "care_plan",
            DeliveredDocument::ScheduleCopy => "schedule_copy",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            DeliveredDocument::CarePlan => "計画書",
            DeliveredDocument::ScheduleCopy => "第6表控",
        }
    }
    fn parse(s: &str) -> Option<DeliveredDocument> {
        match s {
            "care_plan" => Some(DeliveredDocument::CarePlan),
            "schedule_copy" => Some(DeliveredDocument::ScheduleCopy),
            _ => None,
        }
    }
}

/// What a バックアップ復元 did to the local ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreOutcome {
    /// The backup extended the local ledger; its further entries were appended.
    Appended,
    /// The backup diverged; its branch was kept beside the local chain.
    ForkKept,
}

impl RestoreOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            RestoreOutcome::Appended => "appended",
            RestoreOutcome::ForkKept => "fork_kept",
        }
    }
    fn parse(s: &str) -> Option<RestoreOutcome> {
        match s {
            "appended" => Some(RestoreOutcome::Appended),
            "fork_kept" => Some(RestoreOutcome::ForkKept),
            _ => None,
        }
    }
}

/// The kind together with its kind-specific details. Serialized as `"kind": name` plus a
/// `"details"` object (empty `{}` for kinds without details).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Details {
    Received,
    Sent,
    CheckResult {
        outcome: CheckOutcome,
        errors: u64,
        warnings: u64,
        /// One line a person can read, e.g. 「エラー2件: 3行目の被保険者番号が9桁です…」.
        summary: String,
    },
    Imported {
        /// Name of the care software, when staff want to note it.
        software: Option<String>,
    },
    StoragePlace {
        /// A path (`\\server\ケアプラン\2025\05`) or a place (「事務所 書庫B 2段目」).
        place: String,
    },
    Replaced {
        /// 差替の理由 (required).
        reason: String,
        /// The entry that recorded the version being replaced, when known.
        replaces_seq: Option<u64>,
    },
    DeletionReceived,
    Consent {
        method: ConsentMethod,
        /// 同意日.
        consented_on: CivilDate,
        /// Date of the client's prior 承諾 to the electronic method; required for
        /// [`ConsentMethod::Electronic`], absent for a signature.
        prior_approval_on: Option<CivilDate>,
    },
    DeliveredToClient {
        document: DeliveredDocument,
        /// 交付日.
        delivered_on: CivilDate,
    },
    Memo {
        text: String,
    },
    Correction {
        /// The entry that is wrong (must be earlier).
        corrects_seq: u64,
        /// What was wrong and what is right.
        text: String,
    },
    Completion {
        /// 完結日: when the plan or month record was completed.
        completed_on: CivilDate,
    },
    Checkpoint {
        /// Entries covered by the checkpoint text (the ledger before this entry).
        entry_count: u64,
        head_hash: String,
    },
    BackupExported {
        entry_count: u64,
        head_hash: String,
        with_files: bool,
    },
    BackupRestored {
        outcome: RestoreOutcome,
        /// The backup's own entry count and head hash.
        source_entry_count: u64,
        source_head_hash: String,
        /// Entries appended to the local chain (0 when a fork was kept).
        appended: u64,
    },
}

impl Details {
    pub fn kind(&self) -> Kind {
        match self {
            Details::Received => Kind::Received,
            Details::Sent => Kind::Sent,
            Details::CheckResult { .. } => Kind::CheckResult,
            Details::Imported { .. } => Kind::Imported,
            Details::StoragePlace { .. } => Kind::StoragePlace,
            Details::Replaced { .. } => Kind::Replaced,
            Details::DeletionReceived => Kind::DeletionReceived,
            Details::Consent { .. } => Kind::Consent,
            Details::DeliveredToClient { .. } => Kind::DeliveredToClient,
            Details::Memo { .. } => Kind::Memo,
            Details::Correction { .. } => Kind::Correction,
            Details::Completion { .. } => Kind::Completion,
            Details::Checkpoint { .. } => Kind::Checkpoint,
            Details::BackupExported { .. } => Kind::BackupExported,
            Details::BackupRestored { .. } => Kind::BackupRestored,
        }
    }
}

/// A sealed, hashed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1-based position in the chain, without gaps.
    pub seq: u64,
    /// When it was recorded (UTC; shown in Japan time).
    pub recorded_at: Timestamp,
    /// 記録者: the staff member (required, non-empty).
    pub actor: String,
    pub subject: Subject,
    pub details: Details,
    /// `hash` of the previous entry, or [`super::chain::GENESIS_PREV_HASH`] for seq 1.
    pub prev_hash: String,
    /// SHA-256 (lower-case hex) of the canonical JSON of this entry without `hash`.
    pub hash: String,
}

/// What a form produces before the chain gives it a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryDraft {
    pub actor: String,
    pub subject: Subject,
    pub details: Details,
}

/// One problem with a draft: the field (dotted path, for highlighting) and a Japanese
/// message that says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationIssue {
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for ValidationIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

use crate::check::identify::is_digits;
pub use crate::check::identify::is_file_serial;
use crate::check::rules::is_insured_number;

impl EntryDraft {
    pub fn new(actor: impl Into<String>, subject: Subject, details: Details) -> EntryDraft {
        EntryDraft {
            actor: actor.into(),
            subject,
            details,
        }
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
            if f.size > super::canonical::MAX_SAFE_INTEGER {
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
            Details::Correction { corrects_seq, text } => {
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
}

// ---- JSON shape -------------------------------------------------------------------------

fn date_str(d: CivilDate) -> Value {
    Value::String(d.to_yyyymmdd())
}

impl Subject {
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        if !self.clients.is_empty() {
            let clients = self
                .clients
                .iter()
                .map(|c| {
                    let mut o = Map::new();
                    o.insert("insurer_number".into(), c.insurer_number.clone().into());
                    o.insert("insured_number".into(), c.insured_number.clone().into());
                    o.insert("name".into(), c.name.clone().into());
                    if let Some(d) = c.plan_date {
                        o.insert("plan_date".into(), date_str(d));
                    }
                    Value::Object(o)
                })
                .collect();
            m.insert("clients".into(), Value::Array(clients));
        }
        if let Some(ym) = self.service_month {
            m.insert("service_month".into(), ym.to_yyyymm().into());
        }
        if let Some(p) = &self.partner {
            m.insert(
                "partner".into(),
                json!({"office_number": p.office_number, "name": p.name}),
            );
        }
        if let Some(f) = &self.file {
            m.insert(
                "file".into(),
                json!({"name": f.name, "size": f.size, "sha256": f.sha256}),
            );
        }
        if let Some(s) = &self.file_serial {
            m.insert("file_serial".into(), s.clone().into());
        }
        if let Some(d) = self.direction {
            m.insert("direction".into(), d.as_str().into());
        }
        Value::Object(m)
    }

    fn from_value(v: &Value, path: &str) -> Result<Subject, FormatError> {
        let mut o = Obj::new(v, path)?;
        let mut subject = Subject::default();
        if let Some(list) = o.opt("clients") {
            let items = list
                .as_array()
                .ok_or_else(|| FormatError(format!("{path}.clients は配列である必要があります")))?;
            if items.is_empty() {
                return Err(FormatError(format!(
                    "{path}.clients が空です(利用者がいないときは項目ごと省きます)"
                )));
            }
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}.clients[{i}]");
                let mut c = Obj::new(item, p.clone())?;
                let client = Client {
                    insurer_number: c.str("insurer_number")?.to_string(),
                    insured_number: c.str("insured_number")?.to_string(),
                    name: c.str("name")?.to_string(),
                    plan_date: c
                        .opt_str("plan_date")?
                        .map(|s| parse_date(s, &format!("{p}.plan_date")))
                        .transpose()?,
                };
                c.finish()?;
                subject.clients.push(client);
            }
        }
        subject.service_month = o
            .opt_str("service_month")?
            .map(|s| {
                YearMonth::parse_yyyymm(s).ok_or_else(|| {
                    FormatError(format!(
                        "{path}.service_month は YYYYMM の形である必要があります"
                    ))
                })
            })
            .transpose()?;
        if let Some(pv) = o.opt("partner") {
            let mut p = Obj::new(pv, format!("{path}.partner"))?;
            subject.partner = Some(Partner {
                office_number: p.str("office_number")?.to_string(),
                name: p.str("name")?.to_string(),
            });
            p.finish()?;
        }
        if let Some(fv) = o.opt("file") {
            let mut f = Obj::new(fv, format!("{path}.file"))?;
            subject.file = Some(FileRef {
                name: f.str("name")?.to_string(),
                size: f.u64("size")?,
                sha256: f.str("sha256")?.to_string(),
            });
            f.finish()?;
        }
        subject.file_serial = o.opt_str("file_serial")?.map(str::to_string);
        subject.direction = o
            .opt_str("direction")?
            .map(|s| {
                Direction::parse(s).ok_or_else(|| {
                    FormatError(format!("{path}.direction は received か sent です"))
                })
            })
            .transpose()?;
        o.finish()?;
        Ok(subject)
    }
}

fn parse_date(s: &str, path: &str) -> Result<CivilDate, FormatError> {
    CivilDate::parse_yyyymmdd(s).ok_or_else(|| {
        FormatError(format!(
            "{path} は YYYYMMDD の実在する日付である必要があります"
        ))
    })
}

fn parse_enum<T>(s: &str, path: &str, f: impl Fn(&str) -> Option<T>) -> Result<T, FormatError> {
    f(s).ok_or_else(|| FormatError(format!("{path} の値 \"{s}\" は使えません")))
}

impl Details {
    /// The `details` object.
    pub fn to_value(&self) -> Value {
        match self {
            Details::Received | Details::Sent | Details::DeletionReceived => json!({}),
            Details::CheckResult {
                outcome,
                errors,
                warnings,
                summary,
            } => json!({
                "outcome": outcome.as_str(), "errors": errors,
                "warnings": warnings, "summary": summary
            }),
            Details::Imported { software } => match software {
                Some(s) => json!({ "software": s }),
                None => json!({}),
            },
            Details::StoragePlace { place } => json!({ "place": place }),
            Details::Replaced {
                reason,
                replaces_seq,
            } => {
                let mut v = json!({ "reason": reason });
                if let Some(s) = replaces_seq {
                    v["replaces_seq"] = json!(s);
                }
                v
            }
            Details::Consent {
                method,
                consented_on,
                prior_approval_on,
            } => {
                let mut v = json!({
                    "method": method.as_str(),
                    "consented_on": consented_on.to_yyyymmdd(),
                });
                if let Some(d) = prior_approval_on {
                    v["prior_approval_on"] = date_str(*d);
                }
                v
            }
            Details::DeliveredToClient {
                document,
                delivered_on,
            } => json!({
                "document": document.as_str(),
                "delivered_on": delivered_on.to_yyyymmdd(),
            }),
            Details::Memo { text } => json!({ "text": text }),
            Details::Correction { corrects_seq, text } => {
                json!({ "corrects_seq": corrects_seq, "text": text })
            }
            Details::Completion { completed_on } => {
                json!({ "completed_on": completed_on.to_yyyymmdd() })
            }
            Details::Checkpoint {
                entry_count,
                head_hash,
            } => json!({ "entry_count": entry_count, "head_hash": head_hash }),
            Details::BackupExported {
                entry_count,
                head_hash,
                with_files,
            } => json!({
                "entry_count": entry_count, "head_hash": head_hash, "with_files": with_files
            }),
            Details::BackupRestored {
                outcome,
                source_entry_count,
                source_head_hash,
                appended,
            } => json!({
                "outcome": outcome.as_str(),
                "source_entry_count": source_entry_count,
                "source_head_hash": source_head_hash,
                "appended": appended,
            }),
        }
    }

    fn from_value(kind: Kind, v: &Value, path: &str) -> Result<Details, FormatError> {
        let mut o = Obj::new(v, path)?;
        let p = |k: &str| format!("{path}.{k}");
        let details = match kind {
            Kind::Received => Details::Received,
            Kind::Sent => Details::Sent,
            Kind::DeletionReceived => Details::DeletionReceived,
            Kind::CheckResult => Details::CheckResult {
                outcome: parse_enum(o.str("outcome")?, &p("outcome"), CheckOutcome::parse)?,
                errors: o.u64("errors")?,
                warnings: o.u64("warnings")?,
                summary: o.str("summary")?.to_string(),
            },
            Kind::Imported => Details::Imported {
                software: o.opt_str("software")?.map(str::to_string),
            },
            Kind::StoragePlace => Details::StoragePlace {
                place: o.str("place")?.to_string(),
            },
            Kind::Replaced => Details::Replaced {
                reason: o.str("reason")?.to_string(),
                replaces_seq: o.opt_u64("replaces_seq")?,
            },
            Kind::Consent => Details::Consent {
                method: parse_enum(o.str("method")?, &p("method"), ConsentMethod::parse)?,
                consented_on: parse_date(o.str("consented_on")?, &p("consented_on"))?,
                prior_approval_on: o
                    .opt_str("prior_approval_on")?
                    .map(|s| parse_date(s, &p("prior_approval_on")))
                    .transpose()?,
            },
            Kind::DeliveredToClient => Details::DeliveredToClient {
                document: parse_enum(o.str("document")?, &p("document"), DeliveredDocument::parse)?,
                delivered_on: parse_date(o.str("delivered_on")?, &p("delivered_on"))?,
            },
            Kind::Memo => Details::Memo {
                text: o.str("text")?.to_string(),
            },
            Kind::Correction => Details::Correction {
                corrects_seq: o.u64("corrects_seq")?,
                text: o.str("text")?.to_string(),
            },
            Kind::Completion => Details::Completion {
                completed_on: parse_date(o.str("completed_on")?, &p("completed_on"))?,
            },
            Kind::Checkpoint => Details::Checkpoint {
                entry_count: o.u64("entry_count")?,
                head_hash: o.str("head_hash")?.to_string(),
            },
            Kind::BackupExported => Details::BackupExported {
                entry_count: o.u64("entry_count")?,
                head_hash: o.str("head_hash")?.to_string(),
                with_files: o.bool("with_files")?,
            },
            Kind::BackupRestored => Details::BackupRestored {
                outcome: parse_enum(o.str("outcome")?, &p("outcome"), RestoreOutcome::parse)?,
                source_entry_count: o.u64("source_entry_count")?,
                source_head_hash: o.str("source_head_hash")?.to_string(),
                appended: o.u64("appended")?,
            },
        };
        o.finish()?;
        Ok(details)
    }
}

impl Entry {
    pub fn kind(&self) -> Kind {
        self.details.kind()
    }

    /// The JSON object that is hashed: every field except `hash`.
    pub fn unhashed_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("seq".into(), self.seq.into());
        m.insert("recorded_at".into(), self.recorded_at.to_rfc3339().into());
        m.insert("actor".into(), self.actor.clone().into());
        m.insert("kind".into(), self.kind().as_str().into());
        m.insert("subject".into(), self.subject.to_value());
        m.insert("details".into(), self.details.to_value());
        m.insert("prev_hash".into(), self.prev_hash.clone().into());
        Value::Object(m)
    }

    /// The full JSON object, as stored and as written to backups.
    pub fn to_value(&self) -> Value {
        let mut v = self.unhashed_value();
        v["hash"] = Value::String(self.hash.clone());
        v
    }

    /// Reads an entry from its JSON object, refusing anything that is not its one canonical
    /// shape. It does not check the hash; that is [`super::chain`]'s job.
    pub fn from_value(v: &Value, path: &str) -> Result<Entry, FormatError> {
        let mut o = Obj::new(v, path)?;
        let seq = o.u64("seq")?;
        let recorded_at_text = o.str("recorded_at")?;
        let recorded_at = Timestamp::parse_rfc3339(recorded_at_text)
            .map_err(|e| FormatError(format!("{}: {e}", o.field_path("recorded_at"))))?;
        let actor = o.str("actor")?.to_string();
        let kind_name = o.str("kind")?;
        let kind = Kind::parse(kind_name).ok_or_else(|| {
            FormatError(format!(
                "{} の種類 \"{kind_name}\" は知らない種類です",
                o.field_path("kind")
            ))
        })?;
        let subject = Subject::from_value(o.req("subject")?, &o.field_path("subject"))?;
        let details = Details::from_value(kind, o.req("details")?, &o.field_path("details"))?;
        let prev_hash = o.str("prev_hash")?.to_string();
        let hash = o.str("hash")?.to_string();
        o.finish()?;
        let entry = Entry {
            seq,
            recorded_at,
            actor,
            subject,
            details,
            prev_hash,
            hash,
        };
        if &entry.to_value() != v {
            return Err(FormatError(format!("{path} は正規の形で書かれていません")));
        }
        Ok(entry)
    }

    /// Compact JSON text (what the IndexedDB store keeps per entry).
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// Reads [`Entry::to_json`] output (strictly; see [`super::canonical::parse_strict`]).
    pub fn from_json(text: &str) -> Result<Entry, FormatError> {
        let v = super::canonical::parse_strict(text).map_err(|e| FormatError(e.0))?;
        Entry::from_value(&v, "entry")
    }

    /// The file serial (連番) of this entry: the explicit one, else the one in the file name.
    pub fn serial(&self) -> Option<String> {
        self.subject.file_serial.clone().or_else(|| {
            self.subject
                .file
                .as_ref()
                .and_then(|f| serial_from_file_name(&f.name))
        })
    }
}

/// The 14-digit 連番 at the end of a spec file name (`…_20191025200201.CSV`), if any.
pub fn serial_from_file_name(name: &str) -> Option<String> {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let last = stem.rsplit('_').next()?;
    is_file_serial(last).then(|| last.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Client {
        Client {
            insurer_number: "131001".into(),
            insured_number: "0000012345".into(),
            name: "山田 花子".into(),
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
