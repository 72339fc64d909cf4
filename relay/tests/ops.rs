//! What a vendor operates the relay with, over real HTTP: the probes, the metrics, and the
//! binary's JSON logs, settings from the environment and graceful stop at SIGTERM.

mod common;

use common::binary::{command, flags, free_port, holds_token, install, sandbox_for, start, token};
use common::{db, Env, Setup, ACCOUNT_ID, SECRET};
use reqwest::Method;
use serde_json::{json, Value};
use std::io::BufRead;
use std::process::Stdio;
use std::time::Duration;

/// Runs `sql` on the database at `url` from a connection of its own.
async fn execute(url: &str, sql: &str) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::query(sql).execute(&pool).await.unwrap();
    pool.close().await;
}

#[tokio::test]
async fn the_probes_answer_200_without_a_token_and_without_cors() {
    for db in db::all().await {
        let kind = db.kind;
        let env = Env::start(Setup {
            db: Some(db),
            ..Setup::default()
        })
        .await;
        let elsewhere = [("origin", "https://evil.example.com")];
        let health = env.send(Method::GET, "/healthz", &elsewhere, None).await;
        assert_eq!(health.status, 200, "{kind}: {}", health.text);
        assert_eq!(health.header("access-control-allow-origin"), "", "{kind}");
        let ready = env.send(Method::GET, "/readyz", &elsewhere, None).await;
        assert_eq!(ready.status, 200, "{kind}: {}", ready.text);
        assert_eq!(ready.header("access-control-allow-origin"), "", "{kind}");
        env.stop().await;
    }
}

#[tokio::test]
async fn readyz_is_503_not_ready_when_a_migration_is_missing() {
    for db in db::all().await {
        let kind = db.kind;
        let env = Env::start(Setup {
            db: Some(db),
            ..Setup::default()
        })
        .await;
        execute(
            &env.db.url,
            "DELETE FROM _sqlx_migrations WHERE version = 1",
        )
        .await;
        let ready = env.send(Method::GET, "/readyz", &[], None).await;
        let v = ready.refused(503, "not_ready");
        assert!(
            v["detail"].as_str().unwrap().contains("migration 1"),
            "{kind}: {v}"
        );
        let health = env.send(Method::GET, "/healthz", &[], None).await;
        assert_eq!(health.status, 200, "{kind}: the process is still up");
        env.stop().await;
    }
}

