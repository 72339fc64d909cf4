//! The sandbox the benchmark measures against: its process, and the sources it is seeded with.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

use super::MORE_SOURCES;
use crate::cmd::{command, root, say, Result};
use crate::http;

/// The sandbox's demo integration, which the host pages use.
pub(super) const TOKEN: &str = "sandbox-demo-token";
/// Main, partners and archived pipelines of the sandbox, spread over the sources.
pub(super) const PIPELINES: [u64; 3] = [5867030, 5884544, 5890012];

/// The sandbox process; dropping it stops the process, whatever happened meanwhile.
pub(super) struct Sandbox {
    child: Child,
    /// Its base URL, for the browser and the API calls that seed it.
    pub(super) url: String,
}

impl Sandbox {
    /// Starts the release sandbox, empty and unthrottled, serving `widget`.
    pub(super) fn start(widget: &Path) -> Result<Sandbox> {
        let bin = root().join("target/release/kommo-sandbox");
        let mut child = command(&bin)
            .args(["--addr", "127.0.0.1:0", "--empty", "--rate-limit", "0"])
            .args(["--max-sources", &MORE_SOURCES.to_string()])
            .arg("--widget-dir")
            .arg(widget)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        // Reads the address line, then keeps draining so the sandbox never blocks on its output.
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if !sent {
                    if let Some(url) = line.strip_prefix("kommo-sandbox listening on ") {
                        sent = tx.send(url.trim().trim_end_matches('/').to_owned()).is_ok();
                    }
                }
            }
        });
        let mut sandbox = Sandbox {
            child,
            url: String::new(),
        };
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| "the sandbox did not say where it listens within 30 s".to_owned())?;
        sandbox.url = url;
        Ok(sandbox)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        say("sandbox stopped");
    }
}

/// Benchmark sources `from..=to`: every pipeline, half with an origin code, some with WhatsApp
/// pages, the first one the default.
fn sources(from: usize, to: usize) -> Value {
    let items: Vec<Value> = (from..=to)
        .map(|i| {
            let mut s = json!({
                "name": format!("Bench source {i:03}"),
                "external_id": format!("bench-{i:03}"),
                "pipeline_id": PIPELINES[i % PIPELINES.len()],
            });
            if i % 2 == 0 {
                s["origin_code"] = json!(format!("bench_{i:02}"));
            }
            if i == 1 {
                s["default"] = json!(true);
            }
            if i % 10 == 3 {
                s["services"] = json!([{
                    "type": "whatsapp",
                    "pages": [{
                        "name": format!("Line {i}"),
                        "id": format!("line-{i}"),
                        "link": format!("+15550000{i:03}"),
                    }],
                }]);
            }
            s
        })
        .collect();
    Value::Array(items)
}

/// Creates sources `from..=to` in one batch, as an integration would.
pub(super) fn seed(base: &str, from: usize, to: usize) -> Result {
    let count = to + 1 - from;
    let body = sources(from, to).to_string();
    let auth = format!("Bearer {TOKEN}");
    let (status, text) = http::post_body(
        &http::agent(Duration::from_secs(30)),
        &format!("{base}/api/v4/sources"),
        &[
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ],
        &body,
    )?;
    let created = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v["_embedded"]["sources"].as_array().map(Vec::len));
    if status == 200 && created == Some(count) {
        Ok(())
    } else {
        Err(format!(
            "creating {count} sources answered {status}: {}",
            text.chars().take(300).collect::<String>()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::SOURCES;

    #[test]
    fn seeded_sources_fit_the_api_rules() {
        let mut list = sources(1, SOURCES).as_array().unwrap().clone();
        list.extend(
            sources(SOURCES + 1, MORE_SOURCES)
                .as_array()
                .unwrap()
                .clone(),
        );
        let list = &list;
        let defaults = list.iter().filter(|s| s["default"] == true).count();
        assert_eq!(defaults, 1);
        let mut ids: Vec<&str> = list
            .iter()
            .map(|s| s["external_id"].as_str().unwrap())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), MORE_SOURCES);
        for s in list {
            if let Some(code) = s["origin_code"].as_str() {
                assert!(code.len() <= 20 && !code.chars().all(|c| c.is_ascii_digit()));
            }
        }
    }
}
