//! The Sources API is for administrators: the caller's user must be one in the account. A
//! service of its own, holding the upstream it asks through, so that neither the state nor
//! the token check has to know how the question is put.

use crate::problem::Problem;
use crate::store::Installation;
use crate::upstream::Upstream;
use axum::http::{header, Method, StatusCode};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an answer about a user is reused.
pub const CACHE_FOR: Duration = Duration::from_secs(60);

/// An account id and a user id of it.
type UserKey = (i64, i64);

/// Who is an administrator: asked of Kommo, answers remembered for [`CACHE_FOR`].
pub struct Admins {
    upstream: Arc<Upstream>,
    seen: Mutex<HashMap<UserKey, (bool, Instant)>>,
    /// One question per user at a time: concurrent requests wait for its answer.
    asking: Mutex<HashMap<UserKey, Arc<tokio::sync::Mutex<()>>>>,
}

impl Admins {
    /// Asks through `upstream`, so that the questions count in the account's pace.
    pub fn new(upstream: Arc<Upstream>) -> Admins {
        Admins {
            upstream,
            seen: Mutex::default(),
            asking: Mutex::default(),
        }
    }

    /// Refuses with 403 unless `user_id` is an administrator of the installation's account
    /// (`GET /api/v4/users/{id}`, asked at most once a minute per user).
    pub async fn require(&self, inst: &Installation, user_id: i64) -> Result<(), Problem> {
        let key = (inst.account_id, user_id);
        let lock = self.lock_for(key);
        let _one_question = lock.lock().await;
        let admin = match self.cached(key) {
            Some(admin) => admin,
            None => {
                let admin = self.ask(inst, user_id).await?;
                self.remember(key, admin);
                admin
            }
        };
        if admin {
            Ok(())
        } else {
            Err(Problem::not_admin())
        }
    }

    /// Kommo's answer: whether the user's rights say administrator.
    async fn ask(&self, inst: &Installation, user_id: i64) -> Result<bool, Problem> {
        let path = format!("/api/v4/users/{user_id}");
        let (answer, _) = self.upstream.call(inst, Method::GET, &path, None).await?;
        match answer.status {
            StatusCode::OK => Ok(serde_json::from_slice::<Value>(&answer.body)
                .ok()
                .and_then(|v| v["rights"]["is_admin"].as_bool())
                .unwrap_or(false)),
            StatusCode::NOT_FOUND | StatusCode::NO_CONTENT => Ok(false),
            StatusCode::TOO_MANY_REQUESTS => {
                let secs = answer
                    .headers
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1);
                Err(Problem::rate_limited(secs))
            }
            _ => Err(Problem::admin_check_failed()),
        }
    }

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
