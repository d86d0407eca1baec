//! The entry's model: kinds, subject, details and the sealed [`Entry`].

use crate::jpdate::{CivilDate, Timestamp, YearMonth};
use crate::ledger::chain::ChainHead;
use crate::ledger::device::DeviceId;
use std::fmt;

pub use crate::check::identify::is_file_serial;

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
    /// 端末の登録: a device names itself (first entry of its chain, and on renaming).
    DeviceNamed,
    /// 送受信一覧: the client app's send/receive list of a month, saved as a PDF or image
    /// (the app keeps its history only on its own screen).
    SendList,
    /// 添付: a document attached to an earlier entry (the minutes behind a 差替, a signed
    /// consent page), or on its own as a 資料 with a note.
    Attachment,
    /// 更新・期限の登録: something that expires (licence, 電子証明書, ID password, client app),
    /// its owner and date; a later one for the same item changes it.
    RenewalItem,
    /// 更新済み: a renewal was done (by the actor, on a day), with the new date.
    RenewalDone,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 20] = [
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
        Kind::DeviceNamed,
        Kind::SendList,
        Kind::Attachment,
        Kind::RenewalItem,
        Kind::RenewalDone,
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
            Kind::DeviceNamed => "device_named",
            Kind::SendList => "send_list",
            Kind::Attachment => "attachment",
            Kind::RenewalItem => "renewal_item",
            Kind::RenewalDone => "renewal_done",
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
            Kind::DeviceNamed => "端末の登録",
            Kind::SendList => "送受信一覧",
            Kind::Attachment => "添付",
            Kind::RenewalItem => "更新・期限の登録",
            Kind::RenewalDone => "更新済み",
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
    pub(super) fn parse(s: &str) -> Option<Direction> {
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
    /// The reading (利用者氏名フリガナ) in full-width カナ, where a file gave it: what the
    /// client list's 五十音 order and search by かな use. Entries before it existed have none.
    pub kana: Option<String>,
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
    pub(super) fn parse(s: &str) -> Option<CheckOutcome> {
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
    pub(super) fn parse(s: &str) -> Option<ConsentMethod> {
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
    pub(super) fn parse(s: &str) -> Option<DeliveredDocument> {
        match s {
            "care_plan" => Some(DeliveredDocument::CarePlan),
            "schedule_copy" => Some(DeliveredDocument::ScheduleCopy),
            _ => None,
        }
    }
}

/// What a renewal item is (更新・期限の管理).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RenewalWhat {
    /// ライセンス: one per 事業所番号, paid yearly.
    Licence,
    /// 電子証明書, installed on one terminal.
    Certificate,
    /// The KJ… login ID's password (its expiry only: never the password).
    IdPassword,
    /// The national client app (an old version causes errors).
    ClientApp,
}

impl RenewalWhat {
    pub const ALL: [RenewalWhat; 4] = [
        RenewalWhat::Licence,
        RenewalWhat::Certificate,
        RenewalWhat::IdPassword,
        RenewalWhat::ClientApp,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RenewalWhat::Licence => "licence",
            RenewalWhat::Certificate => "certificate",
            RenewalWhat::IdPassword => "id_password",
            RenewalWhat::ClientApp => "client_app",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            RenewalWhat::Licence => "ライセンス",
            RenewalWhat::Certificate => "電子証明書",
            RenewalWhat::IdPassword => "KJ IDのパスワード",
            RenewalWhat::ClientApp => "クライアントソフト",
        }
    }
    /// What its date is called.
    pub fn due_label_ja(self) -> &'static str {
        match self {
            RenewalWhat::Licence => "次の支払日",
            RenewalWhat::Certificate => "有効期限",
            RenewalWhat::IdPassword => "パスワードの期限",
            RenewalWhat::ClientApp => "次に版を確かめる日",
        }
    }
    pub fn parse(s: &str) -> Option<RenewalWhat> {
        RenewalWhat::ALL.into_iter().find(|w| w.as_str() == s)
    }
}

