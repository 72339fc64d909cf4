//! The HTTP server: the router, the front door (counters, faults, delays) and the accept loop.

use crate::app::App;
use crate::config::Config;
use crate::faults::FaultRule;
use crate::host::{self, HostConfig};
use crate::respond::problem;
use crate::{api, control, leads, oauth, pipelines};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use http_body::Frame;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Notify};
use tower::ServiceExt;

/// How long a graceful stop waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Per-connection facts the accept loop hands to every request.
#[derive(Clone, Debug)]
pub struct Conn {
    /// The client's address.
    pub peer: SocketAddr,
    /// Notified to close the connection without answering.
    kill: Arc<Notify>,
}

/// The whole application: API, control routes, host pages, problem+json fallbacks.
pub fn router(app: Arc<App>) -> Router {
    let host = host::router(
        HostConfig {
            widget_dir: app.config.widget_dir.clone(),
            vendor_dir: app.config.vendor_dir.clone(),
            // A public integration's widget (the relay build) has no token setting: with an
            // OAuth integration the settings start without one, and the widget's integration
            // is that OAuth integration.
            demo_token: app
                .config
                .demo_token()
                .filter(|_| app.config.oauth.is_none())
                .map(str::to_string),
            auth: match &app.config.oauth {
                Some(c) => host::HostAuth::for_client(&c.id, &c.secret, &c.redirect_uri),
                None => host::HostAuth::default(),
            },
        },
        app.clone(),
    );
    Router::new()
        .merge(api::routes())
        .merge(pipelines::routes())
        .merge(leads::api::routes())
        .merge(control::routes())
        .merge(oauth::routes())
        .with_state(app.clone())
        .merge(host)
        .fallback(|| async { problem(StatusCode::NOT_FOUND, "No such route") })
        .method_not_allowed_fallback(|| async {
            problem(
                StatusCode::METHOD_NOT_ALLOWED,
                "Method not allowed on this route",
            )
        })
        .layer(middleware::from_fn_with_state(app, front))
}

/// Counts API requests and applies injected delays and faults before routing.
async fn front(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let conn = req.extensions().get::<Conn>().cloned();
    if path == "/__sandbox" || path.starts_with("/__sandbox/") {
        let is_host_page = path == "/__sandbox/host" || path.starts_with("/__sandbox/host/");
        if !is_host_page && conn.as_ref().is_some_and(|c| !c.peer.ip().is_loopback()) {
            return problem(StatusCode::FORBIDDEN, "Control routes answer loopback only");
        }
        return next.run(req).await;
    }
    // Kommo blocks an address that keeps going over the rate limit: 403 for a while, before
    // anything else is looked at (the request is still counted; faults and delays wait).
    // Injected faults never count towards a block.
    let peer = conn
        .as_ref()
        .map(|c| c.peer.ip())
        .filter(|_| path.starts_with("/api/"));
    if let Some(forbidden) = peer.and_then(|ip| app.blocked(ip)) {
        app.faults().count(req.method().as_str(), &path);
        return forbidden;
    }
    let decision = app.faults().on_request(req.method().as_str(), &path);
    if let Some(delay) = decision.delay {
        tokio::time::sleep(delay).await;
    }
    if let Some(fault) = decision.fault {
        if fault.drop {
            if let Some(conn) = conn {
                conn.kill.notify_one();
                // The accept loop drops the connection; this future is dropped with it.
                std::future::pending::<()>().await;
            }
        }
        return canned(fault);
    }
    let response = next.run(req).await;
    if let Some(ip) = peer.filter(|_| response.status() == StatusCode::TOO_MANY_REQUESTS) {
        app.note_limited(ip);
    }
    response
}

