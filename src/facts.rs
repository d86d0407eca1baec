//! What the page and the ledger need to know about a checked file, in plain data that can
//! cross from the checking worker to the page: who (利用者), which month or plan, which
//! partner, which version (連番), and the decoded records that findings point at.
//!
//! Fields are found by their 日本語名称 (see `spec::roles`), never by a hard-coded 項目No.

use serde::{Deserialize, Serialize};

use crate::check::identify::{parse_file_name, FileName};
use crate::check::{CheckedFile, FileIdentity, FileReport, Party, RecordRef};
use crate::spec::roles;

/// How many records with findings are kept for display (the rest are only counted).
pub const MAX_SHOWN_RECORDS: usize = 200;
/// How many distinct clients are listed per file.
pub const MAX_CLIENTS: usize = 500;

/// The identity of one file for people and for the ledger.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFacts {
    /// Kind id from the name (`UPPLAN` …).
    pub kind: Option<String>,
    /// 日本語名称 of the kind, e.g. 第6表（サービス利用票）予定.
    pub kind_name_ja: Option<String>,
    /// 対象年月 token of the name (`000000` for a plan set's 利用者補足情報).
    pub service_month: Option<String>,
    /// 送信元 事業所番号 and サービス種類コード.
    pub sender: Option<Party>,
    /// 送信先.
    pub receiver: Option<Party>,
    /// The 14-digit 連番 binding one transmission unit.
    pub serial: Option<String>,
    /// Every client (保険者番号 + 被保険者番号) in the file, in order of appearance.
    pub clients: Vec<ClientFacts>,
    /// Records that findings point at, decoded, for showing the offending cell.
    pub shown_records: Vec<ShownRecord>,
}

/// One 利用者 as a file names them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientFacts {
    /// 保険者番号.
    pub insurer_number: String,
    /// 被保険者番号.
    pub insured_number: String,
    /// 利用者氏名, where the file carries it (利用者補足情報, 利用者基本情報).
    pub name: Option<String>,
    /// 利用者氏名フリガナ, in one spelling (`kana::normalize_reading`), where the file has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kana: Option<String>,
    /// 居宅サービス計画作成（変更）日 (YYYYMMDD), where the file carries a real one.
    pub plan_date: Option<String>,
}

/// A decoded record, as the findings table shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownRecord {
    pub index: u64,
    pub line: u64,
    pub values: Vec<String>,
}

/// Collects the clients of a file record by record: from a checked file's kept records
/// ([`FileFacts::of`]), or during the check itself ([`crate::check::check_file_seeing`]),
/// which is faster for a big file because each record is read while it is still in cache.
#[derive(Debug, Default)]
pub struct ClientList {
    /// (保険者番号, 被保険者番号, 利用者氏名, 作成日) columns, found from the first record's
    /// layout.
    columns: Option<ClientColumns>,
    clients: Vec<ClientFacts>,
    /// A client's rows usually come together: the last one is tried first.
    last: usize,
}

#[derive(Clone, Copy, Debug)]
struct ClientColumns {
    insurer: Option<usize>,
    insured: Option<usize>,
    name: Option<usize>,
    kana: Option<usize>,
    plan_date: Option<usize>,
}

impl ClientList {
    /// Takes note of one record of a file with identity `identity`.
    pub fn see(&mut self, identity: &FileIdentity, record: RecordRef) {
        let columns = *self.columns.get_or_insert_with(|| {
            let layout = identity.layout();
            let column = |field: &str| layout.and_then(|l| roles::index_of(l, field));
            ClientColumns {
                insurer: column(roles::INSURER_NUMBER),
                insured: column(roles::INSURED_NUMBER),
                name: column(roles::CLIENT_NAME),
                kana: roles::CLIENT_NAME_READINGS.iter().find_map(|r| column(r)),
                plan_date: column(roles::PLAN_DATE),
            }
        });
        let (Some(insurer), Some(insured)) = (columns.insurer, columns.insured) else {
            return;
        };
        let (Some(a), Some(b)) = (record.get(insurer), record.get(insured)) else {
            return;
        };
        if a.is_empty() && b.is_empty() {
            return;
        }
        let is = |c: &ClientFacts| c.insurer_number == a && c.insured_number == b;
        let position = match self.clients.get(self.last) {
            Some(c) if is(c) => Some(self.last),
            _ => self.clients.iter().position(is),
        };
        let position = match position {
            Some(p) => p,
            None if self.clients.len() < MAX_CLIENTS => {
                self.clients.push(ClientFacts {
                    insurer_number: a.to_owned(),
                    insured_number: b.to_owned(),
                    ..ClientFacts::default()
                });
                self.clients.len() - 1
            }
            None => return,
        };
        self.last = position;
        let client = &mut self.clients[position];
        let value = |col: Option<usize>| {
            col.and_then(|c| record.get(c))
                .map(str::trim)
                .filter(|v| !v.is_empty() && v.bytes().any(|b| b != b'0'))
                .map(str::to_owned)
        };
        if client.name.is_none() {
            client.name = value(columns.name);
        }
        if client.kana.is_none() {
            client.kana = value(columns.kana).and_then(|k| crate::kana::normalize_reading(&k));
        }
        if client.plan_date.is_none() {
            client.plan_date = value(columns.plan_date);
        }
    }
}

impl FileFacts {
    /// Collects the facts of a checked file.
    pub fn of(file: &CheckedFile) -> FileFacts {
        let mut clients = ClientList::default();
        for record in file.records.iter() {
            clients.see(&file.identity, record);
        }
        FileFacts::with_clients(file, clients)
    }

