//! Relay mode: requests go to the integration's own backend through Kommo's
//! `self.$authorizedAjax`, which adds the `X-Auth-Token` that the relay checks. The browser
//! holds no API token at all; the relay keeps the account's OAuth tokens.
//!
//! `$authorizedAjax` is jQuery's `$.ajax` with that header, so its answer is a jQuery
//! Deferred: `always` hands over the `jqXHR`, whose status, headers and text become the
//! response.

use super::{HttpRequest, HttpResponse, LocalBoxFuture, Transport, TransportError};
use js_sys::{Function, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How long a request may take, in milliseconds, before jQuery reports a timeout.
const TIMEOUT_MS: u32 = 15_000;

/// Sends requests to a relay with the host's `$authorizedAjax`.
pub struct RelayTransport {
    base: String,
    ajax: Function,
}

/// The settings object handed to `$authorizedAjax`, as `$.ajax` reads it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AjaxSettings<'a> {
    url: String,
    method: &'a str,
    headers: AjaxHeaders,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
    /// The body is read as text: decoding is the API layer's. jQuery's `cache` stays on, so
    /// the query goes as the API layer wrote it; the relay answers `Cache-Control: no-store`.
    data_type: &'a str,
    process_data: bool,
    timeout: u32,
}

#[derive(Serialize)]
struct AjaxHeaders {
    #[serde(rename = "Accept")]
    accept: &'static str,
}

/// What the relay transport reads of a `jqXHR`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JqXhr {
    #[serde(default)]
    status: u16,
    #[serde(default)]
    response_text: Option<String>,
}

impl RelayTransport {
    /// A transport to the relay at `base` (e.g. `https://relay.example.com`) through `ajax`,
    /// the widget object's `$authorizedAjax` bound to it.
    pub fn new(base: impl Into<String>, ajax: Function) -> Self {
        RelayTransport {
            base: base.into().trim_end_matches('/').to_owned(),
            ajax,
        }
    }

    async fn ajax(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let settings = AjaxSettings {
            url: format!("{}{}", self.base, req.path_and_query),
            method: req.method.as_str(),
            headers: AjaxHeaders {
                accept: "application/hal+json, application/problem+json, application/json",
            },
            content_type: req.body.as_ref().map(|_| "application/json"),
            data: req.body,
            data_type: "text",
            process_data: false,
            timeout: TIMEOUT_MS,
        };
        let settings = serde_wasm_bindgen::to_value(&settings).map_err(network)?;
        let deferred = self
            .ajax
            .call1(&JsValue::NULL, &settings)
            .map_err(|e| network(describe(&e)))?;
        // `always(a, textStatus, b)`: the jqXHR is `c` on success and `a` on failure.
        let settled = Promise::new(&mut |resolve, _reject| {
            let settle = resolve.clone();
            let done = Closure::once_into_js(move |a: JsValue, status: JsValue, c: JsValue| {
                let text = status.as_string().unwrap_or_default();
                let ok = matches!(text.as_str(), "success" | "nocontent" | "notmodified");
                let xhr = if ok { c } else { a };
                let out = js_sys::Array::of2(&xhr, &JsValue::from_str(&text));
                let _ = settle.call1(&JsValue::NULL, &out);
            });
            let always = Reflect::get(&deferred, &JsValue::from_str("always"))
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok());
            match always {
                Some(f) => {
                    let _ = f.call1(&deferred, &done);
                }
                None => {
                    let _ = resolve.call1(&JsValue::NULL, &JsValue::UNDEFINED);
                }
            }
        });
        let settled = JsFuture::from(settled).await.map_err(network_js)?;
        let pair: js_sys::Array = settled
            .dyn_into()
            .map_err(|_| network("$authorizedAjax did not return a jQuery Deferred"))?;
        let (xhr, text_status) = (pair.get(0), pair.get(1).as_string().unwrap_or_default());
        let read: JqXhr = serde_wasm_bindgen::from_value(xhr.clone()).map_err(network)?;
        if read.status == 0 {
            return Err(match text_status.as_str() {
                "timeout" => TransportError::Timeout,
                other => network(format!("the relay could not be reached ({other})")),
            });
        }
        let header = |name: &str| -> Option<String> {
            let get = Reflect::get(&xhr, &JsValue::from_str("getResponseHeader")).ok()?;
            let get: Function = get.dyn_into().ok()?;
            get.call1(&xhr, &JsValue::from_str(name))
                .ok()?
                .as_string()
                .filter(|v| !v.is_empty())
        };
        Ok(HttpResponse {
            status: read.status,
            content_type: header("Content-Type"),
            retry_after: header("Retry-After"),
            body: read.response_text.unwrap_or_default().into_bytes(),
        })
    }
}

impl Transport for RelayTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(self.ajax(req))
    }
}

fn network(e: impl std::fmt::Display) -> TransportError {
    TransportError::Network(e.to_string())
}

fn network_js(e: JsValue) -> TransportError {
    network(describe(&e))
}

/// A JS error's message, or what it is.
fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "a script error".into())
}
