//! Who may call, over real HTTP: every token Kommo would not have issued for this
//! integration and an administrator of an installed account is refused with a reason.

mod common;

use common::{now, sign, sign_with, Env, Setup, ACCOUNT_ID, ADMIN, NOT_ADMIN};
use jsonwebtoken::Algorithm;
use reqwest::Method;
use serde_json::{json, Value};

const PIPELINES: &str = "/api/v4/leads/pipelines";

async fn installed() -> Env {
    let env = Env::start(Setup::default()).await;
    env.installed().await;
    env
}

fn with(mut claims: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

#[tokio::test]
async fn a_token_kommo_issued_for_an_admin_is_forwarded() {
    let env = installed().await;
    let a = env.call_with(&env.claims(ADMIN), PIPELINES).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.header("content-type"), "application/hal+json");
    assert!(a.json()["_embedded"]["pipelines"].is_array());
}

#[tokio::test]
async fn forged_and_malformed_tokens_are_refused() {
    let env = installed().await;
    let claims = env.claims(ADMIN);
    let forged = sign_with(&claims, b"not-the-client-secret", Algorithm::HS256);
    let other_alg = sign_with(&claims, common::SECRET.as_bytes(), Algorithm::HS384);
    let unsigned = {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.",
            b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
            b64.encode(claims.to_string())
        )
    };
    let cases = [
        (forged, "signature"),
        (other_alg, "algorithm"),
        (unsigned, "algorithm"),
        ("not-a-jwt".to_string(), "token_malformed"),
    ];
    for (token, reason) in cases {
        let a = env
            .send(Method::GET, PIPELINES, &[("x-auth-token", &token)], None)
            .await;
        a.refused(401, reason);
    }
    env.send(Method::GET, PIPELINES, &[], None)
        .await
        .refused(401, "token_missing");
    // A request carrying Authorization as well is refused, however good its token.
    let good = sign(&env.claims(ADMIN));
    env.send(
        Method::GET,
        PIPELINES,
        &[
            ("x-auth-token", &good),
            ("authorization", "Bearer anything"),
        ],
        None,
    )
    .await
    .refused(401, "authorization_header");
}

#[tokio::test]
async fn expired_early_and_overlong_tokens_are_refused() {
    let env = installed().await;
    let t = now();
    let base = env.claims(ADMIN);
    let cases = [
        (
            json!({"iat": t - 1000, "nbf": t - 1000, "exp": t - 100}),
            401,
            "expired",
        ),
        (json!({"nbf": t + 300}), 401, "not_yet_valid"),
        (
            json!({"iat": t + 300, "nbf": t + 300, "exp": t + 900}),
            401,
            "not_yet_valid",
        ),
        (json!({"exp": t + 3600}), 401, "lifetime"),
        (json!({"exp": null}), 401, "claim_missing"),
        (json!({"nbf": null}), 401, "claim_missing"),
        (json!({"iat": null}), 401, "claim_missing"),
        (json!({"jti": null}), 401, "claim_missing"),
        (json!({"exp": "soon"}), 401, "claim_invalid"),
    ];
    for (changes, status, reason) in cases {
        let claims = with(base.clone(), changes.clone());
        let a = env.call_with(&claims, PIPELINES).await;
        let v = a.refused(status, reason);
        assert!(!a.text.contains(&sign(&claims)), "{changes}: {v}");
    }
    // Within the small leeway a token just past its exp still works.
    let just = with(base, json!({"iat": t - 600, "nbf": t - 600, "exp": t - 5}));
    assert_eq!(env.call_with(&just, PIPELINES).await.status, 200);
}

#[tokio::test]
async fn tokens_for_another_server_account_or_integration_are_refused() {
    let env = installed().await;
    let base = env.claims(ADMIN);
    let cases = [
        (
            json!({"aud": "https://elsewhere.example.com"}),
            401,
            "audience",
        ),
        (json!({"aud": null}), 401, "claim_missing"),
        (json!({"iss": "https://evil.example.com"}), 401, "issuer"),
        (json!({"iss": null}), 401, "claim_missing"),
        (
            json!({"iss": "https://other.kommo.com"}),
            403,
            "not_installed",
        ),
        (
            json!({"account_id": ACCOUNT_ID + 1}),
            401,
            "account_mismatch",
        ),
        (
            json!({"client_uuid": "another-integration"}),
            401,
            "client_mismatch",
        ),
        (json!({"user_id": 0}), 401, "user"),
        (json!({"user_id": -1}), 401, "user"),
    ];
    for (changes, status, reason) in cases {
        let a = env.call_with(&with(base.clone(), changes), PIPELINES).await;
        a.refused(status, reason);
    }
}

#[tokio::test]
async fn a_token_is_used_once() {
    let env = installed().await;
    let token = sign(&env.claims(ADMIN));
    let first = env
        .send(Method::GET, PIPELINES, &[("x-auth-token", &token)], None)
        .await;
    assert_eq!(first.status, 200);
    let again = env
        .send(Method::GET, PIPELINES, &[("x-auth-token", &token)], None)
        .await;
    again.refused(401, "replayed");
    assert_eq!(env.counter("GET /api/v4/leads/pipelines").await, 1);
}

#[tokio::test]
async fn the_origin_when_sent_must_be_the_account() {
    let env = installed().await;
    let account = env.account();
    let token = sign(&env.claims(ADMIN));
    let a = env
        .send(
            Method::GET,
            PIPELINES,
            &[
                ("x-auth-token", &token),
                ("origin", "https://evil.example.com"),
            ],
            None,
        )
        .await;
    a.refused(403, "origin_mismatch");
    let token = sign(&env.claims(ADMIN));
    let a = env
        .send(
            Method::GET,
            PIPELINES,
            &[("x-auth-token", &token), ("origin", &account)],
            None,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
}

#[tokio::test]
async fn only_administrators_reach_the_sources_and_the_answer_is_reused() {
    let env = installed().await;
    env.call_with(&env.claims(NOT_ADMIN), "/api/v4/sources")
        .await
        .refused(403, "not_admin");
    env.call_with(&env.claims(3), "/api/v4/sources")
        .await
        .refused(403, "not_admin");
    assert_eq!(env.counter("GET /api/v4/sources").await, 0);
    for _ in 0..3 {
        let a = env.call_with(&env.claims(ADMIN), "/api/v4/sources").await;
        assert_eq!(a.status, 204, "{}", a.text);
    }
    env.call_with(&env.claims(NOT_ADMIN), "/api/v4/sources")
        .await
        .refused(403, "not_admin");
    // Asked once per user within the minute.
    assert_eq!(env.counter("GET /api/v4/users/1").await, 1);
    assert_eq!(env.counter("GET /api/v4/users/2").await, 1);
}

#[tokio::test]
async fn before_any_install_every_token_is_refused() {
    let env = Env::start(Setup::default()).await;
    env.call_with(&env.claims(ADMIN), PIPELINES)
        .await
        .refused(403, "not_installed");
}
