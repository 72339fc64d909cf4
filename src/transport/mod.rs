//! What carries API requests: the [`Transport`] and [`Sleeper`] traits, their wire types and
//! in-memory implementations for tests ([`memory`]). In the widget the host page's `request`
//! function is the transport (`web::js`): it adds origin and credentials, so no token ever
//! enters the wasm.
//!
//! The traits return boxed futures without `Send`: in the browser everything runs on one
//! thread and JS futures are not `Send`.

#[cfg(target_arch = "wasm32")]
pub mod fetch;
pub mod memory;
pub mod redact;

use crate::api::Method;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::time::Duration;

/// A boxed future that need not be `Send` (wasm futures are not).
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A request as it goes on the wire; the transport adds origin and credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// HTTP method.
    pub method: Method,
    /// Path and encoded query, e.g. `/api/v4/sources?filter%5Bexternal_id%5D=a`.
    pub path_and_query: String,
    /// JSON body text.
    pub body: Option<String>,
}

/// A response as it came off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` header.
    pub content_type: Option<String>,
    /// `Retry-After` header.
    pub retry_after: Option<String>,
    /// Raw body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with a body of the given content type.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            content_type: Some(content_type.to_owned()),
            retry_after: None,
            body: body.into(),
        }
    }

    /// A success answer with a HAL JSON body.
    pub fn hal(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, "application/hal+json", body)
    }

    /// An error answer with a problem+json body.
    pub fn problem(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, "application/problem+json", body)
    }

    /// An answer without a body, such as 204.
    pub fn empty(status: u16) -> Self {
        HttpResponse {
            status,
            content_type: None,
            retry_after: None,
            body: Vec::new(),
        }
    }

    /// The same response with a `Retry-After` header.
    pub fn with_retry_after(mut self, value: &str) -> Self {
        self.retry_after = Some(value.to_owned());
        self
    }
}

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The connection failed (offline, DNS, CORS, refused).
    Network(String),
    /// No answer within the transport's time limit.
    Timeout,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Network(msg) => write!(f, "network error: {msg}"),
            TransportError::Timeout => f.write_str("timed out"),
        }
    }
}

impl core::error::Error for TransportError {}

/// Sends one HTTP request and returns the response, whatever its status.
pub trait Transport {
    /// Sends `req`; only a missing response is an error.
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>>;
}

/// A clock that can also wait: real time in the browser, fake time in tests.
pub trait Sleeper {
    /// Time elapsed since an arbitrary fixed start.
    fn now(&self) -> Duration;
    /// Completes after `duration`.
    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'_, ()>;
}

impl<T: Transport + ?Sized> Transport for std::rc::Rc<T> {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        (**self).send(req)
    }
}

impl<T: Transport + ?Sized> Transport for &T {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        (**self).send(req)
    }
}

impl<S: Sleeper + ?Sized> Sleeper for std::rc::Rc<S> {
    fn now(&self) -> Duration {
        (**self).now()
    }

    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'_, ()> {
        (**self).sleep(duration)
    }
}

impl<S: Sleeper + ?Sized> Sleeper for &S {
    fn now(&self) -> Duration {
        (**self).now()
    }

    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'_, ()> {
        (**self).sleep(duration)
    }
}
