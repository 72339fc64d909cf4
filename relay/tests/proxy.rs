//! The forwarded routes over real HTTP: the Sources API and the pipelines list reach the
//! account with their query and body, Kommo's answer comes back as it was, and nothing else
//! is forwarded.

mod common;

use common::{Env, Setup};
use reqwest::Method;
use serde_json::json;

async fn installed() -> Env {
    let env = Env::start(Setup::default()).await;
    env.installed().await;
    env
}

#[tokio::test]
async fn sources_are_created_read_edited_and_deleted_through_the_relay() {
    for db in common::db::all().await {
        let env = Env::installed_on(db).await;
        let created = env
            .call(
                Method::POST,
                "/api/v4/sources",
                Some(&json!([{"name": "Web form", "external_id": "web-1"}]).to_string()),
            )
            .await;
        assert_eq!(created.status, 200, "{}", created.text);
        assert_eq!(created.header("content-type"), "application/hal+json");
        let id = created.json()["_embedded"]["sources"][0]["id"]
            .as_i64()
            .unwrap();

        let found = env
            .call(
                Method::GET,
                "/api/v4/sources?filter[external_id]=web-1",
                None,
            )
            .await;
        assert_eq!(found.status, 200, "{}", found.text);
        assert_eq!(found.json()["_embedded"]["sources"][0]["id"], id);
        let none = env
            .call(
                Method::GET,
                "/api/v4/sources?filter[external_id]=nothing",
                None,
            )
            .await;
        assert_eq!(none.status, 204, "the query reached Kommo: {}", none.text);

        let path = format!("/api/v4/sources/{id}");
        let renamed = env
            .call(
                Method::PATCH,
                &path,
                Some(&json!({"name": "Renamed"}).to_string()),
            )
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.text);
        let one = env.call(Method::GET, &path, None).await;
        assert_eq!(one.json()["name"], "Renamed");
        let deleted = env.call(Method::DELETE, &path, None).await;
        assert_eq!(deleted.status, 204, "{}", deleted.text);
        assert!(deleted.text.is_empty());
        env.stop().await;
    }
}

#[tokio::test]
async fn kommo_refusals_come_back_unchanged() {
    let env = installed().await;
    let invalid = env
        .call(
            Method::POST,
            "/api/v4/sources",
            Some(&json!([{"name": "", "external_id": "x"}]).to_string()),
        )
        .await;
    assert_eq!(invalid.status, 400, "{}", invalid.text);
    assert!(invalid
        .header("content-type")
        .starts_with("application/problem+json"));
    assert!(
        invalid.json()["validation-errors"].is_array(),
        "{}",
        invalid.text
    );

    let body = r#"{"title":"Too Many Requests","status":429,"detail":"slow down"}"#;
    env.fault(json!({
        "method": "GET", "path": "/api/v4/sources", "status": 429,
        "headers": {"Retry-After": "7", "X-Kommo-Internal": "not forwarded"},
        "content_type": "application/problem+json; charset=utf-8", "body": body,
    }))
    .await;
    let limited = env.call(Method::GET, "/api/v4/sources", None).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("retry-after"), "7");
    assert_eq!(
        limited.header("content-type"),
        "application/problem+json; charset=utf-8"
    );
    assert_eq!(limited.text, body);
    assert_eq!(limited.header("x-kommo-internal"), "");

    env.fault(json!({"path": "/api/v4/leads/pipelines", "status": 500,
        "content_type": "text/plain", "body": "upstream broke"}))
        .await;
    let broken = env.call(Method::GET, "/api/v4/leads/pipelines", None).await;
    assert_eq!(broken.status, 500);
    assert_eq!(broken.header("content-type"), "text/plain");
    assert_eq!(broken.text, "upstream broke");
}

#[tokio::test]
async fn nothing_else_is_forwarded() {
    let env = installed().await;
    for (method, path) in [
        (Method::GET, "/api/v4/account"),
        (Method::GET, "/api/v4/users/1"),
        (Method::POST, "/api/v4/leads"),
        (Method::DELETE, "/api/v4/leads/1"),
        (Method::GET, "/api/v4/leads/complex"),
        (Method::POST, "/api/v4/leads/pipelines"),
        (Method::PUT, "/api/v4/sources"),
        (Method::GET, "/api/v4/sources/abc"),
        (Method::GET, "/api/v4/sources/1/pages"),
        (Method::GET, "/oauth2/access_token"),
        (Method::GET, "/"),
    ] {
        let a = env.call(method.clone(), path, None).await;
        a.refused(404, "not_found");
        let bare = env.send(method.clone(), path, &[], None).await;
        assert_eq!(bare.status, 404, "{method} {path}");
    }
    assert_eq!(
        env.counter("GET /api/v4/account").await,
        1,
        "only the install's"
    );
    assert_eq!(env.counter("POST /api/v4/leads").await, 0);
    assert_eq!(env.counter("DELETE /api/v4/leads/{id}").await, 0);
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused() {
    let env = installed().await;
    let big = format!("[{{\"name\":\"{}\"}}]", "x".repeat(1 << 20));
    let a = env.call(Method::POST, "/api/v4/sources", Some(&big)).await;
    a.refused(413, "too_large");
    assert_eq!(env.counter("POST /api/v4/sources").await, 0);
}

#[tokio::test]
async fn the_widgets_lead_calls_are_forwarded() {
    let env = installed().await;
    let empty = env
        .call(Method::GET, "/api/v4/leads?with=source&limit=250", None)
        .await;
    assert!(matches!(empty.status.as_u16(), 200 | 204), "{}", empty.text);
    let made = env
        .call(
            Method::POST,
            "/api/v4/leads/complex",
            Some(r#"[{"name": "Through the relay"}]"#),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let id = made.json()[0]["id"].as_u64().unwrap();
    let one = env
        .call(
            Method::GET,
            &format!("/api/v4/leads/{id}?with=source"),
            None,
        )
        .await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.json()["name"], "Through the relay");
    assert_eq!(env.counter("POST /api/v4/leads/complex").await, 1);
    assert_eq!(env.counter("GET /api/v4/leads/{id}").await, 1);
}

#[tokio::test]
async fn a_body_without_a_declared_length_is_held_to_one_mebibyte_as_it_is_read() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let env = installed().await;
    let token = common::sign(&env.claims(common::ADMIN));
    let mut s = tokio::net::TcpStream::connect(env.relay.addr)
        .await
        .unwrap();
    let head = format!(
        "POST /api/v4/sources HTTP/1.1\r\nhost: {}\r\nx-auth-token: {token}\r\n\
         content-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        env.relay.addr
    );
    s.write_all(head.as_bytes()).await.unwrap();
    // Seventeen chunks of 64 KiB: the last one crosses 1 MiB. No final chunk is sent, so the
    // relay can only refuse by counting what it reads.
    let chunk = [b' '; 64 * 1024];
    for _ in 0..17 {
        let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
        frame.extend_from_slice(&chunk);
        frame.extend_from_slice(b"\r\n");
        if s.write_all(&frame).await.is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let read = s.read_to_end(&mut answer);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), read).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("application/problem+json"), "{text}");
    assert!(text.contains(r#""reason":"too_large""#), "{text}");
    assert_eq!(env.counter("POST /api/v4/sources").await, 0);
}
