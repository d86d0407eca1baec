//! Rules that need more than one field or more than one record: one service month per file
//! and equal to the name's, サービス利用日 in that month, the 第7表 全合計 and 種類別小計 rows,
//! TAIS/届出 codes on 福祉用具 rows, 利用者補足情報 No.4/No.63 for the set it travels with,
//! and the users' relation to the receiver (spec §5): a 実績's プラン担当業者コード is the
//! receiving 居宅 and its service codes are of the sender's サービス種類; every user of a 第6表
//! 予定 has a service of the receiving provider.
//!
//! Columns are found by name in the file's layout ([`crate::spec::roles`]), so the same code
//! serves V3 and V4. Per-user state of the 第7表 rule grows with the number of users only.

use std::collections::HashMap;

use crate::check::emit::{Emitter, FieldAt};
use crate::check::findings::Code;
use crate::check::identify::{is_digits, FileName};
use crate::check::record::Record;
use crate::spec::{roles, FileKind, Layout, LayoutGeneration};

/// 第7表 summary rows: サービス種類 + `AAAA` (区分支給対象 小計), `EEEE` (対象外 小計),
/// `ZZZZ` (30日超過分 小計), and `999999` (全合計).
const SUBTOTAL_SUFFIXES: [&str; 3] = ["AAAA", "EEEE", "ZZZZ"];
const TOTAL_SERVICE_CODE: &str = "999999";
const TOTAL_OFFICE_CODE: &str = "9999999999";
/// サービス種類 of 福祉用具貸与 / 介護予防福祉用具貸与 (TAIS or 届出 code required in V4).
const WELFARE_EQUIPMENT_TYPES: [&str; 2] = ["17", "67"];

pub(crate) struct FileRules {
    month_col: Option<usize>,
    service_date_col: Option<usize>,
    service_code_col: Option<usize>,
    tais_col: Option<usize>,
    welfare_col: Option<usize>,
    name_month: Option<String>,
    /// The first record's service month, with its record.
    first_month: Option<String>,
    name_month_reported: bool,
    sikyu: Option<SikyuRules>,
    hosoku: Option<HosokuRules>,
    actual: Option<ActualRules>,
    plan_users: Option<PlanUsers>,
}

/// 実績 (UPJSK) sent from a provider to the 居宅 in charge of the plan.
struct ActualRules {
    /// The name's 送信先 事業所番号 (the 居宅), when it is 10 digits.
    receiver: Option<String>,
    plan_office_col: Option<usize>,
    insurer_col: usize,
    insured_col: usize,
    /// Users (保険者番号/被保険者番号) already reported for another プラン担当業者.
    reported_users: Vec<String>,
    /// The sender's サービス種類 from a V4 name, and the 種類 already reported.
    sender_type: Option<String>,
    reported_types: Vec<String>,
}

/// 第6表 予定 (UPPLAN) sent to a provider: each user should have a service of it.
struct PlanUsers {
    receiver: String,
    provider_col: usize,
    insurer_col: usize,
    insured_col: usize,
    /// Users in first-seen order; `index` finds them, `last` is the user of the previous
    /// record (records come grouped by user, so most records need no lookup).
    users: Vec<PlanUser>,
    index: HashMap<String, usize, BuildFnv>,
    /// The previous record's user, and its key packed in 16 bytes when 保険者番号 and
    /// 被保険者番号 have their 6 + 10 characters (the usual case: one compare per record).
    last: Option<usize>,
    last_packed: Option<u128>,
    /// The user before `last`, by packed key: users that take turns need no lookup either.
    before_last: Option<(u128, usize)>,
    /// The key being looked up, reused so a lookup allocates nothing.
    key: String,
}

/// FNV-1a: the user keys are short and come from the file, and the map only groups them, so
/// a small fast hash is enough (SipHash's protection is not needed here).
#[derive(Clone, Copy, Default)]
struct BuildFnv;

struct Fnv(u64);

