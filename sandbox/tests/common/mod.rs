//! Shared helpers: an in-process sandbox on port 0 and a small HTTP client around it.
#![allow(dead_code)]

use reqwest::header::HeaderMap;
use reqwest::{Client, Method, StatusCode};
use sandbox::{spawn, Config, Running};
use serde_json::Value;

/// The token most tests use.
pub const TOKEN: &str = "token-a";
/// A second integration.
pub const OTHER: &str = "token-b";

/// A configuration with two tokens, no demo data and no rate limit.
pub fn config() -> Config {
    Config {
        tokens: vec![TOKEN.into(), OTHER.into()],
        rate_limit: 0,
        empty: true,
        ..Config::default()
    }
}

/// A running sandbox and a client for it.
pub struct Sandbox {
    /// The server.
    pub running: Running,
    /// The client.
    pub client: Client,
}

/// One answer, fully read.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    /// The Content-Type header, or "".
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The body as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    /// Asserts a problem+json error with this status and returns its body.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(self.content_type(), "application/problem+json");
        let v = self.json();
        assert_eq!(v["status"], status);
        assert_eq!(v["type"], format!("https://httpstatus.es/{status}"));
        assert!(v["title"].is_string() && v["detail"].is_string(), "{v}");
        v
    }

    /// Asserts a HAL success with this status and returns its body.
    pub fn hal(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(self.content_type(), "application/hal+json");
        self.json()
    }

    /// Asserts a 204 with an empty body.
    pub fn empty(&self) {
        assert_eq!(self.status, StatusCode::NO_CONTENT, "body: {}", self.text);
        assert!(self.text.is_empty());
    }

    /// The codes and paths of all validation errors, as `code@path` strings per request_id.
    pub fn errors(&self) -> Vec<(String, Vec<String>)> {
        let v = self.problem(400);
        v["validation-errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no validation-errors: {v}"))
            .iter()
            .map(|g| {
                (
                    g["request_id"].as_str().unwrap().to_string(),
                    g["errors"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| {
                            assert!(e["detail"].is_string());
                            format!(
                                "{}@{}",
                                e["code"].as_str().unwrap(),
                                e["path"].as_str().unwrap()
                            )
                        })
                        .collect(),
                )
            })
            .collect()
    }
}

/// Starts a sandbox with `config` on 127.0.0.1:0.
pub async fn start(config: Config) -> Sandbox {
    let running = spawn(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts");
    Sandbox {
        running,
        client: Client::new(),
    }
}

impl Sandbox {
    /// Full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.running.url(), path)
    }

    /// Sends a request with an optional bearer token and raw body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Answer {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let resp = req.send().await.expect("request completes");
        Answer {
            status: resp.status(),
            headers: resp.headers().clone(),
            text: resp.text().await.expect("body reads"),
        }
    }

    /// GET with the token.
    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.send(Method::GET, path, Some(token), None).await
    }

    /// POST a JSON value with the token.
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Answer {
        self.send(Method::POST, path, Some(token), Some(&body.to_string()))
            .await
    }

    /// PATCH a JSON value with the token.
    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Answer {
        self.send(Method::PATCH, path, Some(token), Some(&body.to_string()))
            .await
    }

    /// DELETE with an optional JSON body.
    pub async fn delete(&self, path: &str, token: &str, body: Option<&Value>) -> Answer {
        let body = body.map(|b| b.to_string());
        self.send(Method::DELETE, path, Some(token), body.as_deref())
            .await
    }

    /// Control route call (no token).
    pub async fn control(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let body = body.map(|b| b.to_string());
        self.send(method, path, None, body.as_deref()).await
    }

    /// Creates sources and returns them (in request order).
    pub async fn create(&self, token: &str, items: Value) -> Vec<Value> {
        let v = self.post("/api/v4/sources", token, &items).await.hal(200);
        v["_embedded"]["sources"].as_array().unwrap().clone()
    }

    /// The token's sources (empty on 204), every page of them, following `_links.next`
    /// as a client does.
    pub async fn list(&self, token: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let mut path = "/api/v4/sources".to_owned();
        loop {
            let a = self.get(&path, token).await;
            if a.status == StatusCode::NO_CONTENT {
                a.empty();
                return out;
            }
            let page = a.hal(200);
            out.extend(page["_embedded"]["sources"].as_array().unwrap().clone());
            match page["_links"]["next"]["href"].as_str() {
                Some(next) => path = next[next.find("/api/").unwrap()..].to_owned(),
                None => return out,
            }
        }
    }
}
