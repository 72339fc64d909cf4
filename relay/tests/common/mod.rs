//! A sandbox (Kommo's stand-in, with one OAuth integration) and a relay for it, both in
//! process on loopback ports, and X-Auth-Tokens minted as Kommo mints them.
#![allow(dead_code)]

pub mod binary;
pub mod db;
pub mod fleet;
pub mod history;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use relay::config::{
    Config, Key, Limits, LogFormat, Secret, DEFAULT_HISTORY_DAYS, DEFAULT_KEEP_ALIVE,
};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The integration's id, as registered in the sandbox.
pub const CLIENT_ID: &str = "9f1c2a6e-relay-test-client";
/// The integration's client secret.
pub const SECRET: &str = "relay-test-client-secret";
/// The sandbox's account id (`GET /api/v4/account`).
pub const ACCOUNT_ID: i64 = 30470678;
/// The sandbox's administrator and the user who is not one.
pub const ADMIN: i64 = 1;
/// A user of the account who is not an administrator.
pub const NOT_ADMIN: i64 = 2;
/// The relay's key in the tests.
pub const KEY: [u8; 32] = [42; 32];

/// How a test wants its pair of servers.
pub struct Setup {
    /// The relay accepts http://127.0.0.1 accounts (the sandbox is one).
    pub allow_http_loopback: bool,
    /// The relay's per-account limits; off unless a test is about them.
    pub limits: Limits,
    /// The sandbox's access-token lifetime.
    pub access_ttl: u64,
    /// The sandbox's rate limit per token (0: off).
    pub sandbox_rate: u32,
    /// The database, SQLite unless given.
    pub db: Option<db::TestDb>,
    /// The relay's keep-alive.
    pub keep_alive: std::time::Duration,
    /// Days the relay keeps its history.
    pub history_days: u32,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            allow_http_loopback: true,
            limits: Limits {
                per_second: 0,
                queue_secs: 0,
            },
            access_ttl: 86400,
            sandbox_rate: 0,
            db: None,
            keep_alive: DEFAULT_KEEP_ALIVE,
            history_days: DEFAULT_HISTORY_DAYS,
        }
    }
}

/// A running sandbox and relay.
pub struct Env {
    /// Kommo's stand-in.
    pub sandbox: sandbox::Running,
    /// The relay under test.
    pub relay: relay::Running,
    /// Its database.
    pub db: db::TestDb,
    /// A plain HTTP client.
    pub http: Client,
    /// The relay's configuration (the same the relay runs with).
    pub config: Config,
}

/// One answer, fully read.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body as text.
    pub text: String,
}

impl Answer {
    /// A header as text, or "".
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    /// Asserts a problem+json refusal with this status and reason.
    pub fn refused(&self, status: u16, reason: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(self.header("content-type"), "application/problem+json");
        let v = self.json();
        assert_eq!(v["reason"], reason, "{v}");
        assert_eq!(v["status"], status);
        assert!(v["detail"].as_str().is_some_and(|d| !d.is_empty()), "{v}");
        v
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Env {
    /// Starts both servers; the relay's Redirect URI is its own `/oauth/callback`.
    pub async fn start(setup: Setup) -> Env {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let relay_url = format!("http://{}", listener.local_addr().unwrap());
        let redirect = format!("{relay_url}/oauth/callback");
        let sandbox = sandbox::spawn(
            sandbox::Config {
                oauth: Some(sandbox::oauth::grants::Client {
                    id: CLIENT_ID.into(),
                    secret: SECRET.into(),
                    redirect_uri: redirect.clone(),
                }),
                access_ttl: setup.access_ttl,
                rate_limit: setup.sandbox_rate,
                empty: true,
                ..sandbox::Config::default()
            },
            "127.0.0.1:0".parse().unwrap(),
        )
        .await
        .unwrap();
        let db = setup.db.unwrap_or_else(db::sqlite);
        let config = Config {
            public_url: relay_url.parse().unwrap(),
            client_id: CLIENT_ID.into(),
            client_secret: Secret::new(SECRET),
            redirect_uri: redirect.parse().unwrap(),
            database: db.url.clone(),
            allow_http_loopback: setup.allow_http_loopback,
            key: Key(KEY),
            limits: setup.limits,
            log_format: LogFormat::Text,
            drain_timeout: Duration::from_secs(5),
            keep_alive: setup.keep_alive,
            history_days: setup.history_days,
        };
        let relay = relay::start(config.clone(), listener).await.unwrap();
        Env {
            sandbox,
            relay,
            db,
            http: Client::new(),
            config,
        }
    }

    /// The sandbox's base URL: the account's address, and every token's `iss`.
    pub fn account(&self) -> String {
        self.sandbox.url()
    }

    /// Has the sandbox install the integration (a code sent to the relay's callback);
    /// returns the callback's status and body.
    pub async fn install(&self) -> (u16, String) {
        let v = self
            .sandbox_control(Method::POST, "/__sandbox/install")
            .await;
        (
            v["status"].as_u64().unwrap_or(0) as u16,
            v["body"].as_str().unwrap_or("").to_string(),
        )
    }

    /// Installs and asserts the account is connected.
    pub async fn installed(&self) {
        let (status, body) = self.install().await;
        assert_eq!(status, 200, "{body}");
    }

    /// Both servers on `db`, with the integration installed.
    pub async fn installed_on(db: db::TestDb) -> Env {
        let env = Env::start(Setup {
            db: Some(db),
            ..Setup::default()
        })
        .await;
        env.installed().await;
        env
    }

    /// What the relay has stored of the sandbox's account.
    pub async fn installation(&self) -> Option<relay::store::Installation> {
        self.relay.app.store.by_account(ACCOUNT_ID).await.unwrap()
    }

    /// A sandbox control route's JSON answer.
    pub async fn sandbox_control(&self, method: Method, path: &str) -> Value {
        self.sandbox_control_with(method, path, None).await
    }

    /// A sandbox control route with a JSON body.
    pub async fn sandbox_control_with(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.sandbox.url()));
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let resp = req.send().await.unwrap();
        resp.json().await.unwrap()
    }