impl std::hash::BuildHasher for BuildFnv {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

struct PlanUser {
    insurer: String,
    insured: String,
    /// The user's first record, at サービス事業者コード.
    first: FieldAt,
    has_receiver: bool,
    /// The first provider seen for the user, for the message.
    other: String,
}

struct SikyuRules {
    office_col: Option<usize>,
    units_col: Option<usize>,
    rate_col: Option<usize>,
    discounted_col: Option<usize>,
    fixed_office_col: Option<usize>,
    insurer_col: usize,
    insured_col: usize,
    code_col: usize,
    users: HashMap<String, UserRows>,
}

struct UserRows {
    /// The user's first row, where findings about the whole user point (サービスコード).
    first: FieldAt,
    insured: String,
    totals: u32,
    /// サービス種類 → (detail rows, has a subtotal row).
    types: HashMap<String, (u32, bool)>,
}

struct HosokuRules {
    plan_date_col: Option<usize>,
    target_month_col: Option<usize>,
    /// The name's month token: `000000` = plan set (第1表/第2表/第3表), YYYYMM = 利用票 set.
    token: String,
}

impl FileRules {
    pub fn new(kind: &FileKind, layout: &Layout, name: &FileName) -> FileRules {
        let col = |n| roles::index_of(layout, n);
        let is_hosoku = kind.id == "UPHOSOKU";
        let month_col = if kind.has_month_token && !is_hosoku {
            col(roles::SERVICE_MONTH).or_else(|| col(roles::DELETE_MONTH))
        } else {
            None
        };
        let sikyu = (kind.id == "UPSIKYU").then(|| SikyuRules {
            office_col: col(roles::SUMMARY_OFFICE_CODE),
            units_col: col(roles::UNITS),
            rate_col: col(roles::DISCOUNT_RATE),
            discounted_col: col(roles::DISCOUNTED_UNITS),
            fixed_office_col: col(roles::FIXED_OFFICE_CODE),
            insurer_col: col(roles::INSURER_NUMBER).unwrap_or(2),
            insured_col: col(roles::INSURED_NUMBER).unwrap_or(3),
            code_col: col(roles::SERVICE_CODE).unwrap_or(9),
            users: HashMap::new(),
        });
        let hosoku = if is_hosoku {
            name.service_month.clone().map(|token| HosokuRules {
                plan_date_col: col(roles::PLAN_DATE),
                target_month_col: col(roles::SERVICE_MONTH),
                token,
            })
        } else {
            None
        };
        // A name that sends to its own sender says so (FILENAME_SAME_OFFICE); the relation
        // to the receiver is not judged then.
        let sender_office = name.sender.as_ref().map(|p| p.office.as_str());
        let receiver = name
            .receiver
            .as_ref()
            .map(|p| p.office.clone())
            .filter(|o| is_digits(o, 10) && Some(o.as_str()) != sender_office);
        let actual = (kind.id == "UPJSK").then(|| ActualRules {
            receiver: receiver.clone(),
            plan_office_col: col(roles::PLAN_OFFICE),
            insurer_col: col(roles::INSURER_NUMBER).unwrap_or(2),
            insured_col: col(roles::INSURED_NUMBER).unwrap_or(3),
            reported_users: Vec::new(),
            sender_type: name
                .sender
                .as_ref()
                .filter(|_| name.shape == Some(LayoutGeneration::V4))
                .and_then(|p| p.service_type.clone())
                .filter(|t| t.len() == 2 && t.bytes().all(|b| b.is_ascii_alphanumeric())),
            reported_types: Vec::new(),
        });
        let plan_users = if kind.id == "UPPLAN" {
            receiver
                .zip(col(roles::PROVIDER_OFFICE))
                .map(|(receiver, provider_col)| PlanUsers {
                    receiver,
                    provider_col,
                    insurer_col: col(roles::INSURER_NUMBER).unwrap_or(2),
                    insured_col: col(roles::INSURED_NUMBER).unwrap_or(3),
                    users: Vec::new(),
                    index: HashMap::default(),
                    last: None,
                    last_packed: None,
                    before_last: None,
                    key: String::new(),
                })
        } else {
            None
        };
        FileRules {
            actual,
            plan_users,
            month_col,
            service_date_col: col(roles::SERVICE_DATE),
            service_code_col: col(roles::SERVICE_CODE),
            tais_col: col(roles::TAIS_CODE),
            welfare_col: col(roles::WELFARE_EQUIPMENT_CODE),
            name_month: name.service_month.clone(),
            first_month: None,
            name_month_reported: false,
            sikyu,
            hosoku,
        }
    }

