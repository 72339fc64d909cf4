//! Calls to an installed account's Kommo: a fresh access token, a turn within the account's
//! pace, one refresh and one more try on a 401, and Kommo's own 429 waited out by every relay.

use crate::config::Secret;
use crate::kommo::{Answer, Kommo};
use crate::pace::{Pace, Priority};
use crate::problem::Problem;
use crate::store::Installation;
use crate::tokens::Tokens;
use axum::body::Bytes;
use axum::http::{header, Method, StatusCode};
use std::sync::Arc;

/// The way every call reaches an account's Kommo.
pub struct Upstream {
    /// The refresh service.
    pub tokens: Arc<Tokens>,
    /// The accounts' pace.
    pub pace: Arc<Pace>,
    kommo: Kommo,
}

impl Upstream {
    /// Calls through `kommo` with tokens from `tokens`, within `pace`.
    pub fn new(kommo: Kommo, tokens: Arc<Tokens>, pace: Arc<Pace>) -> Upstream {
        Upstream {
            tokens,
            pace,
            kommo,
        }
    }

    /// Calls `path_and_query` on the installation's account; answers as Kommo answered, with
    /// the access token used (so that it can be cut out of the answer).
    pub async fn call(
        &self,
        inst: &Installation,
        method: Method,
        path_and_query: &str,
        body: Option<(&str, Bytes)>,
    ) -> Result<(Answer, Secret), Problem> {
        let url = format!("{}{path_and_query}", inst.base_url);
        let (mut access, mut generation) = self.tokens.fresh(inst).await?;
        let mut retried = false;
        loop {
            self.pace.turn(&inst.base_url, Priority::Call).await?;
            let answer = self
                .kommo
                .call(method.clone(), &url, &access, body.clone())
                .await
                .map_err(|_| Problem::kommo_unreachable())?;
            if answer.status == StatusCode::TOO_MANY_REQUESTS {
                self.pace.hold(&inst.base_url, retry_after(&answer)).await;
            }
            if answer.status != StatusCode::UNAUTHORIZED || retried {
                return Ok((answer, access));
            }
            retried = true;
            (access, generation) = self.tokens.refresh(inst.account_id, generation).await?;
        }
    }
}

/// The seconds Kommo asks to wait: `Retry-After`, or `retry_after` in the body, or 1.
pub fn retry_after(answer: &Answer) -> u64 {
    let header = answer
        .headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    header
        .or_else(|| {
            serde_json::from_slice::<serde_json::Value>(&answer.body)
                .ok()?
                .get("retry_after")?
                .as_u64()
        })
        .unwrap_or(1)
}
