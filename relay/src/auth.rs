//! Who may call: Kommo's `X-Auth-Token`, checked as strictly as the strictest public verifier.
//!
//! The token is an HS256 JWT that Kommo signs with the integration's client secret when the
//! widget calls `$authorizedAjax`. It is never logged and never leaves this module.

use crate::app::App;
use crate::clock::now_secs;
use crate::hosts::is_account_base;
use crate::problem::Problem;
use crate::store::Installation;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use relay_contract::Reason;
use serde_json::Value;
use std::sync::Arc;

/// The header Kommo's `$authorizedAjax` adds.
pub const TOKEN_HEADER: &str = "x-auth-token";
/// Clock difference allowed between Kommo and the relay, in seconds.
pub const LEEWAY: u64 = 30;
/// Longest lifetime a token may claim (`exp` - `iat`), in seconds.
pub const MAX_LIFETIME: u64 = 30 * 60;
/// Longest `jti` kept.
const MAX_JTI: usize = 128;

/// A caller whose token passed every check; extracted from a request, its user is also an
/// administrator of the account.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The installation of the account the token was issued for.
    pub installation: Installation,
    /// The Kommo user the widget runs for.
    pub user_id: i64,
    /// That user's name, from the administrator check (empty until it ran).
    pub user_name: String,
}

/// Extracting a caller is the only way a handler gets one, so no route can skip the checks:
/// the token (and `Origin`) first, then whether its user administers the account, since every
/// forwarded call is an administrator's. Both run before the body is read, as the body
/// extractor comes after this one.
impl FromRequestParts<Arc<App>> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Caller, Problem> {
        let mut caller = verify(app, &parts.headers).await?;
        caller.user_name = app
            .admins
            .require(&caller.installation, caller.user_id)
            .await?;
        Ok(caller)
    }
}

/// The claims the relay relies on, read after the signature and times were checked.
struct Claims {
    iss: String,
    jti: String,
    iat: u64,
    nbf: u64,
    exp: u64,
    account_id: i64,
    user_id: i64,
    client_uuid: String,
}

fn refused(reason: Reason, detail: impl Into<String>) -> Problem {
    Problem::unauthorized(reason, detail)
}

/// Checks the request's `X-Auth-Token` (and `Origin`) and finds its installation.
pub async fn verify(app: &App, headers: &HeaderMap) -> Result<Caller, Problem> {
    if headers.contains_key(header::AUTHORIZATION) {
        return Err(refused(
            Reason::AuthorizationHeader,
            "Send X-Auth-Token alone: a request that also carries Authorization is refused",
        ));
    }
    let mut tokens = headers.get_all(TOKEN_HEADER).iter();
    let token = match (tokens.next(), tokens.next()) {
        (Some(t), None) => t.to_str().unwrap_or(""),
        (None, _) => "",
        (Some(_), Some(_)) => {
            return Err(refused(Reason::TokenMalformed, "Send one X-Auth-Token"));
        }
    };
    if token.is_empty() {
        return Err(refused(
            Reason::TokenMissing,
            "X-Auth-Token is missing: call the relay through the widget's $authorizedAjax",
        ));
    }
    let claims = check_token(
        token,
        app.config.client_secret.expose(),
        &app.config.audience(),
        now_secs() as u64,
    )?;
    if !is_account_base(&claims.iss, app.config.allow_http_loopback) {
        return Err(refused(
            Reason::Issuer,
            "iss is not a Kommo account address",
        ));
    }
    let iss = claims.iss.trim_end_matches('/');
    if let Some(origin) = headers.get(header::ORIGIN) {
        if origin.to_str().ok() != Some(iss) {
            return Err(Problem::forbidden(
                Reason::OriginMismatch,
                "The request comes from a page other than the account that issued its token",
            ));
        }
    }
    let installation = app
        .store
        .by_base_url(iss)
        .await
        .map_err(|_| Problem::storage_failed())?
        .ok_or_else(Problem::not_installed)?;
    if installation.account_id != claims.account_id {
        return Err(refused(
            Reason::AccountMismatch,
            "account_id does not match the account at iss",
        ));
    }
    if installation.client_uuid != claims.client_uuid || claims.client_uuid != app.config.client_id
    {
        return Err(Problem::client_mismatch(StatusCode::UNAUTHORIZED));
    }
    if !installation.connected {
        return Err(Problem::not_connected());
    }
    let key = format!("{}:{}", claims.account_id, claims.jti);
    let first = app
        .store
        .use_jti(&key, (claims.exp + LEEWAY) as i64, now_secs())
        .await
        .map_err(|_| Problem::storage_failed())?;
    if !first {
        return Err(refused(
            Reason::Replayed,
            "This X-Auth-Token was already used: each request needs a fresh one",
        ));
    }
    Ok(Caller {
        installation,
        user_id: claims.user_id,
        user_name: String::new(),
    })
}

