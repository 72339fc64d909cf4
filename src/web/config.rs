//! What the loader hands to `mount`, decoded from a JS object with serde-wasm-bindgen.

use crate::app::Mode;
use crate::lenient;
use serde::{Deserialize, Deserializer};
use wasm_bindgen::JsValue;

/// Where the widget is mounted, as the loader names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MountMode {
    /// The widget's settings modal.
    Settings,
    /// The advanced settings page.
    Advanced,
    /// Digital Pipeline: the widget's own panel on one pipeline.
    Pipeline,
}

impl From<MountMode> for Mode {
    fn from(m: MountMode) -> Mode {
        match m {
            MountMode::Settings => Mode::Settings,
            MountMode::Advanced => Mode::Advanced,
            MountMode::Pipeline => Mode::Pipeline,
        }
    }
}

/// The widget's settings as `self.get_settings()` returns them (Kommo keeps every field as
/// text; unknown fields are ignored).
#[derive(Default, Deserialize)]
pub struct WidgetSettings {
    /// The integration's long-lived token (direct mode).
    #[serde(default, deserialize_with = "text")]
    pub token: Option<String>,
    /// The widget's code.
    #[serde(default, deserialize_with = "text")]
    pub widget_code: Option<String>,
    /// How many sources the integration may have (Kommo's pages say 50 or 100).
    #[serde(default, deserialize_with = "count")]
    pub limit: Option<u64>,
    /// External id of the source Kommo created at install, for an integration without the
    /// Multiple sources flag (Kommo does not say how to tell it apart, so the admin names it).
    #[serde(default, deserialize_with = "text")]
    pub install_source: Option<String>,
}

/// The `config` argument of `mount`.
#[derive(Deserialize)]
pub struct MountConfig {
    /// Which part of the manager to show.
    pub mode: MountMode,
    /// The host's language code (`en`, `es`, `pt-BR`, ...).
    #[serde(default)]
    pub lang: String,
    /// The i18n file's `ui` table of that language: the UI texts, read key by key when the
    /// first render needs them (once per language and page), not when mounting.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    pub ui: JsValue,
    /// What `self.get_settings()` returned.
    #[serde(default)]
    pub settings: Option<WidgetSettings>,
    /// The pipeline Digital Pipeline attached the widget to, a number or a string of digits
    /// (Kommo's docs do not say which).
    #[serde(default, deserialize_with = "count")]
    pub pipeline_id: Option<u64>,
    /// Whether the widget was just added as a source there, so the panel offers a new one.
    #[serde(default)]
    pub add: bool,
    /// The origin API requests go to; the page's own origin when absent.
    #[serde(default)]
    pub origin: Option<String>,
    /// The integration's relay (relay mode): every request goes there through `ajax`, and
    /// the browser holds no API token.
    #[serde(default, deserialize_with = "text")]
    pub relay: Option<String>,
    /// The widget's `$authorizedAjax` (relay mode), which adds Kommo's `X-Auth-Token`.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    pub ajax: JsValue,
    /// Called to take the widget's own panel off the page (Digital Pipeline).
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    pub close: JsValue,
}

impl MountConfig {
    /// Decodes `value`, saying which field has the wrong shape.
    pub fn from_js(value: JsValue) -> Result<MountConfig, JsValue> {
        serde_wasm_bindgen::from_value(value)
            .map_err(|e| JsValue::from_str(&format!("mount: bad config: {e}")))
    }
}

/// A pipeline id handed over by the host: a whole number above zero, or its digits as text.
pub fn pipeline_id(value: JsValue) -> Option<u64> {
    #[derive(Deserialize)]
    struct Id(#[serde(deserialize_with = "count")] Option<u64>);
    serde_wasm_bindgen::from_value::<Id>(value).ok()?.0
}

/// A string, or a number given where text was expected; empty means absent.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(lenient::opt_string(d)?.filter(|s| !s.trim().is_empty()))
}

/// A positive whole number given as a number or as text (`"100"`); anything else is absent.
fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(lenient::opt_string(d)?
        .and_then(|s| s.trim().parse().ok())
        .filter(|n| *n > 0))
}

/// The UI text `key` of a loader's `ui` table, when it holds one as text.
pub fn ui_text(ui: &JsValue, key: &str) -> Option<String> {
    if !ui.is_object() {
        return None;
    }
    js_sys::Reflect::get(ui, &JsValue::from_str(key))
        .ok()?
        .as_string()
}
