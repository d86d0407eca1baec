//! Shared by the reconciliation tests: the files checked as the command line checks them
//! (records kept only where the names say the reconciliation needs them, 第6表 projected),
//! and the assertion that this gives what the reconciliation over every record gives.

use careplan_ledger::check::{
    check_file_keeping_records, check_file_seeing, identify::parse_file_name, CheckOptions,
};
use careplan_ledger::fixtures::Fixture;
use careplan_ledger::reconcile::{
    reconcile_kept, reconcile_with, records_needed, InputOrder, KeptFile, RecordKeeper,
};

pub fn kept(fixtures: &[Fixture]) -> Vec<KeptFile> {
    let names: Vec<_> = fixtures
        .iter()
        .map(|f| parse_file_name(&f.name).0)
        .collect();
    let needed = records_needed(&names.iter().collect::<Vec<_>>());
    fixtures
        .iter()
        .zip(needed)
        .map(|(f, needed)| {
            let mut keeper = RecordKeeper::new(needed);
            let checked = check_file_seeing(
                &f.name,
                &f.bytes,
                CheckOptions::default(),
                &mut |identity, rec| keeper.see(identity, rec),
            );
            keeper.finish(&checked.report, checked.identity)
        })
        .collect()
}

/// The kept files reconcile to the same findings and units as every record does.
pub fn assert_kept_agrees(fixtures: &[Fixture], order: InputOrder) {
    let full: Vec<_> = fixtures
        .iter()
        .map(|f| check_file_keeping_records(&f.name, &f.bytes))
        .collect();
    let all = reconcile_with(&full, order);
    let some = reconcile_kept(&kept(fixtures), order);
    assert_eq!(
        serde_json::to_string(&all.cross_file).unwrap(),
        serde_json::to_string(&some.cross_file).unwrap(),
        "files: {:?}",
        fixtures.iter().map(|f| &f.name).collect::<Vec<_>>()
    );
    // The units are the same; their users are listed only where records were kept.
    let without_users = |r: &careplan_ledger::reconcile::Reconciliation| {
        let mut units = r.units.clone();
        units.iter_mut().for_each(|u| u.users.clear());
        serde_json::to_string(&units).unwrap()
    };
    assert_eq!(without_users(&all), without_users(&some));
}