/// Which 電子証明書.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateKind {
    /// 介護保険証明書.
    CareInsurance,
    /// 請求委任事業所用ケアプラン証明書.
    DelegatedBilling,
}

impl CertificateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateKind::CareInsurance => "care_insurance",
            CertificateKind::DelegatedBilling => "delegated_billing",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            CertificateKind::CareInsurance => "介護保険証明書",
            CertificateKind::DelegatedBilling => "請求委任事業所用ケアプラン証明書",
        }
    }
    pub fn parse(s: &str) -> Option<CertificateKind> {
        match s {
            "care_insurance" => Some(CertificateKind::CareInsurance),
            "delegated_billing" => Some(CertificateKind::DelegatedBilling),
            _ => None,
        }
    }
}

/// The facts of a renewal item beyond its date, each where the item has it. Never a
/// secret: no password, no certificate file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenewalFacts {
    /// ライセンス: the 事業所番号 it is for.
    pub office_number: Option<String>,
    /// ライセンス: 申込日.
    pub applied_on: Option<CivilDate>,
    /// ライセンス: 無料期間の終わり (the free-pass campaign's year).
    pub free_until: Option<CivilDate>,
    /// ライセンス: 金額 (円, 税込).
    pub amount_yen: Option<u64>,
    /// 電子証明書: which one.
    pub certificate: Option<CertificateKind>,
    /// 電子証明書: the PC it is installed on.
    pub terminal: Option<String>,
    /// クライアントソフト: the version last installed.
    pub app_version: Option<String>,
    /// クライアントソフト: when it was last updated.
    pub updated_on: Option<CivilDate>,
}

/// What a バックアップ復元 did to the local ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreOutcome {
    /// The backup extended the local ledger; its further entries were appended.
    Appended,
    /// The backup diverged; its branch was kept beside the local chain (format 1 only).
    ForkKept,
    /// The backup's device chains were merged into the office ledger (format 2).
    Merged,
}

impl RestoreOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            RestoreOutcome::Appended => "appended",
            RestoreOutcome::ForkKept => "fork_kept",
            RestoreOutcome::Merged => "merged",
        }
    }
    pub(super) fn parse(s: &str) -> Option<RestoreOutcome> {
        match s {
            "appended" => Some(RestoreOutcome::Appended),
            "fork_kept" => Some(RestoreOutcome::ForkKept),
            "merged" => Some(RestoreOutcome::Merged),
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
        /// The device that wrote it, when not this entry's own device.
        replaces_device: Option<DeviceId>,
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
        /// The device that wrote it, when not this entry's own device.
        corrects_device: Option<DeviceId>,
        /// What was wrong and what is right.
        text: String,
    },
    Completion {
        /// 完結日: when the plan or month record was completed.
        completed_on: CivilDate,
    },
    Checkpoint {
        /// Entries covered by the checkpoint text (the ledger before this entry); for an
        /// office checkpoint, of all devices together.
        entry_count: u64,
        /// The last hash (one chain) or the office checkpoint's まとめハッシュ.
        head_hash: String,
        /// Present for an office checkpoint: how many device chains it covers.
        device_count: Option<u64>,
    },
    BackupExported {
        entry_count: u64,
        head_hash: String,
        with_files: bool,
        /// As in [`Details::Checkpoint`]: present when `head_hash` is an office まとめハッシュ.
        device_count: Option<u64>,
    },
    BackupRestored {
        outcome: RestoreOutcome,
        /// The backup's own entry count and head hash.
        source_entry_count: u64,
        source_head_hash: String,
        /// Entries appended to the local chain (0 when a fork was kept).
        appended: u64,
    },
    DeviceNamed {
        /// The device whose chain this is (repeats the chain's own id, so the name is bound
        /// to it even in a migrated chain).
        device_id: DeviceId,
        /// The name the office gives this PC (「事務室PC」).
        name: String,
        /// The office whose ledger this chain belongs to.
        office_number: String,
        /// The one-chain (format 1) ledger this device held when it was migrated, pinned by
        /// its id, length and head hash.
        migrated_from: Option<ChainHead>,
    },
    /// The file is `subject.file`, the month `subject.service_month`.
    SendList,
    Attachment {
        /// What the document is (required for a 資料 on its own).
        note: Option<String>,
        /// The entry it belongs to (a 差替, 同意, 交付), when it is attached to one.
        attached_to_seq: Option<u64>,
        /// That entry's device, when not this entry's own.
        attached_to_device: Option<DeviceId>,
    },
    RenewalItem {
        /// The item's id (lower-case letters, digits and `-`): later entries name it.
        item: String,
        what: RenewalWhat,
        /// 担当者: who follows it (a name from the staff list).
        owner: String,
        /// The date to act by (see [`RenewalWhat::due_label_ja`]).
        due_on: CivilDate,
        facts: RenewalFacts,
    },
    RenewalDone {
        item: String,
        /// When it was done.
        done_on: CivilDate,
        /// The item's next date after this renewal.
        new_due_on: CivilDate,
        /// クライアントソフト: the version now installed.
        app_version: Option<String>,
        note: Option<String>,
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
            Details::DeviceNamed { .. } => Kind::DeviceNamed,
            Details::SendList => Kind::SendList,
            Details::Attachment { .. } => Kind::Attachment,
            Details::RenewalItem { .. } => Kind::RenewalItem,
            Details::RenewalDone { .. } => Kind::RenewalDone,
        }
    }
}

