//! Shared helpers of the host tests: a host router on port 0, the fake widget folder, a
//! scratch folder, and small HTTP calls around them.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::header::CONTENT_TYPE;
use sandbox::host::{router, HostAuth, HostConfig};
use sandbox::{App, Config};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const PAGES: [&str; 7] = [
    "/",
    "/settings/widgets",
    "/settings/widgets/",
    "/settings/widgets/sources_manager/advanced",
    "/settings/widgets/sources_manager/",
    "/digital-pipeline",
    "/leads/pipeline/42/settings",
];

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn fake_widget() -> PathBuf {
    repo().join("tests/e2e/fixtures/fake-widget")
}

pub fn config(widget_dir: Option<PathBuf>, demo_token: Option<&str>) -> HostConfig {
    HostConfig {
        widget_dir,
        vendor_dir: repo().join("node_modules"),
        demo_token: demo_token.map(str::to_owned),
        auth: HostAuth::default(),
    }
}

/// A host router on an ephemeral loopback port (beside a Sources API it does not route).
pub async fn start(config: HostConfig) -> String {
    let app = App::new(Config::default()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router(config, app)).await.unwrap() });
    format!("http://{addr}")
}

/// A scratch folder under the system temp dir, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "sandbox-host-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub async fn get(url: &str) -> (u16, String, Vec<u8>) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

pub async fn text(url: &str) -> String {
    let (status, content_type, body) = get(url).await;
    assert_eq!(status, 200, "{url}");
    assert!(
        content_type.starts_with("text/html"),
        "{url}: {content_type}"
    );
    String::from_utf8(body).unwrap()
}

pub async fn post(url: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Sends `path` byte for byte (clients normalise `..` away), returns status line and body.
pub async fn raw_get(base: &str, path: &str) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}
