//! The Sources API is for administrators: the caller's user must be one in the account.

use crate::app::App;
use crate::auth::Caller;
use crate::problem::Problem;
use axum::http::{Method, StatusCode};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an answer about a user is reused.
pub const CACHE_FOR: Duration = Duration::from_secs(60);

/// Recent answers about users: (account, user) -> (is admin, when asked).
#[derive(Default)]
pub struct Admins {
    seen: Mutex<HashMap<(i64, i64), (bool, Instant)>>,
}

impl Admins {
    fn cached(&self, key: (i64, i64)) -> Option<bool> {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.retain(|_, (_, at)| at.elapsed() < CACHE_FOR);
        seen.get(&key).map(|(admin, _)| *admin)
    }

    fn remember(&self, key: (i64, i64), admin: bool) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.insert(key, (admin, Instant::now()));
    }
}

impl App {
    /// Refuses with 403 unless the caller's user is an administrator of the account
    /// (`GET /api/v4/users/{id}`, asked at most once a minute per user).
    pub async fn require_admin(&self, caller: &Caller) -> Result<(), Problem> {
        let key = (caller.installation.account_id, caller.user_id);
        let admin = match self.admins.cached(key) {
            Some(admin) => admin,
            None => {
                let path = format!("/api/v4/users/{}", caller.user_id);
                let (answer, _) = self
                    .call_kommo(&caller.installation, Method::GET, &path, None)
                    .await?;
                let admin =
                    match answer.status {
                        StatusCode::OK => serde_json::from_slice::<Value>(&answer.body)
                            .ok()
                            .and_then(|v| v["rights"]["is_admin"].as_bool())
                            .unwrap_or(false),
                        StatusCode::NOT_FOUND | StatusCode::NO_CONTENT => false,
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
