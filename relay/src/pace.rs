//! Each account's pace towards Kommo, kept by every relay together: a call takes one of the
//! account's `per_second` slots in the database, and a slot is taken again only a whole
//! window after its last use, so no sliding second ever holds more than `per_second` calls
//! from all relays, the relay's own refreshes and administrator questions included. Within a
//! relay the account's calls wait in line; past `queue_secs` seconds' worth they get 429.

use crate::config::Limits;
use crate::problem::Problem;
use crate::store::{Store, StoreError};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Kommo's second, plus a margin for the time between taking a slot and Kommo receiving the
/// call (a busy host, a slow connection), so that calls sent a window apart never arrive
/// within one second of each other: 7 slots make at most 5.6 calls a second on average.
pub const WINDOW_MS: i64 = 1_250;

/// Whether a call may be refused when the line is long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    /// A call for the widget: refused with 429 past the line's length.
    Call,
    /// A token refresh, which every call behind it needs: always waits its turn.
    Refresh,
}

/// The account's line in this relay: its length, and a fair lock only its head holds.
#[derive(Default)]
struct Line {
    waiting: usize,
    head: Arc<tokio::sync::Mutex<()>>,
}

/// The pace of every account, through the shared store.
pub struct Pace {
    store: Store,
    limits: Limits,
    lines: Mutex<HashMap<String, Line>>,
    /// Accounts whose slots this relay has made sure exist.
    ready: Mutex<HashSet<String>>,
}

/// A place in an account's line, given back when dropped.
struct Place<'a> {
    pace: &'a Pace,
    account: &'a str,
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        let mut lines = self.pace.lines();
        if let Some(line) = lines.get_mut(self.account) {
            line.waiting -= 1;
            if line.waiting == 0 {
                lines.remove(self.account);
            }
        }
        crate::metrics::pace_queue_dec();
    }
}

impl Pace {
    /// Paces accounts with these limits through `store`.
    pub fn new(store: Store, limits: Limits) -> Pace {
        Pace {
            store,
            limits,
            lines: Mutex::default(),
            ready: Mutex::default(),
        }
    }

    fn lines(&self) -> std::sync::MutexGuard<'_, HashMap<String, Line>> {
        self.lines.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many calls may wait in one account's line.
    fn line_length(&self) -> usize {
        (self.limits.per_second * self.limits.queue_secs.max(1)) as usize
    }

    /// Waits until one more call may go to the Kommo account at `account` (its base URL) and
    /// counts it as sent now.
    pub async fn turn(&self, account: &str, priority: Priority) -> Result<(), Problem> {
        if self.limits.per_second == 0 {
            return Ok(());
        }
        let head = {
            let mut lines = self.lines();
            let line = lines.entry(account.to_owned()).or_default();
            if priority == Priority::Call && line.waiting >= self.line_length() {
                let secs = (line.waiting as u64).div_ceil(u64::from(self.limits.per_second));
                return Err(Problem::line_full(secs.max(1)));
            }
            line.waiting += 1;
            crate::metrics::pace_queue_inc();
            line.head.clone()
        };
        let _place = Place {
            pace: self,
            account,
        };
        // Fair: the account's calls in this relay go in the order they came.
        let _head = head.lock().await;
        self.take_slot(account)
            .await
            .map_err(|_| Problem::storage_failed())
    }

    async fn take_slot(&self, account: &str) -> Result<(), StoreError> {
        let slots = self.limits.per_second;
        let known = self
            .ready
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(account);
        if !known {
            self.store.pace_init(account, slots).await?;
            self.ready
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(account.to_owned());
        }
        loop {
            let Some((slot, last)) = self.store.pace_oldest(account, slots).await? else {
                // Deleted underneath (the account was forgotten): make them again.
                self.store.pace_init(account, slots).await?;
                continue;
            };
            let now = crate::clock::now_ms();
            let free_at = last + WINDOW_MS;
            if free_at > now {
                tokio::time::sleep(Duration::from_millis((free_at - now) as u64)).await;
                continue;
            }
            if self.store.pace_take(account, slot, last, now).await? {
                return Ok(());
            }
            // Another relay took that slot first; look again.
        }
    }

    /// Kommo answered 429 for the account: no relay sends it anything for `secs` seconds.
    pub async fn hold(&self, account: &str, secs: u64) {
        if self.limits.per_second == 0 {
            return;
        }
        let until = crate::clock::now_ms() + (secs.clamp(1, 60) as i64) * 1_000;
        if let Err(e) = self.store.pace_hold(account, until - WINDOW_MS).await {
            crate::log::event(&format!("could not hold the pace of {account}: {e}"));
        }
    }
}