/// A sealed, hashed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The device whose chain holds it. Not a field of the entry's JSON: the chain's genesis
    /// binds it (see [`crate::ledger::device`]).
    pub device: DeviceId,
    /// 1-based position in its device's chain, without gaps.
    pub seq: u64,
    /// When it was recorded (UTC; shown in Japan time).
    pub recorded_at: Timestamp,
    /// When the act itself happened (送信日時, 受信日時, 取込日時 …), when staff gave it;
    /// never later than `recorded_at`. Absent in entries written before it existed, and
    /// for acts whose date is in their details (同意日, 交付日) or that are the recording.
    pub occurred_at: Option<Timestamp>,
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
    /// When the act happened, if not now (see [`Entry::occurred_at`]).
    pub occurred_at: Option<Timestamp>,
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

/// Where an entry is: its device and its seq in that device's chain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryRef {
    pub device: DeviceId,
    pub seq: u64,
}

impl Entry {
    pub fn kind(&self) -> Kind {
        self.details.kind()
    }

    /// This entry's place in the office ledger.
    pub fn id(&self) -> EntryRef {
        EntryRef {
            device: self.device.clone(),
            seq: self.seq,
        }
    }

    /// The earlier entry a 訂正 or 差替 points at, on its own device unless it names another.
    pub fn refers_to(&self) -> Option<EntryRef> {
        let (seq, device) = match &self.details {
            Details::Correction {
                corrects_seq,
                corrects_device,
                ..
            } => (*corrects_seq, corrects_device),
            Details::Replaced {
                replaces_seq: Some(seq),
                replaces_device,
                ..
            } => (*seq, replaces_device),
            _ => return None,
        };
        Some(EntryRef {
            device: device.clone().unwrap_or_else(|| self.device.clone()),
            seq,
        })
    }

    /// The entry an 添付 belongs to, on its own device unless it names another.
    pub fn attached_to(&self) -> Option<EntryRef> {
        match &self.details {
            Details::Attachment {
                attached_to_seq: Some(seq),
                attached_to_device,
                ..
            } => Some(EntryRef {
                device: attached_to_device
                    .clone()
                    .unwrap_or_else(|| self.device.clone()),
                seq: *seq,
            }),
            _ => None,
        }
    }

    /// When the act happened: the time staff gave, else the recording time.
    pub fn act_time(&self) -> Timestamp {
        self.occurred_at.unwrap_or(self.recorded_at)
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
