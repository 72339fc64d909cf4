//! Direct mode: requests to the account's own origin through the browser's fetch (gloo-net),
//! with the integration's long-lived token as a Bearer credential.
//!
//! The token lives here and nowhere else in the wasm: it is never put in a URL, and any
//! server text that echoes it back is redacted before the UI can show it.

use super::redact::redact;
use super::{HttpRequest, HttpResponse, LocalBoxFuture, Sleeper, Transport, TransportError};
use crate::http::Method;
use gloo_net::http::{Method as GlooMethod, RequestBuilder};
use std::time::Duration;
use web_sys::{AbortController, HtmlInputElement};

/// How long a request may take before it is aborted and reported as a timeout.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// Where the Bearer token comes from.
pub enum Token {
    /// The token saved in the widget's settings.
    Saved(String),
    /// The settings modal's token field, so a token pasted but not yet saved can be tested;
    /// the saved token when the field is empty.
    Field(HtmlInputElement, String),
}

impl Token {
    /// The token to send now; `None` when there is none.
    fn current(&self) -> Option<String> {
        let t = match self {
            Token::Saved(t) => t.clone(),
            Token::Field(input, saved) => {
                let typed = input.value();
                if typed.trim().is_empty() {
                    saved.clone()
                } else {
                    typed
                }
            }
        };
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_owned())
    }
}

/// Sends requests with `fetch` to `origin` (e.g. `https://acme.kommo.com`).
pub struct FetchTransport {
    origin: String,
    token: Token,
}

impl FetchTransport {
    /// A transport to `origin` authenticated with `token`.
    pub fn new(origin: impl Into<String>, token: Token) -> Self {
        FetchTransport {
            origin: origin.into().trim_end_matches('/').to_owned(),
            token,
        }
    }

    async fn fetch(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let url = format!("{}{}", self.origin, req.path_and_query);
        let method = match req.method {
            Method::Get => GlooMethod::GET,
            Method::Post => GlooMethod::POST,
            Method::Patch => GlooMethod::PATCH,
            Method::Delete => GlooMethod::DELETE,
        };
        let abort = AbortController::new()
            .map_err(|_| TransportError::Network("AbortController is not available".into()))?;
        let mut builder = RequestBuilder::new(&url)
            .method(method)
            .header(
                "Accept",
                "application/hal+json, application/problem+json, application/json",
            )
            .credentials(web_sys::RequestCredentials::Omit)
            .cache(web_sys::RequestCache::NoStore)
            .abort_signal(Some(&abort.signal()));
        let token = self.token.current();
        if let Some(t) = &token {
            builder = builder.header("Authorization", &format!("Bearer {t}"));
        }
        let request = match req.body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(body),
            None => builder.build(),
        }
        .map_err(network)?;
        let timer = {
            let abort = abort.clone();
            gloo_timers::callback::Timeout::new(TIMEOUT.as_millis() as u32, move || abort.abort())
        };
        let outcome = async {
            let resp = request.send().await?;
            let body = resp.binary().await?;
            Ok::<_, gloo_net::Error>((resp, body))
        }
        .await;
        drop(timer);
        let (resp, body) = outcome.map_err(|e| match &e {
            gloo_net::Error::JsError(js) if js.name == "AbortError" => TransportError::Timeout,
            _ => network(e),
        })?;
        let header = |name: &str| resp.headers().get(name).filter(|v| !v.is_empty());
        let mut response = HttpResponse {
            status: resp.status(),
            content_type: header("Content-Type"),
            retry_after: header("Retry-After"),
            body,
        };
        if let Some(t) = &token {
            redact(&mut response.body, t);
        }
        Ok(response)
    }
}

impl Transport for FetchTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(self.fetch(req))
    }
}

fn network(e: impl std::fmt::Display) -> TransportError {
    TransportError::Network(e.to_string())
}

/// Real time from `performance.now()`, waits with `setTimeout`.
pub struct BrowserClock;

impl Sleeper for BrowserClock {
    fn now(&self) -> Duration {
        let ms = web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now());
        Duration::from_micros((ms * 1000.0) as u64)
    }

    fn sleep(&self, d: Duration) -> LocalBoxFuture<'_, ()> {
        Box::pin(gloo_timers::future::sleep(d))
    }
}
