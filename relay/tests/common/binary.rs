//! The `kommo-relay` binary as an operator runs it, beside an in-process sandbox: started with
//! flags or variables, stopped with SIGTERM or SIGKILL, its stderr kept in a file.

use super::{sign, ACCOUNT_ID, ADMIN, CLIENT_ID, SECRET};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

/// `RELAY_KEY` for the binary: the tests' key in base64.
pub const KEY_B64: &str = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";

/// A running binary.
pub struct Relay {
    /// The process.
    pub child: Child,
    /// Where its stderr goes (appended).
    pub log: PathBuf,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Relay {
    /// SIGKILL, as a crash or an OOM kill would end it, and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, as an orchestrator stops it.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Its exit status once it ended, or `None` when it still runs after `within`.
    pub async fn exited(&mut self, within: Duration) -> Option<ExitStatus> {
        let until = tokio::time::Instant::now() + within;
        while tokio::time::Instant::now() < until {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }

    /// What it wrote on stderr so far.
    pub fn logged(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The binary with the secrets in its environment and no other relay variable.
pub fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kommo-relay"));
    for (name, _) in std::env::vars() {
        if name.starts_with("RELAY_") {
            cmd.env_remove(name);
        }
    }
    cmd.env("KOMMO_CLIENT_SECRET", SECRET)
        .env("RELAY_KEY", KEY_B64)
        .stdout(Stdio::null());
    cmd
}

/// The flags for a relay on `port` with `database`, accepting the loopback sandbox.
pub fn flags(port: u16, database: &str) -> Vec<String> {
    let url = format!("http://127.0.0.1:{port}");
    [
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
    ]
    .map(str::to_string)
    .to_vec()
}

/// Starts the binary on `port` with `database`; stderr goes to `log` (appended).
pub async fn start_relay(port: u16, database: &str, log: &Path) -> Relay {
    let mut cmd = command();
    cmd.args(flags(port, database));
    start(cmd, port, log).await
}

/// Spawns `cmd`, which listens on `port`, with stderr to `log` (appended), and waits until
/// it answers `/healthz`.
pub async fn start(mut cmd: Command, port: u16, log: &Path) -> Relay {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let child = cmd.stderr(file).spawn().unwrap();
    let mut relay = Relay {
        child,
        log: log.to_path_buf(),
        url: format!("http://127.0.0.1:{port}"),
    };
    let http = reqwest::Client::new();
    for _ in 0..400 {
        let up = http.get(format!("{}/healthz", relay.url)).send().await;
        if up.is_ok_and(|r| r.status() == 200) {
            return relay;
        }
        if relay.child.try_wait().unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    relay.kill();
    panic!("the relay did not start; log: {}", relay.logged());
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A sandbox whose integration redirects to the relay at `relay_url`.
pub async fn sandbox_for(relay_url: &str) -> sandbox::Running {
    sandbox::spawn(
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
    .unwrap()
}

/// Has the sandbox install the integration and asserts the relay connected the account.
pub async fn install(sandbox: &sandbox::Running) {
    let installed: Value = reqwest::Client::new()
        .post(format!("{}/__sandbox/install", sandbox.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(installed["status"], 200, "{installed}");
}

/// A fresh administrator's X-Auth-Token for the relay at `relay_url`.
pub fn token(sandbox: &sandbox::Running, relay_url: &str) -> String {
    let now = super::now();
    sign(&json!({
        "iss": sandbox.url(), "aud": relay_url, "jti": super::uuid(),
        "iat": now, "nbf": now, "exp": now + 900,
        "account_id": ACCOUNT_ID, "user_id": ADMIN, "subdomain": "sandbox",
        "client_uuid": CLIENT_ID,
    }))
}

/// Whether `text` holds a JWT (`eyJ...` `.` `eyJ...`, as the sandbox's access tokens are) or
/// a run of 64 hex digits (its refresh tokens). Sealed values are base64url without dots, so
/// they cannot look like either.
pub fn holds_token(text: &str) -> bool {
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