#[tokio::test]
async fn readyz_is_503_not_ready_when_the_database_is_gone() {
    // SQLite: the relay's pool is closed under it, as when its file's disk is gone.
    let env = Env::start(Setup::default()).await;
    assert_eq!(
        env.send(Method::GET, "/readyz", &[], None).await.status,
        200
    );
    env.relay.app.store.close().await;
    let ready = env.send(Method::GET, "/readyz", &[], None).await;
    let v = ready.refused(503, "not_ready");
    assert!(
        v["detail"].as_str().unwrap().contains("did not answer"),
        "{v}"
    );
    let health = env.send(Method::GET, "/healthz", &[], None).await;
    assert_eq!(health.status, 200);
    let metrics = env.send(Method::GET, "/metrics", &[], None).await.text;
    assert!(
        metrics.contains("relay_database_errors_total{op=\"query\"}"),
        "{metrics}"
    );
    env.stop().await;

    // PostgreSQL: the relay's database is dropped while it runs.
    let Some(pg) = db::postgres().await else {
        return;
    };
    let name = url::Url::parse(&pg.url).unwrap().path()[1..].to_string();
    let env = Env::start(Setup {
        db: Some(pg),
        ..Setup::default()
    })
    .await;
    assert_eq!(
        env.send(Method::GET, "/readyz", &[], None).await.status,
        200
    );
    let admin = std::env::var(db::POSTGRES_VAR).unwrap();
    execute(&admin, &format!("DROP DATABASE {name} WITH (FORCE)")).await;
    let ready = env.send(Method::GET, "/readyz", &[], None).await;
    ready.refused(503, "not_ready");
    env.stop().await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_refusals_by_reason() {
    let env = Env::start(Setup::default()).await;
    env.installed().await;
    assert_eq!(
        env.call(Method::GET, "/api/v4/sources", None).await.status,
        204
    );
    env.call(Method::GET, "/api/v4/sources/17", None).await;
    env.send(Method::GET, "/api/v4/sources", &[], None)
        .await
        .refused(401, "token_missing");
    env.send(Method::GET, "/nowhere/42", &[], None)
        .await
        .refused(404, "not_found");

    let page = env.send(Method::GET, "/metrics", &[], None).await;
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").starts_with("text/plain"));
    let text = page.text;
    let has = |prefix: &str, parts: &[&str]| {
        text.lines()
            .any(|l| l.starts_with(prefix) && parts.iter().all(|p| l.contains(p)))
    };
    assert!(
        has(
            "relay_requests_total{",
            &["route=\"/api/v4/sources\"", "status=\"204\""]
        ),
        "{text}"
    );
    assert!(
        has("relay_requests_total{", &["route=\"/api/v4/sources/{id}\""]),
        "{text}"
    );
    assert!(
        has(
            "relay_requests_total{",
            &["route=\"unmatched\"", "status=\"404\""]
        ),
        "{text}"
    );
    assert!(
        has("relay_refusals_total{", &["reason=\"token_missing\""]),
        "{text}"
    );
    assert!(
        has("relay_refusals_total{", &["reason=\"not_found\""]),
        "{text}"
    );
    assert!(
        text.contains("# TYPE relay_kommo_seconds histogram"),
        "{text}"
    );
    assert!(
        has("relay_kommo_seconds_bucket{", &["le=\"0.05\""]),
        "{text}"
    );
    // Label values are templates and codes, never what a caller sent.
    for raw in ["/api/v4/sources/17", "/nowhere", &ACCOUNT_ID.to_string()] {
        assert!(!text.contains(raw), "{raw} in the metrics:\n{text}");
    }
    env.stop().await;
}

#[cfg(unix)]
#[tokio::test]
async fn json_logs_are_one_object_a_line_with_method_path_status_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("relay.log");
    let database = format!("sqlite:{}", dir.path().join("relay.sqlite3").display());
    let port = free_port();
    let mut cmd = command();
    cmd.args(flags(port, &database))
        .args(["--log-format", "json"]);
    let mut relay = start(cmd, port, &log).await;
    let sandbox = sandbox_for(&relay.url).await;
    install(&sandbox).await;
    let http = reqwest::Client::new();
    let answer = http
        .get(format!("{}/api/v4/sources", relay.url))
        .header("x-auth-token", token(&sandbox, &relay.url))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);
    let callback = http
        .get(format!(
            "{}/oauth/callback?code=do-not-log-this-code&referer=evil.example.com",
            relay.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(callback.status(), 400);
    relay.terminate();
    let status = relay.exited(Duration::from_secs(10)).await;
    assert_eq!(status.and_then(|s| s.code()), Some(0), "{}", relay.logged());

    let logged = relay.logged();
    let lines: Vec<Value> = logged
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.iter().all(Value::is_object), "{logged}");
    let request = |path: &str, status: u64| {
        lines.iter().any(|l| {
            l["method"] == "GET"
                && l["path"] == path
                && l["status"] == status
                && l["ms"].is_u64()
                && l["level"] == "INFO"
        })
    };
    assert!(request("/api/v4/sources", 204), "{logged}");
    assert!(request("/oauth/callback", 400), "{logged}");
    assert!(
        lines.iter().any(|l| l["account_id"] == ACCOUNT_ID
            && l["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("installed at")),
        "{logged}"
    );
    let said = |start: &str| {
        lines
            .iter()
            .any(|l| l["message"].as_str().is_some_and(|m| m.starts_with(start)))
    };
    assert!(said("shutting down") && said("stopped"), "{logged}");
    assert!(!holds_token(&logged), "a token in the log:\n{logged}");
    assert!(!logged.contains(SECRET), "{logged}");
    assert!(!logged.contains("do-not-log-this-code"), "{logged}");
    assert!(!logged.to_lowercase().contains("x-auth-token"), "{logged}");
}

/// Has the sandbox hold the next `GET /api/v4/sources` for `ms`.
async fn delay_sources(sandbox: &sandbox::Running, ms: u64) {
    let resp = reqwest::Client::new()
        .post(format!("{}/__sandbox/delay", sandbox.url()))
        .json(&json!({"ms": ms, "count": 1, "method": "GET", "path": "/api/v4/sources"}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
}

/// How many `GET /api/v4/sources` reached the sandbox.
async fn sources_reads(sandbox: &sandbox::Running) -> u64 {
    let v: Value = reqwest::get(format!("{}/__sandbox/counters", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["GET /api/v4/sources"].as_u64().unwrap_or(0)
}

/// Starts a `GET /api/v4/sources` through the relay and waits until it reached the sandbox.
async fn call_in_flight(
    sandbox: &sandbox::Running,
    relay_url: &str,
) -> tokio::task::JoinHandle<Result<reqwest::StatusCode, reqwest::Error>> {
    let before = sources_reads(sandbox).await;
    let url = format!("{relay_url}/api/v4/sources");
    let token = token(sandbox, relay_url);
    let call = tokio::spawn(async move {
        let resp = reqwest::Client::new()
            .get(url)
            .header("x-auth-token", token)
            .send()
            .await?;
        let status = resp.status();
        resp.bytes().await?;
        Ok(status)
    });
    for _ in 0..200 {
        if sources_reads(sandbox).await > before {
            return call;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the call did not reach the sandbox");
}

/// Whether a fresh connection to `url` is refused within a second.
async fn refuses_connections(url: &str) -> bool {
    for _ in 0..100 {
        let fresh = reqwest::Client::new();
        if fresh.get(format!("{url}/healthz")).send().await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[cfg(unix)]
#[tokio::test]
async fn at_sigterm_a_request_in_flight_finishes_and_the_relay_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("relay.log");
    let database = format!("sqlite:{}", dir.path().join("relay.sqlite3").display());
    let port = free_port();
    let mut cmd = command();
    cmd.args(flags(port, &database))
        .args(["--drain-timeout", "10s"]);
    let mut relay = start(cmd, port, &log).await;
    let sandbox = sandbox_for(&relay.url).await;
    install(&sandbox).await;

    delay_sources(&sandbox, 3000).await;
    let call = call_in_flight(&sandbox, &relay.url).await;
    relay.terminate();
    assert!(refuses_connections(&relay.url).await, "{}", relay.logged());
    assert!(!call.is_finished(), "the call ended before the delay did");
    let status = call.await.unwrap().expect("the call in flight is answered");
    assert_eq!(status, 204);
    let exited = relay.exited(Duration::from_secs(10)).await;
    assert_eq!(exited.and_then(|s| s.code()), Some(0), "{}", relay.logged());
    let logged = relay.logged();
    assert!(logged.contains("shutting down"), "{logged}");
    assert!(logged.contains("stopped"), "{logged}");
    assert!(!logged.contains("the drain timeout cut"), "{logged}");
}

#[cfg(unix)]
#[tokio::test]
async fn the_drain_timeout_bounds_the_wait_for_a_slow_request() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("relay.log");
    let database = format!("sqlite:{}", dir.path().join("relay.sqlite3").display());
    let port = free_port();
    let mut cmd = command();
    cmd.args(flags(port, &database))
        .args(["--drain-timeout", "300ms"]);
    let mut relay = start(cmd, port, &log).await;
    let sandbox = sandbox_for(&relay.url).await;
    install(&sandbox).await;

    delay_sources(&sandbox, 20_000).await;
    let call = call_in_flight(&sandbox, &relay.url).await;
    let stopping = tokio::time::Instant::now();
    relay.terminate();
    let exited = relay.exited(Duration::from_secs(5)).await;
    assert_eq!(exited.and_then(|s| s.code()), Some(0), "{}", relay.logged());
    assert!(stopping.elapsed() < Duration::from_secs(3));
    assert!(call.await.unwrap().is_err(), "the slow call was cut");
    let logged = relay.logged();
    assert!(
        logged.contains("the drain timeout cut requests still in flight"),
        "{logged}"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn variables_alone_configure_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("relay.log");
    let database = format!("sqlite:{}", dir.path().join("relay.sqlite3").display());
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut cmd = command();
    cmd.env("RELAY_ADDR", format!("127.0.0.1:{port}"))
        .env("RELAY_PUBLIC_URL", &url)
        .env("RELAY_CLIENT_ID", common::CLIENT_ID)
        .env("RELAY_REDIRECT_URI", format!("{url}/oauth/callback"))
        .env("RELAY_DATABASE", &database)
        .env("RELAY_ALLOW_HTTP_LOOPBACK", "true")
        .env("RELAY_LOG_FORMAT", "json")
        .env("RELAY_DRAIN_TIMEOUT", "5s")
        .env("RELAY_KEEP_ALIVE", "7d")
        .stdout(Stdio::piped());
    let mut relay = start(cmd, port, &log).await;
    let stdout = relay.child.stdout.take().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim_end(), format!("kommo-relay listening on {url}"));

    // The client id, the Redirect URI and loopback accounts all took effect.
    let sandbox = sandbox_for(&url).await;
    install(&sandbox).await;
    let answer = reqwest::Client::new()
        .get(format!("{url}/api/v4/sources"))
        .header("x-auth-token", token(&sandbox, &url))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);
    assert!(std::path::Path::new(&database["sqlite:".len()..]).exists());

    relay.terminate();
    let exited = relay.exited(Duration::from_secs(10)).await;
    assert_eq!(exited.and_then(|s| s.code()), Some(0), "{}", relay.logged());
    let logged = relay.logged();
    for l in logged.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
        assert!(v.is_object(), "{l}");
    }
    assert!(logged.contains("\"path\":\"/api/v4/sources\""), "{logged}");
}
