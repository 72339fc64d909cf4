//! Logs on stderr through `tracing`, as text or one JSON object a line: one event per request
//! (method, path without the query, status, time) and events about accounts. The query may
//! hold a code, so it is never written; nor is a header, a body or a token.

use crate::config::LogFormat;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::io::IsTerminal;
use std::time::Instant;
use tracing_subscriber::filter::{EnvFilter, LevelFilter};

/// Writes events in `format` on stderr, filtered by `RUST_LOG` (default `info`). Once per
/// process; later calls change nothing.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::INFO.into())
        .from_env_lossy();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _already_set = match format {
        // Colours only for a person at a terminal, never into a file.
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .try_init(),
    };
}

/// Logs and counts each request once it is answered, by its route's template for the count.
pub async fn requests(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let route = req.extensions().get::<MatchedPath>().cloned();
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status();
    tracing::info!(
        method = %method,
        path = %path,
        status = status.as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    crate::metrics::request(route.as_ref().map(MatchedPath::as_str), status);
    response
}

/// An event about an account, for the operator.
pub fn account(account_id: i64, what: &str) {
    tracing::info!(account_id, "{what}");
}

/// An event about the relay itself, for the operator.
pub fn event(what: &str) {
    tracing::info!("{what}");
}
