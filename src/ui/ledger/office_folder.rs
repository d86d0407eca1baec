//! 「台帳フォルダ」: the folder every PC of the office shares (next to the HTML file on the USB
//! stick, or on the file server). Chosen once per PC and remembered; after a restart one
//! click gives access back. The page syncs when it opens, when it regains focus, after each
//! record and on 「最新の状態にする」, and says where the office ledger lives, when it last
//! synced and which PCs it knows.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::state::{now, LedgerState};
use crate::jpdate::Timestamp;
use crate::ledger::settings::SETTINGS_KEY;
use crate::store::folder_access::{
    choose_folder, folder_name, folder_supported, has_permission, request_permission,
};
use crate::store::office_folder::{
    settings_from_folder, sync, FolderMemory, HashChecker, SyncReport, Synced,
};

/// Where the office folder stands on this PC.
#[derive(Clone, Debug, PartialEq)]
pub enum FolderStatus {
    /// Not looked at yet (the ledger is loading).
    Unknown,
    /// This browser or way of opening the page has no File System Access API.
    Unsupported,
    NotChosen,
    /// Chosen before; the browser wants a click to allow access again.
    NeedsPermission {
        name: String,
    },
    Ready {
        name: String,
    },
}

/// The office folder's state, shared through [`LedgerState`].
#[derive(Clone, Copy)]
pub struct FolderSync {
    handle: StoredValue<Option<JsValue>, LocalStorage>,
    memory: StoredValue<FolderMemory, LocalStorage>,
    pub status: RwSignal<FolderStatus>,
    pub last_sync: RwSignal<Option<Timestamp>>,
    pub report: RwSignal<Option<SyncReport>>,
    /// The last sync's trouble, in words (empty when it went well).
    pub message: RwSignal<String>,
    pub busy: RwSignal<bool>,
    /// How long the last sync took, in ms (`data-sync-ms`, for the browser benchmark).
    pub last_ms: RwSignal<f64>,
    /// A sync was asked for while one ran: run once more afterwards.
    again: RwSignal<bool>,
}

impl FolderSync {
    pub fn new() -> FolderSync {
        FolderSync {
            handle: StoredValue::new_local(None),
            memory: StoredValue::new_local(FolderMemory::default()),
            status: RwSignal::new(FolderStatus::Unknown),
            last_sync: RwSignal::new(None),
            report: RwSignal::new(None),
            message: RwSignal::new(String::new()),
            busy: RwSignal::new(false),
            last_ms: RwSignal::new(0.0),
            again: RwSignal::new(false),
        }
    }
}

impl FolderSync {
    /// The office folder when it is chosen and reachable now (for keeping received files).
    pub fn ready_handle(&self) -> Option<JsValue> {
        matches!(self.status.get_untracked(), FolderStatus::Ready { .. })
            .then(|| self.handle.get_value())
            .flatten()
    }
}

impl Default for FolderSync {
    fn default() -> Self {
        FolderSync::new()
    }
}

/// After the ledger first loads: find the remembered folder and sync if access is allowed;
/// and sync again whenever the page regains focus.
pub async fn start(state: LedgerState) {
    let f = state.folder;
    if !folder_supported() {
        f.status.set(FolderStatus::Unsupported);
        return;
    }
    let remembered = match state.open().await {
        Ok(store) => {
            let h = store.folder_handle().await.ok().flatten();
            store.close();
            h
        }
        Err(_) => None,
    };
    match remembered {
        None => f.status.set(FolderStatus::NotChosen),
        Some(h) => {
            let name = folder_name(&h);
            let granted = has_permission(&h).await;
            f.handle.set_value(Some(h));
            if granted {
                f.status.set(FolderStatus::Ready { name });
                sync_now(state).await;
            } else {
                f.status.set(FolderStatus::NeedsPermission { name });
            }
        }
    }
    if let Some(window) = web_sys::window() {
        let on_focus = Closure::<dyn Fn()>::new(move || {
            spawn_local(async move { sync_now(state).await });
        });
        let _ = window.add_event_listener_with_callback("focus", on_focus.as_ref().unchecked_ref());
        // The page lives as long as the window: the listener is never removed.
        on_focus.forget();
    }
}

