//! CORS: the widget calls from its account's pages, so only installed accounts' origins are
//! allowed (a disconnected one too, so that its page can read that it must reinstall);
//! never `*` and never credentials.

use crate::app::App;
use axum::http::{header, HeaderName, Method};
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The CORS layer for every route.
pub fn layer(app: Arc<App>) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::async_predicate(move |origin, _| {
            let app = app.clone();
            async move {
                match origin.to_str() {
                    Ok(origin) => app.store.is_installed(origin).await.unwrap_or(false),
                    Err(_) => false,
                }
            }
        }))
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([
            HeaderName::from_static(crate::auth::TOKEN_HEADER),
            header::CONTENT_TYPE,
        ])
        .expose_headers([header::RETRY_AFTER])
        .allow_credentials(false)
        .max_age(Duration::from_secs(600))
}
