//! 「見張るフォルダ」 on the checking page (issue 16): the folders where the client app saves
//! received files (受信) and where the care software writes files to send (送信), chosen per
//! PC and remembered in IndexedDB like the office folder (one click gives access back after a
//! restart). When the page opens, when it regains focus and on 「フォルダを確認」, the CSV files
//! there that the office ledger does not hold (by SHA-256) are put on the page, checked by the
//! same checker and proposed in 「台帳に記録」 with their folder's role and their own time.
//! Nothing in a watched folder is ever moved, changed or deleted.

use std::collections::HashSet;

use js_sys::Reflect;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::state::{LedgerState, Loading};
use crate::fingerprint::sha256_hex;
use crate::jpdate::Timestamp;
use crate::ledger::watched::{is_csv_name, new_files, ListedFile, WatchRole};
use crate::store::folder_access::{
    call, choose_folder, folder_name, folder_supported, has_permission, list, request_permission,
};
use crate::ui::{WatchedOrigin, Workspace};

/// One watched folder on this PC.
#[derive(Clone)]
struct Watched {
    role: WatchRole,
    handle: JsValue,
    name: String,
    ready: bool,
}

/// The watched folders, shared by the panel and the triggers.
#[derive(Clone, Copy)]
struct WatchState {
    folders: RwSignal<Vec<Watched>, LocalStorage>,
    status: RwSignal<String>,
    busy: RwSignal<bool>,
    started: StoredValue<bool>,
}

async fn remember(state: LedgerState, folders: &[Watched]) -> Result<(), String> {
    let list: Vec<(String, JsValue)> = folders
        .iter()
        .map(|f| (f.role.as_str().to_string(), f.handle.clone()))
        .collect();
    let store = state.open().await.map_err(|e| e.to_string())?;
    let r = store
        .set_watched_folders(&list)
        .await
        .map_err(|e| e.to_string());
    store.close();
    r
}

/// The remembered folders, each with whether access is allowed now.
async fn load(state: LedgerState) -> Vec<Watched> {
    let Ok(store) = state.open().await else {
        return Vec::new();
    };
    let remembered = store.watched_folders().await.unwrap_or_default();
    store.close();
    let mut out = Vec::new();
    for (role, handle) in remembered {
        let Some(role) = WatchRole::parse(&role) else {
            continue;
        };
        out.push(Watched {
            role,
            name: folder_name(&handle),
            ready: has_permission(&handle).await,
            handle,
        });
    }
    out
}

/// Reads a file of a watched folder: its browser `File`, bytes and last-modified time.
async fn read_file(
    folder: &JsValue,
    name: &str,
) -> Result<(web_sys::File, Vec<u8>, Timestamp), String> {
    let handle = call(folder, "getFileHandle", &[name.into()]).await?;
    let file = call(&handle, "getFile", &[]).await?;
    let buffer = call(&file, "arrayBuffer", &[]).await?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    let modified = Reflect::get(&file, &"lastModified".into())
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or_else(js_sys::Date::now);
    Ok((
        file.unchecked_into(),
        bytes,
        Timestamp::from_unix_ms(modified as i64),
    ))
}

/// Looks in every folder with access and puts the new CSV files on the page.
async fn look(state: LedgerState, w: WatchState, workspace: Workspace) {
    if w.busy.get_untracked()
        || state
            .settings
            .with_untracked(|s| !s.as_ref().is_some_and(|s| s.is_ready()))
    {
        return;
    }
    let folders = w.folders.get_untracked();
    if folders.iter().all(|f| !f.ready) {
        return;
    }
    w.busy.set(true);
    w.status.set("見張るフォルダを確認しています…".into());
    let on_page: HashSet<String> = workspace.uploads.with_untracked(|all| {
        all.iter()
            .filter_map(|u| {
                u.watched
                    .as_ref()
                    .map(|o| o.sha256.clone())
                    .or_else(|| u.outcome().map(|o| o.report.sha256.clone()))
            })
            .collect()
    });
    let mut listed = Vec::new();
    let mut files = Vec::new();
    let mut trouble = Vec::new();
    for f in folders.iter().filter(|f| f.ready) {
        let names = match list(&f.handle).await {
            Ok(n) => n,
            Err(e) => {
                trouble.push(format!("「{}」を開けませんでした({e})", f.name));
                continue;
            }
        };
        for (name, is_folder) in names {
            if is_folder || !is_csv_name(&name) {
                continue;
            }
            match read_file(&f.handle, &name).await {
                Ok((file, bytes, modified)) => {
                    let sha = sha256_hex(&bytes);
                    listed.push(ListedFile {
                        role: f.role,
                        name: name.clone(),
                        sha256: sha,
                        last_modified: modified,
                    });
                    files.push(file);
                }
                Err(e) => trouble.push(format!("「{name}」を読めませんでした({e})")),
            }
        }
    }
    let total = listed.len();
    let fresh = state
        .entries
        .with_untracked(|e| new_files(listed.clone(), e));
    let mut add = Vec::new();
    for n in fresh.into_iter().filter(|n| !on_page.contains(&n.sha256)) {
        if let Some(i) = listed
            .iter()
            .position(|l| l.sha256 == n.sha256 && l.name == n.name && l.role == n.role)
        {
            add.push((
                files[i].clone(),
                WatchedOrigin {
                    role: n.role,
                    last_modified: n.last_modified,
                    sha256: n.sha256,
                },
            ));
        }
    }
    let added = add.len();
    if added > 0 {
        workspace.add_watched_files(add);
    }
    let mut line = if added > 0 {
        format!("見張るフォルダに台帳にないファイルが{added}件ありました。下の「台帳に記録」で確かめて記録してください。")
    } else {
        format!("見張るフォルダのCSVファイル{total}件は、すべて台帳にあります(または点検中です)。")
    };
    if !trouble.is_empty() {
        line.push(' ');
        line.push_str(&trouble.join("、"));
    }
    w.status.set(line);
    w.busy.set(false);
}

