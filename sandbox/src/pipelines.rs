//! The account's pipelines and their stages, as Kommo's leads pipelines reference serves them:
//! the list, one pipeline, a pipeline's statuses and one status.

use crate::app::App;
use crate::model::{pipeline, Pipeline, PIPELINES};
use crate::request::{base_url, whole_number};
use crate::respond::{hal, problem};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;
use std::sync::Arc;

/// The pipelines routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/v4/leads/pipelines", get(list))
        .route("/api/v4/leads/pipelines/{id}", get(one))
        .route("/api/v4/leads/pipelines/{id}/statuses", get(statuses))
        .route(
            "/api/v4/leads/pipelines/{id}/statuses/{status_id}",
            get(status),
        )
}

/// Checks the caller, then answers `f`'s value as HAL, or its refusal.
fn answer(
    app: &App,
    headers: &HeaderMap,
    f: impl FnOnce(&str) -> Result<serde_json::Value, Response>,
) -> Response {
    if let Err(r) = app.authorize(headers) {
        return r;
    }
    match f(&base_url(headers)) {
        Ok(v) => hal(StatusCode::OK, &v),
        Err(r) => r,
    }
}

/// The pipeline a path names: its id is digits only and known (archived ones included).
fn named(raw: &str) -> Result<&'static Pipeline, Response> {
    whole_number(raw)
        .and_then(pipeline)
        .ok_or_else(|| problem(StatusCode::NOT_FOUND, "Pipeline not found"))
}

async fn list(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    answer(&app, &headers, |base| {
        Ok(json!({
            "_total_items": PIPELINES.len(),
            "_links": {"self": {"href": format!("{base}/api/v4/leads/pipelines")}},
            "_embedded": {"pipelines": PIPELINES.iter().map(|p| p.to_hal(base)).collect::<Vec<_>>()},
        }))
    })
}

async fn one(State(app): State<Arc<App>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    answer(&app, &headers, |base| Ok(named(&id)?.to_hal(base)))
}

async fn statuses(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    answer(&app, &headers, |base| {
        let p = named(&id)?;
        Ok(json!({
            "_total_items": p.statuses.len(),
            "_links": {"self": {"href": format!("{base}/api/v4/leads/pipelines/{}/statuses", p.id)}},
            "_embedded": {"statuses": p.statuses_hal(base)},
        }))
    })
}

async fn status(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((id, status_id)): Path<(String, String)>,
) -> Response {
    answer(&app, &headers, |base| {
        let p = named(&id)?;
        whole_number(&status_id)
            .and_then(|s| p.statuses_hal(base).into_iter().find(|v| v["id"] == s))
            .ok_or_else(|| problem(StatusCode::NOT_FOUND, "Status not found"))
    })
}
