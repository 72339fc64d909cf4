//! Each account's pace towards Kommo (about 7 requests a second per integration): requests
//! wait briefly for their turn, and past a short queue get 429 with Retry-After.

use crate::config::Limits;
use crate::problem::Problem;
use axum::http::StatusCode;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

/// The per-account limiter and queue.
pub struct Limiter {
    rate: Option<DefaultKeyedRateLimiter<i64>>,
    queue: usize,
    waiting: Arc<Mutex<HashMap<i64, usize>>>,
}

/// A place in an account's queue, given back when dropped.
pub struct Turn {
    account_id: i64,
    waiting: Option<Arc<Mutex<HashMap<i64, usize>>>>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(waiting) = &self.waiting {
            let mut w = waiting.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(n) = w.get_mut(&self.account_id) {
                *n -= 1;
                if *n == 0 {
                    w.remove(&self.account_id);
                }
            }
        }
    }
}

impl Limiter {
    /// A limiter with these limits (`per_second` 0: none).
    pub fn new(limits: &Limits) -> Limiter {
        let rate = NonZeroU32::new(limits.per_second)
            .map(|n| RateLimiter::keyed(Quota::per_second(n).allow_burst(n)));
        Limiter {
            rate,
            queue: limits.queue,
            waiting: Arc::default(),
        }
    }

    /// Waits until the account may send one more request, or refuses with 429 when more than
    /// the queue's length are already waiting.
    pub async fn wait_turn(&self, account_id: i64) -> Result<Turn, Problem> {
        let Some(rate) = &self.rate else {
            return Ok(Turn {
                account_id,
                waiting: None,
            });
        };
        {
            let mut w = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
            let n = w.entry(account_id).or_insert(0);
            // The request being sent counts too: one in flight plus `queue` waiting.
            if *n > self.queue {
                return Err(Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    "Too many requests for this account at once; wait a moment",
                )
                .retry_after(1));
            }
            *n += 1;
        }
        let turn = Turn {
            account_id,
            waiting: Some(self.waiting.clone()),
        };
        rate.until_key_ready(&account_id).await;
        Ok(turn)
    }
}
