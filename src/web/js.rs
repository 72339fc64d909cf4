//! The transport and clock the host page hands in: a JS `request` function and `setTimeout`.
//!
//! The host's function does the HTTP (direct mode adds the Bearer token in script.js, a
//! relay mode can use `$authorizedAjax`), so credentials never enter the wasm.

use super::dom::{send, Answer};
use crate::transport::{
    HttpRequest, HttpResponse, LocalBoxFuture, Sleeper, Transport, TransportError,
};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;
use js_sys::Function;
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

/// A host promise, its outcome mapped by `f` once settled: one small poll instead of an
/// `async` block's state machine for each kind of wait.
struct Settled<T> {
    p: JsFuture,
    f: fn(Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>) -> T,
}

impl<T> Future for Settled<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let f = self.f;
        Pin::new(&mut self.p).poll(cx).map(f)
    }
}

fn answer(
    r: Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>,
) -> Result<HttpResponse, TransportError> {
    match r {
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
}

impl Transport for JsTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let p = send(
            &self.request,
            req.method.as_str(),
            &req.path_and_query,
            req.body.as_deref(),
        );
        Box::pin(Settled {
            p: JsFuture::from(p),
            f: answer,
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
        Box::pin(Settled {
            p: JsFuture::from(super::dom::sleep(ms)),
            f: |_| (),
        })
    }
}
