//! The command line's way of keeping records (only what the reconciliation reads, decided
//! from the names) finds exactly what the reconciliation over every record finds.

#[path = "support/kept.rs"]
mod support;

use careplan_ledger::fixtures::sets::{remove_day, OfficeMonth, Provider, ACTUAL_SEQUENCE};
use careplan_ledger::fixtures::{bad_files, valid_files, Fixture};
use careplan_ledger::reconcile::InputOrder;
use careplan_ledger::spec::LayoutGeneration;
use support::{assert_kept_agrees, kept};

fn both_orders(files: &[Fixture]) {
    for order in [InputOrder::AsGiven, InputOrder::Unknown] {
        assert_kept_agrees(files, order);
        let mut reversed = files.to_vec();
        reversed.reverse();
        assert_kept_agrees(&reversed, order);
    }
}

fn month_with_extras() -> Vec<Fixture> {
    let office = OfficeMonth::sample();
    let p = Provider::new("1310000002", "11");
    let mut files = office.files_with_actual(&p, |rows| {
        remove_day(rows, "0000012345", "20250508", "111111")
    });
    files.extend(office.usage_set(&p, "20250420093000"));
    files.extend(office.plan_set(&p, "20250410093000"));
    files.push(office.delete_plan(&p, "20250501093000", &["H123456789"]));
    files.push(office.actual(&p, "20250602100000"));
    files
}

#[test]
fn every_subset_of_two_files_of_a_month_agrees() {
    let files = month_with_extras();
    for i in 0..files.len() {
        both_orders(&files[i..=i]);
        for j in i + 1..files.len() {
            both_orders(&[files[i].clone(), files[j].clone()]);
        }
    }
}

#[test]
fn every_fixture_alone_agrees() {
    let mut all = valid_files();
    all.extend(bad_files());
    for f in &all {
        assert_kept_agrees(std::slice::from_ref(f), InputOrder::AsGiven);
    }
}

#[test]
fn whole_months_and_odd_files_agree() {
    let mut v3 = OfficeMonth::sample();
    v3.generation = LayoutGeneration::V3;
    v3.month = "202503".into();
    both_orders(&month_with_extras());
    both_orders(&OfficeMonth::sample().files());
    both_orders(&v3.files());
    both_orders(&valid_files());
    both_orders(&bad_files());
    let mut all = valid_files();
    all.extend(bad_files());
    all.extend(month_with_extras());
    both_orders(&all);
}

#[test]
fn a_lone_plan_keeps_no_record_and_a_month_keeps_only_data_records() {
    let office = OfficeMonth::sample();
    let p = Provider::new("1310000002", "11");
    let plan = office.usage_set(&p, ACTUAL_SEQUENCE).remove(0);
    assert!(plan.name.starts_with("UPPLAN"));
    assert_eq!(kept(&[plan])[0].records_kept(), 0);
    let files = office.files();
    let kept = kept(&files);
    let records: usize = kept.iter().map(|k| k.records_kept()).sum();
    assert!(records > 0);
}

/// Records in another order (reversed, or pairs swapped so users and days alternate) make
/// other runs of records; the findings stay those of every record.
#[test]
fn records_in_any_order_agree() {
    let reorder = |bytes: &[u8], how: usize| -> Vec<u8> {
        let mut lines: Vec<&[u8]> = bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        match how {
            0 => lines.reverse(),
            _ => lines.chunks_mut(2).for_each(|c| c.reverse()),
        }
        lines
            .iter()
            .flat_map(|l| l.iter().copied().chain([b'\n']))
            .collect()
    };
    let office = OfficeMonth::sample();
    let p = Provider::new("1310000002", "11");
    for how in 0..2 {
        let mut files = office.files_with_actual(&p, |rows| {
            remove_day(rows, "0000012345", "20250508", "111111")
        });
        files.extend(office.usage_set(&p, "20250420093000"));
        for f in files.iter_mut().filter(|f| f.name.starts_with("UP")) {
            f.bytes = reorder(&f.bytes, how);
        }
        both_orders(&files);
    }
}

/// Many small mixtures of every kind of fixture (a fixed pseudo-random choice).
#[test]
fn mixtures_of_fixtures_agree() {
    let mut all = valid_files();
    all.extend(bad_files());
    all.extend(month_with_extras());
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for _ in 0..150 {
        let size = 2 + next(5);
        let pick: Vec<Fixture> = (0..size).map(|_| all[next(all.len())].clone()).collect();
        assert_kept_agrees(&pick, InputOrder::AsGiven);
    }
}
