//! The router and the server loop.

use crate::app::App;
use crate::config::Config;
use axum::middleware;
use axum::routing::{any, get};
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

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
        .fallback(crate::problem::not_found)
        .with_state(app.clone())
        .layer(crate::cors::layer(app))
        .layer(middleware::from_fn(crate::log::requests))
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await
}

/// A relay running on the current Tokio runtime, for tests and embedding.
pub struct Running {
    /// The bound address (the real port when started on port 0).
    pub addr: SocketAddr,
    /// The relay's state.
    pub app: Arc<App>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops gracefully, waits until the server is gone and closes the database.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.app.close().await;
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Builds the state and serves on `listener` in a background task.
pub async fn start(config: Config, listener: TcpListener) -> Result<Running, String> {
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let app = App::new(config).await?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, app.clone(), async {
        let _ = rx.await;
    }));
    Ok(Running {
        addr,
        app,
        stop: Some(tx),
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
