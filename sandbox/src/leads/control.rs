//! `POST /__sandbox/leads` (many leads at once, for tests and benches) and
//! `DELETE /__sandbox/leads` (none left).

use super::model::{Lead, LeadSource};
use crate::app::App;
use crate::model::{pipeline, MAIN_PIPELINE_ID, USERS};
use crate::request::parse_as;
use crate::respond::{json, problem};
use crate::store::now;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json as j;
use std::sync::Arc;

/// Most leads one request may make.
pub const MAX_COUNT: u64 = 5000;
/// Most days back they may be spread over.
pub const MAX_DAYS: u64 = 365;

/// The body of `POST /__sandbox/leads`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MakeLeads {
    /// How many leads, 1 to [`MAX_COUNT`].
    pub count: u64,
    /// Over how many days back their creation times are spread, 1 to [`MAX_DAYS`] (default 30).
    #[serde(default = "default_days")]
    pub days: u64,
    /// A live source of any integration they come from.
    pub source_id: Option<u64>,
    /// Their pipeline (default: the source's, or the main one without a source).
    pub pipeline_id: Option<u64>,
    /// Their stage, one of the pipeline's (default: its first).
    pub status_id: Option<u64>,
}

fn default_days() -> u64 {
    30
}

/// Makes `count` leads, created evenly over the last `days` days, the newest a minute ago.
pub async fn add(State(app): State<Arc<App>>, body: Body) -> Response {
    let req: MakeLeads = match parse_as(body, "leads request").await {
        Ok(r) => r,
        Err(r) => return r,
    };
    if !(1..=MAX_COUNT).contains(&req.count) {
        return problem(
            StatusCode::BAD_REQUEST,
            &format!("count must be from 1 to {MAX_COUNT}"),
        );
    }
    if !(1..=MAX_DAYS).contains(&req.days) {
        return problem(
            StatusCode::BAD_REQUEST,
            &format!("days must be from 1 to {MAX_DAYS}"),
        );
    }
    let now = now();
    let made = app.change(|store| {
        let source = match req.source_id {
            None => None,
            Some(id) => match store.live_source(id) {
                Some(s) => Some(s.clone()),
                None => {
                    return Err(format!(
                        "source {id} is not a live source of any integration"
                    ))
                }
            },
        };
        let pipeline_id = req
            .pipeline_id
            .or(source.as_ref().map(|s| s.pipeline_id))
            .unwrap_or(MAIN_PIPELINE_ID);
        let p = pipeline(pipeline_id).ok_or(format!("pipeline {pipeline_id} is unknown"))?;
        let status_id = match req.status_id {
            Some(s) if !p.has_status(s) => {
                return Err(format!(
                    "status {s} is not a stage of pipeline {pipeline_id}"
                ))
            }
            Some(s) => s,
            None => p.first_status_id(),
        };
        let newest = now - 60;
        let span = req.days * 86400 - 60;
        let steps = (req.count - 1).max(1);
        let mut ids = Vec::new();
        for i in 0..req.count {
            // Oldest first, so that ids grow with time.
            let created_at = newest - span * (req.count - 1 - i) / steps;
            ids.push(store.add_lead(Lead {
                id: 0,
                name: String::new(),
                price: 0,
                pipeline_id,
                status_id,
                created_at,
                updated_at: created_at,
                responsible_user_id: USERS[0].id,
                source: source.as_ref().map(|s| LeadSource {
                    id: s.id,
                    name: s.name.clone(),
                }),
            }));
        }
        Ok(ids)
    });
    match made {
        Err(r) => r,
        Ok(Err(detail)) => problem(StatusCode::BAD_REQUEST, &detail),
        Ok(Ok(ids)) => json(
            StatusCode::OK,
            &j!({"created": ids.len(), "first_id": ids.first(), "last_id": ids.last()}),
        ),
    }
}

/// Removes every lead (ids keep counting on).
pub async fn clear(State(app): State<Arc<App>>) -> Response {
    match app.change(|store| {
        store.leads.clear();
        Ok::<(), ()>(())
    }) {
        Err(r) => r,
        Ok(_) => json(StatusCode::OK, &j!({"leads": []})),
    }
}