/// The 「見張るフォルダ」 panel (placed above the drop zone).
#[component]
pub fn WatchedFoldersPanel() -> impl IntoView {
    let state = LedgerState::use_context();
    let workspace = Workspace::use_context();
    let w = WatchState {
        folders: RwSignal::new_local(Vec::new()),
        status: RwSignal::new(String::new()),
        busy: RwSignal::new(false),
        started: StoredValue::new(false),
    };
    let supported = folder_supported();
    // Once the ledger is loaded: the remembered folders, a first look, and a look on focus.
    Effect::new(move |_| {
        let ready = state.loading.get() == Loading::Ready
            && state
                .settings
                .with(|s| s.as_ref().is_some_and(|s| s.is_ready()));
        if !supported || !ready || w.started.get_value() {
            return;
        }
        w.started.set_value(true);
        spawn_local(async move {
            w.folders.set(load(state).await);
            look(state, w, workspace).await;
            if let Some(window) = web_sys::window() {
                let on_focus = Closure::<dyn Fn()>::new(move || {
                    spawn_local(async move { look(state, w, workspace).await });
                });
                let _ = window
                    .add_event_listener_with_callback("focus", on_focus.as_ref().unchecked_ref());
                // The page lives as long as the window: the listener is never removed.
                on_focus.forget();
            }
        });
    });
    let add = move |role: WatchRole| {
        spawn_local(async move {
            let Some(handle) = choose_folder().await else {
                return;
            };
            let mut all = w.folders.get_untracked();
            all.push(Watched {
                role,
                name: folder_name(&handle),
                ready: true,
                handle,
            });
            if let Err(e) = remember(state, &all).await {
                w.status.set(format!("フォルダを覚えられませんでした: {e}"));
            }
            w.folders.set(all);
            look(state, w, workspace).await;
        });
    };
    let reconnect = move |i: usize| {
        spawn_local(async move {
            let Some(f) = w.folders.with_untracked(|all| all.get(i).cloned()) else {
                return;
            };
            if request_permission(&f.handle).await {
                w.folders.update(|all| {
                    if let Some(x) = all.get_mut(i) {
                        x.ready = true;
                    }
                });
                look(state, w, workspace).await;
            } else {
                w.status.set(format!(
                    "ブラウザが「{}」へのアクセスを許可しませんでした。",
                    f.name
                ));
            }
        });
    };
    let forget = move |i: usize| {
        spawn_local(async move {
            let mut all = w.folders.get_untracked();
            if i < all.len() {
                all.remove(i);
            }
            if let Err(e) = remember(state, &all).await {
                w.status
                    .set(format!("フォルダの設定を保存できませんでした: {e}"));
            }
            w.folders.set(all);
        });
    };
    let rows = move || {
        w.folders
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let label = format!("{}フォルダ「{}」", f.role.label_ja(), f.name);
                view! {
                    <li class="watched-folder">
                        <span>{label.clone()}</span>
                        {if f.ready {
                            view! { <span class="recorded-mark">"✔ 見張っています"</span> }.into_any()
                        } else {
                            view! {
                                <button type="button" on:click=move |_| reconnect(i)
                                    aria-label=format!("{label}につなぎ直す")>"つなぎ直す"</button>
                            }.into_any()
                        }}
                        <button type="button" class="secondary small" on:click=move |_| forget(i)
                            aria-label=format!("{label}を見張るのをやめる")>"やめる"</button>
                    </li>
                }
            })
            .collect_view()
    };
    let ready = move || {
        state
            .settings
            .with(|s| s.as_ref().is_some_and(|s| s.is_ready()))
    };
    view! {
        <section class="watched-panel no-print" aria-labelledby="watched-heading" hidden=move || !ready()>
            <h2 id="watched-heading">"見張るフォルダ"</h2>
            {if !supported {
                view! {
                    <p class="panel-note" data-testid="watched-unsupported">
                        "この開き方(またはこのブラウザ)ではフォルダを見張れません。ファイルは下に置いて点検してください。"
                    </p>
                }.into_any()
            } else {
                view! {
                    <p class="panel-note">
                        "受け取ったファイルが保存されるフォルダ(受信)と、送るファイルが書き出されるフォルダ(送信)を選ぶと、台帳にまだないファイルを開いたときに見つけて、記録の準備をします。フォルダの中のファイルは動かしも消しもしません。"
                    </p>
                    <ul class="watched-list">{rows}</ul>
                    <div class="button-row">
                        <button type="button" on:click=move |_| add(WatchRole::Received)>"受信フォルダを選ぶ"</button>
                        <button type="button" on:click=move |_| add(WatchRole::Sent)>"送信フォルダを選ぶ"</button>
                        <button type="button" class="secondary" disabled=move || w.busy.get()
                            hidden=move || w.folders.with(Vec::is_empty)
                            on:click=move |_| spawn_local(async move { look(state, w, workspace).await })>
                            "フォルダを確認"
                        </button>
                    </div>
                    <p class="save-status" role="status" data-testid="watched-status">{move || w.status.get()}</p>
                }.into_any()
            }}
        </section>
    }
}