    /// The file's service month as the records say (first record's value).
    pub fn content_month(&self) -> Option<&str> {
        self.first_month.as_deref()
    }

    /// Applies the rules to one record whose column count matches the layout.
    pub fn on_record(&mut self, rec: &Record, emit: &mut Emitter) {
        self.service_month(rec, emit);
        let code = self.service_code_col.and_then(|c| rec.get(c)).unwrap_or("");
        self.welfare_equipment(rec, code, emit);
        if let Some(s) = self.sikyu.as_mut() {
            s.on_record(rec, code, emit);
        }
        if let Some(h) = &self.hosoku {
            h.on_record(rec, emit);
        }
        if let Some(a) = self.actual.as_mut() {
            a.on_record(rec, code, self.service_code_col, emit);
        }
        if let Some(p) = self.plan_users.as_mut() {
            p.on_record(rec);
        }
    }

    fn service_month(&mut self, rec: &Record, emit: &mut Emitter) {
        let Some(col) = self.month_col else {
            return;
        };
        let Some(month) = rec.get(col).filter(|m| !m.is_empty()) else {
            return;
        };
        match &self.first_month {
            None => {
                self.first_month = Some(month.to_owned());
                if let Some(name_month) = &self.name_month {
                    if name_month != month && !self.name_month_reported {
                        self.name_month_reported = true;
                        let nm = name_month.clone();
                        emit.field(
                            Code::SERVICE_MONTH_NAME,
                            rec,
                            col,
                            || {
                                format!(
                                    "対象年月「{month}」がファイル名の対象年月「{nm}」と違います"
                                )
                            },
                            |_| {
                                "ファイル名の対象年月とレコードの対象年月を同じにしてください。"
                                    .to_owned()
                            },
                        );
                    }
                }
            }
            Some(first) if first != month => {
                let first = first.clone();
                emit.field(
                    Code::SERVICE_MONTH_MIXED,
                    rec,
                    col,
                    || format!("対象年月「{month}」が先頭のレコードの「{first}」と違います"),
                    |_| "対象年月ごとにファイルを分けてください（1ファイル1か月）。".to_owned(),
                );
            }
            Some(_) => {}
        }
        if let Some(dcol) = self.service_date_col {
            let date = rec.get(dcol).unwrap_or("");
            if date.len() == 8 && date.is_ascii() && month.len() == 6 && !date.starts_with(month) {
                emit.field(
                    Code::SERVICE_DATE_MONTH,
                    rec,
                    dcol,
                    || format!("サービス利用日「{date}」が対象年月「{month}」の日付ではありません"),
                    |_| "サービス利用日は対象年月の中の日付にします。".to_owned(),
                );
            }
        }
    }

    fn welfare_equipment(&self, rec: &Record, code: &str, emit: &mut Emitter) {
        let (Some(tc), Some(wc)) = (self.tais_col, self.welfare_col) else {
            return;
        };
        let is_welfare = WELFARE_EQUIPMENT_TYPES.iter().any(|t| code.starts_with(t));
        if !is_welfare || is_summary_code(code) {
            return;
        }
        let empty = |c| rec.get(c).is_none_or(str::is_empty);
        if empty(tc) && empty(wc) {
            emit.field(
                Code::WELFARE_EQUIPMENT_CODE,
                rec,
                tc,
                || format!("福祉用具貸与のサービスコード「{code}」の行にTAISコードも福祉用具届出コードもありません"),
                |_| "福祉用具貸与（17/67）の行にはTAISコードか福祉用具届出コードのどちらかを入れます。".to_owned(),
            );
        }
    }