/// The answer a fault rule describes (checked when the rule was added).
fn canned(rule: FaultRule) -> Response {
    let (body, default_type) = match (rule.body, rule.json) {
        (Some(b), _) => (b, None),
        (None, Some(j)) => (j.to_string(), Some("application/json")),
        (None, None) => (String::new(), None),
    };
    let mut r = if rule.truncate {
        Response::new(Body::new(CutBody::after_half_of(body)))
    } else {
        Response::new(Body::from(body))
    };
    *r.status_mut() =
        StatusCode::from_u16(rule.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = rule.content_type.as_deref().or(default_type);
    if let Some(ct) = content_type.and_then(|c| HeaderValue::try_from(c).ok()) {
        r.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    for (k, v) in rule.headers {
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k), HeaderValue::try_from(v)) {
            r.headers_mut().insert(k, v);
        }
    }
    r
}

/// A body that sends its first half and then fails, so the connection breaks mid-answer.
///
/// Unlike a connection closed before any byte, a browser has an answer under way here and
/// cannot quietly resend the request on a fresh connection.
struct CutBody {
    first_half: Option<Bytes>,
    // The break waits a moment so the first half is flushed to the client before it.
    pause: Pin<Box<tokio::time::Sleep>>,
}

impl CutBody {
    fn after_half_of(body: String) -> Self {
        let mut half = body.len() / 2;
        while !body.is_char_boundary(half) {
            half -= 1;
        }
        let first = if half == 0 {
            "{".to_string()
        } else {
            body[..half].to_string()
        };
        CutBody {
            first_half: Some(Bytes::from(first)),
            pause: Box::pin(tokio::time::sleep(Duration::from_millis(100))),
        }
    }
}

impl http_body::Body for CutBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if let Some(bytes) = self.first_half.take() {
            return Poll::Ready(Some(Ok(Frame::data(bytes))));
        }
        match self.pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "answer cut by a fault rule",
            )))),
        }
    }
}

/// Serves until `shutdown` resolves, then lets requests in flight finish (up to a few seconds).
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let router = router(app.clone());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let kill = Arc::new(Notify::new());
        let conn_info = Conn {
            peer,
            kill: kill.clone(),
        };
        let router = router.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(conn_info.clone());
                router.clone().oneshot(req)
            });
        let connection = hyper::server::conn::http1::Builder::new()
            .serve_connection(TokioIo::new(stream), service);
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            tokio::select! {
                _ = watched => {}
                _ = kill.notified() => {}
            }
        });
    }
    drop(listener);
    // Pages waiting for the next change of the sources get their answer now.
    app.changed();
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
    Ok(())
}

/// A sandbox running on the current Tokio runtime, for tests and embedding.
#[derive(Debug)]
pub struct Running {
    /// The bound address (the real port when started on port 0).
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops gracefully and waits until the server is gone.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Builds the state, binds `addr` and serves in a background task.
pub async fn spawn(config: Config, addr: SocketAddr) -> Result<Running, String> {
    let app = App::new(config)?;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, app, async {
        let _ = rx.await;
    }));
    Ok(Running {
        addr,
        stop: Some(tx),
        task: Some(task),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn status_from(peer: &str, path: &str) -> StatusCode {
        let app = App::new(Config::default()).unwrap();
        let mut req = Request::builder().uri(path).body(Body::empty()).unwrap();
        req.extensions_mut().insert(Conn {
            peer: peer.parse().unwrap(),
            kill: Arc::new(Notify::new()),
        });
        router(app).oneshot(req).await.unwrap().status()
    }

    #[tokio::test]
    async fn control_routes_answer_loopback_clients_only() {
        assert_eq!(
            status_from("127.0.0.1:5000", "/__sandbox/counters").await,
            StatusCode::OK
        );
        assert_eq!(
            status_from("[::1]:5000", "/__sandbox/counters").await,
            StatusCode::OK
        );
        assert_eq!(
            status_from("192.168.1.20:5000", "/__sandbox/counters").await,
            StatusCode::FORBIDDEN
        );
        // The API itself is not restricted by address.
        assert_eq!(
            status_from("192.168.1.20:5000", "/api/v4/account").await,
            StatusCode::UNAUTHORIZED
        );
    }
}
