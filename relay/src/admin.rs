//! The Sources API is for administrators: the caller's user must be one in the account.

use crate::app::App;
use crate::auth::Caller;
use crate::problem::Problem;
use axum::http::{Method, StatusCode};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an answer about a user is reused.
pub const CACHE_FOR: Duration = Duration::from_secs(60);

/// An account id and a user id of it.
type UserKey = (i64, i64);

/// Recent answers about users: (account, user) -> (is admin, when asked).
#[derive(Default)]
pub struct Admins {
    seen: Mutex<HashMap<UserKey, (bool, Instant)>>,
    /// One question per user at a time: concurrent requests wait for its answer.
    asking: Mutex<HashMap<UserKey, Arc<tokio::sync::Mutex<()>>>>,
}

impl Admins {
    fn cached(&self, key: UserKey) -> Option<bool> {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.retain(|_, (_, at)| at.elapsed() < CACHE_FOR);
        seen.get(&key).map(|(admin, _)| *admin)
    }

    fn lock_for(&self, key: UserKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut asking = self.asking.lock().unwrap_or_else(|p| p.into_inner());
        // Locks nobody holds or waits for are dropped, so the map stays small.
        asking.retain(|_, l| Arc::strong_count(l) > 1);
        asking.entry(key).or_default().clone()
    }

    fn remember(&self, key: UserKey, admin: bool) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.insert(key, (admin, Instant::now()));
    }
}

impl App {
    /// Refuses with 403 unless the caller's user is an administrator of the account
    /// (`GET /api/v4/users/{id}`, asked at most once a minute per user).
    pub async fn require_admin(&self, caller: &Caller) -> Result<(), Problem> {
        let key = (caller.installation.account_id, caller.user_id);
        let lock = self.admins.lock_for(key);
        let _one_question = lock.lock().await;
        let admin = match self.admins.cached(key) {
            Some(admin) => admin,
            None => {
                let path = format!("/api/v4/users/{}", caller.user_id);
                let (answer, _) = self
                    .upstream
                    .call(&caller.installation, Method::GET, &path, None)
                    .await?;
                let admin =
                    match answer.status {
                        StatusCode::OK => serde_json::from_slice::<Value>(&answer.body)
                            .ok()
                            .and_then(|v| v["rights"]["is_admin"].as_bool())
                            .unwrap_or(false),
                        StatusCode::NOT_FOUND | StatusCode::NO_CONTENT => false,
                        StatusCode::TOO_MANY_REQUESTS => {
                            let secs = answer
                                .headers
                                .get(axum::http::header::RETRY_AFTER)
                                .and_then(|v| v.to_str().ok())
                                .and_then(|v| v.parse().ok())
                                .unwrap_or(1);
                            return Err(Problem::new(
                                StatusCode::TOO_MANY_REQUESTS,
                                "rate_limited",
                                "Kommo asks to slow down; wait a moment",
                            )
                            .retry_after(secs));
                        }
                        _ => return Err(Problem::new(
                            StatusCode::BAD_GATEWAY,
                            "admin_check_failed",
                            "Kommo did not say whether this user is an administrator; try again",
                        )),
                    };
                self.admins.remember(key, admin);
                admin
            }
        };
        if admin {
            Ok(())
        } else {
            Err(Problem::forbidden(
                "not_admin",
                "Only the account's administrators manage its sources",
            ))
        }
    }
}
