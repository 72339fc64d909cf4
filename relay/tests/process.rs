//! The `kommo-relay` binary as an operator runs it: killed with SIGKILL straight after a
//! refresh it comes back with a working pair, and neither its log nor its SQLite file holds
//! a token in plain text.

mod common;

use common::{sign, ACCOUNT_ID, ADMIN, CLIENT_ID, SECRET};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const KEY_B64: &str = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";

struct Relay {
    child: Child,
    log: std::path::PathBuf,
}

impl Relay {
    /// SIGKILL, as a crash or an OOM kill would end it, and reaps it.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts the binary on `port` with `database`; stderr goes to `log` (appended).
async fn start_relay(port: u16, database: &str, log: &Path) -> Relay {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_kommo-relay"))
        .args([
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--public-url",
            &url,
            "--client-id",
            CLIENT_ID,
            "--redirect-uri",
            &format!("{url}/oauth/callback"),
            "--database",
            database,
            "--allow-http-loopback",
        ])
        .env("KOMMO_CLIENT_SECRET", SECRET)
        .env("RELAY_KEY", KEY_B64)
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .unwrap();
    let relay = Relay {
        child,
        log: log.to_path_buf(),
    };
    // Bounded wait until it answers.
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http.get(format!("{url}/")).send().await.is_ok() {
            return relay;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "the relay did not start; log: {}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether `text` holds a JWT (`eyJ...` `.` `eyJ...`, as the sandbox's access tokens are) or
/// a run of 64 hex digits (its refresh tokens). Sealed values are base64url without dots, so
/// they cannot look like either.
fn holds_token(text: &str) -> bool {
    let jwt = text.match_indices("eyJ").any(|(at, _)| {
        let rest = &text[at + 3..];
        let head = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
            .count();
        rest[head..].starts_with(".eyJ")
    });
    if jwt {
        return true;
    }
    let mut run = 0;
    for b in text.bytes() {
        run = if b.is_ascii_hexdigit() { run + 1 } else { 0 };
        if run >= 64 {
            return true;
        }
    }
    false
}

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
    let sandbox = sandbox::spawn(
        sandbox::Config {
            oauth: Some(sandbox::oauth::grants::Client {
                id: CLIENT_ID.into(),
                secret: SECRET.into(),
                redirect_uri: format!("{relay_url}/oauth/callback"),
            }),
            rate_limit: 0,
            empty: true,
            ..sandbox::Config::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
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
        let now = common::now();
        let claims = json!({
            "iss": sandbox.url(), "aud": relay_url, "jti": common::uuid(),
            "iat": now, "nbf": now, "exp": now + 900,
            "account_id": ACCOUNT_ID, "user_id": ADMIN, "subdomain": "sandbox",
            "client_uuid": CLIENT_ID,
        });
        let url = format!("{relay_url}{path}");
        async move {
            http.get(url)
                .header("x-auth-token", sign(&claims))
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
    let installed: Value = http
        .post(format!("{}/__sandbox/install", sandbox.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(installed["status"], 200, "{installed}");
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
