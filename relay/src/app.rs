//! The relay's shared state.

use crate::admin::Admins;
use crate::config::Config;
use crate::kommo::Kommo;
use crate::limit::Limiter;
use crate::store::Store;
use crate::tokens::Refreshes;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Everything a request may need.
pub struct App {
    /// The checked configuration.
    pub config: Config,
    /// Installations and used token ids.
    pub store: Store,
    /// The client for Kommo accounts.
    pub kommo: Kommo,
    /// One refresh at a time per account.
    pub refreshes: Refreshes,
    /// Recent answers about who is an administrator.
    pub admins: Admins,
    /// Each account's pace towards Kommo.
    pub limiter: Limiter,
    /// Background work (refreshes, keep-alive, metrics upkeep), waited for at shutdown.
    pub tasks: TaskTracker,
    /// Cancelled when the shutdown starts: background work stops taking new work.
    pub shutdown: CancellationToken,
}

impl App {
    /// Opens the database and builds the state; the error is a message for the operator.
    pub async fn new(config: Config) -> Result<Arc<App>, String> {
        // Installed first, so that everything from the database's opening on is counted.
        crate::metrics::handle();
        let store = Store::open(&config.database, &config.key.0)
            .await
            .map_err(|e| format!("--database: {e}"))?;
        let kommo = Kommo::new(&config);
        let limiter = Limiter::new(&config.limits);
        let app = Arc::new(App {
            config,
            store,
            kommo,
            refreshes: Refreshes::default(),
            admins: Admins::default(),
            limiter,
            tasks: TaskTracker::new(),
            shutdown: CancellationToken::new(),
        });
        app.tasks
            .spawn(crate::metrics::upkeep(app.shutdown.clone()));
        Ok(app)
    }
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
