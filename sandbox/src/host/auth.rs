//! The `X-Auth-Token` that `$authorizedAjax` sends: a JWT with the claims Kommo documents,
//! signed HS256 with the integration's client secret. The host page asks the server for it,
//! as Kommo's page gets it from Kommo, so the secret never reaches the browser.

use super::{HostState, Shared};
use crate::model::{ACCOUNT_ID, ACCOUNT_SUBDOMAIN, USERS};
use crate::oauth::grants::now_secs;
use crate::request::base_url;
use crate::respond::{json, problem};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use serde_json::json as j;

/// How long a token lives: Kommo's are good for 30 minutes.
const LIFETIME: u64 = 30 * 60;

/// The client that signs: the configured OAuth integration, or the sandbox's own.
#[derive(Clone, Debug)]
pub struct HostAuth {
    /// `client_uuid`: the integration's id.
    pub client_id: String,
    /// The client secret the token is signed with.
    pub secret: String,
    /// `aud`: the origin of the integration's Redirect URI; the sandbox's own origin if none.
    pub audience: Option<String>,
}

impl Default for HostAuth {
    fn default() -> Self {
        HostAuth {
            client_id: "sandbox-client".into(),
            secret: "sandbox-client-secret".into(),
            audience: None,
        }
    }
}

impl HostAuth {
    /// The signer for an OAuth integration with this Redirect URI.
    pub fn for_client(client_id: &str, secret: &str, redirect_uri: &str) -> HostAuth {
        HostAuth {
            client_id: client_id.into(),
            secret: secret.into(),
            audience: Some(origin_of(redirect_uri)),
        }
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    format!("{scheme}://{host}")
}

/// The claims of the token, as Kommo's one-time tokens carry them.
#[derive(Debug, Serialize, Deserialize)]
pub struct XAuthClaims {
    /// The account's address.
    pub iss: String,
    /// The integration's base address (from its Redirect URI).
    pub aud: String,
    /// The token's UUID.
    pub jti: String,
    /// Issued at.
    pub iat: u64,
    /// Valid from.
    pub nbf: u64,
    /// Valid until.
    pub exp: u64,
    /// The account.
    pub account_id: u64,
    /// The user the page shows.
    pub user_id: u64,
    /// The account's subdomain.
    pub subdomain: String,
    /// The integration's id.
    pub client_uuid: String,
}

/// `POST /__sandbox/host/x-auth-token`: a fresh token for the page's user.
pub(super) async fn x_auth_token(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let auth = &shared.config.auth;
    let iss = base_url(&headers);
    let now = now_secs();
    let claims = XAuthClaims {
        aud: auth.audience.clone().unwrap_or_else(|| iss.clone()),
        iss,
        jti: uuid::Uuid::new_v4().to_string(),
        iat: now,
        nbf: now,
        exp: now + LIFETIME,
        account_id: ACCOUNT_ID,
        user_id: shared.state.user(),
        subdomain: ACCOUNT_SUBDOMAIN.into(),
        client_uuid: auth.client_id.clone(),
    };
    let signed = EncodingKey::from_secret(auth.secret.as_bytes())
        .and_then(|key| jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key));
    match signed {
        Ok(token) => json(StatusCode::OK, &j!({"token": token})),
        Err(_) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The client secret cannot sign a token",
        ),
    }
}

/// `GET /__sandbox/host/user`: the user the page shows.
pub(super) async fn get_user(State(state): State<HostState>) -> Response {
    json(StatusCode::OK, &j!({"user_id": state.user()}))
}

/// `POST /__sandbox/host/user` `{"user_id": N}`: shows another of the account's users.
pub(super) async fn post_user(State(state): State<HostState>, body: Bytes) -> Response {
    #[derive(Deserialize)]
    struct Choice {
        user_id: u64,
    }
    match serde_json::from_slice::<Choice>(&body) {
        Ok(c) if USERS.iter().any(|u| u.id == c.user_id) => {
            state.set_user(c.user_id);
            json(StatusCode::OK, &j!({"user_id": c.user_id}))
        }
        Ok(c) => problem(
            StatusCode::BAD_REQUEST,
            &format!("user_id {}: the account has users 1 and 2", c.user_id),
        ),
        Err(e) => problem(
            StatusCode::BAD_REQUEST,
            &format!("the body must be {{\"user_id\": N}}: {e}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn the_audience_is_the_redirect_uris_origin() {
        assert_eq!(
            origin_of("https://relay.example.com/oauth/callback?x=1"),
            "https://relay.example.com"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8090/oauth/callback"),
            "http://127.0.0.1:8090"
        );
    }
}
