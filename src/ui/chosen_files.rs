//! The list of chosen files with their size and fingerprint (SHA-256).

use leptos::prelude::*;

use crate::display::byte_size;
use crate::fingerprint::sha256_hex;

/// One file the user chose, as the page lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct ChosenFile {
    pub name: String,
    /// The path inside a chosen folder (「フォルダを選ぶ」), if any.
    pub relative_path: Option<String>,
    pub size: u64,
    /// `None` when the file could not be read.
    pub sha256: Option<String>,
}

impl ChosenFile {
    pub fn read(name: String, relative_path: Option<String>, bytes: &[u8]) -> Self {
        ChosenFile {
            name,
            relative_path,
            size: bytes.len() as u64,
            sha256: Some(sha256_hex(bytes)),
        }
    }

    pub fn unreadable(name: String, relative_path: Option<String>, size: u64) -> Self {
        ChosenFile {
            name,
            relative_path,
            size,
            sha256: None,
        }
    }
}

/// The table of chosen files. File names are shown as text, never as markup.
#[component]
pub fn ChosenFiles(chosen: RwSignal<Vec<ChosenFile>>, reading: RwSignal<usize>) -> impl IntoView {
    view! {
        <section class="chosen-files" aria-labelledby="chosen-files-title">
            <h2 id="chosen-files-title">"選んだファイル"</h2>
            <p class="reading" role="status">
                {move || match reading.get() {
                    0 => String::new(),
                    n => format!("{n}件のファイルを読み込み中です…"),
                }}
            </p>
            <Show
                when=move || !chosen.with(Vec::is_empty)
                fallback=|| view! { <p class="empty">"まだファイルがありません。"</p> }
            >
                <table class="file-table">
                    <thead>
                        <tr>
                            <th scope="col">"ファイル名"</th>
                            <th scope="col">"大きさ"</th>
                            <th scope="col">"指紋(SHA-256)"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || chosen.get().into_iter().enumerate()
                            key=|(i, _)| *i
                            children=|(_, file)| view! { <ChosenFileRow file=file/> }
                        />
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

#[component]
fn ChosenFileRow(file: ChosenFile) -> impl IntoView {
    let shown_name = file.relative_path.clone().unwrap_or(file.name.clone());
    let fingerprint = match file.sha256 {
        Some(hex) => view! { <code class="sha256">{hex}</code> }.into_any(),
        None => view! { <span class="error-text">"読み込めませんでした"</span> }.into_any(),
    };
    view! {
        <tr>
            <th scope="row" class="file-name">{shown_name}</th>
            <td class="file-size">{byte_size(file.size)}</td>
            <td>{fingerprint}</td>
        </tr>
    }
}
