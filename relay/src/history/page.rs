//! `GET /relay/history`: one page of the account's changes, newest first, for its
//! administrators. The query is read before the caller, so a bad one spends no token.

use crate::app::App;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::store::Filter;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use relay_contract::{HistoryPage, Param, DEFAULT_LIMIT, MAX_LIMIT};
use std::sync::Arc;

/// The page asked for: its filter, its length and where it starts.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Query {
    filter: Filter,
    limit: Option<u32>,
    /// The entry id the page starts below.
    cursor: Option<i64>,
}

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Query, Problem> {
        read_query(parts.uri.query().unwrap_or_default())
    }
}

/// Answers one page of the caller's account's history as `application/json`.
pub async fn page(
    State(app): State<Arc<App>>,
    query: Query,
    caller: Caller,
) -> Result<Response, Problem> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    // One more than the page holds says whether another page follows.
    let mut rows = app
        .store
        .history(
            caller.installation.account_id,
            &query.filter,
            query.cursor,
            limit + 1,
        )
        .await
        .map_err(|_| Problem::storage_failed())?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = match rows.last() {
        Some((id, _)) if more => Some(cursor_of(*id)),
        _ => None,
    };
    let page = HistoryPage {
        changes: rows.into_iter().map(|(_, change)| change).collect(),
        next,
    };
    let mut r = axum::Json(page).into_response();
    // Every change is an account's own: no browser or proxy keeps a copy.
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// The query's parameters, each at most once; the refusal names the one at fault.
fn read_query(query: &str) -> Result<Query, Problem> {
    let mut q = Query::default();
    let mut given: Vec<Param> = Vec::new();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let param = Param::parse(&name).ok_or_else(|| {
            Problem::bad_query(&format!(
                "{name}: not a parameter of the history (source_id, external_id, user_id, \
                 limit, cursor)"
            ))
        })?;
        if given.contains(&param) {
            return Err(bad(param, "given more than once"));
        }
        given.push(param);
        match param {
            Param::SourceId => q.filter.source_id = Some(id(param, &value)?),
            Param::UserId => q.filter.user_id = Some(id(param, &value)?),
            Param::ExternalId if value.is_empty() => return Err(bad(param, "empty")),
            Param::ExternalId => q.filter.external_id = Some(value.into_owned()),
            Param::Limit => {
                let max = MAX_LIMIT;
                let n = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| bad(param, &format!("a whole number from 1 to {max}")))?;
                q.limit = Some(n);
            }
            Param::Cursor => {
                let at = cursor_id(&value).ok_or_else(|| bad(param, "not a page's next"))?;
                q.cursor = Some(at);
            }
        }
    }
    Ok(q)
}

fn bad(param: Param, why: &str) -> Problem {
    Problem::bad_query(&format!("{}: {why}", param.as_str()))
}

/// A Kommo id: digits only, above 0.
fn id(param: Param, value: &str) -> Result<i64, Problem> {
    Some(value)
        .filter(|v| v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| bad(param, "an id: a whole number above 0"))
}

/// The cursor of the page that starts below the entry `id`: opaque to the widget.
fn cursor_of(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(id.to_be_bytes())
}

/// The entry id a cursor stands for.
fn cursor_id(cursor: &str) -> Option<i64> {
    let bytes: [u8; 8] = URL_SAFE_NO_PAD.decode(cursor).ok()?.try_into().ok()?;
    Some(i64::from_be_bytes(bytes)).filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_parameter_is_read_and_a_bad_one_is_named() {
        let q = read_query("source_id=7&external_id=web%201&user_id=3&limit=100").unwrap();
        assert_eq!(q.filter.source_id, Some(7));
        assert_eq!(q.filter.external_id.as_deref(), Some("web 1"));
        assert_eq!(q.filter.user_id, Some(3));
        assert_eq!(q.limit, Some(100));
        let c = cursor_of(1_234_567_890_123);
        assert_eq!(
            read_query(&format!("cursor={c}")).unwrap().cursor,
            Some(1_234_567_890_123)
        );
        assert_eq!(read_query("").unwrap(), Query::default());
        for (query, named) in [
            ("limit=101", "limit"),
            ("limit=0", "limit"),
            ("limit=x", "limit"),
            ("source_id=-1", "source_id"),
            ("source_id=+1", "source_id"),
            ("user_id=", "user_id"),
            ("external_id=", "external_id"),
            ("cursor=zz", "cursor"),
            ("limit=5&limit=6", "limit"),
            ("page=2", "page"),
        ] {
            let p = read_query(query).unwrap_err();
            assert_eq!(p.status, 400, "{query}");
            assert!(p.detail.starts_with(named), "{query}: {}", p.detail);
        }
    }
}
