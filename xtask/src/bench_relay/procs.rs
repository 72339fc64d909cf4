//! The sandbox and relay processes of the relay benchmark, each stopped when its guard drops
//! (also when a step fails or panics).

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cmd::{command, free_port, root, run, say, Result};
use crate::http::{agent, get, post};

/// The integration's id, registered in the sandbox and given to the relay.
pub const CLIENT_ID: &str = "bench-relay-client";
/// The integration's client secret: signs X-Auth-Tokens and authenticates the relay to Kommo.
pub const SECRET: &str = "bench-relay-client-secret";
/// A long-lived bearer token of the sandbox, for the direct calls.
pub const DIRECT_TOKEN: &str = "bench-direct-token";
/// `RELAY_KEY`: a fixed key is enough for a throwaway database on loopback.
const KEY_B64: &str = "YmVuY2gtcmVsYXkta2V5LTMyLWJ5dGVzLWxvbmchISE=";
/// How long a process may take to answer after it starts.
const START_WITHIN: Duration = Duration::from_secs(30);

/// Where the release binaries are.
fn release(name: &str) -> PathBuf {
    root().join("target/release").join(name)
}

/// Builds both servers and the seeding example in release, as they are deployed.
pub fn build() -> Result {
    say("building kommo-relay, kommo-sandbox and the seeding step (release)");
    run(command("cargo").args([
        "build",
        "--quiet",
        "--release",
        "-p",
        "relay",
        "-p",
        "sandbox",
        "--bins",
        "--example",
        "seed_installations",
    ]))
}

/// Writes `count` installations into a fresh SQLite database at `db` with the relay's own
/// migrations and sealing (`relay/examples/seed_installations.rs`).
pub fn seed(db: &Path, count: u32, first_account: i64, first_port: u16) -> Result {
    remove_database(db)?;
    let started = Instant::now();
    let status = command(root().join("target/release/examples/seed_installations"))
        .arg(database_url(db))
        .args([
            count.to_string(),
            first_account.to_string(),
            first_port.to_string(),
            CLIENT_ID.to_string(),
        ])
        .env("RELAY_KEY", KEY_B64)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("could not start the seeding step: {e}"))?;
    if !status.success() {
        return Err(format!("seeding {count} installations failed ({status})"));
    }
    say(&format!(
        "{count} installations written in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// Deletes a SQLite database and its WAL files, so a run starts from nothing.
pub fn remove_database(db: &Path) -> Result {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let path = PathBuf::from(name);
        if path.exists() {
            fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn database_url(db: &Path) -> String {
    format!("sqlite:{}", db.display())
}

/// A child process that is killed and reaped when this guard drops.
pub struct Process {
    child: Child,
    name: &'static str,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Process {
    /// Its process id, for /proc.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Spawns `cmd` with its output in `log`, then waits until `probe` answers 200.
    fn start(
        mut cmd: Command,
        name: &'static str,
        port: u16,
        probe: &str,
        log: &Path,
    ) -> Result<Process> {
        let file =
            File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = file
            .try_clone()
            .map_err(|e| format!("cannot share {}: {e}", log.display()))?;
        let child = cmd
            .stdout(file)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("could not start {name}: {e}"))?;
        let mut process = Process {
            child,
            name,
            url: format!("http://127.0.0.1:{port}"),
        };
        let agent = agent(Duration::from_secs(2));
        let until = Instant::now() + START_WITHIN;
        while Instant::now() < until {
            if get(&agent, &format!("{}{probe}", process.url), &[]).is_ok_and(|(s, _)| s == 200) {
                return Ok(process);
            }
            if let Ok(Some(status)) = process.child.try_wait() {
                return Err(format!("{name} exited ({status}); see {}", log.display()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!(
            "{name} did not answer within {} s; see {}",
            START_WITHIN.as_secs(),
            log.display()
        ))
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        say(&format!("{} stopped", self.name));
    }
}

/// A sandbox as Kommo for the relay at `relay_url`; `rate_limit` 0 turns its limit off.
pub fn sandbox(relay_url: &str, rate_limit: Option<u32>, log: &Path) -> Result<Process> {
    let port = free_port()?;
    let mut cmd = command(release("kommo-sandbox"));
    cmd.args(["--addr", &format!("127.0.0.1:{port}"), "--empty"])
        .args(["--token", DIRECT_TOKEN])
        .args(["--client-id", CLIENT_ID, "--client-secret", SECRET])
        .args(["--redirect-uri", &format!("{relay_url}/oauth/callback")]);
    if let Some(n) = rate_limit {
        cmd.args(["--rate-limit", &n.to_string()]);
    }
    Process::start(cmd, "kommo-sandbox", port, "/__sandbox/counters", log)
}

/// A relay on `port` with the SQLite database `db`; `rate_limit` 0 turns its pace off, `None`
/// keeps its default.
pub fn relay(port: u16, db: &Path, rate_limit: Option<u32>, log: &Path) -> Result<Process> {
    let url = format!("http://127.0.0.1:{port}");
    let mut cmd = command(release("kommo-relay"));
    // Only what the benchmark sets: a RELAY_* variable of the person's shell would change it.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("RELAY_") {
            cmd.env_remove(name);
        }
    }
    cmd.env("KOMMO_CLIENT_SECRET", SECRET)
        .env("RELAY_KEY", KEY_B64)
        .args(["--addr", &format!("127.0.0.1:{port}"), "--public-url", &url])
        .args(["--client-id", CLIENT_ID])
        .args(["--redirect-uri", &format!("{url}/oauth/callback")])
        .args(["--database", &database_url(db), "--allow-http-loopback"]);
    if let Some(n) = rate_limit {
        cmd.args(["--rate-limit", &n.to_string()]);
    }
    Process::start(cmd, "kommo-relay", port, "/healthz", log)
}

/// Has the sandbox install the integration: it sends a code to the relay's Redirect URI.
pub fn install(sandbox: &Process) -> Result {
    let agent = agent(Duration::from_secs(30));
    let (status, body) = post(&agent, &format!("{}/__sandbox/install", sandbox.url))?;
    let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    if status == 200 && v["status"] == 200 {
        Ok(())
    } else {
        Err(format!(
            "the install did not reach the relay: {status} {body}"
        ))
    }
}

/// Resident and peak resident memory of a process in KiB (`VmRSS`, `VmHWM`).
pub fn memory_kib(pid: u32) -> Result<(u64, u64)> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("cannot read /proc/{pid}/status: {e}"))?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("/proc/{pid}/status has no {name}"))
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

/// CPU time a process has used so far, user and system, in seconds.
pub fn cpu_secs(pid: u32) -> Result<f64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("cannot read /proc/{pid}/stat: {e}"))?;
    // Fields after the command name, which is in parentheses and may hold spaces: utime and
    // stime are the 12th and 13th of them.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|n| n.parse().ok())
        .collect();
    let per_sec = crate::cmd::output(Command::new("getconf").arg("CLK_TCK"))
        .and_then(|t| t.trim().parse::<f64>().ok())
        .unwrap_or(100.0);
    match ticks[..] {
        [user, system] => Ok((user + system) as f64 / per_sec),
        _ => Err(format!("/proc/{pid}/stat has no CPU times")),
    }
}
