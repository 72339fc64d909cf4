//! A fresh access token for every call to Kommo. Kommo's refresh tokens are single use across
//! every client, so exactly one refresh may run per expiry, however many relays share the
//! database: in-process callers wait on one flight, and the flight claims a lease on the
//! installation's row (one conditional UPDATE, no lock held while Kommo answers). Whoever does
//! not get the lease re-reads the row until its generation moves or the lease lapses. The new
//! pair is written only over the generation it replaced, and a refused refresh disconnects the
//! account only while the refused token is still the stored one.

use crate::clock::{now_ms, now_secs};
use crate::config::Secret;
use crate::kommo::{Kommo, KommoError};
use crate::metrics::RefreshResult;
use crate::pace::{Pace, Priority};
use crate::problem::Problem;
use crate::store::{Installation, Pair, Store, Stored};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::task::TaskTracker;

/// How long before its expiry an access token is replaced (at most a quarter of its life).
const REFRESH_EARLY: i64 = 120;
/// How long a claimed refresh may take before another relay may claim it: longer than a wait
/// in the account's line plus Kommo's whole timeout, so a live refresh is never overtaken.
pub const LEASE_MS: i64 = 45_000;
/// How often a relay that did not get the lease looks at the row again.
const POLL: Duration = Duration::from_millis(100);
/// How long a rotated pair is offered to a database that does not answer before the loss is
/// reported: Kommo has already retired the refresh token it replaced.
const STORE_PATIENCE: Duration = Duration::from_secs(300);

/// Whether the pair's access token is due for replacement at `now`.
pub fn due(pair: &Pair, now: i64) -> bool {
    let early = REFRESH_EARLY
        .min((pair.expires_at - pair.issued_at) / 4)
        .max(0);
    now >= pair.expires_at - early
}

/// An access token and the generation of the pair it belongs to.
pub type Access = (Secret, i64);

/// The refresh service: one flight per account in this relay, one lease per account across
/// relays.
pub struct Tokens {
    store: Store,
    kommo: Kommo,
    pace: Arc<Pace>,
    flights: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
    /// This relay's name in leases, unique per process.
    instance: String,
    claims: AtomicU64,
    /// Refreshes run as tracked tasks: a caller that goes away, or a shutdown, does not cut
    /// one off between Kommo's answer and the write of its pair.
    tasks: TaskTracker,
}

impl Tokens {
    /// A refresh service over `store`, calling `kommo` within `pace`.
    pub fn new(store: Store, kommo: Kommo, pace: Arc<Pace>, tasks: TaskTracker) -> Tokens {
        use chacha20poly1305::aead::rand_core::RngCore;
        let instance = format!("{:016x}", chacha20poly1305::aead::OsRng.next_u64());
        Tokens {
            store,
            kommo,
            pace,
            flights: Mutex::default(),
            instance,
            claims: AtomicU64::new(0),
            tasks,
        }
    }

    /// The installation's access token, refreshed first when it is due.
    pub async fn fresh(self: &Arc<Self>, inst: &Installation) -> Result<Access, Problem> {
        if due(&inst.pair, now_secs()) {
            self.refresh(inst.account_id, inst.generation).await
        } else {
            Ok((inst.pair.access.clone(), inst.generation))
        }
    }

