//! The ledger's components in real Chromium, each over a fresh IndexedDB database: settings
//! with validation next to the fields, recording checked files, the status lines, the event
//! form's messages, and another device's chain joining the status line.

use careplan_ledger::fixtures::valid_files;
use careplan_ledger::ledger::sample::sample_device_chain;
use careplan_ledger::ledger::settings::SETTINGS_KEY;
use careplan_ledger::ledger::{Kind, OfficeLedger, OfficeSettings};
use careplan_ledger::store::LedgerStore;
use careplan_ledger::ui::ledger::{
    BackupStatus, ChainStatus, EventForm, LedgerState, RecordCheckedFiles, SettingsForm,
};
use careplan_ledger::ui::Workspace;
use js_sys::Reflect;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

use crate::{checked_upload, sleep, tick};

const OURS: &str = "1310000001";

fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> (HtmlElement, impl Drop) {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), view);
    (host, handle)
}

async fn fresh_db(name: &str, settings: Option<&OfficeSettings>) {
    LedgerStore::delete_database(name).await.unwrap();
    let store = LedgerStore::open_named(name).await.unwrap();
    if let Some(s) = settings {
        store.set_meta(SETTINGS_KEY, &s.to_json()).await.unwrap();
    }
    store.close();
}

fn office() -> OfficeSettings {
    OfficeSettings {
        office_number: OURS.into(),
        office_name: "さくら居宅介護支援事業所".into(),
        staff: vec!["佐藤 花子".into()],
        ..OfficeSettings::default()
    }
}

/// The element with this id under `host`.
fn by_id(host: &HtmlElement, id: &str) -> Element {
    host.query_selector(&format!("#{id}"))
        .unwrap()
        .unwrap_or_else(|| panic!("no #{id}"))
}

/// Types a value as a person would: sets it and fires `input` and `change`.
fn enter(el: &Element, value: &str) {
    Reflect::set(el, &"value".into(), &JsValue::from_str(value)).unwrap();
    for kind in ["input", "change"] {
        el.dispatch_event(&web_sys::Event::new(kind).unwrap())
            .unwrap();
    }
}

fn button(host: &HtmlElement, label: &str) -> HtmlElement {
    let list = host.query_selector_all("button").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into::<HtmlElement>())
        .find(|b| b.text_content().unwrap_or_default().trim() == label)
        .unwrap_or_else(|| panic!("no button {label}"))
}

/// Waits (up to 5 s) until the host's text contains `needle`.
async fn wait_for_text(host: &HtmlElement, needle: &str) -> String {
    for _ in 0..100 {
        let text = host.text_content().unwrap_or_default();
        if text.contains(needle) {
            return text;
        }
        sleep(50).await;
    }
    panic!(
        "never saw {needle}: {}",
        host.text_content().unwrap_or_default()
    );
}

#[wasm_bindgen_test]
async fn settings_form_explains_mistakes_next_to_the_fields_and_saves_when_right() {
    let db = "test-ledger-settings";
    fresh_db(db, None).await;
    let (host, _keep) = mount(move || {
        LedgerState::provide_named(db);
        view! { <SettingsForm first_run=true/> }
    });
    tick().await;
    enter(&by_id(&host, "set-office-number"), "13100");
    button(&host, "設定を保存").click();
    tick().await;
    let near_number = by_id(&host, "err-office-number").text_content().unwrap();
    assert!(near_number.contains("半角数字10桁"), "{near_number}");
    assert!(by_id(&host, "err-staff")
        .text_content()
        .unwrap()
        .contains("職員"));

    enter(&by_id(&host, "set-office-number"), OURS);
    enter(&by_id(&host, "set-office-name"), "さくら居宅介護支援事業所");
    enter(
        &by_id(&host, "set-staff"),
        "佐藤 花子\n鈴木 一郎\n佐藤 花子",
    );
    button(&host, "設定を保存").click();
    wait_for_text(&host, "設定を保存しました").await;

    let store = LedgerStore::open_named(db).await.unwrap();
    let saved =
        OfficeSettings::from_json(&store.meta(SETTINGS_KEY).await.unwrap().unwrap()).unwrap();
    store.close();
    assert_eq!(saved.office_number, OURS);
    assert_eq!(saved.staff, ["佐藤 花子", "鈴木 一郎"]);
}

