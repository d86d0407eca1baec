//! Keeping backups in a chosen folder (File System Access API), where the browser has
//! `window.showDirectoryPicker` (Chrome and Edge over https or localhost; not from `file://`
//! or a plain-http intranet page, where backups are downloaded instead).
//!
//! The folder is remembered for this page session only. A backup written there is read back
//! from the folder and compared before the page calls it done.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Whether this browser and way of opening the page can write to a chosen folder.
pub fn folder_supported() -> bool {
    web_sys::window()
        .and_then(|w| Reflect::get(&w, &"showDirectoryPicker".into()).ok())
        .is_some_and(|f| f.is_function())
}

async fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let f: Function = Reflect::get(target, &method.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| format!("{method} がありません"))?;
    let array: js_sys::Array = args.iter().collect();
    let result = f
        .apply(target, &array)
        .map_err(|e| format!("{method}: {}", describe(&e)))?;
    match result.dyn_into::<Promise>() {
        Ok(p) => JsFuture::from(p)
            .await
            .map_err(|e| format!("{method}: {}", describe(&e))),
        Err(v) => Ok(v),
    }
}

fn describe(e: &JsValue) -> String {
    Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "ブラウザが許可しませんでした".into())
}

/// Asks the user for a folder. `None` when they cancelled or the browser refused.
pub async fn choose_folder() -> Option<JsValue> {
    let window: JsValue = web_sys::window()?.into();
    let options = Object::new();
    let _ = Reflect::set(&options, &"mode".into(), &"readwrite".into());
    call(&window, "showDirectoryPicker", &[options.into()])
        .await
        .ok()
}

/// The folder's name, for the page.
pub fn folder_name(folder: &JsValue) -> String {
    Reflect::get(folder, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default()
}

/// Writes `text` as `file_name` in the folder, then reads the file back and returns what is
/// in it now (the caller compares and verifies).
pub async fn write_and_read_back(
    folder: &JsValue,
    file_name: &str,
    text: &str,
) -> Result<String, String> {
    let options = Object::new();
    let _ = Reflect::set(&options, &"create".into(), &JsValue::TRUE);
    let file = call(folder, "getFileHandle", &[file_name.into(), options.into()]).await?;
    let writable = call(&file, "createWritable", &[]).await?;
    call(&writable, "write", &[text.into()]).await?;
    call(&writable, "close", &[]).await?;
    let written = call(&file, "getFile", &[]).await?;
    call(&written, "text", &[])
        .await?
        .as_string()
        .ok_or_else(|| "書き出したファイルを読み直せませんでした".into())
}