    /// The facts of a checked file whose clients were collected while it was checked.
    pub fn with_clients(file: &CheckedFile, clients: ClientList) -> FileFacts {
        let name = &file.identity.name;
        let mut wanted: Vec<u64> = file
            .report
            .findings
            .iter()
            .filter_map(|f| f.record)
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        wanted.truncate(MAX_SHOWN_RECORDS);
        // Every record is kept, in file order: record N is row N − 1 (checked all the same).
        let shown_records = wanted
            .iter()
            .filter_map(|&index| {
                let row = usize::try_from(index).ok()?.checked_sub(1)?;
                file.records.get(row).filter(|r| r.index == index)
            })
            .map(|r| ShownRecord {
                index: r.index,
                line: r.line,
                values: r.values().map(str::to_owned).collect(),
            })
            .collect();

        FileFacts {
            clients: clients.clients,
            shown_records,
            ..FileFacts::of_name(name)
        }
    }

    /// The facts a file's name alone gives (kind, month, parties, 連番), for files checked
    /// without keeping their records (very large ones).
    pub fn of_report(report: &FileReport) -> FileFacts {
        FileFacts::of_name(&parse_file_name(&report.name).0)
    }

    fn of_name(name: &FileName) -> FileFacts {
        let kind = name.kind;
        FileFacts {
            kind: kind.map(|k| k.id.clone()),
            kind_name_ja: kind.map(|k| k.name_ja.clone()),
            service_month: name.service_month.clone(),
            sender: name.sender.clone(),
            receiver: name.receiver.clone(),
            serial: name.sequence.clone(),
            clients: Vec::new(),
            shown_records: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_file_keeping_records;

    fn sjis(text: &str) -> Vec<u8> {
        encoding_rs::SHIFT_JIS.encode(text).0.into_owned()
    }

    #[test]
    fn supplementary_file_gives_clients_with_names_and_plan_dates() {
        let name = "UPHOSOKU_000000_1310000001_43_1310000002_11_20250425093000.CSV";
        let mut fields = vec![String::new(); 63];
        fields[0] = "202407".into();
        fields[1] = "131001".into();
        fields[2] = "0000012345".into();
        fields[3] = "20250401".into();
        fields[4] = "\"ヤマダ ハナコ\"".into();
        fields[5] = "\"山田 花子\"".into();
        fields[62] = "000000".into();
        let bytes = sjis(&format!("{}\r\n", fields.join(",")));
        let checked = check_file_keeping_records(name, &bytes);
        let facts = FileFacts::of(&checked);
        assert_eq!(facts.kind.as_deref(), Some("UPHOSOKU"));
        assert_eq!(facts.serial.as_deref(), Some("20250425093000"));
        assert_eq!(facts.service_month.as_deref(), Some("000000"));
        assert_eq!(facts.sender.as_ref().unwrap().office, "1310000001");
        assert_eq!(
            facts.clients,
            vec![ClientFacts {
                insurer_number: "131001".into(),
                insured_number: "0000012345".into(),
                name: Some("山田 花子".into()),
                kana: Some("ヤマダ ハナコ".into()),
                plan_date: Some("20250401".into()),
            }]
        );
    }

    #[test]
    fn the_shown_record_is_the_one_the_finding_names() {
        // A header and a blank line are records too: the bad one is the 4th.
        let name = "DLTPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV";
        let bytes =
            b"CSV,a,b,c\r\n\r\n202407,131001,0000012345,202505\r\n202407,131001,12345,202505\r\n";
        let checked = check_file_keeping_records(name, bytes);
        let facts = FileFacts::of(&checked);
        let bad = facts.shown_records.iter().find(|r| r.index == 4).unwrap();
        assert_eq!(bad.line, 4);
        assert_eq!(bad.values, ["202407", "131001", "12345", "202505"]);
        assert!(facts.shown_records.iter().all(|r| r.index != 3));
    }

    #[test]
    fn records_with_findings_are_kept_for_display() {
        let name = "DLTPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV";
        let bytes = b"202407,131001,0000012345,202505\r\n202407,131001,12345,202505\r\n";
        let checked = check_file_keeping_records(name, bytes);
        let facts = FileFacts::of(&checked);
        assert!(facts.shown_records.iter().any(|r| r.index == 2));
        assert!(facts.shown_records.iter().all(|r| r.index != 1));
        assert_eq!(facts.clients.len(), 2);
        assert_eq!(facts.clients[0].plan_date, None);
    }

    #[test]
    fn a_report_alone_gives_the_name_facts() {
        let name = "UPSIKYU_202505_1310000001_43_1310000002_11_20250425093000.CSV";
        let facts = FileFacts::of_report(&crate::check::check_file(name, b""));
        assert_eq!(facts.kind.as_deref(), Some("UPSIKYU"));
        assert_eq!(facts.service_month.as_deref(), Some("202505"));
        assert_eq!(facts.receiver.unwrap().office, "1310000002");
        assert!(facts.clients.is_empty());
    }

    #[test]
    fn clients_seen_during_the_check_equal_clients_from_the_kept_records() {
        let mut with_clients = 0;
        for file in crate::fixtures::valid_files() {
            let checked = check_file_keeping_records(&file.name, &file.bytes);
            let mut clients = ClientList::default();
            let options = crate::check::CheckOptions {
                keep_records: true,
                compute_sha256: true,
            };
            let seen = crate::check::check_file_seeing(
                &file.name,
                &file.bytes,
                options,
                &mut |identity, record| clients.see(identity, record),
            );
            let during = FileFacts::with_clients(&seen, clients);
            assert_eq!(during, FileFacts::of(&checked), "{}", file.name);
            with_clients += usize::from(!during.clients.is_empty());
        }
        assert!(with_clients > 5, "{with_clients}");
    }
}
