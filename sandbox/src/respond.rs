//! Response builders: HAL success bodies, problem+json errors, 204.

use crate::rules::ItemErrors;
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

/// Media type of success bodies.
pub const HAL_JSON: &str = "application/hal+json";
/// Media type of error bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

fn with_type(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// A success body as `application/hal+json`.
pub fn hal(status: StatusCode, body: &Value) -> Response {
    with_type(status, HAL_JSON, body.to_string().into_bytes())
}

/// A plain JSON body, for the `/__sandbox` control routes.
pub fn json(status: StatusCode, body: &Value) -> Response {
    with_type(status, "application/json", body.to_string().into_bytes())
}

/// 204 with an empty body.
pub fn no_content() -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::NO_CONTENT;
    r
}

/// The common fields of a problem body.
fn problem_body(status: StatusCode, detail: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "title".into(),
        Value::String(status.canonical_reason().unwrap_or("Error").to_string()),
    );
    m.insert(
        "type".into(),
        Value::String(format!("https://httpstatus.es/{}", status.as_u16())),
    );
    m.insert("status".into(), json!(status.as_u16()));
    m.insert("detail".into(), Value::String(detail.to_string()));
    m
}

/// An error as `application/problem+json`.
pub fn problem(status: StatusCode, detail: &str) -> Response {
    problem_with(status, problem_body(status, detail))
}

/// An error body built by the caller (extra fields such as `retry_after`).
pub fn problem_with(status: StatusCode, body: Map<String, Value>) -> Response {
    with_type(
        status,
        PROBLEM_JSON,
        Value::Object(body).to_string().into_bytes(),
    )
}

/// A 400 with `validation-errors` grouped by request_id.
pub fn validation(items: &[ItemErrors]) -> Response {
    let status = StatusCode::BAD_REQUEST;
    let mut body = problem_body(status, "Request validation failed");
    let groups: Vec<Value> = items
        .iter()
        .map(|g| {
            json!({
                "request_id": g.request_id,
                "errors": g.errors.iter().map(|e| json!({
                    "code": e.code, "path": e.path, "detail": e.detail,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    body.insert("validation-errors".into(), Value::Array(groups));
    problem_with(status, body)
}

/// A 429 with `Retry-After` and `retry_after`.
pub fn too_many_requests(retry_after: u64) -> Response {
    let status = StatusCode::TOO_MANY_REQUESTS;
    let mut body = problem_body(status, "Too many requests per second for this integration");
    body.insert("retry_after".into(), json!(retry_after));
    let mut r = problem_with(status, body);
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    r
}
