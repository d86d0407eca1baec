//! Clients by name: the 利用者氏名 the files of a run give (利用者補足情報, 利用者基本情報), so
//! the page can say 「濵田 正男 様」 where a message only has the 被保険者番号.
//!
//! The reconciliation writes a client as `被保険者番号「…」（保険者番号「…」）`
//! (`reconcile::view::user_label`); [`ClientNames::name_in`] puts the name before that
//! label when a file of the run named the client. The report itself (JSON, CSV, the command
//! line) keeps the numbers only: it must not depend on which files happened to be dropped.

use std::collections::HashMap;

use crate::facts::FileFacts;

/// 利用者氏名 by (保険者番号, 被保険者番号).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientNames {
    names: HashMap<(String, String), String>,
}

const INSURED_OPEN: &str = "被保険者番号「";
const INSURER_OPEN: &str = "」（保険者番号「";
const LABEL_CLOSE: &str = "」）";

impl ClientNames {
    /// The names the files give, the first one seen for a client winning.
    pub fn from_facts<'a>(files: impl IntoIterator<Item = &'a FileFacts>) -> ClientNames {
        let mut names = HashMap::new();
        for facts in files {
            for c in &facts.clients {
                if let Some(name) = &c.name {
                    names
                        .entry((c.insurer_number.clone(), c.insured_number.clone()))
                        .or_insert_with(|| name.clone());
                }
            }
        }
        ClientNames { names }
    }

    pub fn name(&self, insurer: &str, insured: &str) -> Option<&str> {
        self.names
            .get(&(insurer.to_owned(), insured.to_owned()))
            .map(String::as_str)
    }

    /// `message` with 「濵田 正男 様 」 before each client label whose name is known.
    pub fn name_in(&self, message: &str) -> String {
        let mut out = String::with_capacity(message.len() + 32);
        let mut rest = message;
        while let Some(start) = rest.find(INSURED_OPEN) {
            let (before, label) = rest.split_at(start);
            out.push_str(before);
            let parsed = label[INSURED_OPEN.len()..]
                .split_once(INSURER_OPEN)
                .and_then(|(insured, tail)| {
                    let (insurer, _) = tail.split_once(LABEL_CLOSE)?;
                    Some((insured, insurer))
                });
            if let Some(name) = parsed.and_then(|(insured, insurer)| self.name(insurer, insured)) {
                out.push_str(name);
                out.push_str(" 様 ");
            }
            out.push_str(INSURED_OPEN);
            rest = &label[INSURED_OPEN.len()..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_file_keeping_records;
    use crate::fixtures::sets::{remove_day, OfficeMonth, Provider};
    use crate::reconcile::reconcile;

    #[test]
    fn a_reconciliation_message_names_the_client_the_supplement_file_names() {
        let files = OfficeMonth::sample()
            .files_with_actual(&Provider::new("1310000002", "11"), |rows| {
                remove_day(rows, "0000012345", "20250508", "111111")
            });
        let checked: Vec<_> = files
            .iter()
            .map(|f| check_file_keeping_records(&f.name, &f.bytes))
            .collect();
        let names = ClientNames::from_facts(&checked.iter().map(FileFacts::of).collect::<Vec<_>>());
        assert_eq!(names.name("131016", "0000012345"), Some("髙橋 﨑子"));
        let r = reconcile(&checked);
        let missed = &r.cross_file[0].finding.message;
        let named = names.name_in(missed);
        assert!(
            named.starts_with("髙橋 﨑子 様 被保険者番号「0000012345」（保険者番号「131016」）"),
            "{named}"
        );
        assert_eq!(named.replace("髙橋 﨑子 様 ", ""), *missed);
    }

    #[test]
    fn unknown_clients_and_other_text_stay_as_they_are() {
        let names = ClientNames::default();
        for m in [
            "被保険者番号「1」（保険者番号「2」）の予定",
            "被保険者番号「",
            "ほかの文",
        ] {
            assert_eq!(names.name_in(m), m);
        }
    }
}
