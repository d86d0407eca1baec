//! Asking the browser to keep our data (`navigator.storage.persist()`), and how much room
//! there is. Both exist only in secure contexts (https, localhost): from `file://` and a
//! plain-http intranet page the answer is "not available", and the UI says what that means.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The outcome of asking for persistent storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersistenceResult {
    /// The browser promised not to clear the data on its own.
    Granted,
    /// The browser declined (it may still keep the data; it just did not promise).
    Denied,
    /// This way of opening the page has no such request.
    Unavailable,
}

impl PersistenceResult {
    pub fn label_ja(self) -> &'static str {
        match self {
            PersistenceResult::Granted => "消えにくい保存が許可されました",
            PersistenceResult::Denied => {
                "消えにくい保存は許可されませんでした(ブラウザが容量不足のとき消す可能性があります)"
            }
            PersistenceResult::Unavailable => {
                "この開き方では消えにくい保存を頼めません(バックアップをこまめに取ってください)"
            }
        }
    }
}

/// Used and available bytes, as the browser estimates them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StorageEstimate {
    pub usage: f64,
    pub quota: f64,
}

/// `navigator.storage`, when this context has it.
fn storage_manager() -> Option<JsValue> {
    let navigator: JsValue = web_sys::window()?.navigator().into();
    Reflect::get(&navigator, &"storage".into())
        .ok()
        .filter(JsValue::is_object)
}

async fn call_method(target: &JsValue, name: &str) -> Option<JsValue> {
    let method: Function = Reflect::get(target, &name.into()).ok()?.dyn_into().ok()?;
    let promise: Promise = method.call0(target).ok()?.dyn_into().ok()?;
    JsFuture::from(promise).await.ok()
}

/// Asks for persistent storage (once per recording session is enough; asking again when
/// already granted is harmless).
pub async fn request_persistence() -> PersistenceResult {
    let Some(storage) = storage_manager() else {
        return PersistenceResult::Unavailable;
    };
    match call_method(&storage, "persist").await {
        Some(v) if v.as_bool() == Some(true) => PersistenceResult::Granted,
        Some(_) => PersistenceResult::Denied,
        None => PersistenceResult::Unavailable,
    }
}

/// How much of the browser's quota is used, where the browser tells.
pub async fn estimate_storage() -> Option<StorageEstimate> {
    let storage = storage_manager()?;
    let estimate = call_method(&storage, "estimate").await?;
    let number = |key: &str| Reflect::get(&estimate, &key.into()).ok()?.as_f64();
    Some(StorageEstimate {
        usage: number("usage")?,
        quota: number("quota")?,
    })
}
