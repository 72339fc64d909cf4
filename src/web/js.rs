//! The transport and clock the host page hands in: a JS `request` function and `setTimeout`.
//!
//! The host's function does the HTTP (direct mode adds the Bearer token in script.js, a
//! relay mode can use `$authorizedAjax`), so credentials never enter the wasm.

use crate::api::Method;
use crate::transport::{
    HttpRequest, HttpResponse, LocalBoxFuture, Sleeper, Transport, TransportError,
};
use js_sys::{Function, Promise, Reflect};
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Sends requests through `request(method, path, body) -> Promise<{status, body,
/// content_type, retry_after}>`; a rejected promise is a network failure, one rejected with
/// an `AbortError` or `TimeoutError` (the loader aborts after its time limit) is a timeout.
pub struct JsTransport {
    request: Function,
}

impl JsTransport {
    /// Wraps the host's request function.
    pub fn new(request: Function) -> Self {
        JsTransport { request }
    }
}

fn get_str(v: &JsValue, k: &str) -> Option<String> {
    Reflect::get(v, &JsValue::from_str(k))
        .ok()
        .and_then(|x| x.as_string())
        .filter(|s| !s.is_empty())
}

fn method(m: Method) -> &'static str {
    m.as_str()
}

impl Transport for JsTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let body = req.body.map_or(JsValue::NULL, |b| JsValue::from_str(&b));
            let called = self.request.call3(
                &JsValue::NULL,
                &JsValue::from_str(method(req.method)),
                &JsValue::from_str(&req.path_and_query),
                &body,
            );
            let promise = called
                .and_then(|p| p.dyn_into::<Promise>().map_err(|_| JsValue::NULL))
                .map_err(|_| TransportError::Network(String::from("request function failed")))?;
            match JsFuture::from(promise).await {
                Ok(res) => {
                    let status = Reflect::get(&res, &JsValue::from_str("status"))
                        .ok()
                        .and_then(|s| s.as_f64())
                        .unwrap_or(0.0) as u16;
                    if status == 0 {
                        return Err(TransportError::Network(String::from("no response")));
                    }
                    Ok(HttpResponse {
                        status,
                        content_type: get_str(&res, "content_type"),
                        retry_after: get_str(&res, "retry_after"),
                        body: Reflect::get(&res, &JsValue::from_str("body"))
                            .map_or_else(|_| Vec::new(), |b| super::dom::utf8(&b)),
                    })
                }
                Err(e) => {
                    let name = get_str(&e, "name").unwrap_or_default();
                    if name == "AbortError" || name == "TimeoutError" {
                        Err(TransportError::Timeout)
                    } else {
                        Err(TransportError::Network(String::from("connection failed")))
                    }
                }
            }
        })
    }
}

/// Real time from `performance.now()` (or `Date.now()`), waits with `setTimeout`.
pub struct JsClock;

impl Sleeper for JsClock {
    fn now(&self) -> Duration {
        Duration::from_micros((super::dom::now() * 1000.0) as u64)
    }

    fn sleep(&self, d: Duration) -> LocalBoxFuture<'_, ()> {
        let ms = d.as_millis().min(i32::MAX as u128) as i32;
        let p = super::dom::sleep(ms);
        Box::pin(async move {
            let _ = JsFuture::from(p).await;
        })
    }
}
