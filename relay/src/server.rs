//! The router, the server loop and its graceful shutdown.

use crate::app::App;
use crate::config::Config;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{any, get};
use axum::Router;
use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::time::{timeout, timeout_at, Instant};

/// How long closing the database may take once the drain is over.
const CLOSE_WITHIN: Duration = Duration::from_secs(2);

/// Every route of the relay; what it does not serve gets a problem+json 404.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/oauth/callback", get(crate::install::callback))
        .route("/oauth/disabled", get(crate::hook::disabled))
        .route("/api/v4/sources", any(crate::proxy::proxy))
        .route("/api/v4/sources/{id}", any(crate::proxy::proxy))
        .route("/api/v4/leads/pipelines", any(crate::proxy::proxy))
        .route("/api/v4/leads", any(crate::proxy::proxy))
        .route("/api/v4/leads/{id}", any(crate::proxy::proxy))
        .route(relay_contract::HISTORY_PATH, get(crate::history::page))
        .route("/healthz", get(crate::health::healthz))
        .route("/readyz", get(crate::health::readyz))
        .route("/metrics", get(crate::metrics::page))
        .fallback(crate::problem::not_found)
        // Bodies are read by extractors held to this; their rejection becomes a problem+json 413.
        .layer(DefaultBodyLimit::max(crate::proxy::MAX_BODY))
        .with_state(app.clone())
        .layer(crate::cors::layer(app))
        .layer(middleware::from_fn(crate::log::requests))
}

/// Serves until `signal` resolves or `app.shutdown` is cancelled, then shuts down: no new
/// connections; requests in flight, then background tasks, may finish within the drain
/// timeout; then the database is closed.
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    signal: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let stop = app.shutdown.clone();
    let stopping = stop.clone();
    let server = axum::serve(listener, router(app.clone()))
        .with_graceful_shutdown(async move {
            tokio::select! {
                () = signal => stopping.cancel(),
                () = stopping.cancelled() => {}
            }
        })
        .into_future();
    tokio::pin!(server);
    let ended = tokio::select! {
        // A stop wakes both branches when nothing is in flight: it is a shutdown all the same.
        biased;
        () = stop.cancelled() => None,
        served = &mut server => Some(served),
    };
    // One budget for the whole shutdown, so that it ends before an orchestrator's own
    // grace period runs out.
    let drain = app.config.drain_timeout;
    let deadline = Instant::now() + drain;
    let served = match ended {
        // The server ended by itself: there is nothing left to drain.
        Some(served) => {
            stop.cancel();
            served
        }
        None => {
            tracing::info!(
                drain_timeout = %humantime::format_duration(drain),
                "shutting down: no new connections; requests in flight may finish"
            );
            timeout_at(deadline, server).await.unwrap_or_else(|_| {
                tracing::warn!("the drain timeout cut requests still in flight");
                Ok(())
            })
        }
    };
    finish(&app, deadline).await;
    served
}

/// Waits for background tasks until `deadline`, then closes the database.
async fn finish(app: &App, deadline: Instant) {
    app.tasks.close();
    if timeout_at(deadline, app.tasks.wait()).await.is_err() {
        tracing::warn!(
            tasks = app.tasks.len(),
            "background tasks still ran at the drain timeout"
        );
    }
    // Closing waits for connections in use; a database that hangs must not keep the
    // process from exiting.
    if timeout(CLOSE_WITHIN, app.store.close()).await.is_err() {
        tracing::warn!("the database did not close in time");
    }
    tracing::info!("stopped");
}

/// A relay running on the current Tokio runtime, for tests and embedding.
pub struct Running {
    /// The bound address (the real port when started on port 0).
    pub addr: SocketAddr,
    /// The relay's state.
    pub app: Arc<App>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Shuts down as at SIGTERM and waits until the relay is gone and its database closed.
    pub async fn stop(mut self) {
        self.app.shutdown.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.app.shutdown.cancel();
    }
}

/// Builds the state and serves on `listener` in a background task.
pub async fn start(config: Config, listener: TcpListener) -> Result<Running, String> {
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let app = App::new(config).await?;
    let task = tokio::spawn(serve(listener, app.clone(), std::future::pending()));
    Ok(Running {
        addr,
        app,
        task: Some(task),
    })
}

/// Binds `addr`, builds the state and serves in a background task.
pub async fn spawn(config: Config, addr: SocketAddr) -> Result<Running, String> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    start(config, listener).await
}
