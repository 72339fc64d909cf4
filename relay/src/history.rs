//! Who changed which source, and how: the relay keeps a history of every change to sources it
//! forwards (one entry per source, with the copy from before and Kommo's answer after), serves
//! it to the account's administrators at [`relay_contract::HISTORY_PATH`], and forgets entries
//! older than `--history-days`.

mod page;
mod record;

use crate::app::App;
use crate::clock::now_secs;
use std::sync::Arc;
use std::time::Duration;

pub use page::page;
pub use record::Watch;

/// How often old entries are looked for; the first look is at start.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Prunes the history now and then every [`PRUNE_EVERY`], until the relay shuts down.
pub async fn upkeep(app: Arc<App>) {
    loop {
        prune(&app).await;
        tokio::select! {
            _ = app.shutdown.cancelled() => return,
            _ = tokio::time::sleep(PRUNE_EVERY) => {}
        }
    }
}

/// Deletes the entries older than `--history-days`, in every account.
pub async fn prune(app: &App) {
    let before = now_secs() - i64::from(app.config.history_days) * 86_400;
    match app.store.prune_history(before).await {
        Ok(0) => {}
        Ok(n) => crate::log::event(&format!("history: {n} entries past the period removed")),
        Err(e) => tracing::warn!("history: the database did not answer the pruning: {e}"),
    }
}
