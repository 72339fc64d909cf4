//! The `/__sandbox/...` control routes used by tests (no auth; loopback clients only).

use crate::app::App;
use crate::faults::{DelayRule, FaultRule, MAX_DELAY_MS};
use crate::request::parse_as;
use crate::respond::{json, problem};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use serde_json::{json as j, Value};
use std::sync::Arc;

/// The control routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/healthz",
            get(|| async { json(StatusCode::OK, &j!({"status": "ok"})) }),
        )
        .route("/__sandbox/delay", post(add_delay).delete(clear_delays))
        .route(
            "/__sandbox/faults",
            get(list_rules).post(add_fault).delete(clear_faults),
        )
        .route("/__sandbox/reset", post(reset))
        .route("/__sandbox/counters", get(counters).delete(clear_counters))
        .route(
            "/__sandbox/leads",
            post(crate::leads::control::add).delete(crate::leads::control::clear),
        )
}

async fn parse<T: DeserializeOwned>(body: Body) -> Result<T, Response> {
    parse_as(body, "rule").await
}

async fn add_delay(State(app): State<Arc<App>>, body: Body) -> Response {
    let rule: DelayRule = match parse(body).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    if rule.ms > MAX_DELAY_MS || rule.count == Some(0) {
        return problem(
            StatusCode::BAD_REQUEST,
            &format!("ms must be at most {MAX_DELAY_MS} and count at least 1"),
        );
    }
    let echo = serde_json::to_value(&rule).unwrap_or(Value::Null);
    app.faults().add_delay(rule);
    json(StatusCode::OK, &echo)
}

async fn add_fault(State(app): State<Arc<App>>, body: Body) -> Response {
    let rule: FaultRule = match parse(body).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    if let Err(detail) = check_fault(&rule) {
        return problem(StatusCode::BAD_REQUEST, &detail);
    }
    let echo = serde_json::to_value(&rule).unwrap_or(Value::Null);
    app.faults().add_fault(rule);
    json(StatusCode::OK, &echo)
}

fn check_fault(rule: &FaultRule) -> Result<(), String> {
    if rule.count == 0 {
        return Err("count must be at least 1".into());
    }
    if !(100..=599).contains(&rule.status) {
        return Err("status must be between 100 and 599".into());
    }
    if rule.body.is_some() && rule.json.is_some() {
        return Err("give body or json, not both".into());
    }
    for (k, v) in &rule.headers {
        HeaderName::try_from(k.as_str()).map_err(|_| format!("bad header name {k:?}"))?;
        HeaderValue::try_from(v.as_str()).map_err(|_| format!("bad header value for {k}"))?;
    }
    if let Some(ct) = &rule.content_type {
        HeaderValue::try_from(ct.as_str()).map_err(|_| "bad content_type".to_string())?;
    }
    Ok(())
}

async fn list_rules(State(app): State<Arc<App>>) -> Response {
    let faults = app.faults();
    let (delays, rules) = faults.rules();
    json(StatusCode::OK, &j!({"delays": delays, "faults": rules}))
}

async fn clear_delays(State(app): State<Arc<App>>) -> Response {
    app.faults().clear_delays();
    json(StatusCode::OK, &j!({"delays": []}))
}

async fn clear_faults(State(app): State<Arc<App>>) -> Response {
    app.faults().clear_faults();
    json(StatusCode::OK, &j!({"faults": []}))
}

async fn reset(State(app): State<Arc<App>>) -> Response {
    match app.reset() {
        Ok(()) => json(StatusCode::OK, &j!({"reset": true})),
        Err(r) => r,
    }
}

async fn counters(State(app): State<Arc<App>>) -> Response {
    let body = serde_json::to_value(app.faults().counters()).unwrap_or(Value::Null);
    json(StatusCode::OK, &body)
}

async fn clear_counters(State(app): State<Arc<App>>) -> Response {
    app.faults().clear_counters();
    json(StatusCode::OK, &j!({}))
}
