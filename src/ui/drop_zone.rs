//! The big drop target and the two pickers (files, or a whole folder).

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::{File, FileList, HtmlInputElement};

use super::dropped_folders;
use super::workspace::Workspace;

/// 「ここにCSVファイルをドロップ」 plus 「ファイルを選ぶ」 and 「フォルダを選ぶ」.
///
/// Every file that arrives goes to the [`Workspace`], which reads and checks it.
#[component]
pub fn DropZone() -> impl IntoView {
    let workspace = Workspace::use_context();
    let dragging = RwSignal::new(false);
    // `webkitdirectory` (choose a whole folder) is not a typed attribute in Leptos, so it is
    // set on the element once it exists.
    let folder_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move || {
        if let Some(input) = folder_input.get() {
            input.set_webkitdirectory(true);
        }
    });
    // What a drop or a choice that brought nothing says (an empty folder).
    let notice = RwSignal::new(String::new());
    // From a folder only the CSV files are taken (offices keep PDFs and notes beside them);
    // files chosen one by one are all checked, whatever their names.
    let add = move |files: Vec<(File, Option<String>)>, from_folder: bool| {
        let total = files.len();
        let files: Vec<_> = if from_folder {
            files
                .into_iter()
                .filter(|(f, _)| f.name().to_ascii_lowercase().ends_with(".csv"))
                .collect()
        } else {
            files
        };
        let skipped = total - files.len();
        notice.set(match (files.is_empty(), skipped) {
            (true, _) if from_folder => "このフォルダにはCSVファイルがありません。".into(),
            (_, 0) => String::new(),
            (_, n) => format!("フォルダの中のCSV以外のファイル{n}件は読み込みませんでした。"),
        });
        if !files.is_empty() {
            workspace.add_files(files);
        }
    };
    let accept = move |list: Option<FileList>, from_folder: bool| {
        add(
            files_of(list).into_iter().map(|f| (f, None)).collect(),
            from_folder,
        );
    };

    let on_input_change = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        accept(input.files(), input.webkitdirectory());
        // Clearing lets the same file be chosen again later.
        input.set_value("");
    };

    view! {
        <section
            class="drop-zone"
            class:dragging=move || dragging.get()
            // Once files are on the page the results matter more: the zone shrinks to a bar.
            class:compact=move || !workspace.uploads.with(Vec::is_empty)
            aria-label="ファイルの受け取り"
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                let Some(transfer) = ev.data_transfer() else { return };
                let entries = dropped_folders::entries_of(&transfer);
                if dropped_folders::has_folder(&entries) {
                    spawn_local(async move {
                        add(dropped_folders::files_below(entries).await, true);
                    });
                } else {
                    accept(transfer.files(), false);
                }
            }
        >
            <p class="drop-zone-title">"ここにCSVファイルをドロップ"</p>
            <p class="drop-zone-sub">"フォルダごとドロップすることもできます。ボタンで選ぶこともできます(いくつでも)。"</p>
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
            <p class="drop-notice" role="status">{move || notice.get()}</p>
        </section>
    }
}

fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}
