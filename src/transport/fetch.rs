//! The browser transport: `fetch` through gloo-net with a time limit, and a `setTimeout` sleeper.

use super::{Auth, HttpRequest, HttpResponse, LocalBoxFuture, Sleeper, Transport, TransportError};
use crate::api::Method;
use gloo_net::http::{Method as WireMethod, RequestBuilder};
use std::cell::Cell;
use std::fmt;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

/// Sends requests with the browser's `fetch` to one origin, with one kind of credentials.
#[derive(Clone)]
pub struct FetchTransport {
    /// Origin (or relay URL) the request paths are appended to.
    base_url: String,
    /// Credentials added to every request.
    auth: Auth,
    /// How long a request may take before it is aborted.
    timeout: Duration,
}

impl fmt::Debug for FetchTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Auth`'s Debug redacts the token.
        f.debug_struct("FetchTransport")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl FetchTransport {
    /// A transport to `base_url` (e.g. `https://acme.kommo.com`) with a 20-second time limit.
    pub fn new(base_url: impl Into<String>, auth: Auth) -> Self {
        FetchTransport {
            base_url: base_url.into(),
            auth,
            timeout: Duration::from_secs(20),
        }
    }

    /// The same transport with another time limit.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends one request and reads the whole answer, aborting at the time limit.
    async fn fetch(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let url = format!(
            "{}{}",
            self.base_url.trim_end_matches('/'),
            req.path_and_query
        );
        let controller = AbortController::new()
            .map_err(|_| TransportError::Network("cannot create an AbortController".into()))?;
        let timed_out = Rc::new(Cell::new(false));
        // Kept alive until the body is read, so a stalled body also times out.
        let _timer = Timeout::start(self.timeout, {
            let controller = controller.clone();
            let timed_out = timed_out.clone();
            move || {
                timed_out.set(true);
                controller.abort();
            }
        });
        let mut builder = RequestBuilder::new(&url)
            .method(wire_method(req.method))
            .header("Accept", "application/hal+json, application/problem+json")
            .header("Content-Type", "application/json")
            .abort_signal(Some(&controller.signal()));
        if let Some((name, value)) = self.auth.header() {
            builder = builder.header(name, &value);
        }
        let request = match req.body {
            Some(body) => builder.body(body),
            None => builder.build(),
        }
        .map_err(|e| failure(&timed_out, e))?;
        let response = request.send().await.map_err(|e| failure(&timed_out, e))?;
        let headers = response.headers();
        let content_type = headers.get("content-type");
        let retry_after = headers.get("retry-after");
        let body = response
            .binary()
            .await
            .map_err(|e| failure(&timed_out, e))?;
        Ok(HttpResponse {
            status: response.status(),
            content_type,
            retry_after,
            body,
        })
    }
}

impl Transport for FetchTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(self.fetch(req))
    }
}

/// Real time from the page's clock, waits through `setTimeout`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserSleeper;

impl Sleeper for BrowserSleeper {
    fn now(&self) -> Duration {
        Duration::try_from_secs_f64(now_ms() / 1000.0).unwrap_or_default()
    }

    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'_, ()> {
        let ms = millis(duration);
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
            } else {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        });
        Box::pin(async move {
            let _ = JsFuture::from(promise).await;
        })
    }
}

/// A pending `setTimeout` that is cleared when dropped.
struct Timeout {
    /// Timer handle for `clearTimeout`.
    handle: Option<i32>,
    /// The callback, owned so it lives as long as the timer.
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    /// Runs `f` once after `after`, unless dropped first.
    fn start(after: Duration, f: impl FnMut() + 'static) -> Self {
        let callback = Closure::<dyn FnMut()>::new(f);
        let handle = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.as_ref().unchecked_ref(),
                millis(after),
            )
            .ok()
        });
        Timeout {
            handle,
            _callback: callback,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let (Some(handle), Some(window)) = (self.handle, web_sys::window()) {
            window.clear_timeout_with_handle(handle);
        }
    }
}

/// The transport error for a failed fetch: ours when our timer aborted it.
fn failure(timed_out: &Cell<bool>, error: gloo_net::Error) -> TransportError {
    if timed_out.get() {
        TransportError::Timeout
    } else {
        // The message comes from the browser ("Failed to fetch"); it never holds headers.
        TransportError::Network(error.to_string())
    }
}

/// gloo-net's name for a method.
fn wire_method(method: Method) -> WireMethod {
    match method {
        Method::Get => WireMethod::GET,
        Method::Post => WireMethod::POST,
        Method::Patch => WireMethod::PATCH,
        Method::Delete => WireMethod::DELETE,
    }
}

/// A duration in whole milliseconds for `setTimeout`, saturating.
fn millis(d: Duration) -> i32 {
    i32::try_from(d.as_millis()).unwrap_or(i32::MAX)
}

/// Milliseconds from `performance.now()` (monotonic), or `Date.now()` where it is missing.
fn now_ms() -> f64 {
    let global = js_sys::global();
    js_sys::Reflect::get(&global, &JsValue::from_str("performance"))
        .ok()
        .filter(|p| !p.is_undefined())
        .and_then(|perf| {
            let now = js_sys::Reflect::get(&perf, &JsValue::from_str("now")).ok()?;
            now.dyn_into::<js_sys::Function>()
                .ok()?
                .call0(&perf)
                .ok()?
                .as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}