/// Checks the signature, algorithm, times and audience, and reads the claims.
fn check_token(token: &str, secret: &str, audience: &str, now: u64) -> Result<Claims, Problem> {
    // The algorithm is read before anything else, so `none` or an algorithm the decoder does
    // not know is refused by name.
    if header_alg(token).as_deref() != Some("HS256") {
        return Err(match header_alg(token) {
            Some(_) => refused(Reason::Algorithm, "X-Auth-Token must be signed HS256"),
            None => refused(Reason::TokenMalformed, "X-Auth-Token is not a JWT"),
        });
    }
    let key = DecodingKey::from_secret(secret.as_bytes())
        .map_err(|_| refused(Reason::TokenMalformed, "The client secret is not usable"))?;
    let mut v = Validation::new(Algorithm::HS256);
    v.leeway = LEEWAY;
    v.validate_exp = true;
    v.validate_nbf = true;
    v.set_audience(&[audience]);
    v.set_required_spec_claims(&["exp", "nbf", "aud", "iss"]);
    let data = jsonwebtoken::decode::<Value>(token, &key, &v).map_err(|e| match e.kind() {
        ErrorKind::InvalidSignature => refused(
            Reason::Signature,
            "X-Auth-Token is not signed with this integration's secret",
        ),
        ErrorKind::InvalidAlgorithm => {
            refused(Reason::Algorithm, "X-Auth-Token must be signed HS256")
        }
        ErrorKind::ExpiredSignature => refused(Reason::Expired, "X-Auth-Token has expired"),
        ErrorKind::ImmatureSignature => {
            refused(Reason::NotYetValid, "X-Auth-Token is not valid yet")
        }
        ErrorKind::InvalidAudience => refused(
            Reason::Audience,
            "X-Auth-Token is meant for another server (aud)",
        ),
        // The decoder calls a claim of the wrong type missing; say which it is.
        ErrorKind::MissingRequiredClaim(c)
            if part(token, 1).is_some_and(|p| !p[c.as_str()].is_null()) =>
        {
            refused(
                Reason::ClaimInvalid,
                format!("X-Auth-Token's {c} is not valid"),
            )
        }
        ErrorKind::MissingRequiredClaim(c) => {
            refused(Reason::ClaimMissing, format!("X-Auth-Token has no {c}"))
        }
        ErrorKind::InvalidClaimFormat(c) => refused(
            Reason::ClaimInvalid,
            format!("X-Auth-Token's {c} is not valid"),
        ),
        _ => refused(Reason::TokenMalformed, "X-Auth-Token cannot be read"),
    })?;
    let c = read_claims(&data.claims)?;
    if c.iat > now + LEEWAY {
        return Err(refused(
            Reason::NotYetValid,
            "X-Auth-Token was issued in the future",
        ));
    }
    if c.exp <= c.iat || c.exp - c.iat > MAX_LIFETIME || c.nbf > c.exp {
        return Err(refused(
            Reason::Lifetime,
            "X-Auth-Token claims a lifetime over 30 minutes",
        ));
    }
    if c.user_id <= 0 {
        return Err(refused(
            Reason::User,
            "user_id must be a user of the account",
        ));
    }
    Ok(c)
}

/// The `alg` of a JWT's header, if the token has a readable header.
fn header_alg(token: &str) -> Option<String> {
    part(token, 0)?["alg"].as_str().map(str::to_owned)
}

/// One part of a JWT as JSON, unchecked: only for naming what is wrong with it.
fn part(token: &str, index: usize) -> Option<Value> {
    let text = token.split('.').nth(index)?;
    let bytes = URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn read_claims(v: &Value) -> Result<Claims, Problem> {
    let missing = |name: &str| refused(Reason::ClaimMissing, format!("X-Auth-Token has no {name}"));
    let invalid = |name: &str| {
        refused(
            Reason::ClaimInvalid,
            format!("X-Auth-Token's {name} is not valid"),
        )
    };
    let text = |name: &str| -> Result<String, Problem> {
        match &v[name] {
            Value::Null => Err(missing(name)),
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            _ => Err(invalid(name)),
        }
    };
    let time = |name: &str| -> Result<u64, Problem> {
        match &v[name] {
            Value::Null => Err(missing(name)),
            n => n.as_u64().ok_or_else(|| invalid(name)),
        }
    };
    // Ids come as numbers; a numeric string is read as the same id.
    let id = |name: &str| -> Result<i64, Problem> {
        match &v[name] {
            Value::Null => Err(missing(name)),
            Value::Number(n) => n.as_i64().ok_or_else(|| invalid(name)),
            Value::String(s) => s.parse().map_err(|_| invalid(name)),
            _ => Err(invalid(name)),
        }
    };
    let jti = text("jti")?;
    if jti.len() > MAX_JTI {
        return Err(invalid("jti"));
    }
    Ok(Claims {
        iss: text("iss")?,
        jti,
        iat: time("iat")?,
        nbf: time("nbf")?,
        exp: time("exp")?,
        account_id: id("account_id")?,
        user_id: id("user_id")?,
        client_uuid: text("client_uuid")?,
    })
}
