//! PostgreSQL restarted under a stream of calls to two relays: calls may fail while it is
//! away, but none is answered "not connected", no account is lost, and both relays answer
//! again on their own. Alone in its test binary, since it restarts the shared test server.

mod common;

use common::fleet::Fleet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The test server's data folder and programs, which `cargo xtask test` names.
const DIR_VAR: &str = "RELAY_TEST_POSTGRES_DIR";
const BIN_VAR: &str = "RELAY_TEST_POSTGRES_BIN";

/// `pg_ctl ACTION` on the test server, as its owner.
fn pg_ctl(dir: &Path, bin: &Path, action: &str) {
    let pg_ctl = bin.join("pg_ctl");
    let root = std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false);
    let mut cmd = if root {
        let mut c = std::process::Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(pg_ctl);
        c
    } else {
        std::process::Command::new(pg_ctl)
    };
    // The server's output goes to its log: a pipe it inherited would keep this waiting.
    let out = cmd
        .arg("-D")
        .arg(dir)
        .arg("-l")
        .arg(dir.join("log"))
        .args(["-m", "fast", "-w", action])
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn postgres_restarted_under_a_stream_of_calls_loses_no_account() {
    let (Some(dir), Some(bin)) = (std::env::var_os(DIR_VAR), std::env::var_os(BIN_VAR)) else {
        eprintln!("PostgreSQL restart skipped: {DIR_VAR} and {BIN_VAR} name no server to restart");
        return;
    };
    let Some(db) = common::db::postgres().await else {
        return;
    };
    let (dir, bin) = (PathBuf::from(dir), PathBuf::from(bin));
    let fleet = Fleet::start(db, 2, &[]).await;
    // A refresh is due around the restart too.
    fleet.expire().await;
    let mut stream = tokio::task::JoinSet::new();
    for k in 0..60u64 {
        let call = fleet.call((k % 2) as usize, "/api/v4/sources");
        stream.spawn(async move {
            tokio::time::sleep(Duration::from_millis(100 * k)).await;
            let sent = Instant::now();
            (sent, call.await)
        });
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    // Away for two seconds; `restart` on a stopped server starts it with its last options.
    let (d, b) = (dir.clone(), bin.clone());
    let away = tokio::task::spawn_blocking(move || {
        pg_ctl(&d, &b, "stop");
        let away = Instant::now();
        std::thread::sleep(Duration::from_secs(2));
        pg_ctl(&d, &b, "restart");
        away
    })
    .await
    .unwrap();
    let back = Instant::now();
    let answers = stream.join_all().await;
    let met = answers
        .iter()
        .filter(|(sent, _)| *sent >= away && *sent <= back)
        .count();
    assert!(
        met >= 10,
        "only {met} calls were sent while the database was away"
    );
    let mut failed = 0;
    for (_, (status, body)) in &answers {
        assert!(!body.contains("not_connected"), "{body}\n{}", fleet.logs());
        match status {
            204 => {}
            503 => {
                assert!(body.contains("storage_failed"), "{body}");
                failed += 1;
            }
            _ => panic!("{status} {body}\n{}", fleet.logs()),
        }
    }
    // The pool waits a few seconds for a connection, so a short outage mostly slows calls.
    eprintln!("{met} calls sent while the database was away, {failed} answered 503");
    // Both relays answer again by themselves, without a restart of their own.
    for relay in 0..2 {
        loop {
            let (status, body) = fleet.call(relay, "/api/v4/sources").await;
            if status == 204 {
                break;
            }
            assert!(
                back.elapsed() < Duration::from_secs(15),
                "relay {relay} still answers {status} {body}\n{}",
                fleet.logs()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    assert!(fleet.connected().await);
    assert_eq!(fleet.counter("grant refresh_token refused").await, 0);
}
