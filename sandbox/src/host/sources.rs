//! `GET /__sandbox/host/sources?pipeline_id=N[&since=V]`: the sources of the widget's
//! integration (its saved token's, or the OAuth integration's in relay mode) in one pipeline, which Digital Pipeline shows in its settings. The page asks
//! again with the `version` it got as `since`, and that answer waits for the next change.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::state::HostState;
use crate::app::App;
use crate::respond::problem;

/// How long a request with `since` waits for a change before it answers with what is there.
const LONG_POLL: Duration = Duration::from_secs(25);

/// The query: both values as text, so that a bad one is refused with a reason.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesQuery {
    pipeline_id: Option<String>,
    since: Option<String>,
}

/// One source as the page shows it.
#[derive(Debug, Serialize)]
struct Shown {
    id: u64,
    name: String,
    external_id: String,
    default: bool,
    origin_code: Option<String>,
}

/// The answer: the pipeline's sources and the change count they were read at.
#[derive(Debug, Serialize)]
struct Listing {
    pipeline_id: u64,
    version: u64,
    /// Whether the widget's integration is known: its saved token is one of the sandbox's
    /// integrations, or, without a token, the sandbox has an OAuth integration.
    known: bool,
    sources: Vec<Shown>,
}

/// A whole number above zero, or why not.
fn positive(name: &str, text: &str) -> Result<u64, Response> {
    match text.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(problem(
            StatusCode::BAD_REQUEST,
            &format!("{name} must be a whole number above zero, not {text:?}"),
        )),
    }
}

/// The handler.
pub async fn get(
    State(host): State<HostState>,
    State(app): State<Arc<App>>,
    query: Result<Query<SourcesQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return problem(
            StatusCode::BAD_REQUEST,
            "the query takes pipeline_id (required) and since (optional), nothing else",
        );
    };
    let Some(pipeline) = query.pipeline_id.as_deref() else {
        return problem(StatusCode::BAD_REQUEST, "pipeline_id is required");
    };
    let pipeline = match positive("pipeline_id", pipeline) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let since = match query.since.as_deref().map(|s| s.trim().parse::<u64>()) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "since must be the version of an earlier answer",
            )
        }
    };
    let mut changes = app.changes();
    if since.is_some_and(|v| v == *changes.borrow_and_update()) {
        let _ = tokio::time::timeout(LONG_POLL, changes.changed()).await;
    }
    // The count is read before the store: a change in between is sent again, never missed.
    let version = *changes.borrow();
    // The widget's integration: the one whose token is saved in its settings (a private
    // integration), or else the OAuth integration, whose relay build has no token setting.
    let settings = host.settings();
    let key = match settings.get("token").and_then(Value::as_str) {
        Some(t) if !t.is_empty() => app.integration_of(t),
        _ => app.oauth_integration(),
    };
    let sources = match key {
        None => Vec::new(),
        Some(key) => app.read(|store| {
            let Some(integration) = store.integrations.get(key) else {
                return Vec::new();
            };
            integration
                .sources
                .iter()
                .filter(|s| s.pipeline_id == pipeline)
                .map(|s| Shown {
                    id: s.id,
                    name: s.name.clone(),
                    external_id: s.external_id.clone(),
                    default: s.default == Some(true),
                    origin_code: s.origin_code.clone(),
                })
                .collect()
        }),
    };
    Json(Listing {
        pipeline_id: pipeline,
        version,
        known: key.is_some(),
        sources,
    })
    .into_response()
}