    /// Rules that can only be decided after the last record.
    pub fn finish(self, emit: &mut Emitter) {
        if let Some(s) = self.sikyu {
            s.finish(emit);
        }
        if let Some(p) = self.plan_users {
            p.finish(emit);
        }
    }
}

fn is_summary_code(code: &str) -> bool {
    code == TOTAL_SERVICE_CODE
        || SUBTOTAL_SUFFIXES
            .iter()
            .any(|s| code.len() == 6 && code.ends_with(s))
}

impl SikyuRules {
    fn on_record(&mut self, rec: &Record, code: &str, emit: &mut Emitter) {
        let insurer = rec.get(self.insurer_col).unwrap_or("");
        let insured = rec.get(self.insured_col).unwrap_or("");
        let mut key = String::with_capacity(insurer.len() + insured.len() + 1);
        key.push_str(insurer);
        key.push('/');
        key.push_str(insured);
        let code_col = self.code_col;
        let user = self.users.entry(key).or_insert_with(|| UserRows {
            first: FieldAt::of(rec, code_col),
            insured: insured.to_owned(),
            totals: 0,
            types: HashMap::new(),
        });
        let summary = is_summary_code(code);
        if code == TOTAL_SERVICE_CODE {
            user.totals += 1;
            if user.totals > 1 {
                emit.record(
                    Code::TOTAL_ROW_DUPLICATE,
                    rec,
                    || format!("被保険者番号「{insured}」の全合計行（999999）が2行目です"),
                    || "全合計行は利用者ごとに1行だけにします。".to_owned(),
                );
            }
            if let Some(c) = self.office_col {
                let office = rec.get(c).unwrap_or("");
                if office != TOTAL_OFFICE_CODE {
                    emit.field(
                        Code::TOTAL_ROW_OFFICE,
                        rec,
                        c,
                        || format!("全合計行のサービス事業所コードが「{office}」です"),
                        |_| "全合計行のサービス事業所コードは9999999999にします。".to_owned(),
                    );
                }
            }
        } else if code.len() == 6 && code.is_ascii() {
            let entry = user.types.entry(code[..2].to_owned()).or_default();
            if summary {
                entry.1 = true;
            } else {
                entry.0 += 1;
            }
        }
        if summary {
            self.summary_values(rec, emit);
        }
        if let Some(c) = self.fixed_office_col {
            let v = rec.get(c).unwrap_or("");
            if !v.is_empty() && v != TOTAL_OFFICE_CODE {
                emit.field(
                    Code::FIXED_OFFICE_CODE,
                    rec,
                    c,
                    || format!("事業所コードが「{v}」です"),
                    |_| "第7表の事業所コードは9999999999を固定で入れます。".to_owned(),
                );
            }
        }
    }

    /// 小計/全合計 rows: 単位数 0, 割引後率 and 割引後単位数 empty.
    fn summary_values(&self, rec: &Record, emit: &mut Emitter) {
        if let Some(c) = self.units_col {
            let v = rec.get(c).unwrap_or("");
            if !v.is_empty() && v.bytes().any(|b| b != b'0') {
                emit.field(
                    Code::SUMMARY_ROW_VALUE,
                    rec,
                    c,
                    || format!("小計・全合計行の単位数が「{v}」です"),
                    |_| "種類別小計・全合計の行の単位数は0にします。".to_owned(),
                );
            }
        }
        for c in [self.rate_col, self.discounted_col].into_iter().flatten() {
            let v = rec.get(c).unwrap_or("");
            if !v.is_empty() {
                emit.field(
                    Code::SUMMARY_ROW_VALUE,
                    rec,
                    c,
                    || format!("小計・全合計行に値「{v}」があります"),
                    |spec| {
                        let name = spec.map(|s| s.name_ja.as_str()).unwrap_or("この項目");
                        format!("種類別小計・全合計の行の{name}は空（Null）にします。")
                    },
                );
            }
        }
    }

