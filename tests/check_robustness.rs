//! Never panic, never flood: junk, truncated and huge inputs all give a bounded report.

use careplan_ledger::check::{check_file, check_file_keeping_records, MAX_FINDINGS_PER_FILE};
use careplan_ledger::fixtures;

/// A small deterministic generator (xorshift), so the junk is the same on every run.
fn junk(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

const NAME: &str = "UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV";

#[test]
fn binary_junk_gives_a_capped_report() {
    let bytes = junk(2_000_000, 0x9E37_79B9_7F4A_7C15);
    let report = check_file(NAME, &bytes);
    assert!(report.findings.len() <= MAX_FINDINGS_PER_FILE + 1);
    let last = report.findings.last().unwrap();
    assert_eq!(last.code, "FINDINGS_TRUNCATED");
    assert!(report.counts.total() > MAX_FINDINGS_PER_FILE as u64);
}

#[test]
fn every_prefix_of_a_valid_file_is_handled() {
    let f = fixtures::valid_files()
        .into_iter()
        .find(|f| f.name.starts_with("UPSIKYU"))
        .unwrap();
    for cut in 0..f.bytes.len() {
        let _ = check_file(&f.name, &f.bytes[..cut]);
    }
}

/// Names cut from a valid one at every `_`, and with parts dropped or doubled: the name
/// reader never panics, whatever parts are left.
#[test]
fn names_with_parts_missing_or_extra_are_handled() {
    let base = [
        "UPJSK",
        "202505",
        "1310000002",
        "11",
        "1310000001",
        "43",
        "20250425093000",
    ];
    let body = careplan_ledger::fixtures::valid_files()
        .into_iter()
        .find(|f| f.name.starts_with("UPJSK"))
        .unwrap()
        .bytes;
    for mask in 0u32..(1 << base.len()) {
        let parts: Vec<&str> = base
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, p)| *p)
            .collect();
        let name = format!("{}.CSV", parts.join("_"));
        let _ = check_file(&name, &body);
        let doubled = format!("{}_{}.CSV", parts.join("_"), parts.join("_"));
        let _ = check_file(&doubled, &body[..body.len() / 2]);
    }
}

#[test]
fn odd_names_and_inputs_are_handled() {
    for name in [
        "",
        ".",
        "/",
        "UPPLAN",
        "UPPLAN_",
        "UPPLAN_____.CSV",
        "ＵＰＰＬＡＮ.CSV",
        "a/b\\c.CSV",
        "UP1KYO_1310000001_43_20250425093000.csv",
        "UPPLAN_202505_43_11_20250425093000.CSV",
        "UPPLAN_202505_1310000001_43_1310000002_11_20250425093000_x.CSV",
        "UPKHON_あ_1310000001.CSV",
        "UPJSK_202505_1310000002_1_1310000001_43_20250425093000.CSV",
        "U_1.CSV",
        "UPYOBO_SUBB_1310000001.CSV",
    ] {
        for bytes in [
            &b""[..],
            b"\"",
            b",,,\r\n",
            b"\r\r\n\n",
            b"\xEF\xBB\xBF",
            b"\x82",
            b"202407",
            b"202407,131016,000001234\r\n202407,13101\r\n",
        ] {
            let _ = check_file(name, bytes);
        }
    }
}

#[test]
fn records_are_kept_with_positions() {
    let f = fixtures::valid_files()
        .into_iter()
        .find(|f| f.name.starts_with("UPPLAN"))
        .unwrap();
    let checked = check_file_keeping_records(&f.name, &f.bytes);
    assert!(checked.report.findings.is_empty());
    assert_eq!(checked.records.len() as u64, checked.report.records);
    let id = &checked.identity;
    assert_eq!(id.kind().unwrap().id, "UPPLAN");
    assert_eq!(id.name.service_month.as_deref(), Some("202505"));
    assert_eq!(id.name.sender.as_ref().unwrap().office, "1310000001");
    assert_eq!(
        id.name.receiver.as_ref().unwrap().service_type.as_deref(),
        Some("11")
    );
    assert_eq!(id.name.sequence.as_deref(), Some("20250425093000"));
    let first = checked.records.get(0).unwrap();
    assert_eq!((first.index, first.line, first.byte_offset), (1, 1, 0));
    assert_eq!(first.get(3), Some("0000012345"));
    let layout = id.layout().unwrap();
    assert_eq!(layout.fields.len(), first.len());
    // Free text with 髙/﨑 decodes; quoted line breaks stay inside one record.
    assert!(checked
        .records
        .iter()
        .any(|r| r.values().any(|v| v.contains('髙'))));
    let second = checked.records.get(1).unwrap();
    assert!(second.line > first.line);
}

#[test]
fn one_huge_broken_record_stays_linear() {
    // An unclosed quote makes the whole file one record; invalid bytes and line breaks all
    // through it give far more findings than the cap, each needing a line number.
    let mut bytes = b"202407,\"".to_vec();
    for _ in 0..300_000 {
        bytes.extend_from_slice(b"\xFF\n");
    }
    let start = std::time::Instant::now();
    let report = check_file(NAME, &bytes);
    assert!(start.elapsed().as_secs() < 30, "took {:?}", start.elapsed());
    assert_eq!(report.records, 1);
    let last_listed = &report.findings[report.findings.len() - 2];
    assert_eq!(last_listed.code, "ENCODING_INVALID");
    // The n-th invalid byte sits on line n.
    assert_eq!(
        last_listed.line,
        Some(last_listed.byte_offset.unwrap() / 2 - 3)
    );
}

#[test]
fn a_name_with_a_direction_override_is_warned_about_and_shown_written_out() {
    let valid = fixtures::valid_files();
    let plan = valid
        .iter()
        .find(|f| f.name.starts_with("UPPLAN_"))
        .expect("a valid 第6表");
    let stem = plan.name.trim_end_matches(".CSV");
    // Looks like 「…exe.CSV」 on screen; is 「…」 + U+202E + 「VSC.exe」.
    let name = format!("{stem}\u{202E}VSC.exe");
    let report = check_file(&name, &plan.bytes);
    let finding = report
        .findings
        .iter()
        .find(|f| f.code == "FILENAME_HIDDEN_CHARACTERS")
        .expect("warned about");
    assert!(
        finding.message.contains("〔U+202E〕VSC.exe"),
        "{}",
        finding.message
    );
    assert!(
        !finding.message.contains('\u{202E}'),
        "never the character itself"
    );
    // A clean name has no such finding.
    let clean = check_file(&plan.name, &plan.bytes);
    assert!(!clean
        .findings
        .iter()
        .any(|f| f.code == "FILENAME_HIDDEN_CHARACTERS"));
}