    /// Replaces the pair of generation `seen`, or takes the pair that replaced it, whichever
    /// relay made it.
    pub async fn refresh(self: &Arc<Self>, account_id: i64, seen: i64) -> Result<Access, Problem> {
        let flight = {
            let mut flights = self.flights.lock().unwrap_or_else(|p| p.into_inner());
            flights.retain(|_, f| Arc::strong_count(f) > 1);
            flights.entry(account_id).or_default().clone()
        };
        let started = Instant::now();
        let _one_flight = flight.lock().await;
        loop {
            let current = self
                .store
                .by_account(account_id)
                .await
                .map_err(|_| Problem::storage_failed())?
                .ok_or_else(Problem::not_connected)?;
            if !current.connected {
                return Err(Problem::not_connected());
            }
            if current.generation != seen {
                crate::metrics::lease_wait(started.elapsed());
                return Ok((current.pair.access, current.generation));
            }
            let now = now_ms();
            if current.lease_until <= now {
                let owner = format!(
                    "{}-{}",
                    self.instance,
                    self.claims.fetch_add(1, Ordering::Relaxed)
                );
                let claimed = self
                    .store
                    .claim_lease(account_id, seen, &owner, now, now + LEASE_MS)
                    .await
                    .map_err(|_| Problem::storage_failed())?;
                if claimed {
                    crate::metrics::lease_wait(started.elapsed());
                    let this = self.clone();
                    return self
                        .tasks
                        .spawn(async move { this.rotate(current, owner).await })
                        .await
                        .unwrap_or_else(|_| Err(Problem::kommo_unreachable()));
                }
            }
            if started.elapsed() > Duration::from_millis(LEASE_MS as u64 + 5_000) {
                return Err(Problem::kommo_unreachable());
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Under the lease `owner` holds: asks Kommo for a new pair and keeps it.
    async fn rotate(
        self: Arc<Self>,
        current: Installation,
        owner: String,
    ) -> Result<Access, Problem> {
        let account_id = current.account_id;
        let seen = current.generation;
        let asked = match self.pace.turn(&current.base_url, Priority::Refresh).await {
            Ok(()) => {
                self.kommo
                    .refresh(&current.base_url, &current.pair.refresh, now_secs())
                    .await
            }
            Err(p) => {
                let _ = self.store.release_lease(account_id, &owner).await;
                return Err(p);
            }
        };
        match asked {
            Ok(pair) => self.keep(account_id, seen, &owner, pair).await,
            Err(KommoError::Refused { status, hint }) => {
                self.refused(account_id, seen, status, &hint).await
            }
            Err(e) => {
                let _ = self.store.release_lease(account_id, &owner).await;
                crate::metrics::refresh(match e {
                    KommoError::BadAnswer(_) => RefreshResult::BadAnswer,
                    _ => RefreshResult::Unreachable,
                });
                crate::log::account(account_id, &format!("refresh failed: {e:?}"));
                Err(Problem::kommo_unreachable())
            }
        }
    }

    /// Writes the pair Kommo issued, retrying while the database is away: it is the only
    /// pair that works now.
    async fn keep(
        &self,
        account_id: i64,
        seen: i64,
        owner: &str,
        pair: Pair,
    ) -> Result<Access, Problem> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(100);
        let mut leased = true;
        loop {
            let lease = leased.then_some(owner);
            match self
                .store
                .rotate(account_id, seen, lease, &pair, now_secs())
                .await
            {
                Ok(Stored::Yes) => {
                    crate::metrics::refresh(RefreshResult::Ok);
                    crate::log::account(account_id, "access token refreshed");
                    return Ok((pair.access, seen + 1));
                }
                // The lease lapsed and was taken while Kommo answered: this pair is still the
                // one that replaced `seen`, so it is written over it all the same.
                Ok(Stored::Superseded) if leased => leased = false,
                Ok(Stored::Superseded) => {
                    crate::metrics::refresh(RefreshResult::LostRace);
                    crate::log::account(
                        account_id,
                        "a refreshed pair was not stored: the account was installed again or \
                         disconnected meanwhile",
                    );
                    return self.stored(account_id).await;
                }
                Err(e) if started.elapsed() < STORE_PATIENCE => {
                    crate::log::account(
                        account_id,
                        &format!("storing the refreshed pair failed, retrying: {e}"),
                    );
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
                Err(e) => {
                    crate::metrics::refresh(RefreshResult::StorageFailed);
                    crate::log::account(
                        account_id,
                        &format!("the refreshed pair could not be stored ({e}): the account must be installed again"),
                    );
                    return Err(Problem::storage_failed());
                }
            }
        }
    }

    /// Kommo refused the refresh token of `seen`. If another relay rotated meanwhile, its pair
    /// is used; only while `seen` is still stored is the account disconnected.
    async fn refused(
        &self,
        account_id: i64,
        seen: i64,
        status: u16,
        hint: &str,
    ) -> Result<Access, Problem> {
        let disconnected_now = self
            .store
            .disconnect(account_id, seen, now_secs())
            .await
            .map_err(|_| Problem::storage_failed())?;
        if disconnected_now {
            crate::metrics::refresh(RefreshResult::Refused);
            crate::log::account(
                account_id,
                &format!("Kommo refused the refresh ({status} {hint}): marked disconnected"),
            );
            return Err(Problem::not_connected());
        }
        crate::metrics::refresh(RefreshResult::LostRace);
        crate::log::account(
            account_id,
            "Kommo refused a refresh token another relay had already rotated; using its pair",
        );
        self.stored(account_id).await
    }

    /// The stored pair, when the account is connected.
    async fn stored(&self, account_id: i64) -> Result<Access, Problem> {
        let inst = self
            .store
            .by_account(account_id)
            .await
            .map_err(|_| Problem::storage_failed())?
            .filter(|i| i.connected)
            .ok_or_else(Problem::not_connected)?;
        Ok((inst.pair.access, inst.generation))
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
