//! `GET /oauth/callback`: the integration's Redirect URI, where Kommo sends a code at install.

use crate::app::App;
use crate::clock::now_secs;
use crate::hosts::account_base;
use crate::kommo::KommoError;
use crate::pace::Priority;
use crate::problem::Problem;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;

/// What Kommo sends to the Redirect URI.
#[derive(Debug, Deserialize)]
pub struct Callback {
    /// The authorization code (lives 20 minutes, used once).
    code: Option<String>,
    /// The account's host, e.g. `acme.kommo.com`.
    referer: Option<String>,
    /// Set when the install came from the widget.
    #[allow(dead_code)]
    from_widget: Option<String>,
    /// Echoed from an install button's link; the widget install sends none.
    #[allow(dead_code)]
    state: Option<String>,
    /// Set instead of `code` when the admin declined.
    error: Option<String>,
}

/// Exchanges the code once and stores the account's tokens; answers a page that says so.
pub async fn callback(
    State(app): State<Arc<App>>,
    query: Result<Query<Callback>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(q) = query.map_err(|_| Problem::bad_query("The callback's query cannot be read"))?;
    let referer = q.referer.as_deref().unwrap_or("");
    // Before anything goes out: the client secret is only ever sent to an account host.
    let base = account_base(referer, app.config.allow_http_loopback)
        .ok_or_else(Problem::referer_not_allowed)?;
    if q.error.is_some() {
        return Err(Problem::install_declined());
    }
    let code = q
        .code
        .filter(|c| !c.is_empty())
        .ok_or_else(Problem::code_missing)?;
    // The install's calls count in the account's pace like any other.
    app.upstream.pace.turn(&base, Priority::Refresh).await?;
    let pair = app
        .kommo
        .exchange_code(&base, &code, now_secs())
        .await
        .map_err(|e| match e {
            KommoError::Refused { .. } => Problem::code_refused(),
            _ => Problem::kommo_unexpected(),
        })?;
    app.upstream.pace.turn(&base, Priority::Refresh).await?;
    let account = app
        .kommo
        .account(&base, &pair.access)
        .await
        .map_err(|_| Problem::kommo_unexpected())?;
    app.store
        .install(account.id, &base, &app.config.client_id, &pair, now_secs())
        .await
        .map_err(|_| Problem::install_not_stored())?;
    crate::log::account(account.id, &format!("installed at {base}"));
    Ok(connected_page(&account.name, account.id, &base))
}

/// The page that says the account is connected; every value is written as text.
fn connected_page(name: &str, id: i64, base: &str) -> Response {
    let name = if name.is_empty() {
        "The account".to_string()
    } else {
        escape(name)
    };
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Connected</title></head><body>\
         <h1>Connected</h1>\
         <p>{name} (account {id}, {base}) is connected. The Sources manager works in Kommo now; \
         this page can be closed.</p></body></html>\n",
        base = escape(base)
    );
    let mut r = html.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // The page runs nothing and loads nothing.
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'"),
    );
    r
}

/// Text for HTML: the five characters that could start markup or end an attribute.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_a_name_is_written_as_text() {
        assert_eq!(
            escape("<img src=x onerror='a'>&\""),
            "&lt;img src=x onerror=&#39;a&#39;&gt;&amp;&quot;"
        );
    }
}
