//! The relay's shared state.

use crate::admin::Admins;
use crate::config::Config;
use crate::kommo::Kommo;
use crate::pace::Pace;
use crate::store::Store;
use crate::tokens::Tokens;
use crate::upstream::Upstream;
use std::sync::Arc;
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
    pub upstream: Arc<Upstream>,
    /// Who is an administrator, asked of Kommo through `upstream` and remembered a minute.
    pub admins: Admins,
    /// Background work (refreshes, the keep-alive, the history's pruning, metrics upkeep), waited for at shutdown:
    /// a refresh in flight still stores its pair.
    pub tasks: TaskTracker,
    /// Cancelled when the shutdown starts: background work stops taking new work.
    pub shutdown: CancellationToken,
}

impl App {
    /// Opens the database, builds the state and starts the keep-alive; the error is a message
    /// for the operator.
    pub async fn new(config: Config) -> Result<Arc<App>, String> {
        // Installed first, so that everything from the database's opening on is counted.
        crate::metrics::handle();
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
        let upstream = Arc::new(Upstream::new(kommo.clone(), tokens, pace));
        let app = Arc::new(App {
            config,
            store,
            admins: Admins::new(upstream.clone()),
            upstream,
            kommo,
            tasks,
            shutdown: CancellationToken::new(),
        });
        app.tasks.spawn(crate::keep_alive::run(app.clone()));
        app.tasks.spawn(crate::history::upkeep(app.clone()));
        app.tasks
            .spawn(crate::metrics::upkeep(app.shutdown.clone()));
        Ok(app)
    }
}
