//! The `kommo-relay` binary as an operator runs it: killed with SIGKILL straight after a
//! refresh it comes back with a working pair, and neither its log nor its SQLite file holds
//! a token in plain text.

mod common;

use common::binary::{free_port, holds_token, install, sandbox_for, start_relay, token};
use common::SECRET;
use serde_json::Value;

#[test]
fn the_token_finder_finds_tokens() {
    assert!(holds_token("x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig y"));
    assert!(holds_token(&"ab12".repeat(16)));
    assert!(!holds_token(
        "v1.eyJabc_-Zz09eyJ GET /api/v4/sources 204 3ms"
    ));
    assert!(!holds_token(&"ab12".repeat(15)));
}

#[tokio::test]
async fn killed_straight_after_a_refresh_it_comes_back_with_a_working_pair() {
    let dir = tempfile::tempdir().unwrap();
    let db_file = dir.path().join("relay.sqlite3");
    let database = format!("sqlite:{}", db_file.display());
    let log = dir.path().join("relay.log");
    let port = free_port();
    let relay_url = format!("http://127.0.0.1:{port}");
    let sandbox = sandbox_for(&relay_url).await;
    let http = reqwest::Client::new();
    let counter = |name: &'static str| {
        let http = http.clone();
        let url = format!("{}/__sandbox/counters", sandbox.url());
        async move {
            let v: Value = http.get(url).send().await.unwrap().json().await.unwrap();
            v[name].as_u64().unwrap_or(0)
        }
    };
    let call = |path: &'static str| {
        let http = http.clone();
        let token = token(&sandbox, &relay_url);
        let url = format!("{relay_url}{path}");
        async move {
            http.get(url)
                .header("x-auth-token", token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let expire = || async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&database).await.unwrap();
        sqlx::query("UPDATE installations SET access_expires_at = 0")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    };

    let mut relay = start_relay(port, &database, &log).await;
    install(&sandbox).await;
    assert_eq!(call("/api/v4/sources").await, 204);

    // The next call refreshes; the relay is killed the moment its answer is in.
    expire().await;
    assert_eq!(call("/api/v4/leads/pipelines").await, 200);
    relay.kill();
    assert_eq!(counter("grant refresh_token").await, 1);

    let log_file = relay.log.clone();
    let mut relay = start_relay(port, &database, &log_file).await;
    // The stored access token is the new one, and it works without another refresh.
    assert_eq!(call("/api/v4/sources").await, 204);
    assert_eq!(counter("grant refresh_token").await, 1);
    // The stored refresh token is the rotated one, and Kommo takes it.
    expire().await;
    assert_eq!(call("/api/v4/sources").await, 204);
    assert_eq!(counter("grant refresh_token").await, 2);
    relay.kill();

    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("method=GET path=/api/v4/sources status=204"),
        "{logged}"
    );
    assert!(logged.contains("access token refreshed"), "{logged}");
    assert!(!holds_token(&logged), "a token in the log:\n{logged}");
    assert!(!logged.contains(SECRET));
    assert!(
        !logged.contains("code="),
        "an authorization code in the log:\n{logged}"
    );
    let mut stored = std::fs::read(&db_file).unwrap();
    for side in ["-wal", "-shm"] {
        stored.extend(std::fs::read(format!("{}{side}", db_file.display())).unwrap_or_default());
    }
    let stored = String::from_utf8_lossy(&stored);
    assert!(stored.contains("installations"), "the file is the database");
    assert!(
        !holds_token(&stored),
        "a token in plain text in the SQLite file"
    );
}
