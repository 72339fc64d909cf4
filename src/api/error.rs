//! The one error type of the API layer and the problem details it keeps.

use crate::lenient;
use core::fmt;
use core::time::Duration;
use relay_contract::Reason;
use serde::Deserialize;

/// An RFC 7807 problem body (`application/problem+json`) as Kommo sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problem {
    /// Short summary, e.g. `Bad Request`.
    pub title: Option<String>,
    /// Problem type URI, e.g. `https://httpstatus.es/400`.
    pub kind: Option<String>,
    /// HTTP status the server put in the body.
    pub status: Option<u16>,
    /// Human-readable explanation.
    pub detail: Option<String>,
    /// Server trace id, worth quoting to Kommo's support.
    pub trace_id: Option<String>,
}

/// One validation error the server reported for a field; missing parts are empty.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FieldError {
    /// Server code, e.g. `NotSupportedChoice`, `InvalidType`, `FieldMissing`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub code: String,
    /// The field it concerns, e.g. `pipeline_id`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub path: String,
    /// The server's explanation.
    #[serde(default, deserialize_with = "lenient::string")]
    pub detail: String,
}

/// The validation errors of one request item, mapped back to its position in the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemErrors {
    /// The `request_id` the server echoed, if any.
    pub request_id: Option<String>,
    /// Index of the input item (`request_id` "3" is item 3); `None` when not tied to one.
    pub index: Option<usize>,
    /// The item's field errors.
    pub errors: Vec<FieldError>,
}

/// Why the integration's relay refused a call; Kommo itself never sends a `reason`, so only
/// relay answers become one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayRefusal {
    /// The account is not (or no longer) connected: the integration must be installed again.
    NotConnected,
    /// The user is not an administrator of the account.
    NotAdmin,
    /// Kommo's `X-Auth-Token` for this page was refused; the relay's reason code is kept.
    Token(String),
}

impl RelayRefusal {
    /// The refusal a relay's problem `reason` stands for, given the status it came with.
    ///
    /// Codes are read with the relay's own [`Reason`]; a 401 or 403 with a code this version
    /// does not know is still the relay's, and keeps its code for people to quote.
    pub fn from_reason(status: u16, reason: &str) -> Option<RelayRefusal> {
        match (status, Reason::parse(reason)) {
            (401 | 403, Some(Reason::NotConnected | Reason::NotInstalled)) => {
                Some(RelayRefusal::NotConnected)
            }
            (403, Some(Reason::NotAdmin)) => Some(RelayRefusal::NotAdmin),
            (401 | 403, _) if !reason.is_empty() => Some(RelayRefusal::Token(reason.to_owned())),
            _ => None,
        }
    }

    /// The HTTP status that carries this refusal.
    pub fn status(&self) -> u16 {
        match self {
            RelayRefusal::Token(_) => 401,
            RelayRefusal::NotConnected | RelayRefusal::NotAdmin => 403,
        }
    }

    /// The relay's reason code.
    pub fn reason(&self) -> &str {
        match self {
            RelayRefusal::NotConnected => Reason::NotConnected.as_str(),
            RelayRefusal::NotAdmin => Reason::NotAdmin.as_str(),
            RelayRefusal::Token(r) => r,
        }
    }
}

/// Everything that can go wrong with an API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 400/422: the server rejected the request's data; `items` holds per-item field errors.
    Validation {
        /// The problem body (boxed to keep `Result<_, ApiError>` small).
        problem: Box<Problem>,
        /// Field errors per input item.
        items: Vec<ItemErrors>,
    },
    /// 401: the token is missing, expired or revoked.
    Unauthorized,
    /// 402: the account's subscription does not allow API use.
    PaymentRequired,
    /// 403: no rights for this call, or the IP was blocked for exceeding the rate limit.
    Forbidden,
    /// 404: the source (or endpoint) does not exist.
    NotFound,
    /// 401/403 from the integration's relay (relay mode), with the reason it gave.
    Relay(RelayRefusal),
    /// 429: too many requests; wait `retry_after` when the server said how long.
    RateLimited {
        /// How long the server asked to wait.
        retry_after: Option<Duration>,
    },
    /// 5xx: the server failed.
    Server {
        /// HTTP status.
        status: u16,
        /// Server trace id, when the body carried one.
        trace_id: Option<String>,
        /// The server's explanation, when it gave one.
        detail: Option<String>,
    },
    /// Any other non-success status.
    Http {
        /// HTTP status.
        status: u16,
        /// The server's explanation, when it gave one.
        detail: Option<String>,
    },
    /// The request did not reach the server or its answer did not come back.
    Network(String),
    /// The server did not answer in time.
    Timeout,
    /// The answer could not be understood (bad JSON, wrong shape, wrong content type, empty).
    Decode(String),
}

impl ApiError {
    /// Whether the same request may succeed if sent again later.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::RateLimited { .. }
                | ApiError::Server { .. }
                | ApiError::Network(_)
                | ApiError::Timeout
        )
    }

    /// The HTTP status behind the error, when there was a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Validation { problem, .. } => problem.status.or(Some(400)),
            ApiError::Unauthorized => Some(401),
            ApiError::PaymentRequired => Some(402),
            ApiError::Forbidden => Some(403),
            ApiError::NotFound => Some(404),
            ApiError::Relay(r) => Some(r.status()),
            ApiError::RateLimited { .. } => Some(429),
            ApiError::Server { status, .. } | ApiError::Http { status, .. } => Some(*status),
            ApiError::Network(_) | ApiError::Timeout | ApiError::Decode(_) => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Validation { problem, items } => {
                f.write_str("the server rejected the data")?;
                if let Some(detail) = &problem.detail {
                    write!(f, ": {detail}")?;
                }
                let count: usize = items.iter().map(|i| i.errors.len()).sum();
                if count > 0 {
                    write!(f, " ({count} field error(s))")?;
                }
                Ok(())
            }
            ApiError::Unauthorized => {
                f.write_str("not authorized: the access token is missing, expired or revoked")
            }
            ApiError::PaymentRequired => {
                f.write_str("payment required: the account's plan does not allow this")
            }
            ApiError::Forbidden => f.write_str(
                "forbidden: no rights for this action, or too many requests blocked access",
            ),
            ApiError::NotFound => f.write_str("not found: the source no longer exists"),
            ApiError::Relay(r) => write!(f, "the integration's relay refused: {}", r.reason()),
            ApiError::RateLimited { retry_after } => {
                f.write_str("too many requests")?;
                if let Some(wait) = retry_after {
                    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                    write!(f, ": retry in {secs} s")?;
                }
                Ok(())
            }
            ApiError::Server {
                status,
                trace_id,
                detail,
            } => {
                write!(f, "server error {status}")?;
                if let Some(detail) = detail {
                    write!(f, ": {detail}")?;
                }
                if let Some(trace) = trace_id {
                    write!(f, " (trace id {trace})")?;
                }
                Ok(())
            }
            ApiError::Http { status, detail } => {
                write!(f, "request failed with status {status}")?;
                if let Some(detail) = detail {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            ApiError::Network(msg) => write!(f, "network error: {msg}"),
            ApiError::Timeout => f.write_str("the server did not answer in time"),
            ApiError::Decode(msg) => write!(f, "unexpected answer from the server: {msg}"),
        }
    }
}

impl core::error::Error for ApiError {}
