//! Component tests: each mounts one component into a fresh element and reads the DOM the
//! way a person would see it.

use careplan_ledger::ui::{CheckResults, DropZone, RuntimeStatus, Upload, Workspace};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use crate::{checked_upload, tick};

/// A fresh container in the page; the returned handle keeps the mounted view alive.
fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> (HtmlElement, impl Drop) {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), view);
    (host, handle)
}

/// Mounts the check results with a workspace holding `uploads`, already compared with each
/// other (as the worker does after the last file; a lone file has nothing across files).
fn mount_results(uploads: Vec<Upload>) -> (HtmlElement, impl Drop) {
    mount(move || {
        let workspace = Workspace::new();
        workspace.uploads.set(uploads);
        workspace
            .reconciliation
            .set(Some(careplan_ledger::ui::check_worker::ReconcileOutcome {
                cross_file: Vec::new(),
                plan_vs_actual: Vec::new(),
            }));
        provide_context(workspace);
        view! { <CheckResults/> }
    })
}

const DELETE_FILE: &str = "DLTPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV";

#[wasm_bindgen_test]
async fn a_clean_file_is_ready_to_send() {
    let bytes = b"202407,131001,0000012345,202505\r\n";
    let (host, _keep) = mount_results(vec![checked_upload(1, DELETE_FILE, bytes)]);
    tick().await;
    let text = host.text_content().unwrap();
    assert!(text.contains("送信・取込できます"), "{text}");
    assert!(text.contains("第6表（サービス利用票）予定_削除"), "{text}");
    assert!(text.contains(&careplan_ledger::fingerprint::sha256_hex(bytes)));
    assert!(text.contains("連番 2025年4月25日 09:30:00"), "{text}");
}

#[wasm_bindgen_test]
async fn a_bad_cell_is_explained_and_highlighted() {
    let bytes = b"202407,131001,12345,202505\r\n";
    let (host, _keep) = mount_results(vec![checked_upload(1, DELETE_FILE, bytes)]);
    tick().await;
    let text = host.text_content().unwrap();
    assert!(text.contains("エラーがあります"), "{text}");
    assert!(text.contains("被保険者番号"), "{text}");
    let marked = host
        .query_selector("li.marked")
        .unwrap()
        .expect("the bad cell is marked");
    assert!(marked.text_content().unwrap().contains("12345"));
    assert!(marked.text_content().unwrap().contains("ここ"));
}

#[wasm_bindgen_test]
async fn a_hostile_file_name_is_shown_as_text() {
    let hostile = "<img src=x onerror=alert(1)>\u{202e}vsc.exe";
    let (host, _keep) = mount_results(vec![checked_upload(1, hostile, b"x")]);
    tick().await;
    assert!(
        host.query_selector("img").unwrap().is_none(),
        "no element was created"
    );
    // Shown as text, the direction override written out rather than obeyed.
    let text = host.text_content().unwrap();
    assert!(
        text.contains("<img src=x onerror=alert(1)>〔U+202E〕vsc.exe"),
        "{text}"
    );
    assert!(!text.contains('\u{202e}'));
}

#[wasm_bindgen_test]
async fn drop_zone_offers_both_pickers_with_labels() {
    let (host, _keep) = mount(|| {
        provide_context(Workspace::new());
        view! { <DropZone/> }
    });
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
    // One plain sentence on where records go; no second, contradicting status.
    assert_eq!(
        get("storage"),
        "記録はこのパソコンのブラウザの中に保存されます。"
    );
    assert!(!host.text_content().unwrap().contains("永続化"));
}
