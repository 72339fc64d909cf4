//! Several `kommo-relay` processes on one database behind one Redirect URI, as a vendor runs
//! them, with the sandbox as the strict Kommo.

use super::binary::{self, free_port, Relay};
use super::db::TestDb;
use super::{claims, sign, ACCOUNT_ID, ADMIN, CLIENT_ID, SECRET};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// Relays on one database, the sandbox they serve, and what they logged.
pub struct Fleet {
    /// Kommo's stand-in.
    pub sandbox: sandbox::Running,
    /// The database every relay uses.
    pub db: TestDb,
    /// One process per relay; `None` once killed.
    relays: Vec<Option<Relay>>,
    ports: Vec<u16>,
    args: Vec<String>,
    logs: tempfile::TempDir,
    http: reqwest::Client,
}

impl Fleet {
    /// `n` relays on `db`, each run with `args` too; the integration installed through the
    /// first, whose address is the Redirect URI of all.
    pub async fn start(db: TestDb, n: usize, args: &[&str]) -> Fleet {
        let ports: Vec<u16> = (0..n).map(|_| free_port()).collect();
        let public = format!("http://127.0.0.1:{}", ports[0]);
        let sandbox = sandbox::spawn(
            sandbox::Config {
                oauth: Some(sandbox::oauth::grants::Client {
                    id: CLIENT_ID.into(),
                    secret: SECRET.into(),
                    redirect_uri: format!("{public}/oauth/callback"),
                }),
                empty: true,
                ..sandbox::Config::default()
            },
            "127.0.0.1:0".parse().unwrap(),
        )
        .await
        .unwrap();
        let mut fleet = Fleet {
            sandbox,
            db,
            relays: (0..n).map(|_| None).collect(),
            ports,
            args: args.iter().map(|a| a.to_string()).collect(),
            logs: tempfile::tempdir().unwrap(),
            http: reqwest::Client::new(),
        };
        for i in 0..n {
            fleet.start_relay(i).await;
        }
        binary::install(&fleet.sandbox).await;
        fleet
    }

    /// The Redirect URI's origin: every token's audience.
    fn public(&self) -> String {
        format!("http://127.0.0.1:{}", self.ports[0])
    }

    /// Where relay `i` writes its log.
    fn log(&self, i: usize) -> PathBuf {
        self.logs.path().join(format!("relay-{i}.log"))
    }

    /// Everything the relays logged.
    pub fn logs(&self) -> String {
        (0..self.ports.len())
            .map(|i| std::fs::read_to_string(self.log(i)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Starts relay `i` (again) and waits until it answers.
    pub async fn start_relay(&mut self, i: usize) {
        let public = self.public();
        let mut cmd = binary::command();
        cmd.args(["--addr", &format!("127.0.0.1:{}", self.ports[i])])
            .args(["--public-url", &public])
            .args(["--client-id", CLIENT_ID])
            .args(["--redirect-uri", &format!("{public}/oauth/callback")])
            .args(["--database", &self.db.url, "--allow-http-loopback"])
            .args(&self.args);
        self.relays[i] = Some(binary::start(cmd, self.ports[i], &self.log(i)).await);
    }

    /// Kills relay `i` with SIGKILL, as a crash or an OOM kill would.
    pub fn kill(&mut self, i: usize) {
        if let Some(mut relay) = self.relays[i].take() {
            relay.kill();
        }
    }

    /// Stops relay `i` with SIGTERM, as an orchestrator does, and waits for it to exit:
    /// whether it exited with success within `within`.
    pub async fn terminate(&mut self, i: usize, within: Duration) -> bool {
        let Some(mut relay) = self.relays[i].take() else {
            return false;
        };
        relay.terminate();
        relay.exited(within).await.is_some_and(|s| s.success())
    }

    /// A widget call through relay `i`: its status and body, or 0 when the relay did not
    /// answer. The future owns what it needs, so that calls can run as tasks.
    pub fn call(
        &self,
        i: usize,
        path: &str,
    ) -> impl std::future::Future<Output = (u16, String)> + Send + 'static {
        let token = sign(&claims(self.sandbox.url().as_str(), &self.public(), ADMIN));
        let request = self
            .http
            .get(format!("http://127.0.0.1:{}{path}", self.ports[i]))
            .header("x-auth-token", token)
            .timeout(Duration::from_secs(30));
        async move {
            match request.send().await {
                Ok(r) => {
                    let status = r.status().as_u16();
                    (status, r.text().await.unwrap_or_default())
                }
                Err(_) => (0, String::new()),
            }
        }
    }

    /// `n` calls at once, the k-th through relay `k % relays`; every answer, in that order.
    pub async fn burst(&self, n: usize, path: &str) -> Vec<(u16, String)> {
        let mut set = tokio::task::JoinSet::new();
        for k in 0..n {
            let call = self.call(k % self.ports.len(), path);
            set.spawn(async move { (k, call.await) });
        }
        let mut answers = set.join_all().await;
        answers.sort_by_key(|(k, _)| *k);
        answers.into_iter().map(|(_, a)| a).collect()
    }

    /// A sandbox control route's JSON answer to a POST of `body`.
    pub async fn control_with(&self, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.sandbox.url());
        let mut request = self.http.post(url);
        if !body.is_null() {
            request = request.json(&body);
        }
        request.send().await.unwrap().json().await.unwrap()
    }

    /// A counter of the sandbox.
    pub async fn counter(&self, name: &str) -> u64 {
        let url = format!("{}/__sandbox/counters", self.sandbox.url());
        let v: Value = self
            .http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v[name].as_u64().unwrap_or(0)
    }

    /// Makes the stored access token look expired, as it is a day after it was issued.
    pub async fn expire(&self) {
        self.sql("UPDATE installations SET access_expires_at = 0")
            .await;
    }

    /// Runs one statement on the relays' database.
    pub async fn sql(&self, statement: &str) {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.db.url).await.unwrap();
        sqlx::query(statement).execute(&pool).await.unwrap();
        pool.close().await;
    }

    /// Whether the account is still connected, as stored.
    pub async fn connected(&self) -> bool {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.db.url).await.unwrap();
        let row: (i64,) =
            sqlx::query_as("SELECT connected FROM installations WHERE account_id = $1")
                .bind(ACCOUNT_ID)
                .fetch_one(&pool)
                .await
                .unwrap();
        pool.close().await;
        row.0 == 1
    }
}