    fn finish(self, emit: &mut Emitter) {
        let mut users: Vec<UserRows> = self.users.into_values().collect();
        users.sort_by_key(|u| u.first.record);
        let code_col = self.code_col;
        for u in users {
            let insured = u.insured.as_str();
            if u.totals == 0 {
                emit.field_at(
                    Code::TOTAL_ROW_MISSING,
                    u.first,
                    code_col,
                    || format!("被保険者番号「{insured}」の全合計行（サービスコード999999）がありません"),
                    |_| "利用者ごとに全合計行（サービスコード999999、サービス事業所コード9999999999）を1行入れます。".to_owned(),
                );
            }
            let mut types: Vec<(String, (u32, bool))> = u.types.into_iter().collect();
            types.sort();
            for (t, (details, has_subtotal)) in types {
                if details >= 2 && !has_subtotal {
                    emit.field_at(
                        Code::SUBTOTAL_MISSING,
                        u.first,
                        code_col,
                        || format!("被保険者番号「{insured}」のサービス種類「{t}」は{details}行ありますが、種類別小計行（{t}AAAA）がありません"),
                        |_| "同じサービス種類の行が複数あるときは、種類CD+AAAAの種類別小計行を入れます。".to_owned(),
                    );
                }
            }
        }
    }
}

impl ActualRules {
    fn on_record(&mut self, rec: &Record, code: &str, code_col: Option<usize>, emit: &mut Emitter) {
        if let (Some(receiver), Some(c)) = (self.receiver.as_deref(), self.plan_office_col) {
            let office = rec.get(c).unwrap_or("");
            if office != receiver && is_digits(office, 10) {
                let insured = rec.get(self.insured_col).unwrap_or("");
                let user = format!("{}/{insured}", rec.get(self.insurer_col).unwrap_or(""));
                if !self.reported_users.contains(&user) {
                    self.reported_users.push(user);
                    emit.field(
                        Code::RECORD_OTHER_OFFICE,
                        rec,
                        c,
                        || format!("被保険者番号「{insured}」のプラン担当業者コード「{office}」が、ファイル名の送信先の居宅介護支援事業所「{receiver}」と違います。送信先とは関係のない利用者のようです"),
                        |_| "実績は、その利用者のプランを担当する居宅介護支援事業所に送ります（仕様§5）。送信先の事業所番号か、プラン担当業者コードを確かめてください。".to_owned(),
                    );
                }
            }
        }
        let (Some(sender), Some(c)) = (self.sender_type.as_deref(), code_col) else {
            return;
        };
        let Some(kind) = code.get(..2).filter(|_| code.len() == 6) else {
            return;
        };
        if kind != sender && !self.reported_types.iter().any(|t| t == kind) {
            self.reported_types.push(kind.to_owned());
            emit.field(
                Code::SERVICE_TYPE_SENDER,
                rec,
                c,
                || format!("サービスコード「{code}」のサービス種類「{kind}」が、ファイル名の送信元サービス種類コード「{sender}」と違います"),
                |_| "実績は、サービス事業所の事業所番号とサービス種類ごとに1つのファイルで送ります（仕様§5）。ファイル名の送信元サービス種類コードか、ファイルに入れたサービスを確かめてください。仕様書の実績ファイル名の例は送信元の後に43（居宅介護支援）を置いていてこの規則と合わないため、警告にしています。".to_owned(),
            );
        }
    }
}

impl PlanUsers {
    fn on_record(&mut self, rec: &Record) {
        let insurer = rec.get(self.insurer_col).unwrap_or("");
        let insured = rec.get(self.insured_col).unwrap_or("");
        let packed = pack_user(insurer, insured);
        let same = |u: &PlanUser| u.insurer == insurer && u.insured == insured;
        let known = match (packed, self.last_packed) {
            (Some(p), Some(q)) => p == q,
            _ => self.last.is_some_and(|i| same(&self.users[i])),
        };
        let turn = |b: Option<(u128, usize)>| b.filter(|b| Some(b.0) == packed).map(|b| b.1);
        let i = match self.last.filter(|_| known) {
            Some(i) => i,
            None if turn(self.before_last).is_some() => {
                let i = turn(self.before_last).unwrap_or(0);
                self.before_last = self.last_packed.zip(self.last);
                self.last_packed = packed;
                self.last = Some(i);
                i
            }
            None => {
                self.before_last = self.last_packed.zip(self.last);
                self.last_packed = packed;
                self.key.clear();
                self.key.push_str(insurer);
                self.key.push('/');
                self.key.push_str(insured);
                let next = self.users.len();
                let i = match self.index.get(self.key.as_str()) {
                    Some(&i) => i,
                    None => {
                        self.index.insert(self.key.clone(), next);
                        next
                    }
                };
                if i == next {
                    self.users.push(PlanUser {
                        insurer: insurer.to_owned(),
                        insured: insured.to_owned(),
                        first: FieldAt::of(rec, self.provider_col),
                        has_receiver: false,
                        other: String::new(),
                    });
                }
                self.last = Some(i);
                i
            }
        };
        let user = &mut self.users[i];
        if !user.has_receiver {
            let provider = rec.get(self.provider_col).unwrap_or("");
            user.has_receiver = provider == self.receiver;
            if user.other.is_empty() {
                provider.clone_into(&mut user.other);
            }
        }
    }

