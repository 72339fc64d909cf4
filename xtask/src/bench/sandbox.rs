//! The sandbox the benchmark measures against: its process, and the sources it is seeded with.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

use super::MORE_SOURCES;
use crate::cmd::{command, root, say, Result};

/// The sandbox's demo integration, which the host pages use.
const TOKEN: &str = "sandbox-demo-token";
/// Main, partners and archived pipelines of the sandbox, spread over the sources.
const PIPELINES: [u64; 3] = [5867030, 5884544, 5890012];

/// The sandbox process; dropping it stops the process, whatever happened meanwhile.
pub(super) struct Sandbox {
    child: Child,
    /// host:port, for the API calls that seed it.
    pub(super) addr: String,
    /// Its base URL, for the browser.
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
            addr: String::new(),
            url: String::new(),
        };
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| "the sandbox did not say where it listens within 30 s".to_owned())?;
        sandbox.addr = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("the sandbox printed an unexpected address `{url}`"))?
            .to_owned();
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
pub(super) fn seed(addr: &str, from: usize, to: usize) -> Result {
    let count = to + 1 - from;
    let body = sources(from, to).to_string();
    let auth = format!("Bearer {TOKEN}");
    let (status, text) = http(
        addr,
        "POST",
        "/api/v4/sources",
        &[
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
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

/// One HTTP/1.1 request on loopback; returns the status and the body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<(u16, String)> {
    let fail = |e: std::io::Error| format!("{method} {path} on the sandbox: {e}");
    let mut stream = TcpStream::connect(addr).map_err(fail)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(fail)?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(fail)?;
    stream.write_all(body).map_err(fail)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(fail)?;
    parse_response(&answer)
        .ok_or_else(|| format!("{method} {path}: the sandbox's answer is not HTTP"))
}

/// Status and body of a whole HTTP/1.1 response (plain or chunked).
fn parse_response(raw: &[u8]) -> Option<(u16, String)> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let mut body = raw[split + 4..].to_vec();
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    if chunked {
        body = dechunk(&body)?;
    }
    Some((status, String::from_utf8_lossy(&body).into_owned()))
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&data[..end]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        data = &data[end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::SOURCES;

    #[test]
    fn responses_are_read_plain_and_chunked() {
        let plain = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n[]";
        assert_eq!(parse_response(plain), Some((200, "[]".into())));
        let chunked =
            b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked), Some((201, "abcde".into())));
        assert_eq!(parse_response(b"garbage"), None);
    }

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
