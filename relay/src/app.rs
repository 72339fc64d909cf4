//! The relay's shared state.

use crate::admin::Admins;
use crate::config::Config;
use crate::kommo::Kommo;
use crate::pace::Pace;
use crate::store::Store;
use crate::tokens::Tokens;
use crate::upstream::Upstream;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Everything a request may need.
pub struct App {
    /// The checked configuration.
    pub config: Config,
    /// Installations, used token ids, leases and pace slots.
    pub store: Store,
    /// The client for Kommo accounts.
    pub kommo: Kommo,
    /// Calls to installed accounts: fresh tokens, within the pace.
    pub upstream: Upstream,
    /// Recent answers about who is an administrator.
    pub admins: Admins,
    /// Work that must finish before the process ends: refreshes, the keep-alive.
    pub tasks: TaskTracker,
    /// Cancelled when the relay starts shutting down.
    pub shutdown: CancellationToken,
}

impl App {
    /// Opens the database, builds the state and starts the keep-alive; the error is a message
    /// for the operator.
    pub async fn new(config: Config) -> Result<Arc<App>, String> {
        let store = Store::open(&config.database, &config.key.0)
            .await
            .map_err(|e| format!("--database: {e}"))?;
        let kommo = Kommo::new(&config);
        let tasks = TaskTracker::new();
        let pace = Arc::new(Pace::new(store.clone(), config.limits.clone()));
        let tokens = Arc::new(Tokens::new(
            store.clone(),
            kommo.clone(),
            pace.clone(),
            tasks.clone(),
        ));
        let app = Arc::new(App {
            config,
            store,
            upstream: Upstream::new(kommo.clone(), tokens, pace),
            kommo,
            admins: Admins::default(),
            tasks,
            shutdown: CancellationToken::new(),
        });
        app.tasks.spawn(crate::keep_alive::run(app.clone()));
        Ok(app)
    }

    /// Stops background work and waits for it (refreshes in flight store their pair), then
    /// closes the database.
    pub async fn close(&self) {
        self.shutdown.cancel();
        self.tasks.close();
        self.tasks.wait().await;
        self.store.close().await;
    }
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
