//! What carries API requests: the [`Transport`] and [`Sleeper`] traits and their wire types.
//! In the browser [`fetch`] sends them with gloo-net (direct mode) and [`relay`] through the
//! host's `$authorizedAjax` to the integration's relay; tests script answers with `memory`
//! (behind `cfg(test)` or the `test-support` feature).
//!
//! The traits return boxed futures without `Send`: in the browser everything runs on one
//! thread and JS futures are not `Send`.

#[cfg(target_arch = "wasm32")]
pub mod fetch;
#[cfg(any(test, feature = "test-support"))]
pub mod memory;
pub mod redact;
#[cfg(target_arch = "wasm32")]
pub mod relay;

pub use crate::http::{HttpRequest, HttpResponse};
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::time::Duration;

/// A boxed future that need not be `Send` (wasm futures are not).
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

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
