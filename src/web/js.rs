//! The transport and clock the host page hands in: a JS `request` function and `setTimeout`.
//!
//! The host's function does the HTTP (direct mode adds the Bearer token in script.js, a
//! relay mode can use `$authorizedAjax`), so credentials never enter the wasm.

use super::dom::{send, Answer};
use crate::transport::{
    HttpRequest, HttpResponse, LocalBoxFuture, Sleeper, Transport, TransportError,
};
use js_sys::Function;
use std::time::Duration;
use wasm_bindgen::JsCast;
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

impl Transport for JsTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let p = send(
            &self.request,
            req.method.as_str(),
            &req.path_and_query,
            req.body.as_deref(),
        );
        Box::pin(async move {
            match JsFuture::from(p).await {
                Ok(a) => {
                    let a: Answer = a.unchecked_into();
                    Ok(HttpResponse {
                        status: a.s() as u16,
                        content_type: a.c(),
                        retry_after: a.r(),
                        body: a.b(),
                    })
                }
                Err(e) => Err(match e.as_f64() {
                    Some(3.0) => TransportError::Timeout,
                    n => TransportError::Network(String::from(match n {
                        Some(0.0) => "request function failed",
                        Some(1.0) => "no response",
                        _ => "connection failed",
                    })),
                }),
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
