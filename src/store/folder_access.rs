//! The File System Access API, as the app uses it: choosing a folder, asking again for
//! permission after a restart, listing, reading and writing files. Chrome and Edge have it,
//! also for a page opened from `file://` (a secure context there: measured in this machine's
//! Chromium); Firefox and plain-http intranet pages do not, and the page says so.
//!
//! Called through `Reflect`, because web-sys keeps these interfaces behind an unstable flag.
//! Writes go through `createWritable()`: the browser writes to a temporary file and swaps it
//! in on `close()`, so a crash never leaves a half-written file under the real name.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Whether this browser and way of opening the page can use a chosen folder.
pub fn folder_supported() -> bool {
    web_sys::window()
        .and_then(|w| Reflect::get(&w, &"showDirectoryPicker".into()).ok())
        .is_some_and(|f| f.is_function())
}

/// Calls `target.method(...args)` and awaits the result when it is a promise.
pub async fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let f: Function = Reflect::get(target, &method.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| format!("{method} がありません"))?;
    let array: Array = args.iter().collect();
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

/// The browser's error in words (its message, or its name such as `NotFoundError`).
pub fn describe(e: &JsValue) -> String {
    let field = |k: &str| {
        Reflect::get(e, &k.into())
            .ok()
            .and_then(|m| m.as_string())
            .filter(|m| !m.is_empty())
    };
    field("message")
        .or_else(|| field("name"))
        .unwrap_or_else(|| "ブラウザが許可しませんでした".into())
}

fn is_not_found(message: &str) -> bool {
    message.contains("NotFound") || message.contains("could not be found")
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

fn readwrite() -> JsValue {
    let options = Object::new();
    let _ = Reflect::set(&options, &"mode".into(), &"readwrite".into());
    options.into()
}

/// Whether the page may read and write the folder now (after a restart the browser asks
/// again: see [`request_permission`]).
pub async fn has_permission(folder: &JsValue) -> bool {
    match call(folder, "queryPermission", &[readwrite()]).await {
        Ok(v) => v.as_string().as_deref() == Some("granted"),
        // A handle without the permission methods (the private file system) needs none.
        Err(_) => true,
    }
}

/// Asks for read-write permission (must follow a click: the browser shows its prompt).
pub async fn request_permission(folder: &JsValue) -> bool {
    match call(folder, "requestPermission", &[readwrite()]).await {
        Ok(v) => v.as_string().as_deref() == Some("granted"),
        Err(_) => has_permission(folder).await,
    }
}

/// The sub-folder `name`, made when `create`. `Ok(None)` when it does not exist.
pub async fn subfolder(
    parent: &JsValue,
    name: &str,
    create: bool,
) -> Result<Option<JsValue>, String> {
    let options = Object::new();
    let _ = Reflect::set(&options, &"create".into(), &JsValue::from_bool(create));
    match call(parent, "getDirectoryHandle", &[name.into(), options.into()]).await {
        Ok(h) => Ok(Some(h)),
        Err(e) if !create && (is_not_found(&e) || e.contains("TypeMismatch")) => Ok(None),
        Err(e) => Err(e),
    }
}

/// What a folder holds: `(name, is_folder)`, in the browser's order.
pub async fn list(folder: &JsValue) -> Result<Vec<(String, bool)>, String> {
    let iterator = call(folder, "values", &[]).await?;
    let mut out = Vec::new();
    loop {
        let step = call(&iterator, "next", &[]).await?;
        if Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            break;
        }
        let handle = Reflect::get(&step, &"value".into()).map_err(|e| describe(&e))?;
        let name = Reflect::get(&handle, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        let kind = Reflect::get(&handle, &"kind".into())
            .ok()
            .and_then(|k| k.as_string())
            .unwrap_or_default();
        out.push((name, kind == "directory"));
    }
    Ok(out)
}

async fn file_of(folder: &JsValue, name: &str) -> Result<Option<JsValue>, String> {
    let handle = match call(folder, "getFileHandle", &[name.into()]).await {
        Ok(h) => h,
        Err(e) if is_not_found(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    call(&handle, "getFile", &[]).await.map(Some)
}

/// The text of a file (`None` when there is none).
pub async fn read_text(folder: &JsValue, name: &str) -> Result<Option<String>, String> {
    Ok(read_text_value(folder, name)
        .await?
        .and_then(|v| v.as_string()))
}

/// The text of a file as the browser's string (`None` when there is none), for a caller that
/// keeps it as it is (storing it again costs no copy out of the program's memory).
pub async fn read_text_value(folder: &JsValue, name: &str) -> Result<Option<JsValue>, String> {
    let Some(file) = file_of(folder, name).await? else {
        return Ok(None);
    };
    let text = call(&file, "text", &[]).await?;
    Ok(text.is_string().then_some(text))
}

/// The bytes of a file (`None` when there is none).
pub async fn read_bytes(folder: &JsValue, name: &str) -> Result<Option<Vec<u8>>, String> {
    let Some(file) = file_of(folder, name).await? else {
        return Ok(None);
    };
    let buffer = call(&file, "arrayBuffer", &[]).await?;
    Ok(Some(Uint8Array::new(&buffer).to_vec()))
}

/// Writes a whole file atomically (`createWritable` + `close`).
pub async fn write(folder: &JsValue, name: &str, contents: &JsValue) -> Result<(), String> {
    let options = Object::new();
    let _ = Reflect::set(&options, &"create".into(), &JsValue::TRUE);
    let file = call(folder, "getFileHandle", &[name.into(), options.into()]).await?;
    let writable = call(&file, "createWritable", &[]).await?;
    if let Err(e) = call(&writable, "write", std::slice::from_ref(contents)).await {
        // Leave the old file as it was.
        let _ = call(&writable, "abort", &[]).await;
        return Err(e);
    }
    call(&writable, "close", &[]).await?;
    Ok(())
}

/// Writes text, then reads the file back and returns what is in it now (the caller
/// compares and verifies).
pub async fn write_and_read_back(
    folder: &JsValue,
    name: &str,
    text: &str,
) -> Result<String, String> {
    write(folder, name, &JsValue::from_str(text)).await?;
    read_text(folder, name)
        .await?
        .ok_or_else(|| "書き出したファイルを読み直せませんでした".into())
}

/// Writes bytes, then reads them back and checks they are the same.
pub async fn write_bytes_checked(folder: &JsValue, name: &str, bytes: &[u8]) -> Result<(), String> {
    write(folder, name, &Uint8Array::from(bytes).into()).await?;
    match read_bytes(folder, name).await? {
        Some(back) if back == bytes => Ok(()),
        _ => Err(format!("「{name}」を読み直したところ一致しませんでした")),
    }
}

/// Removes a file (no error when it is already gone).
pub async fn remove(folder: &JsValue, name: &str) -> Result<(), String> {
    match call(folder, "removeEntry", &[name.into()]).await {
        Ok(_) => Ok(()),
        Err(e) if is_not_found(&e) => Ok(()),
        Err(e) => Err(e),
    }
}