    fn finish(self, emit: &mut Emitter) {
        let receiver = self.receiver.as_str();
        for u in self.users.into_iter().filter(|u| !u.has_receiver) {
            let (insured, other) = (u.insured.as_str(), u.other.as_str());
            emit.field_at(
                Code::RECORD_OTHER_OFFICE,
                u.first,
                self.provider_col,
                || format!("被保険者番号「{insured}」の利用者には、ファイル名の送信先の事業所「{receiver}」のサービスがありません（サービス事業者コードは「{other}」など）。送信先とは関係のない利用者のようです"),
                |_| "第6表は、送信先の事業所のサービスを使う利用者の分だけを送ります（仕様§5）。送信先の事業所番号か、ファイルに入れた利用者を確かめてください。".to_owned(),
            );
        }
    }
}

/// 保険者番号 (6) and 被保険者番号 (10) as one number, when they have those lengths.
fn pack_user(insurer: &str, insured: &str) -> Option<u128> {
    let (a, b) = (insurer.as_bytes(), insured.as_bytes());
    if a.len() != 6 || b.len() != 10 {
        return None;
    }
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(a);
    bytes[6..].copy_from_slice(b);
    Some(u128::from_le_bytes(bytes))
}

impl HosokuRules {
    fn on_record(&self, rec: &Record, emit: &mut Emitter) {
        let plan_set = self.token == "000000";
        if let Some(c) = self.plan_date_col {
            let v = rec.get(c).unwrap_or("");
            let zeros = v == "00000000";
            if v.is_empty() {
                // FIELD_REQUIRED already says so.
            } else if plan_set && zeros {
                emit.field(
                    Code::HOSOKU_PLAN_DATE,
                    rec,
                    c,
                    || "第1表・第2表と送る利用者補足情報（ファイル名の年月000000）なのに00000000です".to_owned(),
                    |_| "第1表・第2表と送るときは、第1表の居宅サービス計画作成（変更）日を入れます。".to_owned(),
                );
            } else if !plan_set && !zeros {
                emit.field(
                    Code::HOSOKU_PLAN_DATE,
                    rec,
                    c,
                    || format!("第6表・第7表と送る利用者補足情報なのに「{v}」です"),
                    |_| "第6表・第7表と送るときは00000000にします。".to_owned(),
                );
            }
        }
        if let Some(c) = self.target_month_col {
            let v = rec.get(c).unwrap_or("");
            if v.is_empty() {
                // FIELD_REQUIRED already says so.
            } else if plan_set && v != "000000" {
                emit.field(
                    Code::HOSOKU_TARGET_MONTH,
                    rec,
                    c,
                    || format!("第1表・第2表と送る利用者補足情報なのに対象年月が「{v}」です"),
                    |_| "第1表・第2表と送るときは対象年月を000000にします。".to_owned(),
                );
            } else if !plan_set && v != self.token {
                let token = self.token.clone();
                emit.field(
                    Code::HOSOKU_TARGET_MONTH,
                    rec,
                    c,
                    || format!("対象年月「{v}」がファイル名の提供年月「{token}」と違います"),
                    |_| {
                        "第6表・第7表と送るときは、対象年月をファイル名の提供年月と同じにします。"
                            .to_owned()
                    },
                );
            }
        }
    }
}
