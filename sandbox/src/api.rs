//! The Kommo API routes: sources, account, users.

use crate::app::App;
use crate::model::{Source, ACCOUNT_ID, ACCOUNT_NAME, ACCOUNT_SUBDOMAIN, USERS};
use crate::request::{base_url, external_id_filter, page_query, read_array, read_json};
use crate::respond::{hal, no_content, problem, validation};
use crate::rules::OpError;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::sync::Arc;

/// The `/api/v4/...` routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/api/v4/sources",
            get(list).post(create).patch(update).delete(delete_batch),
        )
        .route(
            "/api/v4/sources/{id}",
            get(get_one).patch(update_one).delete(delete_one),
        )
        .route("/api/v4/account", get(account))
        .route("/api/v4/users/{id}", get(user))
}

/// Turns either kind of early answer into the response.
fn run(f: impl FnOnce() -> Result<Response, Response>) -> Response {
    f().unwrap_or_else(|r| r)
}

fn op_error(e: OpError) -> Response {
    match e {
        OpError::Request(detail) => problem(StatusCode::BAD_REQUEST, &detail),
        OpError::Items(items) => validation(&items),
        OpError::NotFound => problem(StatusCode::NOT_FOUND, "Source not found"),
    }
}

fn source_id(raw: &str) -> Result<u64, Response> {
    // `u64::from_str` would also take a leading `+`; an id in a path is digits only.
    Some(raw)
        .filter(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|r| r.parse::<u64>().ok())
        .filter(|id| *id > 0)
        .ok_or_else(|| problem(StatusCode::NOT_FOUND, "Source not found"))
}

fn batch_body(base: &str, items: &[(Source, Option<String>)]) -> Value {
    json!({
        "_total_items": items.len(),
        "_embedded": {"sources": items
            .iter()
            .map(|(s, rid)| s.to_hal(base, rid.as_deref()))
            .collect::<Vec<_>>()},
    })
}

async fn list(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    run(|| {
        let key = app.authorize(&headers)?;
        let bad = |e: String| problem(StatusCode::BAD_REQUEST, &e);
        let filter = external_id_filter(uri.query()).map_err(bad)?;
        let paging = page_query(uri.query()).map_err(bad)?;
        let size = paging.limit.unwrap_or(app.config.page_size);
        let base = base_url(&headers);
        let (sources, total): (Vec<Value>, usize) = app.read(|s| {
            let Some(i) = s.integrations.get(&key) else {
                return (Vec::new(), 0);
            };
            let matching: Vec<&Source> = i
                .sources
                .iter()
                .filter(|s| filter.as_ref().is_none_or(|f| f.contains(&s.external_id)))
                .collect();
            let page = matching
                .iter()
                .skip((paging.page - 1).saturating_mul(size))
                .take(size)
                .map(|s| s.to_hal(&base, None))
                .collect();
            (page, matching.len())
        });
        // Past the last page, as with no match at all, Kommo answers 204.
        if sources.is_empty() {
            return Ok(no_content());
        }
        let href = |page: usize| {
            let mut pairs = paging.rest.clone();
            pairs.push(format!("page={page}"));
            pairs.push(format!("limit={size}"));
            json!({"href": format!("{base}/api/v4/sources?{}", pairs.join("&"))})
        };
        let self_href = match uri.query() {
            Some(q) => format!("{base}/api/v4/sources?{q}"),
            None => format!("{base}/api/v4/sources"),
        };
        let mut links = json!({"self": {"href": self_href}});
        if paging.page.saturating_mul(size) < total {
            links["next"] = href(paging.page + 1);
        }
        if paging.page > 1 {
            links["first"] = href(1);
            links["prev"] = href(paging.page - 1);
        }
        Ok(hal(
            StatusCode::OK,
            &json!({
                "_total_items": sources.len(),
                "_page": paging.page,
                "_links": links,
                "_embedded": {"sources": sources},
            }),
        ))
    })
}

async fn get_one(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    run(|| {
        let key = app.authorize(&headers)?;
        let id = source_id(&id)?;
        let base = base_url(&headers);
        let (live, deleted) = app.read(|s| match s.integrations.get(&key) {
            Some(i) => (
                i.sources.iter().find(|s| s.id == id).cloned(),
                i.tombstones.values().any(|t| *t == id),
            ),
            None => (None, false),
        });
        match (live, deleted) {
            (Some(s), _) => Ok(hal(StatusCode::OK, &s.to_hal(&base, None))),
            (None, true) => Ok(no_content()),
            (None, false) => Err(problem(StatusCode::NOT_FOUND, "Source not found")),
        }
    })
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
    run(|| {
        let made = app
            .change(|s| s.create(&key, &items, app.config.limits()))?
            .map_err(op_error)?;
        Ok(hal(StatusCode::OK, &batch_body(&base_url(&headers), &made)))
    })
}

async fn update(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    let key = match app.authorize(&headers) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let items = match read_array(body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    run(|| {
        let changed = app
            .change(|s| s.update(&key, &items, app.config.limits()))?
            .map_err(op_error)?;
        Ok(hal(
            StatusCode::OK,
            &batch_body(&base_url(&headers), &changed),
        ))
    })
}

async fn update_one(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> Response {
    let key = match app.authorize(&headers) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let id = match source_id(&id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let value = match read_json(body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    run(|| {
        let source = app
            .change(|s| s.update_one(&key, id, &value, app.config.limits()))?
            .map_err(op_error)?;
        Ok(hal(
            StatusCode::OK,
            &source.to_hal(&base_url(&headers), None),
        ))
    })
}

async fn delete_batch(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    let key = match app.authorize(&headers) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let items = match read_array(body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    run(|| {
        app.change(|s| s.delete(&key, &items))?.map_err(op_error)?;
        Ok(no_content())
    })
}

async fn delete_one(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    run(|| {
        let key = app.authorize(&headers)?;
        let id = source_id(&id)?;
        app.change(|s| s.delete_one(&key, id))?.map_err(op_error)?;
        Ok(no_content())
    })
}

async fn account(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    run(|| {
        app.authorize(&headers)?;
        let base = base_url(&headers);
        Ok(hal(
            StatusCode::OK,
            &json!({
                "id": ACCOUNT_ID,
                "name": ACCOUNT_NAME,
                "subdomain": ACCOUNT_SUBDOMAIN,
                "country": "US",
                "currency": "USD",
                "_links": {"self": {"href": format!("{base}/api/v4/account")}},
            }),
        ))
    })
}

/// One user of the account, with the rights that say whether they are an administrator.
async fn user(State(app): State<Arc<App>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    run(|| {
        app.authorize(&headers)?;
        let Some(u) = id
            .parse::<u64>()
            .ok()
            .and_then(|id| USERS.iter().find(|u| u.id == id))
        else {
            return Err(problem(StatusCode::NOT_FOUND, "No such user"));
        };
        Ok(hal(StatusCode::OK, &u.to_hal(&base_url(&headers))))
    })
}
