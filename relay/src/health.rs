//! Probes for the load balancer and the orchestrator: `GET /healthz` (the process is up) and
//! `GET /readyz` (it can serve: the database answers and has every migration). Neither needs
//! an X-Auth-Token.

use crate::app::App;
use crate::problem::Problem;
use axum::extract::State;
use std::sync::Arc;
use std::time::Duration;

/// How long the database may take to answer a probe; a probe that hangs tells nothing.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /healthz`: 200 while the process runs; the database is not touched.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: 200 when the database answers and has applied every embedded migration,
/// else 503 `not_ready` saying which is missing.
pub async fn readyz(State(app): State<Arc<App>>) -> Result<&'static str, Problem> {
    if app.shutdown.is_cancelled() {
        return Err(Problem::not_ready("The relay is shutting down"));
    }
    match tokio::time::timeout(READY_TIMEOUT, app.store.missing_migrations()).await {
        Err(_) => Err(Problem::not_ready("The database did not answer within 2 s")),
        Ok(Err(e)) => {
            // The error may name hosts: it goes to the operator's log, not to the prober.
            tracing::warn!(error = %e, "readiness: the database did not answer");
            Err(Problem::not_ready("The database did not answer"))
        }
        Ok(Ok(missing)) if !missing.is_empty() => {
            let versions: Vec<String> = missing.iter().map(i64::to_string).collect();
            Err(Problem::not_ready(format!(
                "The database lacks migration {}: start a relay of this version to apply it",
                versions.join(", ")
            )))
        }
        Ok(Ok(_)) => Ok("ready\n"),
    }
}
