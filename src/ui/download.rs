//! Saving a file the page made (a report, a backup) through the browser's download, without
//! any network: a `blob:` URL on a temporary link.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Offers `bytes` for download as `file_name`. Returns false when the browser refused.
pub fn save_bytes(file_name: &str, mime_type: &str, bytes: &[u8]) -> bool {
    let save = || -> Result<(), wasm_bindgen::JsValue> {
        let options = BlobPropertyBag::new();
        options.set_type(mime_type);
        let parts = Array::of1(&Uint8Array::from(bytes));
        let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
        let url = Url::create_object_url_with_blob(&blob)?;
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or("no document")?;
        let link: HtmlAnchorElement = document.create_element("a")?.unchecked_into();
        link.set_href(&url);
        link.set_download(file_name);
        link.click();
        // Revoking at once can cancel the download; free the memory a minute later.
        let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = Url::revoke_object_url(&url);
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                revoke.unchecked_ref(),
                60_000,
            );
        }
        Ok(())
    };
    save().is_ok()
}
