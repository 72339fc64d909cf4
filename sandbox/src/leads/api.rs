//! The leads routes: `POST /api/v4/leads/complex`, `GET /api/v4/leads`, `GET /api/v4/leads/{id}`.

use super::model::Lead;
use super::query::{with_of, LeadsQuery, With};
use crate::app::App;
use crate::request::{base_url, read_array, whole_number};
use crate::respond::{hal, json, no_content, problem, validation};
use crate::rules::OpError;
use crate::store::{now, Store};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json as j, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The leads routes (the pipelines route is with the sources API).
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/v4/leads", get(list))
        .route("/api/v4/leads/complex", post(create))
        .route("/api/v4/leads/{id}", get(get_one))
}

/// The current name of every live source, by id, across integrations (ids are unique).
fn source_names(store: &Store) -> HashMap<u64, String> {
    store
        .integrations
        .values()
        .flat_map(|i| i.sources.iter())
        .map(|s| (s.id, s.name.clone()))
        .collect()
}

fn lead_hal(lead: &Lead, base: &str, with: With, names: &HashMap<u64, String>) -> Value {
    let current = lead
        .source
        .as_ref()
        .and_then(|s| names.get(&s.id))
        .map(String::as_str);
    lead.to_hal(base, with, current)
}

async fn create(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    let key = match app.authorize(&headers) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let items = match read_array(body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let made = match app.change(|s| s.create_leads(&key, &items, app.config.unknown_source, now()))
    {
        Err(r) => return r,
        Ok(Err(OpError::Items(items))) => return validation(&items),
        Ok(Err(OpError::Request(detail))) => return problem(StatusCode::BAD_REQUEST, &detail),
        Ok(Err(OpError::NotFound)) => return problem(StatusCode::NOT_FOUND, "Lead not found"),
        Ok(Ok(made)) => made,
    };
    // Kommo answers the complex create with plain JSON, one entry per item, in order.
    let body: Vec<Value> = made
        .into_iter()
        .map(|c| {
            j!({
                "id": c.id,
                "contact_id": null,
                "company_id": null,
                "request_id": [c.request_id],
                "merged": false,
            })
        })
        .collect();
    json(StatusCode::OK, &Value::Array(body))
}

async fn list(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    if let Err(r) = app.authorize(&headers) {
        return r;
    }
    let q = match LeadsQuery::parse(uri.query()) {
        Ok(q) => q,
        Err(e) => return problem(StatusCode::BAD_REQUEST, &e),
    };
    let base = base_url(&headers);
    let (leads, more) = app.read(|s| {
        let mut matching: Vec<&Lead> = s.leads.iter().filter(|l| q.matches(l)).collect();
        q.sort(&mut matching);
        let names = source_names(s);
        let skip = (q.page - 1).saturating_mul(q.limit);
        let page: Vec<Value> = matching
            .iter()
            .skip(skip)
            .take(q.limit)
            .map(|l| lead_hal(l, &base, q.with.honoured(app.config.lead_source), &names))
            .collect();
        let more = matching.len() > skip.saturating_add(q.limit);
        (page, more)
    });
    // Past the last page, as with no lead at all, Kommo answers 204.
    if leads.is_empty() {
        return no_content();
    }
    let href = |page: usize| {
        let mut pairs = q.rest.clone();
        pairs.push(format!("page={page}"));
        pairs.push(format!("limit={}", q.limit));
        j!({"href": format!("{base}/api/v4/leads?{}", pairs.join("&"))})
    };
    let self_href = match uri.query() {
        Some(query) => format!("{base}/api/v4/leads?{query}"),
        None => format!("{base}/api/v4/leads"),
    };
    let mut links = j!({"self": {"href": self_href}});
    if more {
        links["next"] = href(q.page + 1);
    }
    if q.page > 1 {
        links["first"] = href(1);
        links["prev"] = href(q.page - 1);
    }
    // Kommo's leads list has no `_total_items`.
    hal(
        StatusCode::OK,
        &j!({"_page": q.page, "_links": links, "_embedded": {"leads": leads}}),
    )
}

async fn get_one(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
) -> Response {
    if let Err(r) = app.authorize(&headers) {
        return r;
    }
    let with = match with_of(uri.query()) {
        Ok(w) => w.honoured(app.config.lead_source),
        Err(e) => return problem(StatusCode::BAD_REQUEST, &e),
    };
    let base = base_url(&headers);
    let found = whole_number(&id).and_then(|id| {
        app.read(|s| {
            let lead = s.lead(id)?;
            Some(lead_hal(lead, &base, with, &source_names(s)))
        })
    });
    match found {
        Some(lead) => hal(StatusCode::OK, &lead),
        None => problem(StatusCode::NOT_FOUND, "Lead not found"),
    }
}
