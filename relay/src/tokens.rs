//! A fresh access token for every call to Kommo: refreshed before it expires and once on a
//! 401, one refresh at a time per account, the rotated pair committed before it is used.

use crate::app::{now_secs, App};
use crate::config::Secret;
use crate::kommo::{Answer, KommoError};
use crate::problem::Problem;
use crate::store::{Installation, Pair};
use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How long before its expiry an access token is replaced (at most a quarter of its life).
const REFRESH_EARLY: i64 = 120;

/// One lock per account, so concurrent requests at an expiry make one refresh.
#[derive(Default)]
pub struct Refreshes {
    locks: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

impl Refreshes {
    fn lock_for(&self, account_id: i64) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(account_id).or_default().clone()
    }
}

/// The answer when the account's tokens no longer work: install again.
pub fn disconnected() -> Problem {
    Problem::forbidden(
        "not_connected",
        "Kommo no longer accepts this account's tokens (the integration was disabled or access \
         revoked): install the integration again in Kommo (Settings > Integrations)",
    )
}

/// The answer when the database failed.
pub fn storage_failed() -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage_failed",
        "The relay's storage did not answer; try again in a moment",
    )
}

/// The answer when Kommo could not be reached.
pub fn unreachable() -> Problem {
    Problem::new(
        StatusCode::BAD_GATEWAY,
        "kommo_unreachable",
        "Kommo did not answer; try again in a moment",
    )
}

/// Whether the pair's access token is due for replacement at `now`.
pub fn due(pair: &Pair, now: i64) -> bool {
    let early = REFRESH_EARLY
        .min((pair.expires_at - pair.issued_at) / 4)
        .max(0);
    now >= pair.expires_at - early
}

impl App {
    /// Calls `path_and_query` on the installation's account with a fresh access token; on a
    /// 401 the token is refreshed and the call made once more.
    pub async fn call_kommo(
        &self,
        inst: &Installation,
        method: Method,
        path_and_query: &str,
        body: Option<(&str, Bytes)>,
    ) -> Result<(Answer, Secret), Problem> {
        let url = format!("{}{path_and_query}", inst.base_url);
        let (mut access, mut generation) = if due(&inst.pair, now_secs()) {
            self.refresh(inst.account_id, inst.generation).await?
        } else {
            (inst.pair.access.clone(), inst.generation)
        };
        let mut retried = false;
        loop {
            let answer = self
                .kommo
                .call(method.clone(), &url, &access, body.clone())
                .await
                .map_err(|_| unreachable())?;
            if answer.status != StatusCode::UNAUTHORIZED || retried {
                return Ok((answer, access));
            }
            retried = true;
            (access, generation) = self.refresh(inst.account_id, generation).await?;
        }
    }

    /// Replaces the pair of generation `seen`, or waits for the refresh already under way and
    /// takes its pair. Kommo keeps the replaced refresh token valid until the new access token
    /// is used, and the new pair is committed before it is returned: a crash at any point
    /// leaves a pair that works.
    async fn refresh(&self, account_id: i64, seen: i64) -> Result<(Secret, i64), Problem> {
        let lock = self.refreshes.lock_for(account_id);
        let _one_at_a_time = lock.lock().await;
        let current = self
            .store
            .by_account(account_id)
            .await
            .map_err(|_| storage_failed())?
            .ok_or_else(disconnected)?;
        if !current.connected {
            return Err(disconnected());
        }
        if current.generation != seen {
            return Ok((current.pair.access, current.generation));
        }
        let now = now_secs();
        match self
            .kommo
            .refresh(&current.base_url, &current.pair.refresh, now)
            .await
        {
            Ok(pair) => {
                let stored = self
                    .store
                    .rotate(account_id, seen, &pair, now)
                    .await
                    .map_err(|_| storage_failed())?;
                if !stored {
                    // Changed underneath (a reinstall): use what is stored now.
                    let now_stored = self
                        .store
                        .by_account(account_id)
                        .await
                        .map_err(|_| storage_failed())?
                        .filter(|i| i.connected)
                        .ok_or_else(disconnected)?;
                    return Ok((now_stored.pair.access, now_stored.generation));
                }
                crate::log::account(account_id, "access token refreshed");
                Ok((pair.access, seen + 1))
            }
            Err(KommoError::Refused { status, .. }) => {
                crate::log::account(
                    account_id,
                    &format!("Kommo refused the refresh ({status}): marked disconnected"),
                );
                self.store
                    .disconnect(account_id, now)
                    .await
                    .map_err(|_| storage_failed())?;
                Err(disconnected())
            }
            Err(e) => {
                crate::log::account(account_id, &format!("refresh failed: {e:?}"));
                Err(unreachable())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(issued_at: i64, expires_at: i64) -> Pair {
        Pair {
            access: Secret::new("a"),
            refresh: Secret::new("r"),
            issued_at,
            expires_at,
        }
    }

    #[test]
    fn a_token_is_replaced_shortly_before_it_expires() {
        let day = pair(0, 86_400);
        assert!(!due(&day, 86_400 - 121));
        assert!(due(&day, 86_400 - 120));
        assert!(due(&day, 90_000));
        // A short-lived token is replaced in the last quarter of its life.
        let short = pair(0, 40);
        assert!(!due(&short, 29));
        assert!(due(&short, 30));
    }
}