    /// A counter of the sandbox (`grant refresh_token`, `GET /api/v4/sources`, ...).
    pub async fn counter(&self, name: &str) -> u64 {
        let v = self
            .sandbox_control(Method::GET, "/__sandbox/counters")
            .await;
        v[name].as_u64().unwrap_or(0)
    }

    /// Claims as Kommo puts them in X-Auth-Token for `user_id`, valid now for 15 minutes.
    pub fn claims(&self, user_id: i64) -> Value {
        claims(&self.account(), &self.config.audience(), user_id)
    }

    /// A request to the relay with these headers.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Answer {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.relay.url()));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let resp = req.send().await.unwrap();
        Answer {
            status: resp.status(),
            headers: resp.headers().clone(),
            text: resp.text().await.unwrap(),
        }
    }

    /// A request to the relay as the widget sends it: a fresh admin token.
    pub async fn call(&self, method: Method, path: &str, body: Option<&str>) -> Answer {
        let token = sign(&self.claims(ADMIN));
        self.send(method, path, &[("x-auth-token", &token)], body)
            .await
    }

    /// A request to the relay with the token these claims make.
    pub async fn call_with(&self, claims: &Value, path: &str) -> Answer {
        let token = sign(claims);
        self.send(Method::GET, path, &[("x-auth-token", &token)], None)
            .await
    }

    /// Stops both servers.
    pub async fn stop(self) -> db::TestDb {
        self.relay.stop().await;
        self.sandbox.stop().await;
        self.db
    }
}

/// Claims as Kommo puts them in X-Auth-Token for the sandbox's account at `iss`, a relay whose
/// Redirect URI has the origin `aud`, and `user_id`; valid now for 15 minutes.
pub fn claims(iss: &str, aud: &str, user_id: i64) -> Value {
    let now = now();
    json!({
        "iss": iss,
        "aud": aud,
        "jti": uuid(),
        "iat": now,
        "nbf": now,
        "exp": now + 900,
        "account_id": ACCOUNT_ID,
        "user_id": user_id,
        "subdomain": "sandbox",
        "client_uuid": CLIENT_ID,
    })
}

/// Claims signed HS256 with the client secret, as Kommo signs them.
pub fn sign(claims: &Value) -> String {
    sign_with(claims, SECRET.as_bytes(), Algorithm::HS256)
}

/// Claims signed with another key or algorithm.
pub fn sign_with(claims: &Value, key: &[u8], alg: Algorithm) -> String {
    jsonwebtoken::encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(key).unwrap(),
    )
    .unwrap()
}

/// A random id.
pub fn uuid() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}-{}",
        std::process::id(),
        now(),
        SEQ.fetch_add(1, Ordering::SeqCst)
    )
}

impl Env {
    /// Makes the relay's stored access token look expired, as it will be a day after install.
    pub async fn expire_access_token(&self) {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.db.url).await.unwrap();
        sqlx::query("UPDATE installations SET access_expires_at = 0")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }

    /// Adds a sandbox fault rule (see the sandbox's README).
    pub async fn fault(&self, rule: Value) {
        self.sandbox_control_with(Method::POST, "/__sandbox/faults", Some(rule))
            .await;
    }
}
