//! The settings modal's Save (Kommo's `onSave`): the widget's settings app checks what is
//! about to be stored and refuses it, on its field, when it would not work.

use super::app::{self, AppRef};
use super::loader::owned_by;
use super::APPS;
use crate::app::settings_save::{SavedSettings, Setting};
use crate::app::{Mode, Msg, State};
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// Longest a Save waits for the connection test of its token (the client's own timeout
/// ends the test well before).
const TEST_WAIT_MS: u32 = 30_000;

/// Answers `onSave({fields, ...})` for the widget object: `false` refuses (the modal stays
/// open, the reason is shown and the field marked), `true` lets Kommo store the settings;
/// for a token not tested as it is now, a Promise of either, once the test has answered.
/// Without a settings app of this widget, or with fields it cannot read, nothing is refused.
#[wasm_bindgen]
pub fn on_save(widget: JsValue, data: JsValue) -> JsValue {
    let Some((app, root)) = settings_app(&widget) else {
        return true.into();
    };
    let fields = js_sys::Reflect::get(&data, &JsValue::from_str("fields")).unwrap_or(data);
    let Ok(saved) = serde_wasm_bindgen::from_value::<SavedSettings>(fields) else {
        return true.into();
    };
    app::dispatch(&app, Msg::SaveSettings(saved.clone()));
    if app::with_state(&app, State::testing) != Some(true) {
        return answer(&app, &root).into();
    }
    let promise = async move {
        let mut waited = 0;
        while app::with_state(&app, State::testing) == Some(true) && waited < TEST_WAIT_MS {
            gloo_timers::future::TimeoutFuture::new(100).await;
            waited += 100;
        }
        if waited >= TEST_WAIT_MS {
            return Ok(false.into());
        }
        app::dispatch(&app, Msg::SaveSettings(saved));
        Ok(answer(&app, &root).into())
    };
    wasm_bindgen_futures::future_to_promise(promise).into()
}

/// Whether the app's last Save may store the settings; a refusal marks its field in the
/// host's form and focuses it.
fn answer(app: &AppRef, root: &Element) -> bool {
    let refusal = app::with_state(app, |s| s.refusal.map(|(setting, _)| setting)).flatten();
    for setting in [Setting::Token, Setting::Limit] {
        if let Some(field) = host_field(root, setting) {
            let refused = refusal == Some(setting);
            let _ = if refused {
                field.set_attribute("aria-invalid", "true")
            } else {
                field.remove_attribute("aria-invalid")
            };
            if refused {
                let _ = field.unchecked_ref::<web_sys::HtmlElement>().focus();
            }
        }
    }
    refusal.is_none()
}

/// The widget object's app in the settings modal, and its root.
fn settings_app(widget: &JsValue) -> Option<(AppRef, Element)> {
    APPS.with(|a| {
        a.borrow()
            .iter()
            .filter(|m| owned_by(m, widget) && m.root.is_connected())
            .find(|m| app::with_state(&m.app, |s| s.mode == Mode::Settings) == Some(true))
            .map(|m| (m.app.clone(), m.root.clone()))
    })
}

/// The host's form field of `setting` in the modal around `root`.
fn host_field(root: &Element, setting: Setting) -> Option<Element> {
    let scope = root.closest(".modal, .modal-body, body").ok()??;
    let selector = String::from("[name=\"") + setting.name() + "\"]";
    scope.query_selector(&selector).ok()?
}
