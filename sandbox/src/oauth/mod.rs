//! Kommo's OAuth side: the token endpoint, and install as Kommo does it (a code sent to the
//! integration's Redirect URI).

pub mod grants;

use crate::app::{lock, App};
use crate::request::{base_url, read_json};
use crate::respond::{json, problem, problem_with};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use grants::{now_secs, Refusal};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;
use serde_json::{json as j, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long install waits for the Redirect URI (Kommo: 3 seconds, never resent).
const HOOK_TIMEOUT: Duration = Duration::from_secs(3);

/// The OAuth routes: the token endpoint, and the install and uninstall controls.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/oauth2/access_token", post(access_token))
        .route("/__sandbox/install", post(install))
        .route("/__sandbox/uninstall", post(uninstall))
}

/// The body of `POST /oauth2/access_token`, for both grants.
#[derive(Deserialize)]
struct TokenRequest {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    client_secret: String,
    #[serde(default)]
    grant_type: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    redirect_uri: String,
}

/// Kommo's OAuth problem body: the usual fields plus a `hint` that names the fault.
fn oauth_problem(status: StatusCode, hint: &str) -> Response {
    let mut body = serde_json::Map::new();
    body.insert(
        "title".into(),
        j!(status.canonical_reason().unwrap_or("Error")),
    );
    body.insert(
        "type".into(),
        j!("https://developers.kommo.com/v3/errors/OAuthProblemJson"),
    );
    body.insert("status".into(), j!(status.as_u16()));
    body.insert(
        "detail".into(),
        j!("The request is missing parameters or they are invalid"),
    );
    body.insert("hint".into(), j!(hint));
    problem_with(status, body)
}

async fn access_token(State(app): State<Arc<App>>, body: Body) -> Response {
    let Some(grants) = app.oauth() else {
        return problem(StatusCode::NOT_FOUND, "No OAuth integration is configured");
    };
    let value: Value = match read_json(body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Ok(req) = serde_json::from_value::<TokenRequest>(value) else {
        return oauth_problem(StatusCode::BAD_REQUEST, "Fields must be strings");
    };
    let mut g = lock(grants);
    if g.check_client(&req.client_id, &req.client_secret, &req.redirect_uri)
        .is_err()
    {
        return oauth_problem(StatusCode::UNAUTHORIZED, "Client authentication failed");
    }
    let result = match (req.grant_type.as_str(), &req.code, &req.refresh_token) {
        ("authorization_code", Some(code), _) => g.exchange(code, Instant::now()),
        ("refresh_token", _, Some(refresh)) => g.refresh(refresh, Instant::now()),
        ("authorization_code", None, _) => {
            return oauth_problem(StatusCode::BAD_REQUEST, "Check the `code` parameter")
        }
        ("refresh_token", _, None) => {
            return oauth_problem(
                StatusCode::BAD_REQUEST,
                "Check the `refresh_token` parameter",
            )
        }
        _ => {
            return oauth_problem(
                StatusCode::BAD_REQUEST,
                "The grant type is not supported (authorization_code or refresh_token)",
            )
        }
    };
    drop(g);
    {
        let mut faults = app.faults();
        faults.count_grant(&req.grant_type);
        if matches!(result, Err(Refusal::Revoked | Refusal::Expired)) {
            faults.count_refused_refresh();
        }
    }
    match result {
        Ok(pair) => json(
            StatusCode::OK,
            &j!({
                "token_type": "Bearer",
                "expires_in": pair.expires_in,
                "server_time": now_secs(),
                "access_token": pair.access,
                "refresh_token": pair.refresh,
            }),
        ),
        Err(Refusal::Code) => oauth_problem(
            StatusCode::BAD_REQUEST,
            "Authorization code has expired or was used",
        ),
        // Kommo's OAuth server refuses a refresh token it will not take with 401.
        Err(Refusal::Revoked) => oauth_problem(StatusCode::UNAUTHORIZED, "Token has been revoked"),
        Err(Refusal::Expired) => oauth_problem(StatusCode::UNAUTHORIZED, "Token has expired"),
        Err(Refusal::Client) => {
            oauth_problem(StatusCode::UNAUTHORIZED, "Client authentication failed")
        }
    }
}

/// Does what Kommo does when an admin installs the widget: a fresh code goes to the Redirect
/// URI with `referer` (the account's host) and `from_widget`; answers what the URI answered.
async fn install(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let Some(grants) = app.oauth() else {
        return problem(StatusCode::NOT_FOUND, "No OAuth integration is configured");
    };
    let (code, redirect) = {
        let mut g = lock(grants);
        (g.new_code(Instant::now()), g.client().redirect_uri.clone())
    };
    let base = base_url(&headers);
    let referer = base.trim_start_matches("http://");
    let sep = if redirect.contains('?') { '&' } else { '?' };
    let target = format!(
        "{redirect}{sep}code={code}&referer={}&from_widget=1",
        query_escape(referer)
    );
    let Ok(uri) = target.parse::<Uri>() else {
        return problem(StatusCode::BAD_REQUEST, "The Redirect URI is not a URL");
    };
    let client = HttpClient::builder(TokioExecutor::new()).build_http::<Body>();
    let sent = tokio::time::timeout(HOOK_TIMEOUT, client.get(uri)).await;
    match sent {
        Ok(Ok(resp)) => {
            let status = resp.status().as_u16();
            let text = match resp.into_body().collect().await {
                Ok(b) => String::from_utf8_lossy(&b.to_bytes()).into_owned(),
                Err(_) => String::new(),
            };
            json(StatusCode::OK, &j!({"status": status, "body": text}))
        }
        Ok(Err(e)) => problem(
            StatusCode::BAD_GATEWAY,
            &format!("The Redirect URI could not be reached: {e}"),
        ),
        Err(_) => problem(
            StatusCode::GATEWAY_TIMEOUT,
            "The Redirect URI did not answer within 3 s",
        ),
    }
}

/// `s` with every byte but the unreserved ones percent-encoded, for a query value.
fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The integration was disabled: every code and token of it stops working.
async fn uninstall(State(app): State<Arc<App>>) -> Response {
    let Some(grants) = app.oauth() else {
        return problem(StatusCode::NOT_FOUND, "No OAuth integration is configured");
    };
    lock(grants).revoke_all();
    json(StatusCode::OK, &j!({"installed": false}))
}
