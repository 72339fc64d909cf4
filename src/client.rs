//! An async Sources API client over any [`Transport`]: throttled, retrying only what is safe.
//!
//! Requests are spaced so that at most [`Config::max_per_second`] start in any one-second
//! window (Kommo allows 7 per integration and blocks the IP on repeated excess). GET and
//! DELETE are retried on 429, 5xx and network failure with exponential backoff, waiting at
//! least as long as the server asked; POST and PATCH are never retried, since a lost answer
//! does not mean the change was not made.
//!
//! ```
//! use kommo_sources_widget::api::{Call, Reply};
//! use kommo_sources_widget::client::Client;
//! use kommo_sources_widget::model::NewSource;
//! use kommo_sources_widget::transport::memory::{FakeClock, ScriptedTransport};
//! use kommo_sources_widget::transport::HttpResponse;
//!
//! // A scripted transport and a fake clock stand in for fetch and real time.
//! let transport = ScriptedTransport::new();
//! transport.push_response(HttpResponse::hal(200,
//!     r#"{"_embedded":{"sources":[{"id":7,"name":"Chat","external_id":"chat","request_id":"0"}]}}"#));
//! let client = Client::new(transport, FakeClock::new());
//!
//! let call = Call::Create(vec![NewSource::new("Chat", "chat")]);
//! let Reply::Sources(created) = pollster::block_on(client.call(&call))? else {
//!     unreachable!("a create answers with sources")
//! };
//! assert_eq!(created[0].id, 7);
//! # Ok::<(), kommo_sources_widget::api::ApiError>(())
//! ```
//!
//! In the widget the same client runs over `transport::fetch::FetchTransport` (gloo-net,
//! wasm32 only), which adds the origin and the credentials.

use crate::api::{self, ApiError, Call, Reply};
use crate::transport::{HttpRequest, HttpResponse, Sleeper, Transport, TransportError};
use std::cell::RefCell;
use std::time::Duration;

/// Throttling and retry settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Most requests started in any one-second window; 0 turns throttling off.
    pub max_per_second: u32,
    /// Most attempts for one GET or DELETE, the first one included.
    pub max_attempts: u32,
    /// Wait before the first retry; doubled for each further one.
    pub base_backoff: Duration,
    /// Longest wait the client accepts; a server asking for more gets its error returned.
    pub max_wait: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_per_second: 7,
            max_attempts: 3,
            base_backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(30),
        }
    }
}

/// The Sources API client.
pub struct Client<T: Transport, S: Sleeper> {
    /// What sends requests.
    transport: T,
    /// What tells time and waits.
    sleeper: S,
    /// Throttle and retry settings.
    config: Config,
    /// Start times reserved for the most recent requests, oldest first.
    /// (A `Vec`: it holds at most `max_per_second` items, and a ring buffer costs the
    /// bundle more code than shifting a few.)
    starts: RefCell<Vec<Duration>>,
}

impl<T: Transport, S: Sleeper> core::fmt::Debug for Client<T, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The transport may hold credentials: never print it.
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<T: Transport, S: Sleeper> Client<T, S> {
    /// A client with the default settings (7 requests per second, 3 attempts).
    pub fn new(transport: T, sleeper: S) -> Self {
        Self::with_config(transport, sleeper, Config::default())
    }

    /// A client with the given settings.
    pub fn with_config(transport: T, sleeper: S, config: Config) -> Self {
        Client {
            transport,
            sleeper,
            config,
            starts: RefCell::new(Vec::new()),
        }
    }

    /// The transport, e.g. to inspect a test transport's log.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The settings in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Makes `call`: sends its request, throttled and (for GET and DELETE) retried, and
    /// decodes the answer the way that endpoint answers.
    pub async fn call(&self, call: &Call) -> Result<Reply, ApiError> {
        if let Some(reply) = call.empty_reply() {
            return Ok(reply);
        }
        let response = self.send(call.request()).await?;
        call.decode(&response)
    }

    /// Sends a request, throttled and (for GET and DELETE) retried; only a missing
    /// response is an error here.
    async fn send(&self, http: HttpRequest) -> Result<HttpResponse, ApiError> {
        let req = &http;
        let retryable = req.method.is_idempotent();
        let mut attempt = 1;
        loop {
            // A plain function and one await here, not a nested `async fn`: one state less
            // in the one state machine every request runs through.
            if let Some(wait) = self.reserve_slot() {
                self.sleeper.sleep(wait).await;
            }
            let outcome = self.transport.send(http.clone()).await;
            let last = !retryable || attempt >= self.config.max_attempts.max(1);
            let backoff = self.backoff(attempt);
            let wait = match &outcome {
                Ok(resp) if resp.status == 429 => {
                    let asked = match api::decode_error(resp) {
                        ApiError::RateLimited { retry_after } => retry_after,
                        _ => None,
                    };
                    Some(asked.map_or(backoff, |a| a.max(backoff)))
                }
                Ok(resp) if (500..=599).contains(&resp.status) => Some(backoff),
                Ok(_) => None,
                Err(_) => Some(backoff),
            };
            match wait {
                Some(wait) if !last && wait <= self.config.max_wait => {
                    self.sleeper.sleep(wait).await;
                    attempt += 1;
                }
                _ => {
                    return outcome.map_err(|e| match e {
                        TransportError::Network(msg) => ApiError::Network(msg),
                        TransportError::Timeout => ApiError::Timeout,
                    })
                }
            }
        }
    }

    /// Wait before retry number `attempt` (1-based): the base, doubled per earlier retry.
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32 << (attempt.saturating_sub(1)).min(16);
        self.config
            .base_backoff
            .saturating_mul(factor)
            .min(self.config.max_wait)
    }

    /// Reserves the next free start slot so no window of one second holds more than the
    /// limit; returns how long to wait for it, if at all.
    fn reserve_slot(&self) -> Option<Duration> {
        let limit = self.config.max_per_second as usize;
        if limit == 0 {
            return None;
        }
        let now = self.sleeper.now();
        // The slot is reserved before waiting, so concurrent calls queue up behind each other.
        let slot = {
            let mut starts = self.starts.borrow_mut();
            let mut slot = now;
            if let Some(&last) = starts.last() {
                slot = slot.max(last);
            }
            if let Some(first) = starts.len().checked_sub(limit).and_then(|i| starts.get(i)) {
                slot = slot.max(first.saturating_add(Duration::from_secs(1)));
            }
            starts.push(slot);
            if let Some(extra) = starts.len().checked_sub(limit) {
                starts.drain(..extra);
            }
            slot
        };
        (slot > now).then(|| slot.saturating_sub(now))
    }
}
