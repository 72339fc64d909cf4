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

/// What Kommo said of a user: whether an administrator, and the name the history shows.
#[derive(Clone, Debug)]
struct User {
    admin: bool,
    name: String,
}

/// Who is an administrator: asked of Kommo, answers remembered for [`CACHE_FOR`].
pub struct Admins {
    upstream: Arc<Upstream>,
    seen: Mutex<HashMap<UserKey, (User, Instant)>>,
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
    /// (`GET /api/v4/users/{id}`, asked at most once a minute per user); answers the user's
    /// name, which the history keeps beside each change.
    pub async fn require(&self, inst: &Installation, user_id: i64) -> Result<String, Problem> {
        let key = (inst.account_id, user_id);
        let lock = self.lock_for(key);
        let _one_question = lock.lock().await;
        let user = match self.cached(key) {
            Some(user) => user,
            None => {
                let user = self.ask(inst, user_id).await?;
                self.remember(key, user.clone());
                user
            }
        };
        if user.admin {
            Ok(user.name)
        } else {
            Err(Problem::not_admin())
        }
    }

    /// Kommo's answer: whether the user's rights say administrator, and the user's name.
    async fn ask(&self, inst: &Installation, user_id: i64) -> Result<User, Problem> {
        let path = format!("/api/v4/users/{user_id}");
        let (answer, _) = self.upstream.call(inst, Method::GET, &path, None).await?;
        let nobody = User {
            admin: false,
            name: String::new(),
        };
        match answer.status {
            StatusCode::OK => Ok(serde_json::from_slice::<Value>(&answer.body)
                .map(|v| User {
                    admin: v["rights"]["is_admin"].as_bool().unwrap_or(false),
                    name: v["name"].as_str().unwrap_or_default().to_owned(),
                })
                .unwrap_or(nobody)),
            StatusCode::NOT_FOUND | StatusCode::NO_CONTENT => Ok(nobody),
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

    fn cached(&self, key: UserKey) -> Option<User> {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.retain(|_, (_, at)| at.elapsed() < CACHE_FOR);
        seen.get(&key).map(|(user, _)| user.clone())
    }

    fn lock_for(&self, key: UserKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut asking = self.asking.lock().unwrap_or_else(|p| p.into_inner());
        // Locks nobody holds or waits for are dropped, so the map stays small.
        asking.retain(|_, l| Arc::strong_count(l) > 1);
        asking.entry(key).or_default().clone()
    }

    fn remember(&self, key: UserKey, user: User) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.insert(key, (user, Instant::now()));
    }
}
