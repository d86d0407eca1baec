//! Component tests: each mounts one component into a fresh element and reads the DOM the
//! way a person would see it.

use careplan_ledger::fingerprint::sha256_hex;
use careplan_ledger::ui::{ChosenFile, ChosenFiles, DropZone, RuntimeStatus};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use crate::tick;

/// A fresh container in the page; the returned handle keeps the mounted view alive.
fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> (HtmlElement, impl Drop) {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), view);
    (host, handle)
}

#[wasm_bindgen_test]
async fn chosen_files_lists_name_size_and_fingerprint() {
    let chosen = RwSignal::new(Vec::new());
    let reading = RwSignal::new(0usize);
    let (host, _keep) = mount(move || view! { <ChosenFiles chosen=chosen reading=reading/> });
    assert!(host
        .text_content()
        .unwrap()
        .contains("まだファイルがありません。"));

    let bytes = "CSVの中身".as_bytes();
    chosen.update(|all| all.push(ChosenFile::read("UPPLAN_a.CSV".into(), None, bytes)));
    tick().await;

    let text = host.text_content().unwrap();
    assert!(text.contains("UPPLAN_a.CSV"), "{text}");
    assert!(text.contains(&sha256_hex(bytes)), "{text}");
    assert!(text.contains(&format!("{} バイト", bytes.len())), "{text}");
    assert!(!text.contains("まだファイルがありません。"));
}

#[wasm_bindgen_test]
async fn a_hostile_file_name_is_shown_as_text() {
    let hostile = "<img src=x onerror=alert(1)>\u{202e}vsc.exe";
    let chosen = RwSignal::new(vec![ChosenFile::read(hostile.into(), None, b"x")]);
    let reading = RwSignal::new(0usize);
    let (host, _keep) = mount(move || view! { <ChosenFiles chosen=chosen reading=reading/> });
    tick().await;
    assert!(
        host.query_selector("img").unwrap().is_none(),
        "no element was created"
    );
    assert!(host.text_content().unwrap().contains(hostile));
}

#[wasm_bindgen_test]
async fn reading_count_is_announced() {
    let chosen = RwSignal::new(Vec::new());
    let reading = RwSignal::new(2usize);
    let (host, _keep) = mount(move || view! { <ChosenFiles chosen=chosen reading=reading/> });
    tick().await;
    let status = host.query_selector("[role=status]").unwrap().unwrap();
    assert_eq!(
        status.text_content().unwrap(),
        "2件のファイルを読み込み中です…"
    );
}

#[wasm_bindgen_test]
async fn drop_zone_offers_both_pickers_with_labels() {
    let chosen = RwSignal::new(Vec::new());
    let reading = RwSignal::new(0usize);
    let (host, _keep) = mount(move || view! { <DropZone chosen=chosen reading=reading/> });
    tick().await;
    assert!(host
        .text_content()
        .unwrap()
        .contains("ここにCSVファイルをドロップ"));
    let inputs = host.query_selector_all("label > input[type=file]").unwrap();
    assert_eq!(inputs.length(), 2);
    let folder: web_sys::HtmlInputElement = inputs.item(1).unwrap().unchecked_into();
    assert!(
        folder.webkitdirectory(),
        "the folder picker accepts folders"
    );
    assert!(folder
        .parent_element()
        .unwrap()
        .text_content()
        .unwrap()
        .contains("フォルダを選ぶ"));
}

#[wasm_bindgen_test]
async fn runtime_status_names_the_origin_and_storage() {
    let (host, _keep) = mount(|| view! { <RuntimeStatus/> });
    tick().await;
    let get = |id: &str| {
        host.query_selector(&format!("[data-testid={id}]"))
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
    };
    // The test runner serves the page from 127.0.0.1: a secure context.
    assert_eq!(get("page-origin"), "https・localhost");
    assert_eq!(get("indexed-db"), "使えます");
    assert_eq!(get("persistent-storage"), "使えます");
}
