//! One line per request on stderr: method, path (never the query, which may hold a code),
//! status and time. Headers, bodies and tokens are never written.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// Writes the request's line once it is answered.
pub async fn requests(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    eprintln!(
        "{method} {path} {} {}ms",
        response.status().as_u16(),
        started.elapsed().as_millis()
    );
    response
}

/// An event about an account, for the operator.
pub fn account(account_id: i64, what: &str) {
    eprintln!("account {account_id}: {what}");
}

/// An event about the relay itself, for the operator.
pub fn event(what: &str) {
    eprintln!("{what}");
}