#[wasm_bindgen_test]
async fn record_panel_proposes_sent_and_records_file_check_result_and_bytes() {
    let db = "test-ledger-record";
    fresh_db(db, Some(&office())).await;
    let plan = valid_files()
        .into_iter()
        .find(|f| f.name.starts_with("UPPLAN_202505_1310000001_43"))
        .unwrap();
    let upload = checked_upload(7, &plan.name, &plan.bytes);
    let (host, _keep) = mount(move || {
        let workspace = Workspace::new();
        workspace.uploads.set(vec![upload]);
        provide_context(workspace);
        LedgerState::provide_named(db);
        view! { <RecordCheckedFiles/> }
    });
    wait_for_text(&host, "台帳に記録").await;
    sleep(100).await;
    let direction = by_id(&host, "rec-dir-7");
    assert_eq!(
        Reflect::get(&direction, &"value".into())
            .unwrap()
            .as_string()
            .unwrap(),
        "sent"
    );
    assert!(host.text_content().unwrap().contains("1310000002"));

    // Without the partner's name nothing is recorded, and the page says why.
    button(&host, "台帳に記録(1件)").click();
    wait_for_text(&host, "相手先 1310000002 の事業所名を入力してください").await;

    // The name is asked once per partner office, not per file.
    enter(&by_id(&host, "rec-partner-1310000002"), "ひまわり訪問介護");
    button(&host, "台帳に記録(1件)").click();
    wait_for_text(&host, "保存しました(ファイル1件、記録2件)").await;
    wait_for_text(&host, "記録済み").await;

    let store = LedgerStore::open_named(db).await.unwrap();
    let mut entries = store.entries().await.unwrap();
    entries.sort_by_key(|e| e.seq);
    // This PC's first record starts its chain with its 端末の登録.
    assert_eq!(entries.remove(0).kind(), Kind::DeviceNamed);
    let sha = entries[0].subject.file.as_ref().unwrap().sha256.clone();
    let kept = store.file(&sha).await.unwrap();
    store.close();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].kind().label_ja(), "送信");
    assert_eq!(entries[1].kind().label_ja(), "チェック結果");
    assert_eq!(entries[0].actor, "佐藤 花子");
    assert_eq!(kept.as_deref(), Some(plan.bytes.as_slice()));
}

#[wasm_bindgen_test]
async fn status_lines_say_when_the_last_backup_was_and_how_the_chain_checks() {
    let db = "test-ledger-status";
    fresh_db(db, Some(&office())).await;
    let (host, keep) = mount(move || {
        LedgerState::provide_named(db);
        view! { <BackupStatus/> <ChainStatus/> }
    });
    let text = wait_for_text(&host, "最後のバックアップ: まだありません").await;
    assert!(text.contains("記録はまだありません"), "{text}");
    assert!(
        !text.contains("⚠"),
        "nothing to lose yet, no reminder: {text}"
    );
    drop(keep);

    // With another PC's records and no backup, the line says what to do.
    let mut incoming = OfficeLedger::new(OURS);
    incoming
        .add_chain(sample_device_chain(3, 3, 1, 1, false).0)
        .unwrap();
    let store = LedgerStore::open_named(db).await.unwrap();
    store
        .add_entries(&incoming.all_entries(), &[])
        .await
        .unwrap();
    store.close();
    let (host, _keep) = mount(move || {
        LedgerState::provide_named(db);
        view! { <BackupStatus/> <ChainStatus/> }
    });
    let text = wait_for_text(&host, "端末1台の記録 計3件のつながりを確認しました").await;
    assert!(text.contains("⚠ バックアップがまだありません"), "{text}");
}

#[wasm_bindgen_test]
async fn event_form_shows_the_reason_a_replacement_needs_next_to_the_field() {
    let db = "test-ledger-event";
    fresh_db(db, Some(&office())).await;
    let (host, _keep) = mount(move || {
        LedgerState::provide_named(db);
        view! { <EventForm/> }
    });
    sleep(200).await;
    enter(&by_id(&host, "event-kind"), "replaced");
    tick().await;
    button(&host, "この記録を追加").click();
    tick().await;
    assert!(by_id(&host, "err-event-file")
        .text_content()
        .unwrap()
        .contains("対象のファイルを選んでください"));
    assert!(by_id(&host, "err-event-text")
        .text_content()
        .unwrap()
        .contains("差替の理由を入力してください"));
    // With one staff member, 本日の担当者 is already chosen: the form does not ask for one.
    assert!(!host.text_content().unwrap().contains("本日の担当者"));
}

#[wasm_bindgen_test]
async fn consent_by_electronic_means_asks_for_the_prior_approval_date() {
    let db = "test-ledger-consent";
    fresh_db(db, Some(&office())).await;
    let (host, _keep) = mount(move || {
        LedgerState::provide_named(db);
        view! { <EventForm/> }
    });
    sleep(200).await;
    enter(&by_id(&host, "event-kind"), "consent");
    tick().await;
    let electronic: HtmlElement = host
        .query_selector("input[name=consent-method][value=electronic]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    electronic.click();
    tick().await;
    button(&host, "この記録を追加").click();
    tick().await;
    let prior = by_id(&host, "err-event-prior").text_content().unwrap();
    assert!(prior.contains("事前の承諾"), "{prior}");
    assert!(by_id(&host, "err-event-client")
        .text_content()
        .unwrap()
        .contains("利用者を選んでください"));
    assert!(by_id(&host, "err-event-date")
        .text_content()
        .unwrap()
        .contains("同意日を入力してください"));
}
