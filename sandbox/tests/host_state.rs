//! What the host remembers and hands to the widget, over real HTTP: the saved settings, the
//! source attachments, the X-Auth-Token, the pipeline id switch, the sources Digital Pipeline
//! lists, and the widget's files on a second origin.

mod host_support;

use host_support::*;
use reqwest::header::CONTENT_TYPE;
use sandbox::host::{HostAuth, HostConfig, XAuthClaims};
use sandbox::Config;
use serde_json::{json, Value};

#[tokio::test]
async fn saved_settings_start_with_the_demo_token_merge_and_survive_until_reset() {
    let base = start(config(Some(fake_widget()), Some("demo-token-123"))).await;
    let url = format!("{base}/__sandbox/host/settings");
    let read = || async {
        reqwest::get(&url)
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    assert_eq!(read().await, json!({ "token": "demo-token-123" }));

    let (status, saved) = post(&url, json!({ "label": "Main office" })).await;
    assert_eq!(status, 200);
    assert_eq!(
        saved,
        json!({ "token": "demo-token-123", "label": "Main office" })
    );
    let (_, _) = post(&url, json!({ "token": "replaced" })).await;
    assert_eq!(
        read().await,
        json!({ "token": "replaced", "label": "Main office" })
    );

    for bad in ["[1, 2]", "\"token\"", "{not json", ""] {
        let response = reqwest::Client::new()
            .post(&url)
            .header(CONTENT_TYPE, "application/json")
            .body(bad)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400, "{bad:?}");
    }
    assert_eq!(
        read().await,
        json!({ "token": "replaced", "label": "Main office" })
    );

    post(&format!("{base}/__sandbox/host/reset"), Value::Null).await;
    assert_eq!(read().await, json!({ "token": "demo-token-123" }));

    let without_demo = start(config(Some(fake_widget()), None)).await;
    let empty: Value = reqwest::get(format!("{without_demo}/__sandbox/host/settings"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(empty, json!({}));
}

#[tokio::test]
async fn source_attachments_are_kept_per_pipeline_until_detached_or_reset() {
    let base = start(config(Some(fake_widget()), None)).await;
    let url = format!("{base}/__sandbox/host/attachments");
    assert_eq!(
        post(&url, json!({ "pipeline_id": 7 })).await.1["pipelines"],
        json!([7])
    );
    assert_eq!(
        post(&url, json!({ "pipeline_id": 3, "attached": true }))
            .await
            .1["pipelines"],
        json!([3, 7])
    );
    assert_eq!(
        post(&url, json!({ "pipeline_id": 7, "attached": false }))
            .await
            .1["pipelines"],
        json!([3])
    );
    assert_eq!(post(&url, json!({ "pipeline_id": "x" })).await.0, 400);
    assert_eq!(post(&url, json!({ "pipeline_id": -1 })).await.0, 400);
    let read: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(read, json!({ "pipelines": [3] }));
    post(&format!("{base}/__sandbox/host/reset"), Value::Null).await;
    let read: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(read, json!({ "pipelines": [] }));
}

#[tokio::test]
async fn x_auth_token_carries_kommos_claims_signed_with_the_client_secret_for_the_shown_user() {
    let auth = HostAuth::for_client(
        "client-uuid-1",
        "integration-secret",
        "http://127.0.0.1:8090/oauth/callback",
    );
    let base = start(HostConfig {
        auth,
        ..config(None, None)
    })
    .await;
    let client = reqwest::Client::new();
    let mint = || async {
        let v: Value = client
            .post(format!("{base}/__sandbox/host/x-auth-token"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["token"].as_str().unwrap().to_owned()
    };
    let check = |token: &str, secret: &str| {
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        v.set_audience(&["http://127.0.0.1:8090"]);
        let key = jsonwebtoken::DecodingKey::from_secret(secret.as_bytes()).unwrap();
        jsonwebtoken::decode::<XAuthClaims>(token, &key, &v).map(|d| d.claims)
    };
    let first = mint().await;
    let claims = check(&first, "integration-secret").expect("signed HS256 with the client secret");
    assert!(check(&first, "another-secret").is_err());
    assert_eq!(claims.iss, base, "the account's address");
    assert_eq!(claims.client_uuid, "client-uuid-1");
    assert_eq!((claims.account_id, claims.user_id), (30470678, 1));
    assert_eq!(claims.subdomain, "sandbox");
    assert_eq!(claims.exp - claims.iat, 30 * 60);
    assert!(claims.nbf <= claims.iat + 1);
    let second = check(&mint().await, "integration-secret").unwrap();
    assert_ne!(second.jti, claims.jti, "a new id each time");

    // The page can show the account's other user; a user it does not have is refused.
    let switched = client
        .post(format!("{base}/__sandbox/host/user"))
        .body(r#"{"user_id": 2}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), 200);
    assert_eq!(
        check(&mint().await, "integration-secret").unwrap().user_id,
        2
    );
    let refused = client
        .post(format!("{base}/__sandbox/host/user"))
        .body(r#"{"user_id": 9}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    client
        .post(format!("{base}/__sandbox/host/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        check(&mint().await, "integration-secret").unwrap().user_id,
        1
    );
}

#[tokio::test]
async fn the_pipeline_id_switch_says_whether_the_widget_gets_numbers_or_strings() {
    let base = start(config(Some(fake_widget()), None)).await;
    let switches = format!("{base}/__sandbox/host");
    let (status, now) = post(&switches, json!({ "pipeline_id_as": "string" })).await;
    assert_eq!(
        (status, now["pipeline_id_as"].as_str()),
        (200, Some("string"))
    );
    let (status, _) = post(&switches, json!({ "pipeline_id_as": "float" })).await;
    assert_eq!(status, 400);
    let read: Value = reqwest::get(&switches).await.unwrap().json().await.unwrap();
    assert_eq!(read["pipeline_id_as"], "string");
    post(&format!("{switches}/reset"), Value::Null).await;
    let read: Value = reqwest::get(&switches).await.unwrap().json().await.unwrap();
    assert_eq!(read["pipeline_id_as"], "number");
}

/// The sources listing of `pipeline`, waiting for a change after `since` when given.
async fn listing(base: &str, pipeline: &str, since: Option<u64>) -> (u16, Value) {
    let mut url = format!("{base}/__sandbox/host/sources?pipeline_id={pipeline}");
    if let Some(v) = since {
        url.push_str(&format!("&since={v}"));
    }
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    if status != 200 {
        let content_type = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(content_type, "application/problem+json");
    }
    (status, response.json().await.unwrap())
}

fn names(listing: &Value) -> Vec<&str> {
    listing["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn digital_pipeline_lists_the_integrations_sources_of_one_pipeline_and_their_changes() {
    const TOKEN: &str = "integration-a";
    const PARTNERS: u64 = 5884544;
    // The whole sandbox: the sources come from its API.
    let running = sandbox::spawn(
        Config {
            tokens: vec![TOKEN.into(), "integration-b".into()],
            rate_limit: 0,
            widget_dir: Some(fake_widget()),
            ..Config::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let base = running.url();
    // Without a token in the widget settings there is no integration to list.
    let (status, none) = listing(&base, "5884544", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        (none["known"].as_bool(), names(&none).len()),
        (Some(false), 0)
    );

    post(
        &format!("{base}/__sandbox/host/settings"),
        json!({ "token": TOKEN }),
    )
    .await;
    let (_, partners) = listing(&base, "5884544", None).await;
    assert_eq!(partners["known"], true);
    assert_eq!(partners["pipeline_id"], PARTNERS);
    assert_eq!(names(&partners), ["Partner referrals", "Phone calls"]);
    assert_eq!(partners["sources"][0]["external_id"], "partner-ref");
    let (_, sales) = listing(&base, "5867030", None).await;
    assert!(names(&sales).contains(&"Website chat"));
    assert!(!names(&sales).contains(&"Partner referrals"));

    // A listing asked with the version it got answers when the sources change.
    let version = partners["version"].as_u64().unwrap();
    let waiting = tokio::spawn({
        let base = base.clone();
        async move { listing(&base, "5884544", Some(version)).await }
    });
    let created = reqwest::Client::new()
        .post(format!("{base}/api/v4/sources"))
        .bearer_auth(TOKEN)
        .json(&json!([{ "name": "Fair <b>booth</b>", "external_id": "fair", "pipeline_id": PARTNERS }]))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 200);
    let (_, after) = waiting.await.unwrap();
    assert!(after["version"].as_u64().unwrap() > version);
    assert_eq!(
        names(&after),
        ["Partner referrals", "Phone calls", "Fair <b>booth</b>"]
    );

    // Another integration's sources are not this widget's.
    let other = reqwest::Client::new()
        .post(format!("{base}/api/v4/sources"))
        .bearer_auth("integration-b")
        .json(&json!([{ "name": "Other", "external_id": "other", "pipeline_id": PARTNERS }]))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 200);
    let (_, again) = listing(&base, "5884544", None).await;
    assert_eq!(names(&again), names(&after));

    for bad in ["0", "-3", "abc", ""] {
        let (status, why) = listing(&base, bad, None).await;
        assert_eq!(status, 400, "{bad:?}");
        assert!(
            why["detail"].as_str().unwrap().contains("pipeline_id"),
            "{why}"
        );
    }
    let (status, _) = listing(&base, "5884544&since=soon", None).await;
    assert_eq!(status, 400);
    let (status, why) = listing(&base, "5884544&colour=red", None).await;
    assert_eq!(status, 400, "{why}");
    let response = reqwest::get(format!("{base}/__sandbox/host/sources"))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    running.stop().await;
}

#[tokio::test]
async fn the_files_switch_puts_the_widget_on_a_second_origin_with_or_without_cors() {
    let base = start(config(Some(fake_widget()), None)).await;
    let port = base.rsplit(':').next().unwrap().to_owned();
    let twin = format!("http://localhost:{port}");
    let client = reqwest::Client::new();
    let page = || async {
        let html = reqwest::get(format!("{base}/settings/widgets"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        html.split("data-files=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned()
    };
    assert_eq!(page().await, "", "the page's own origin by default");

    for (files, allowed) in [("cors", true), ("nocors", false)] {
        let (status, _) = post(&format!("{base}/__sandbox/host"), json!({ "files": files })).await;
        assert_eq!(status, 200);
        assert_eq!(
            page().await,
            twin,
            "{files}: params.path on the second origin"
        );
        let answer = client
            .get(format!("{twin}/widgets/sources_manager/script.js"))
            .header("Origin", base.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let allow = answer
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(allow, allowed.then(|| base.clone()), "{files}");
        assert!(answer
            .headers()
            .get("access-control-allow-credentials")
            .is_none());
        // Another origin is never allowed.
        let stranger = client
            .get(format!("{twin}/widgets/sources_manager/script.js"))
            .header("Origin", "http://evil.example")
            .send()
            .await
            .unwrap();
        assert!(stranger
            .headers()
            .get("access-control-allow-origin")
            .is_none());
    }
}
