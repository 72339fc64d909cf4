//! Prometheus metrics at `GET /metrics`: one function per metric, so that callers cannot
//! misspell a name or a label. Label values come from fixed sets only (route templates,
//! reason codes, enums): never an account, a user, a path with ids or a token.

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const REQUESTS: &str = "relay_requests_total";
const REFUSALS: &str = "relay_refusals_total";
const REFRESHES: &str = "relay_refreshes_total";
const LEASE_WAIT: &str = "relay_lease_wait_seconds";
const PACE_QUEUE: &str = "relay_pace_queue_length";
const KOMMO: &str = "relay_kommo_seconds";
const DATABASE_ERRORS: &str = "relay_database_errors_total";

/// Buckets rather than quantiles, so that several instances' histograms add up.
const KOMMO_BUCKETS: &[f64] = &[0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0];
const LEASE_BUCKETS: &[f64] = &[0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0];

/// How often histograms are drained when nobody scrapes, so that they stay small.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The route label of a request that matched no route.
const UNMATCHED: &str = "unmatched";

/// How a refresh of an account's tokens ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshResult {
    /// Kommo gave a new pair and it was stored.
    Ok,
    /// Kommo refused the refresh token.
    Refused,
    /// Kommo did not answer, or answered 5xx/429.
    Unreachable,
    /// Kommo answered in a shape it does not send.
    BadAnswer,
    /// Another refresh (here or in another instance) replaced the pair first.
    LostRace,
    /// The database failed around the refresh.
    StorageFailed,
}

impl RefreshResult {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            RefreshResult::Ok => "ok",
            RefreshResult::Refused => "refused",
            RefreshResult::Unreachable => "unreachable",
            RefreshResult::BadAnswer => "bad_answer",
            RefreshResult::LostRace => "lost_race",
            RefreshResult::StorageFailed => "storage_failed",
        }
    }
}

/// What the relay was doing with the database when it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbOp {
    /// Connecting at start.
    Open,
    /// Applying the embedded migrations at start.
    Migrate,
    /// Any statement once running.
    Query,
}

impl DbOp {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            DbOp::Open => "open",
            DbOp::Migrate => "migrate",
            DbOp::Query => "query",
        }
    }
}

/// The process's recorder, installed on first use; every relay in the process shares it
/// (there can be one global recorder).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(KOMMO.into()), KOMMO_BUCKETS)
            .and_then(|b| b.set_buckets_for_metric(Matcher::Full(LEASE_WAIT.into()), LEASE_BUCKETS))
            .expect("the buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if ::metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed: /metrics stays empty");
        }
        describe();
        handle
    })
}

fn describe() {
    use ::metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(REQUESTS, "Requests answered, by route template and status");
    describe_counter!(REFUSALS, "problem+json answers, by reason");
    describe_counter!(REFRESHES, "Refreshes of an account's tokens, by result");
    describe_histogram!(
        LEASE_WAIT,
        Unit::Seconds,
        "Time spent waiting for a refresh lease"
    );
    describe_gauge!(
        PACE_QUEUE,
        "Calls waiting for their turn towards Kommo, all accounts"
    );
    describe_histogram!(KOMMO, Unit::Seconds, "Time of each call to Kommo");
    describe_counter!(DATABASE_ERRORS, "Database failures, by operation");
}

/// `GET /metrics`: every metric in Prometheus text.
pub async fn page() -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle().render(),
    )
}

/// Drains histograms now and then until `stop`, for a relay nobody scrapes.
pub async fn upkeep(stop: CancellationToken) {
    let mut every = tokio::time::interval(UPKEEP_EVERY);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = every.tick() => handle().run_upkeep(),
        }
    }
}

/// A request was answered; `route` is its route's template, `None` when none matched.
pub fn request(route: Option<&str>, status: StatusCode) {
    let route = route.unwrap_or(UNMATCHED).to_string();
    ::metrics::counter!(REQUESTS, "route" => route, "status" => status.as_u16().to_string())
        .increment(1);
}

/// A problem+json answer with this reason code.
pub fn refusal(reason: &'static str) {
    ::metrics::counter!(REFUSALS, "reason" => reason).increment(1);
}

/// A refresh of an account's tokens ended so.
pub fn refresh(result: RefreshResult) {
    ::metrics::counter!(REFRESHES, "result" => result.as_str()).increment(1);
}

/// Time a refresh waited for its lease on the account.
pub fn lease_wait(waited: Duration) {
    ::metrics::histogram!(LEASE_WAIT).record(waited.as_secs_f64());
}

/// One more call waits for its turn towards Kommo.
pub fn pace_queue_inc() {
    ::metrics::gauge!(PACE_QUEUE).increment(1.0);
}

/// A waiting call got its turn or gave up.
pub fn pace_queue_dec() {
    ::metrics::gauge!(PACE_QUEUE).decrement(1.0);
}

/// This many calls wait for their turn towards Kommo.
pub fn pace_queue_set(waiting: usize) {
    ::metrics::gauge!(PACE_QUEUE).set(waiting as f64);
}

/// A call to Kommo took this long, answered or not.
pub fn kommo_call(took: Duration) {
    ::metrics::histogram!(KOMMO).record(took.as_secs_f64());
}

/// The database failed during `op`.
pub fn database_error(op: DbOp) {
    ::metrics::counter!(DATABASE_ERRORS, "op" => op.as_str()).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_snake_case_words() {
        let results = [
            RefreshResult::Ok,
            RefreshResult::Refused,
            RefreshResult::Unreachable,
            RefreshResult::BadAnswer,
            RefreshResult::LostRace,
            RefreshResult::StorageFailed,
        ];
        let ops = [DbOp::Open, DbOp::Migrate, DbOp::Query];
        let labels = results
            .iter()
            .map(|r| r.as_str())
            .chain(ops.iter().map(|o| o.as_str()));
        for label in labels {
            assert!(
                !label.is_empty() && label.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{label}"
            );
        }
    }
}
