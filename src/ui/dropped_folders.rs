//! Reading a dropped folder: `DataTransfer.files` lists a dropped folder as one empty file,
//! so the drop handler walks `webkitGetAsEntry()` entries instead and collects every file
//! below, each with its folder-relative path (used as the report's `path`).

use futures::future::LocalBoxFuture;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DataTransfer, File, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry};

/// Folders nested deeper than this are not followed (a link loop cannot hang the page).
const MAX_DEPTH: usize = 16;
/// At most this many files are taken from one drop.
pub const MAX_FILES: usize = 5_000;

/// The dropped entries, taken synchronously: the browser empties the list after the event.
pub fn entries_of(transfer: &DataTransfer) -> Vec<FileSystemEntry> {
    let items = transfer.items();
    (0..items.length())
        .filter_map(|i| items.get(i))
        .filter_map(|item| item.webkit_get_as_entry().ok().flatten())
        .collect()
}

/// Whether any dropped entry is a folder (otherwise the plain file list is enough).
pub fn has_folder(entries: &[FileSystemEntry]) -> bool {
    entries.iter().any(FileSystemEntry::is_directory)
}

/// Every file below the entries, with its path relative to the drop (`folder/sub/file`).
pub async fn files_below(entries: Vec<FileSystemEntry>) -> Vec<(File, Option<String>)> {
    let mut out = Vec::new();
    for entry in entries {
        collect(entry, 0, &mut out).await;
    }
    out
}

fn collect<'a>(
    entry: FileSystemEntry,
    depth: usize,
    out: &'a mut Vec<(File, Option<String>)>,
) -> LocalBoxFuture<'a, ()> {
    Box::pin(async move {
        if out.len() >= MAX_FILES {
            return;
        }
        let path = entry.full_path().trim_start_matches('/').to_owned();
        if entry.is_file() {
            let entry: FileSystemFileEntry = entry.unchecked_into();
            let file = callback_promise(|ok, err| entry.file_with_callback_and_callback(ok, err));
            if let Some(file) = file.await.and_then(|f| f.dyn_into::<File>().ok()) {
                let relative = path.contains('/').then_some(path);
                out.push((file, relative));
            }
        } else if entry.is_directory() && depth < MAX_DEPTH {
            let reader = entry
                .unchecked_into::<FileSystemDirectoryEntry>()
                .create_reader();
            // readEntries returns a batch at a time; an empty batch means the end.
            loop {
                let batch = callback_promise(|ok, err| {
                    // An error here arrives through `err`; nothing more to do with it.
                    let _ = reader.read_entries_with_callback_and_callback(ok, err);
                })
                .await
                .map(|value| Array::from(&value))
                .unwrap_or_default();
                if batch.length() == 0 {
                    break;
                }
                for child in batch.iter() {
                    collect(child.unchecked_into(), depth + 1, out).await;
                }
            }
        }
    })
}

/// Turns a success/error callback API into a future; `None` on error.
async fn callback_promise(call: impl FnOnce(&Function, &Function)) -> Option<JsValue> {
    let mut call = Some(call);
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(call) = call.take() {
            call(&resolve, &reject);
        }
    });
    JsFuture::from(promise).await.ok()
}