/// Lets the user choose the office folder (from a click), remembers it and syncs.
pub async fn choose(state: LedgerState) {
    let f = state.folder;
    let Some(h) = choose_folder().await else {
        return;
    };
    let name = folder_name(&h);
    let saved = match state.open().await {
        Ok(store) => {
            let r = store.set_folder_handle(&h).await.map_err(|e| e.to_string());
            store.close();
            r
        }
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = saved {
        f.message
            .set(format!("台帳フォルダを覚えられませんでした: {e}"));
    }
    f.handle.set_value(Some(h));
    f.memory.set_value(FolderMemory::default());
    f.status.set(FolderStatus::Ready { name });
    sync_now(state).await;
}

/// Asks the browser for access again (from a click) and syncs.
pub async fn reconnect(state: LedgerState) {
    let f = state.folder;
    let Some(h) = f.handle.get_value() else {
        return;
    };
    let name = folder_name(&h);
    if request_permission(&h).await {
        f.status.set(FolderStatus::Ready { name });
        sync_now(state).await;
    } else {
        f.message
            .set("ブラウザが台帳フォルダへのアクセスを許可しませんでした。".into());
    }
}

/// Syncs with the office folder now, when one is chosen and reachable.
pub async fn sync_now(state: LedgerState) {
    let f = state.folder;
    if !matches!(f.status.get_untracked(), FolderStatus::Ready { .. }) {
        return;
    }
    if f.busy.get_untracked() {
        f.again.set(true);
        return;
    }
    let Some(handle) = f.handle.get_value() else {
        return;
    };
    if state.settings.with_untracked(Option::is_none) && !adopt_settings(state, &handle).await {
        return;
    }
    f.busy.set(true);
    loop {
        f.again.set(false);
        let started = js_sys::Date::now();
        let before = state.office.get_untracked();
        let outcome = run_once(state, &handle).await;
        match outcome {
            Ok(Synced { report, merged }) => {
                f.message.set(String::new());
                f.report.set(Some(report));
                f.last_sync.set(Some(now()));
                if let Some(merged) = merged {
                    // What was verified and stored is shown as it is, unless the page's
                    // ledger changed meanwhile (then the store is read again).
                    state.show_merged(&before, merged).await;
                }
                f.last_ms.set(js_sys::Date::now() - started);
            }
            Err(e) => {
                f.message.set(format!(
                    "台帳フォルダに届きませんでした(USBメモリが抜かれているか、ファイルサーバーにつながっていない可能性があります)。このパソコンの記録はそのまま使えます。つながったら「最新の状態にする」を押してください。(詳細: {e})"
                ));
            }
        }
        if !f.again.get_untracked() {
            break;
        }
    }
    f.busy.set(false);
}

/// A PC without settings that chose an office folder takes the office's settings from it.
async fn adopt_settings(state: LedgerState, handle: &JsValue) -> bool {
    let Ok(Some(settings)) = settings_from_folder(handle).await else {
        return false;
    };
    let Ok(store) = state.open().await else {
        return false;
    };
    let saved = store.set_meta(SETTINGS_KEY, &settings.to_json()).await;
    store.close();
    state.reload().await;
    saved.is_ok()
}

async fn run_once(state: LedgerState, handle: &JsValue) -> Result<Synced, String> {
    if !has_permission(handle).await {
        state.folder.status.set(FolderStatus::NeedsPermission {
            name: folder_name(handle),
        });
        return Err("台帳フォルダへのアクセスの許可が切れています".into());
    }
    let store = state.open().await.map_err(|e| e.to_string())?;
    let own = store.device().await.map_err(|e| e.to_string());
    let result = match own {
        Err(e) => Err(e),
        Ok(own) => {
            let ledger = state.office.get_untracked();
            let settings = state.settings.get_untracked().unwrap_or_default();
            let mut memory = state.folder.memory.get_value();
            let worker = state.ledger_worker();
            let checker = worker.available().then_some(&worker as &dyn HashChecker);
            let r = sync(
                handle,
                &store,
                &ledger,
                &own,
                &settings,
                &mut memory,
                now(),
                checker,
            )
            .await;
            state.folder.memory.set_value(memory);
            r
        }
    };
    store.close();
    result
}

/// The 「台帳フォルダ」 panel.
#[component]
pub fn OfficeFolderPanel() -> impl IntoView {
    let state = LedgerState::use_context();
    let f = state.folder;
    let on_choose = move |_| spawn_local(async move { choose(state).await });
    let on_reconnect = move |_| spawn_local(async move { reconnect(state).await });
    let on_sync = move |_| spawn_local(async move { sync_now(state).await });
    let status_line = move || {
        match f.status.get() {
        FolderStatus::Unknown => "台帳フォルダを確かめています…".to_string(),
        FolderStatus::Unsupported => "この開き方(またはこのブラウザ)では台帳フォルダを使えません。ほかのパソコンとは、バックアップの書き出しと復元で記録を合わせてください(Edge・Chromeで、USBメモリのファイルから開くと使えます)。".to_string(),
        FolderStatus::NotChosen => "台帳フォルダはまだ選ばれていません。いまは、このパソコンのブラウザの中だけに記録しています。".to_string(),
        FolderStatus::NeedsPermission { name } => format!("台帳フォルダ「{name}」を使うには、もう一度許可が必要です。"),
        FolderStatus::Ready { name } => {
            let when = f
                .last_sync
                .get()
                .map(|t| format!("最後に最新にした時刻: {}", t.format_ja()))
                .unwrap_or_else(|| "まだ読み書きしていません".into());
            format!("台帳はこのパソコンと台帳フォルダ「{name}」にあります。{when}")
        }
    }
    };
    view! {
        <section class="ledger-panel" aria-labelledby="folder-heading">
            <h3 id="folder-heading">"台帳フォルダ(事業所のパソコンで共有)"</h3>
            <p class="panel-note">
                "台帳フォルダを選ぶと、このパソコンの記録と元のファイルがそのフォルダにも保存され、同じフォルダを選んだほかのパソコンの記録と1つの台帳になります。"
                "USBメモリのこのファイルの隣のフォルダか、ファイルサーバーのフォルダを選んでください。それぞれのパソコンは自分のファイルだけを書くので、上書きし合うことはありません。"
            </p>
            <p class="save-status" role="status" data-testid="folder-status"
                data-sync-ms=move || f.last_ms.get() data-busy=move || f.busy.get().to_string()>{status_line}</p>
            {move || match f.status.get() {
                FolderStatus::NotChosen => view! {
                    <button type="button" on:click=on_choose>"台帳フォルダを選ぶ"</button>
                }.into_any(),
                FolderStatus::NeedsPermission { .. } => view! {
                    <button type="button" on:click=on_reconnect>"台帳フォルダにつなぎ直す"</button>
                }.into_any(),
                FolderStatus::Ready { .. } => view! {
                    <div class="button-row">
                        <button type="button" on:click=on_sync disabled=move || f.busy.get()>"最新の状態にする"</button>
                        <button type="button" class="secondary" on:click=on_choose>"別の台帳フォルダを選ぶ"</button>
                    </div>
                }.into_any(),
                _ => ().into_any(),
            }}
            {move || (!f.message.with(String::is_empty)).then(|| view! {
                <p class="error-text" role="alert">{f.message.get()}</p>
            })}
            {move || f.report.get().map(|r| {
                let problems = r.problems.clone();
                view! {
                    {(!problems.is_empty()).then(|| view! {
                        <ul class="error-text" role="alert" data-testid="folder-problems">
                            {problems.into_iter().map(|p| {
                                let label = state.device_label(&p.device);
                                view! { <li>{p.message_ja(&label)}</li> }
                            }).collect_view()}
                        </ul>
                    })}
                    <table class="file-table device-table">
                        <caption>"台帳フォルダでつながっているパソコン"</caption>
                        <thead><tr>
                            <th scope="col">"パソコン(端末)"</th><th scope="col">"記録件数"</th><th scope="col">"最後の記録"</th>
                        </tr></thead>
                        <tbody>
                            {r.devices.into_iter().map(|d| view! {
                                <tr>
                                    <td>{if d.is_this_pc { format!("{}(このパソコン)", d.name) } else { d.name.clone() }}</td>
                                    <td class="number">{d.entries}</td>
                                    <td>{d.last_entry_at.map(|t| t.format_ja()).unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
            })}
        </section>
    }
}
