//! Refusals as `application/problem+json`, each with a short machine-readable `reason` from
//! the contract the widget reads. The named refusals are constructors on [`Problem`], in
//! `refusals.rs`.

use axum::body::Body;
use axum::extract::rejection::BytesRejection;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use relay_contract::Reason;
use serde_json::{json, Value};

/// Media type of every refusal.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A refusal: status, a short reason code, and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The HTTP status.
    pub status: StatusCode,
    /// A short code a client can branch on, e.g. [`Reason::Replayed`].
    pub reason: Reason,
    /// What happened and what to do, for people.
    pub detail: String,
    /// Seconds to wait, sent as `Retry-After` and `retry_after`.
    pub retry_after: Option<u64>,
}

impl Problem {
    /// A refusal with this status, reason and detail.
    pub fn new(status: StatusCode, reason: Reason, detail: impl Into<String>) -> Problem {
        Problem {
            status,
            reason,
            detail: detail.into(),
            retry_after: None,
        }
    }

    /// 401: the caller is not who it must be.
    pub fn unauthorized(reason: Reason, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::UNAUTHORIZED, reason, detail)
    }

    /// 403: the caller is known but may not do this.
    pub fn forbidden(reason: Reason, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, reason, detail)
    }

    /// 400: the request itself cannot be used.
    pub fn bad_request(reason: Reason, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, reason, detail)
    }

    /// Asks the client to wait this many seconds.
    pub fn retry_after(mut self, secs: u64) -> Problem {
        self.retry_after = Some(secs);
        self
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "type": format!("https://httpstatus.es/{}", self.status.as_u16()),
            "title": self.status.canonical_reason().unwrap_or("Error"),
            "status": self.status.as_u16(),
            "detail": self.detail,
            "reason": self.reason.as_str(),
        });
        if let Some(secs) = self.retry_after {
            body["retry_after"] = json!(secs);
        }
        body
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        // Every refusal becomes a response here, and only here: one place to count them.
        crate::metrics::refusal(self.reason.as_str());
        let mut r = Response::new(Body::from(self.body().to_string()));
        *r.status_mut() = self.status;
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = self.retry_after {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        r
    }
}

/// A body that could not be read whole: over the limit `DefaultBodyLimit` sets, or cut off
/// on the way, it is refused the same, as before any of it is forwarded.
impl From<BytesRejection> for Problem {
    fn from(_: BytesRejection) -> Problem {
        Problem::too_large()
    }
}

/// 404 for every route the relay does not serve.
pub async fn not_found() -> Problem {
    Problem::not_found()
}
