//! Calls to a Kommo account: the token endpoint, the account and users, and forwarded
//! Sources API requests. Base URLs reach here only after `hosts` accepted them.

use crate::config::{Config, Secret};
use crate::store::Pair;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// How long one call to Kommo may take.
const TIMEOUT: Duration = Duration::from_secs(15);

/// Why a call to Kommo gave no usable answer. Carries no token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KommoError {
    /// No answer: network, TLS, timeout, or a 5xx/429 from the token endpoint.
    Unreachable(String),
    /// Kommo refused: a used code, a revoked refresh token, a wrong client.
    Refused {
        /// Kommo's status.
        status: u16,
        /// Kommo's `hint` or `detail`, when it gave one.
        hint: String,
    },
    /// An answer in a shape Kommo does not send.
    BadAnswer(String),
}

/// An answer from Kommo, passed back as it came.
#[derive(Clone, Debug)]
pub struct Answer {
    /// Kommo's status.
    pub status: StatusCode,
    /// Kommo's headers.
    pub headers: HeaderMap,
    /// Kommo's body.
    pub body: Bytes,
}

/// What `GET /api/v4/account` says about the account.
#[derive(Clone, Debug, Deserialize)]
pub struct Account {
    /// The account id.
    pub id: i64,
    /// The account's name.
    #[serde(default)]
    pub name: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    refresh_token: String,
    expires_in: i64,
    /// Kommo's clock when it issued the pair: the expiry is counted from it.
    #[serde(default)]
    server_time: Option<i64>,
}

/// A client for Kommo accounts, holding the integration's credentials.
#[derive(Clone)]
pub struct Kommo {
    http: reqwest::Client,
    client_id: String,
    client_secret: Secret,
    redirect_uri: String,
}

impl Kommo {
    /// A client for the integration `config` describes.
    pub fn new(config: &Config) -> Kommo {
        let http = reqwest::Client::builder()
            // A redirect would carry the secret or a token somewhere not checked.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .expect("the HTTP client builds with rustls");
        Kommo {
            http,
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            redirect_uri: config.redirect_uri.as_str().to_string(),
        }
    }

    /// Exchanges an authorization code for the account's first pair.
    pub async fn exchange_code(
        &self,
        base_url: &str,
        code: &str,
        now: i64,
    ) -> Result<Pair, KommoError> {
        self.grant(
            base_url,
            json!({"grant_type": "authorization_code", "code": code}),
            now,
        )
        .await
    }

    /// Trades a refresh token for a new pair (Kommo rotates both).
    pub async fn refresh(
        &self,
        base_url: &str,
        refresh: &Secret,
        now: i64,
    ) -> Result<Pair, KommoError> {
        self.grant(
            base_url,
            json!({"grant_type": "refresh_token", "refresh_token": refresh.expose()}),
            now,
        )
        .await
    }

    async fn grant(&self, base_url: &str, fields: Value, now: i64) -> Result<Pair, KommoError> {
        let mut body = json!({
            "client_id": self.client_id,
            "client_secret": self.client_secret.expose(),
            "redirect_uri": self.redirect_uri,
        });
        if let (Some(b), Value::Object(f)) = (body.as_object_mut(), fields) {
            b.extend(f);
        }
        let answer = self
            .send(
                Method::POST,
                &format!("{base_url}/oauth2/access_token"),
                None,
                Some(("application/json", Bytes::from(body.to_string()))),
            )
            .await?;
        let status = answer.status;
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Err(KommoError::Unreachable(format!(
                "the token endpoint answered {status}"
            )));
        }
        if !status.is_success() {
            return Err(KommoError::Refused {
                status: status.as_u16(),
                hint: hint_of(&answer.body),
            });
        }
        let t: TokenAnswer = serde_json::from_slice(&answer.body)
            .map_err(|_| KommoError::BadAnswer("the token endpoint's answer".into()))?;
        if t.access_token.is_empty() || t.refresh_token.is_empty() || t.expires_in <= 0 {
            return Err(KommoError::BadAnswer("the token endpoint's answer".into()));
        }
        let issued_at = t.server_time.filter(|t| *t > 0).unwrap_or(now);
        Ok(Pair {
            access: Secret::new(t.access_token),
            refresh: Secret::new(t.refresh_token),
            issued_at,
            expires_at: issued_at + t.expires_in,
        })
    }

    /// `GET /api/v4/account`.
    pub async fn account(&self, base_url: &str, access: &Secret) -> Result<Account, KommoError> {
        let answer = self
            .send(
                Method::GET,
                &format!("{base_url}/api/v4/account"),
                Some(access),
                None,
            )
            .await?;
        if !answer.status.is_success() {
            return Err(KommoError::Refused {
                status: answer.status.as_u16(),
                hint: hint_of(&answer.body),
            });
        }
        serde_json::from_slice(&answer.body)
            .map_err(|_| KommoError::BadAnswer("GET /api/v4/account".into()))
    }

    /// Any call with the access token, answered as Kommo answered it.
    pub async fn call(
        &self,
        method: Method,
        url: &str,
        access: &Secret,
        body: Option<(&str, Bytes)>,
    ) -> Result<Answer, KommoError> {
        self.send(method, url, Some(access), body).await
    }

    async fn send(
        &self,
        method: Method,
        url: &str,
        access: Option<&Secret>,
        body: Option<(&str, Bytes)>,
    ) -> Result<Answer, KommoError> {
        let mut req = self
            .http
            .request(method, url)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(token) = access {
            let mut value =
                HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| {
                    KommoError::BadAnswer("a stored token is not a header value".into())
                })?;
            value.set_sensitive(true);
            req = req.header(reqwest::header::AUTHORIZATION, value);
        }
        if let Some((content_type, bytes)) = body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(bytes);
        }
        let started = Instant::now();
        let answer = receive(req).await;
        crate::metrics::kommo_call(started.elapsed());
        answer
    }
}

/// Sends the request and reads the whole answer.
async fn receive(req: reqwest::RequestBuilder) -> Result<Answer, KommoError> {
    // reqwest's errors name the URL, which never holds a token here.
    let resp = req
        .send()
        .await
        .map_err(|e| KommoError::Unreachable(e.without_url().to_string()))?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .bytes()
        .await
        .map_err(|e| KommoError::Unreachable(e.without_url().to_string()))?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// Kommo's `hint` (OAuth problems) or `detail`, cut short; no token is ever in either.
fn hint_of(body: &[u8]) -> String {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let text = v["hint"]
        .as_str()
        .or_else(|| v["detail"].as_str())
        .unwrap_or("");
    text.chars().take(200).collect()
}
