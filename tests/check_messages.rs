//! The messages issue 19 found misleading on real software's files, with their new wording
//! and position: a V4 name without its receiver, a prefix one letter off, the version line,
//! warnings that say why, hints a clerk can act on, the column count once per file, and the
//! records of users unrelated to the receiver.

use std::process::Command;

use careplan_ledger::check::{check_file, Finding, RunReport, Severity};
use careplan_ledger::fixtures::{valid_file, valid_rows, write_csv, Rows, Scenario};
use careplan_ledger::spec::doubt::REQUIRED_REASON;
use careplan_ledger::spec::Spec;

fn rows(kind: &str) -> Rows {
    valid_rows(Spec::get().kind(kind).unwrap(), &Scenario::v4())
}

fn name(kind: &str) -> String {
    valid_file(Spec::get().kind(kind).unwrap(), &Scenario::v4()).name
}

fn only<'a>(found: &'a [Finding], code: &str) -> &'a Finding {
    let hits: Vec<&Finding> = found.iter().filter(|f| f.code == code).collect();
    assert_eq!(hits.len(), 1, "{code}: {found:#?}");
    hits[0]
}

#[test]
fn a_v4_name_without_its_receiver_names_the_missing_parts() {
    let file = "UP1KYO_1310000001_43_20250425093000.csv";
    let report = check_file(file, &write_csv(&rows("UP1KYO")));
    let f = only(&report.findings, "FILENAME_SHAPE");
    assert_eq!(f.record, None);
    assert_eq!(
        f.message,
        "ファイル名「UP1KYO_1310000001_43_20250425093000.csv」は部分が足りません。送信先事業所番号と送信先サービス種類コードがありません。"
    );
    assert!(f.hint.as_deref().unwrap().starts_with(
        "V4のファイル名は「UP1KYO_1310000001_43_＜送信先事業所番号10桁＞_＜送信先サービス種類コード2桁＞_20250425093000.CSV」の形です。"
    ));
    assert!(report
        .findings
        .iter()
        .all(|f| !f.message.contains("「43」が数字10桁")));
    // Nor does the transmission-unit check take 43 for the receiver.
    let dir =
        std::env::temp_dir().join(format!("careplan-missing-receiver-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(file), write_csv(&rows("UP1KYO"))).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_careplan-check"))
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!text.contains("送信先43"), "{text}");
    assert!(text.contains("部分が足りません"), "{text}");
}

#[test]
fn a_prefix_one_letter_off_is_suggested_before_the_column_count_guess() {
    let good = name("UPKIHON");
    let bad = good.replace("UPKIHON_", "UPKHON_");
    // Content of the right kind: the count agrees with the suggestion.
    let report = check_file(&bad, &write_csv(&rows("UPKIHON")));
    let f = only(&report.findings, "FILENAME_UNKNOWN_KIND");
    assert_eq!(
        f.message,
        format!("ファイル名「{bad}」がどの種類のファイルか分かりません。接頭辞「UPKHON」は「UPKIHON」（利用者基本情報（介護予防支援））の書き間違いかもしれません（1文字違い）。内容の項目数71もそのレイアウトと同じです。種類が分からないため、項目の確認はしていません。")
    );
    assert!(f.hint.as_deref().unwrap().contains("「UPKIHON_」"));
    // Content of another kind: the suggestion still comes first, then what it looks like.
    let report = check_file(&bad, &write_csv(&rows("UPYOBO_SUB")));
    let m = &only(&report.findings, "FILENAME_UNKNOWN_KIND").message;
    let near = m.find("「UPKIHON」").unwrap();
    let columns = m
        .find("内容の項目数17はUPYOBO_SUB（V4）と同じ形です")
        .unwrap();
    assert!(near < columns, "{m}");
}

#[test]
fn the_version_line_shows_an_unknown_csv_version_as_written() {
    let mut r = rows("UPPLAN");
    for row in &mut r {
        row[0].value = "202410".into();
    }
    let report = check_file(&name("UPPLAN"), &write_csv(&r));
    let f = only(&report.findings, "VERSION_UNKNOWN");
    assert_eq!((f.record, f.field_no), (Some(1), Some(1)));
    assert!(f.hint.as_deref().unwrap().contains("介護ソフトの出力設定"));
    let text = RunReport::new(vec![report], Vec::new()).to_text();
    assert!(
        text.contains("CSVバージョン: 202410（仕様にない値）"),
        "{text}"
    );
    let valid = check_file(&name("UPPLAN"), &write_csv(&rows("UPPLAN")));
    let text = RunReport::new(vec![valid], Vec::new()).to_text();
    assert!(text.contains("CSVバージョン: 202407　"), "{text}");
}

#[test]
fn an_unsure_required_mark_says_so_in_words() {
    let mut r = rows("UPHOSOKU");
    r[1][4].value = String::new();
    let report = check_file(&name("UPHOSOKU"), &write_csv(&r));
    let f = only(&report.findings, "FIELD_REQUIRED");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!((f.record, f.field_no), (Some(2), Some(5)));
    assert_eq!(
        f.message,
        "2件目のレコード（3行目）の項目No.5「利用者氏名フリガナ」: 空です（仕様では必須と読める項目です）。"
    );
    let hint = f.hint.as_deref().unwrap();
    assert!(
        hint.starts_with("利用者氏名フリガナに値を入れてください。"),
        "{hint}"
    );
    assert!(hint.ends_with(REQUIRED_REASON), "{hint}");
    assert!(REQUIRED_REASON.contains("仕様で必須かどうかがはっきりしないため、警告にしています"));
}

