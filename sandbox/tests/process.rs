//! The real binary: command line, start-up line, graceful stop, and state surviving a kill.

use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_kommo-sandbox");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kommo-sandbox-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts the binary and returns it with its base URL and the other lines printed at start.
async fn launch(args: &[&str]) -> (Child, String, Vec<String>) {
    let mut child = Command::new(BIN)
        .args(["--addr", "127.0.0.1:0", "--rate-limit", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut others = Vec::new();
    loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("the sandbox prints its address");
        if let Some(url) = line.strip_prefix("kommo-sandbox listening on ") {
            // Pick up the line after it too (the demo token, when printed) without blocking.
            if let Ok(Ok(Some(next))) =
                tokio::time::timeout(std::time::Duration::from_millis(300), lines.next_line()).await
            {
                others.push(next);
            }
            return (child, url.to_string(), others);
        }
        others.push(line);
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn sources(url: &str, token: &str) -> Vec<Value> {
    let resp = client()
        .get(format!("{url}/api/v4/sources"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    if resp.status() == 204 {
        return Vec::new();
    }
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.unwrap();
    v["_embedded"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let mut s = s.clone();
            // Links carry the port, which changes between runs.
            s.as_object_mut().unwrap().remove("_links");
            s
        })
        .collect()
}

#[tokio::test]
async fn state_survives_a_kill_and_a_restart() {
    let dir = temp_dir("state");
    let state = dir.join("state.json");
    let state_arg = state.to_str().unwrap();
    let args = [
        "--token", "tok-1", "--token", "tok-2", "--empty", "--state", state_arg,
    ];

    let (mut child, url, _) = launch(&args).await;
    let made: Value = client()
        .post(format!("{url}/api/v4/sources"))
        .bearer_auth("tok-1")
        .json(&json!([{"name": "a", "external_id": "a", "default": true},
                      {"name": "b", "external_id": "b"},
                      {"name": "c", "external_id": "c"}]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<u64> = made["_embedded"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    let r = client()
        .patch(format!("{url}/api/v4/sources/{}", ids[1]))
        .bearer_auth("tok-1")
        .json(&json!({"name": "b renamed", "pipeline_id": 5884544}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = client()
        .delete(format!("{url}/api/v4/sources/{}", ids[2]))
        .bearer_auth("tok-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let before = sources(&url, "tok-1").await;
    assert_eq!(before.len(), 2);

    // SIGKILL: no chance to flush anything after the answers above.
    child.kill().await.unwrap();
    let (_child, url, _) = launch(&args).await;
    assert_eq!(sources(&url, "tok-1").await, before);
    assert!(sources(&url, "tok-2").await.is_empty());
    // The tombstone survived too: re-creating "c" brings back its id.
    let again: Value = client()
        .post(format!("{url}/api/v4/sources"))
        .bearer_auth("tok-1")
        .json(&json!([{"name": "c", "external_id": "C"}]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        again["_embedded"]["sources"][0]["id"].as_u64(),
        Some(ids[2])
    );
    // The file never holds tokens.
    let text = std::fs::read_to_string(&state).unwrap();
    assert!(!text.contains("tok-1"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_broken_state_file_is_reported_not_overwritten() {
    let dir = temp_dir("broken");
    let state = dir.join("state.json");
    std::fs::write(&state, "{broken").unwrap();
    let out = Command::new(BIN)
        .args(["--addr", "127.0.0.1:0", "--state", state.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("state file"));
    assert_eq!(std::fs::read_to_string(&state).unwrap(), "{broken");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn demo_token_is_printed_only_when_no_token_is_given_and_sigterm_stops_cleanly() {
    let (child, url, others) = launch(&[]).await;
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"));
    assert!(
        others.iter().any(|l| l.contains("sandbox-demo-token")),
        "{others:?}"
    );
    let health = client().get(format!("{url}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(!sources(&url, "sandbox-demo-token").await.is_empty());

    let pid = child.id().unwrap().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().await.unwrap();
    assert!(
        out.status.success(),
        "graceful stop exits 0: {:?}",
        out.status
    );

    let (_child, _url, others) = launch(&["--token", "secret-token-x"]).await;
    assert!(others
        .iter()
        .all(|l| !l.contains("secret-token-x") && !l.contains("demo")));
}

#[tokio::test]
async fn help_and_bad_arguments() {
    let out = Command::new(BIN).arg("--help").output().await.unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--addr",
        "--token",
        "--max-sources",
        "--rate-limit",
        "--state",
        "--empty",
        "--widget-dir",
        "--vendor-dir",
    ] {
        assert!(text.contains(flag), "help mentions {flag}");
    }
    for bad in [&["--bogus"][..], &["--addr", "nowhere"], &["--rate-limit"]] {
        let out = Command::new(BIN).args(bad).output().await.unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("kommo-sandbox:"));
    }
}
