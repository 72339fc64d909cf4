//! The shared state behind every route: store, tokens, faults, rate limiter, blocks.

use crate::block::Blocker;
use crate::config::Config;
use crate::faults::{Faults, RateLimiter};
use crate::oauth::grants::{Grants, RefreshRules};
use crate::persist;
use crate::respond::{problem, too_many_requests};
use crate::store::{fingerprint, Store};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// The running sandbox's state.
#[derive(Debug)]
pub struct App {
    /// The configuration it was started with.
    pub config: Config,
    /// Accepted token -> integration key.
    tokens: HashMap<String, String>,
    store: Mutex<Store>,
    /// Kommo's OAuth side, when an OAuth integration is configured, and its store key.
    oauth: Option<(Mutex<Grants>, String)>,
    faults: Mutex<Faults>,
    limiter: Mutex<RateLimiter>,
    blocker: Mutex<Blocker>,
    /// Counts committed changes of the store, so a page can wait for the next one.
    changes: watch::Sender<u64>,
}

/// Locks a mutex even if a panicking holder poisoned it: every change is all-or-nothing,
/// so the data behind a poisoned lock is still consistent.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl App {
    /// Builds the state, loading `--state` if it exists; the error is a message for the user.
    pub fn new(config: Config) -> Result<Arc<App>, String> {
        let tokens: HashMap<String, String> = config
            .effective_tokens()
            .into_iter()
            .map(|t| {
                let k = fingerprint(&t);
                (t, k)
            })
            .collect();
        let token_list = config.integration_names();
        let store = match &config.state_file {
            Some(path) => {
                let mut store = persist::load(path)?
                    .unwrap_or_else(|| Store::initial(&token_list, config.seed()));
                store.ensure(&token_list, config.seed());
                persist::save(path, &store)
                    .map_err(|e| format!("cannot write state file {}: {e}", path.display()))?;
                store
            }
            None => Store::initial(&token_list, config.seed()),
        };
        let oauth = config.oauth.clone().map(|c| {
            let key = fingerprint(&crate::config::oauth_integration(&c.id));
            let refresh = RefreshRules {
                ttl: Duration::from_secs(config.refresh_ttl),
                reuse: config.refresh_reuse,
            };
            let grants = Grants::new(c, crate::model::ACCOUNT_ID, config.access_ttl, refresh);
            (Mutex::new(grants), key)
        });
        Ok(Arc::new(App {
            config,
            tokens,
            oauth,
            store: Mutex::new(store),
            faults: Mutex::new(Faults::default()),
            limiter: Mutex::new(RateLimiter::default()),
            blocker: Mutex::new(Blocker::default()),
            changes: watch::Sender::new(0),
        }))
    }

    /// The store key of the OAuth integration, when one is configured.
    pub fn oauth_integration(&self) -> Option<&str> {
        self.oauth.as_ref().map(|(_, key)| key.as_str())
    }

    /// Kommo's OAuth side, when an OAuth integration is configured.
    pub fn oauth(&self) -> Option<&Mutex<Grants>> {
        self.oauth.as_ref().map(|(g, _)| g)
    }

    /// The faults and counters.
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.faults)
    }

    /// Checks the bearer token and the rate limit; returns the integration key.
    pub fn authorize(&self, headers: &HeaderMap) -> Result<String, Response> {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, rest) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
            });
        let oauth = |t: &str| {
            let (grants, key) = self.oauth.as_ref()?;
            lock(grants).accept(t).then_some(key)
        };
        let Some(key) = token.and_then(|t| self.tokens.get(t).or_else(|| oauth(t))) else {
            return Err(problem(
                StatusCode::UNAUTHORIZED,
                "Missing or unknown bearer token",
            ));
        };
        lock(&self.limiter)
            .check(key, self.config.rate_limit, Instant::now())
            .map_err(too_many_requests)?;
        Ok(key.clone())
    }

    /// The 403 an address gets while it is blocked for repeated excess.
    pub fn blocked(&self, ip: IpAddr) -> Option<Response> {
        let left = lock(&self.blocker).blocked(ip, Instant::now())?;
        Some(problem(
            StatusCode::FORBIDDEN,
            &format!("Too many requests over the limit: this address is blocked for {left} s"),
        ))
    }

    /// Notes that `ip` was answered 429, which may block it.
    pub fn note_limited(&self, ip: IpAddr) {
        let span = Duration::from_secs(self.config.block_secs);
        lock(&self.blocker).limited(ip, self.config.block_after, span, Instant::now());
    }

    /// The integration key of `token`, when the sandbox accepts that token.
    pub fn integration_of(&self, token: &str) -> Option<&str> {
        self.tokens.get(token).map(String::as_str)
    }

    /// A watch of the store's change count: it moves on every committed change.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Moves the change count on, waking whoever waits on [`App::changes`] (also used at
    /// shutdown, so that no waiter holds a connection open).
    pub fn changed(&self) {
        self.changes.send_modify(|n| *n += 1);
    }

    /// Reads the store.
    pub fn read<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        f(&lock(&self.store))
    }

    /// Changes the store all-or-nothing: the change is made on a copy, saved durably when
    /// `--state` is set, and only then becomes visible.
    pub fn change<T, E>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<Result<T, E>, Response> {
        let mut store = lock(&self.store);
        let mut candidate = store.clone();
        let out = match f(&mut candidate) {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        if let Some(path) = &self.config.state_file {
            if persist::save(path, &candidate).is_err() {
                return Err(problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Could not save the sandbox state",
                ));
            }
        }
        *store = candidate;
        self.changed();
        Ok(Ok(out))
    }

    /// Puts the store back to its initial data and clears faults, counters, rate windows and
    /// blocks.
    pub fn reset(&self) -> Result<(), Response> {
        let tokens = self.config.integration_names();
        let seed = self.config.seed();
        self.change(|s| {
            *s = Store::initial(&tokens, seed);
            Ok::<(), ()>(())
        })?
        .ok();
        *self.faults() = Faults::default();
        lock(&self.limiter).clear();
        lock(&self.blocker).clear();
        Ok(())
    }
}
