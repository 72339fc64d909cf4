//! Kommo's refresh tokens expire after 3 months unused, so an account whose admin does not
//! open the widget for a season would be lost. Every relay looks for connected accounts whose
//! pair is older than `--keep-alive` and refreshes them through the same lease as any call:
//! with several relays each account is refreshed once, and the schedule lives in the database,
//! so it carries on after a restart.

use crate::app::App;
use crate::clock::now_secs;
use std::sync::Arc;
use std::time::Duration;

/// Accounts refreshed per look; the rest wait for the next one.
const BATCH: i64 = 100;

/// How often to look: a quarter of the keep-alive, between one second and one hour.
pub fn every(keep_alive: Duration) -> Duration {
    (keep_alive / 4).clamp(Duration::from_secs(1), Duration::from_secs(3600))
}

/// Runs until the relay shuts down.
pub async fn run(app: Arc<App>) {
    let keep_alive = app.config.keep_alive;
    loop {
        look(&app, keep_alive).await;
        tokio::select! {
            _ = app.shutdown.cancelled() => return,
            _ = tokio::time::sleep(every(keep_alive)) => {}
        }
    }
}

/// Refreshes every account due now, one after another within the accounts' pace.
async fn look(app: &App, keep_alive: Duration) {
    let before = now_secs() - keep_alive.as_secs() as i64;
    let due = match app.store.idle(before, BATCH).await {
        Ok(due) => due,
        Err(e) => {
            crate::log::event(&format!("keep-alive: the database did not answer: {e}"));
            return;
        }
    };
    for (account_id, generation) in due {
        if app.shutdown.is_cancelled() {
            return;
        }
        // Another relay may have refreshed it since the look: then this takes its pair.
        if let Err(p) = app.upstream.tokens.refresh(account_id, generation).await {
            crate::log::account(
                account_id,
                &format!("keep-alive refresh failed: {}", p.reason),
            );
        }
    }
}
