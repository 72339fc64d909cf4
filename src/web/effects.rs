//! The page-side effects the reducer asks for: clipboard, a file to save, focus.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, Element, HtmlAnchorElement, HtmlElement, Url};

/// The name the exported sources are offered under.
const EXPORT_FILE: &str = "kommo-sources.json";

/// Puts `text` on the clipboard; whether the clipboard took it (a page without permission,
/// an insecure page or a browser without the API refuses).
pub async fn copy(text: &str) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let clipboard = w.navigator().clipboard();
    // `navigator.clipboard` is missing on insecure pages, though web-sys types it as present.
    if JsValue::from(clipboard.clone()).is_undefined() {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .is_ok()
}

/// Focuses the text area with id `id` under `root` and selects its text, so that it can
/// be copied by hand.
pub fn select(root: &Element, id: &str) {
    let selector = String::from("#") + id;
    if let Some(area) = root
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    {
        let _ = area.focus();
        area.select();
    }
}

/// Offers `text` as a JSON file to save.
pub fn download(root: &Element, text: &str) -> Result<(), JsValue> {
    let doc = root
        .owner_document()
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = BlobPropertyBag::new();
    opts.set_type("application/json");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let a: HtmlAnchorElement = doc.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(EXPORT_FILE);
    let body = doc.body().ok_or_else(|| JsValue::from_str("no body"))?;
    body.append_child(&a)?;
    a.click();
    a.remove();
    Url::revoke_object_url(&url)
}

/// Moves focus as [`focus`] does, only if no element of the page has it (it fell to the
/// body when the control that had it was disabled or removed).
pub fn refocus(root: &Element, selector: &str) {
    let Some(doc) = root.owner_document() else {
        return;
    };
    let lost = match (doc.active_element(), doc.body()) {
        (None, _) => true,
        (Some(active), Some(body)) => active == *body.unchecked_ref::<Element>(),
        (Some(_), None) => false,
    };
    if lost {
        focus(root, selector);
    }
}

/// Moves focus to the first element under `root` matching `selector`.
pub fn focus(root: &Element, selector: &str) {
    if let Some(el) = root
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
