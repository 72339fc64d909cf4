//! The forwarded routes: the Sources API, the pipelines list, and the leads the widget's
//! traffic report reads and its test lead creates; nothing else.

use crate::app::App;
use crate::auth::verify;
use crate::problem::{not_found, Problem};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Largest request body forwarded.
pub const MAX_BODY: usize = 1 << 20;

/// Whether `method path` is one the relay forwards.
pub fn forwarded(method: &Method, path: &str) -> bool {
    let sources = matches!(
        *method,
        Method::GET | Method::POST | Method::PATCH | Method::DELETE
    );
    let get = *method == Method::GET;
    match path {
        "/api/v4/sources" => sources,
        "/api/v4/leads/pipelines" | "/api/v4/leads" => get,
        "/api/v4/leads/complex" => *method == Method::POST,
        _ => {
            (is_id(path.strip_prefix("/api/v4/sources/")) && sources)
                || (is_id(path.strip_prefix("/api/v4/leads/")) && get)
        }
    }
}

/// Whether a path's last part is an entity id: digits only, not too many.
fn is_id(tail: Option<&str>) -> bool {
    tail.is_some_and(|id| {
        !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Checks the caller, then forwards the request to its account and answers as Kommo did.
pub async fn proxy(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !forwarded(&method, uri.path()) {
        return not_found().await.into_response();
    }
    match forward(&app, method, &uri, &headers, body).await {
        Ok(r) => r,
        Err(p) => p.into_response(),
    }
}

async fn forward(
    app: &App,
    method: Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let too_large = || {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "The request body is larger than 1 MiB",
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let caller = verify(app, headers).await?;
    app.require_admin(&caller).await?;
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| too_large())?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    let body = (!bytes.is_empty()).then_some((content_type, bytes));
    let path_and_query = uri
        .path_and_query()
        .map_or(uri.path(), |p| p.as_str())
        .to_string();
    let (answer, access) = app
        .upstream
        .call(&caller.installation, method, &path_and_query, body)
        .await?;
    let mut r = Response::new(Body::from(redact(answer.body, access.expose())));
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
    fn only_the_sources_api_pipelines_and_the_widgets_lead_calls_are_forwarded() {
        for (m, p) in [
            (Method::GET, "/api/v4/sources"),
            (Method::POST, "/api/v4/sources"),
            (Method::PATCH, "/api/v4/sources"),
            (Method::DELETE, "/api/v4/sources"),
            (Method::GET, "/api/v4/sources/17"),
            (Method::PATCH, "/api/v4/sources/17"),
            (Method::DELETE, "/api/v4/sources/17"),
            (Method::GET, "/api/v4/leads/pipelines"),
            (Method::GET, "/api/v4/leads"),
            (Method::GET, "/api/v4/leads/901"),
            (Method::POST, "/api/v4/leads/complex"),
        ] {
            assert!(forwarded(&m, p), "{m} {p}");
        }
        for (m, p) in [
            (Method::PUT, "/api/v4/sources"),
            (Method::POST, "/api/v4/leads/pipelines"),
            (Method::POST, "/api/v4/leads"),
            (Method::PATCH, "/api/v4/leads"),
            (Method::DELETE, "/api/v4/leads/901"),
            (Method::GET, "/api/v4/leads/complex"),
            (Method::GET, "/api/v4/leads/x"),
            (Method::GET, "/api/v4/account"),
            (Method::GET, "/api/v4/users/1"),
            (Method::GET, "/api/v4/sources/"),
            (Method::GET, "/api/v4/sources/x"),
            (Method::GET, "/api/v4/sources/1/2"),
            (Method::GET, "/api/v4/sources/../account"),
            (Method::GET, "/api/v4/sources/%31"),
            (Method::GET, "/oauth2/access_token"),
        ] {
            assert!(!forwarded(&m, p), "{m} {p}");
        }
    }

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
