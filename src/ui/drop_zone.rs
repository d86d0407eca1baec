//! The big drop target and the two pickers (files, or a whole folder).

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{File, FileList, HtmlInputElement};

use super::chosen_files::ChosenFile;

/// 「ここにCSVファイルをドロップ」 plus 「ファイルを選ぶ」 and 「フォルダを選ぶ」.
///
/// Every file that arrives is read as bytes and appended to `chosen`; `reading` counts the
/// files still being read so the list can say so.
#[component]
pub fn DropZone(chosen: RwSignal<Vec<ChosenFile>>, reading: RwSignal<usize>) -> impl IntoView {
    let dragging = RwSignal::new(false);
    // `webkitdirectory` (choose a whole folder) is not a typed attribute in Leptos, so it is
    // set on the element once it exists.
    let folder_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move || {
        if let Some(input) = folder_input.get() {
            input.set_webkitdirectory(true);
        }
    });
    let accept = move |list: Option<FileList>| {
        let files = files_of(list);
        if files.is_empty() {
            return;
        }
        reading.update(|n| *n += files.len());
        spawn_local(async move {
            for file in files {
                let entry = read_chosen_file(file).await;
                chosen.update(|all| all.push(entry));
                reading.update(|n| *n = n.saturating_sub(1));
            }
        });
    };

    let on_input_change = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        accept(input.files());
        // Clearing lets the same file be chosen again later.
        input.set_value("");
    };

    view! {
        <section
            class="drop-zone"
            class:dragging=move || dragging.get()
            aria-label="ファイルの受け取り"
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                accept(ev.data_transfer().and_then(|dt| dt.files()));
            }
        >
            <p class="drop-zone-title">"ここにCSVファイルをドロップ"</p>
            <p class="drop-zone-sub">"またはボタンで選んでください(いくつでも選べます)"</p>
            <div class="pickers">
                <label class="big-button">
                    <input
                        class="visually-hidden"
                        type="file"
                        multiple
                        accept=".csv,.CSV,text/csv"
                        on:change=on_input_change
                    />
                    "ファイルを選ぶ"
                </label>
                <label class="big-button secondary">
                    <input
                        class="visually-hidden"
                        type="file"
                        multiple
                        node_ref=folder_input
                        on:change=on_input_change
                    />
                    "フォルダを選ぶ"
                </label>
            </div>
        </section>
    }
}

fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Reads one file and fingerprints it. A file that cannot be read (removed USB stick,
/// permission) is still listed, with the reason instead of a fingerprint.
async fn read_chosen_file(file: File) -> ChosenFile {
    let name = file.name();
    let relative_path = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
        .ok()
        .and_then(|v| v.as_string())
        .filter(|p| !p.is_empty());
    let size = file.size() as u64;
    let blob = gloo_file::File::from(file.unchecked_into::<File>());
    match gloo_file::futures::read_as_bytes(&blob).await {
        Ok(bytes) => ChosenFile::read(name, relative_path, &bytes),
        Err(_) => ChosenFile::unreadable(name, relative_path, size),
    }
}
