//! The forwarded routes: the Sources API, the pipelines list, and the leads the widget's
//! traffic report reads and its test lead creates; nothing else. Which method and path are
//! forwarded is the contract's [`relay_contract::ROUTES`], shared with the widget.

use crate::app::App;
use crate::auth::Caller;
use crate::history::Watch;
use crate::problem::Problem;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::Response;
use std::sync::Arc;

/// Largest request body forwarded; `DefaultBodyLimit` holds the body extractor to it.
pub const MAX_BODY: usize = 1 << 20;

/// The method and path (with its query) of a request the relay forwards. Extracted before
/// the caller, so that anything else is a 404 whatever its token, and no token is spent on it.
pub struct Forwarded {
    /// The method, sent to Kommo as it came.
    pub method: Method,
    /// The path and query, sent to Kommo as they came (undecoded).
    pub path_and_query: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Forwarded {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Forwarded, Problem> {
        let uri = &parts.uri;
        if relay_contract::forwarded(parts.method.as_str(), uri.path()) {
            Ok(Forwarded {
                method: parts.method.clone(),
                path_and_query: uri
                    .path_and_query()
                    .map_or(uri.path(), |p| p.as_str())
                    .to_owned(),
            })
        } else {
            Err(Problem::not_found())
        }
    }
}

/// A request whose declared `Content-Length` is within [`MAX_BODY`]. Extracted before the
/// caller, so that a body that is refused anyway does not spend a token or ask Kommo about
/// its user; a body without a declared length is held to the limit as it is read.
pub struct DeclaredFits;

impl<S: Send + Sync> FromRequestParts<S> for DeclaredFits {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<DeclaredFits, Problem> {
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > MAX_BODY as u64) {
            Err(Problem::too_large())
        } else {
            Ok(DeclaredFits)
        }
    }
}

/// Forwards an administrator's request to its account and answers as Kommo did.
/// The extractors run in the order of the checks: route, declared size, caller, then the body.
pub async fn proxy(
    State(app): State<Arc<App>>,
    route: Forwarded,
    _: DeclaredFits,
    caller: Caller,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let bytes = body?;
    let watch = Watch::start(&app, &caller, &route.method, &route.path_and_query, &bytes).await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    let body = (!bytes.is_empty()).then_some((content_type, bytes));
    let (answer, access) = app
        .upstream
        .call(
            &caller.installation,
            route.method,
            &route.path_and_query,
            body,
        )
        .await?;
    let forwarded = redact(answer.body, access.expose());
    if let Some(watch) = watch {
        watch.finish(&app, &caller, answer.status, &forwarded).await;
    }
    let mut r = Response::new(Body::from(forwarded));
    *r.status_mut() = answer.status;
    for name in [header::CONTENT_TYPE, header::RETRY_AFTER] {
        if let Some(v) = answer.headers.get(&name) {
            r.headers_mut().insert(name, v.clone());
        }
    }
    // An account's sources are read fresh every time: no browser or proxy keeps a copy.
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// The body with every copy of the access token cut out; Kommo never echoes it, and if it
/// ever did, it would not reach a browser.
fn redact(body: Bytes, token: &str) -> Bytes {
    let needle = token.as_bytes();
    if needle.len() < 8 || !body.windows(needle.len()).any(|w| w == needle) {
        return body;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with(needle) {
            out.extend_from_slice(b"[redacted]");
            i += needle.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_in_an_answer_is_cut_out() {
        let body = Bytes::from_static(b"{\"echo\":\"Bearer secret-token-1\"}");
        assert_eq!(
            &redact(body, "secret-token-1")[..],
            b"{\"echo\":\"Bearer [redacted]\"}"
        );
        let plain = Bytes::from_static(b"{}");
        assert_eq!(redact(plain.clone(), "secret-token-1"), plain);
    }
}
