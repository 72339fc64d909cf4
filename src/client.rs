//! An async Sources API client over any [`Transport`]: throttled, retrying only what is safe.
//!
//! Requests are spaced so that at most [`Config::max_per_second`] start in any one-second
//! window (Kommo allows 7 per integration and blocks the IP on repeated excess). GET and
//! DELETE are retried on 429, 5xx and network failure with exponential backoff, waiting at
//! least as long as the server asked; POST and PATCH are never retried, since a lost answer
//! does not mean the change was not made.
//!
//! ```
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
//! let created = pollster::block_on(client.add_sources(&[NewSource::new("Chat", "chat")]))?;
//! assert_eq!(created[0].id, 7);
//! # Ok::<(), kommo_sources_widget::api::ApiError>(())
//! ```
//!
//! In the widget the same client runs over the host page's `request` function
//! (`web::js::JsTransport`, wasm32 only), which adds origin and credentials.

use crate::api::{self, wire, ApiError, ApiRequest, Method};
use crate::model::{Account, NewSource, Pipeline, Source, SourcePatch};
use crate::transport::{HttpRequest, HttpResponse, Sleeper, Transport, TransportError};
use core::cell::RefCell;
use core::time::Duration;

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

    /// Every source of the integration.
    pub async fn list_sources(&self) -> Result<Vec<Source>, ApiError> {
        let r = self.send_get(api::SOURCES_PATH.to_owned()).await?;
        api::decode_sources(r.status, ct(&r), ra(&r), &r.body)
    }

    /// The sources with these external ids (all sources when the list is empty).
    pub async fn find_sources<I: AsRef<str>>(
        &self,
        external_ids: &[I],
    ) -> Result<Vec<Source>, ApiError> {
        let r = self.send_get(api::find_path(external_ids)).await?;
        api::decode_sources(r.status, ct(&r), ra(&r), &r.body)
    }

    /// One source; `None` when it no longer exists (204).
    pub async fn get_source(&self, id: u64) -> Result<Option<Source>, ApiError> {
        let r = self.send_get(api::source_path(id)).await?;
        api::decode_source(r.status, ct(&r), ra(&r), &r.body)
    }

    /// Creates sources; each result's `request_id` is the index of its input item.
    ///
    /// An empty batch sends nothing (the server would reject it as empty).
    pub async fn add_sources(&self, items: &[NewSource]) -> Result<Vec<Source>, ApiError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let body = wire::new_sources_body(items);
        let r = self
            .send_http(http(Method::Post, api::SOURCES_PATH, body))
            .await?;
        api::decode_sources(r.status, ct(&r), ra(&r), &r.body)
    }

    /// Updates several sources, sending only the fields each patch sets; empty sends nothing.
    pub async fn update_sources(&self, patches: &[SourcePatch]) -> Result<Vec<Source>, ApiError> {
        if patches.is_empty() {
            return Ok(Vec::new());
        }
        let body = wire::patches_body(patches);
        let r = self
            .send_http(http(Method::Patch, api::SOURCES_PATH, body))
            .await?;
        api::decode_sources(r.status, ct(&r), ra(&r), &r.body)
    }

    /// Updates one source; `None` when the server answered without a body.
    pub async fn update_source(&self, patch: &SourcePatch) -> Result<Option<Source>, ApiError> {
        let path = api::source_path(patch.id);
        let r = self
            .send_http(http(Method::Patch, &path, wire::patch_body(patch)))
            .await?;
        api::decode_source(r.status, ct(&r), ra(&r), &r.body)
    }

    /// Deletes several sources; an empty list sends nothing.
    pub async fn delete_sources(&self, ids: &[u64]) -> Result<(), ApiError> {
        if ids.is_empty() {
            return Ok(());
        }
        let body = wire::delete_body(ids);
        let r = self
            .send_http(http(Method::Delete, api::SOURCES_PATH, body))
            .await?;
        api::decode_deleted(r.status, ct(&r), ra(&r), &r.body)
    }

    /// Deletes one source.
    pub async fn delete_source(&self, id: u64) -> Result<(), ApiError> {
        let r = self
            .send_http(HttpRequest {
                method: Method::Delete,
                path_and_query: api::source_path(id),
                body: None,
            })
            .await?;
        api::decode_deleted(r.status, ct(&r), ra(&r), &r.body)
    }

    /// The account's lead pipelines.
    pub async fn list_pipelines(&self) -> Result<Vec<Pipeline>, ApiError> {
        let r = self.send_get(api::PIPELINES_PATH.to_owned()).await?;
        api::decode_pipelines(r.status, ct(&r), ra(&r), &r.body)
    }

    /// The current account.
    pub async fn get_account(&self) -> Result<Account, ApiError> {
        let r = self.send_get(api::ACCOUNT_PATH.to_owned()).await?;
        api::decode_account(r.status, ct(&r), ra(&r), &r.body)
    }

    /// Sends any request, throttled and (for GET and DELETE) retried; the response is not decoded.
    ///
    /// Only a missing response is an error here; pass the response to an `api::decode_*`.
    pub async fn send(&self, req: &ApiRequest) -> Result<HttpResponse, ApiError> {
        self.send_http(HttpRequest {
            method: req.method,
            path_and_query: req.path_and_query(),
            body: req.body.clone(),
        })
        .await
    }

    /// Sends a GET of `path_and_query` without building an [`ApiRequest`].
    async fn send_get(&self, path_and_query: String) -> Result<HttpResponse, ApiError> {
        self.send_http(HttpRequest {
            method: Method::Get,
            path_and_query,
            body: None,
        })
        .await
    }

    /// Sends a request already in wire form, throttled and (for GET and DELETE) retried.
    ///
    /// With the paths of [`api`] and the bodies of [`wire`], a caller that dispatches many
    /// kinds of calls can await this one future and decode afterwards, which keeps a single
    /// state machine in the bundle instead of one per typed method.
    pub async fn send_http(&self, http: HttpRequest) -> Result<HttpResponse, ApiError> {
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
                    let asked = match api::decode_error(429, ct(resp), ra(resp), &resp.body) {
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

/// A request with a JSON body written by the [`wire`] encoders.
fn http(method: Method, path: &str, body: String) -> HttpRequest {
    HttpRequest {
        method,
        path_and_query: path.to_owned(),
        body: Some(body),
    }
}

/// The response's content type.
fn ct(r: &HttpResponse) -> Option<&str> {
    r.content_type.as_deref()
}

/// The response's `Retry-After` header.
fn ra(r: &HttpResponse) -> Option<&str> {
    r.retry_after.as_deref()
}