#[test]
fn hints_for_software_written_files_are_things_a_clerk_can_do() {
    let text = careplan_ledger::fixtures::rows_to_text(&rows("UP2KYO"), "\r\n");
    let report = check_file(&name("UP2KYO"), text.as_bytes());
    let f = only(&report.findings, "ENCODING_UTF8");
    let hint = f.hint.as_deref().unwrap();
    assert!(hint.contains("介護ソフトの出力設定（仕様のバージョン・文字コード）を確認するか、ソフトの会社に問い合わせてください"), "{hint}");
    assert!(!hint.contains("保存し直"), "{hint}");
}

#[test]
fn the_column_count_is_reported_once_with_the_layout_it_matches() {
    // V4-named 第6表 whose records have the 22 columns of the V3 layout.
    let mut r = rows("UPPLAN");
    for row in &mut r {
        row.truncate(22);
    }
    r[2][1].value = "13101".into();
    let report = check_file(&name("UPPLAN"), &write_csv(&r));
    let f = only(&report.findings, "COLUMN_COUNT");
    assert_eq!((f.record, f.field_no), (Some(1), None));
    assert_eq!(
        f.message,
        "1件目のレコード（1行目）: 項目数がレイアウトと合わないレコードが8件あります（このレコードが最初で、項目数22）。UPPLAN（V4）は25項目です。22項目はUPPLANのV3のレイアウトと同じです。ファイル名かCSVバージョンの版を確かめてください。項目数が合わないレコードは、項目No.1〜3（CSVバージョン・保険者番号・被保険者番号）だけを確認しています。"
    );
    // No.1–3 are still checked.
    let f = only(&report.findings, "FIELD_FORMAT");
    assert_eq!((f.record, f.field_no), (Some(3), Some(2)));
    // A count that is another kind's.
    let r: Rows = rows("UPYOBO_SUB");
    let report = check_file(&name("UPPLAN"), &write_csv(&r));
    let m = &only(&report.findings, "COLUMN_COUNT").message;
    assert!(
        m.contains("17項目はUPYOBO_SUB（V4）と同じです。ファイル名の種類を確かめてください"),
        "{m}"
    );
}

#[test]
fn records_of_users_unrelated_to_the_receiver_name_both_offices() {
    let mut r = rows("UPJSK");
    for row in r.iter_mut().skip(3) {
        row[5].value = "1310000009".into();
    }
    let report = check_file(&name("UPJSK"), &write_csv(&r));
    let f = only(&report.findings, "RECORD_OTHER_OFFICE");
    assert_eq!(
        (f.record, f.field_no, f.severity),
        (Some(4), Some(6), Severity::Warning)
    );
    assert!(f.message.contains("プラン担当業者コード「1310000009」が、ファイル名の送信先の居宅介護支援事業所「1310000001」と違います"), "{}", f.message);

    let mut r = rows("UPPLAN");
    for row in r.iter_mut().skip(4) {
        row[19].value = "1310000003".into();
    }
    let report = check_file(&name("UPPLAN"), &write_csv(&r));
    let f = only(&report.findings, "RECORD_OTHER_OFFICE");
    assert_eq!((f.record, f.field_no), (Some(5), Some(20)));
    assert!(f.message.contains("送信先の事業所「1310000002」のサービスがありません（サービス事業者コードは「1310000003」など）"), "{}", f.message);

    let mut r = rows("UPJSK");
    r[1][14].value = "151111".into();
    let report = check_file(&name("UPJSK"), &write_csv(&r));
    let f = only(&report.findings, "SERVICE_TYPE_SENDER");
    assert_eq!(
        (f.record, f.field_no, f.severity),
        (Some(2), Some(15), Severity::Warning)
    );
    assert!(f.message.contains("サービスコード「151111」のサービス種類「15」が、ファイル名の送信元サービス種類コード「11」と違います"));
    assert!(f.hint.as_deref().unwrap().ends_with("警告にしています。"));
}

#[test]
fn users_taking_turns_are_told_apart() {
    // Records of three users interleaved; user 2 has no service of the receiver, user 3 has
    // a 被保険者番号 of the wrong length (so it is not packed) and one service of it.
    let base = rows("UPPLAN");
    let mut users: Vec<Rows> = vec![base[..4].to_vec(), base[4..].to_vec(), base[..2].to_vec()];
    for row in &mut users[1] {
        row[19].value = "1310000003".into();
    }
    for (k, row) in users[2].iter_mut().enumerate() {
        row[2].value = "123456789".into();
        if k == 1 {
            row[19].value = "1310000003".into();
        }
    }
    let mut interleaved: Rows = Vec::new();
    for k in 0..4 {
        for u in &users {
            if let Some(r) = u.get(k) {
                interleaved.push(r.clone());
            }
        }
    }
    let report = check_file(&name("UPPLAN"), &write_csv(&interleaved));
    let others: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.code == "RECORD_OTHER_OFFICE")
        .collect();
    assert_eq!(others.len(), 1, "{:#?}", report.findings);
    assert_eq!((others[0].record, others[0].field_no), (Some(2), Some(20)));
}

#[test]
fn free_text_without_quotes_is_information_once_per_file() {
    let mut r = rows("UPPLAN");
    for row in &mut r {
        row[6].quoted = false;
        row[6].value = "山田".into();
    }
    let report = check_file(&name("UPPLAN"), &write_csv(&r));
    let f = only(&report.findings, "FREE_TEXT_UNQUOTED");
    assert_eq!(
        (f.record, f.field_no, f.severity),
        (Some(1), Some(7), Severity::Info)
    );
    assert!(f.message.contains("このファイルで8か所"), "{}", f.message);
}
