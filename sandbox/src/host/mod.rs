//! The Kommo-like pages that host the widget: Settings modal, advanced page, Digital Pipeline.
//!
//! Routes (all `GET` unless noted):
//! - `/` dashboard, `/settings/widgets` (Integrations with the widget's tile and modal),
//!   `/settings/widgets/sources_manager/advanced` or `/settings/widgets/sources_manager/`
//!   (advanced settings, container
//!   `#work-area-sources_manager`), `/digital-pipeline` and `/leads/pipeline/{id}/settings`
//!   (Digital Pipeline: the integration's sources of that pipeline, "+ Add source", and
//!   `onAddAsSource(pipeline_id)` with no container, as Kommo documents it),
//!   `/leads/detail/{id}` (a lead's card: name, pipeline, stage, source; 404 page if unknown);
//! - `/widgets/sources_manager/{file}`: the built widget folder (`?v=` is ignored);
//! - `/vendor/require.js`, `/vendor/jquery.js`: the npm packages, from `vendor_dir`;
//! - `/__sandbox/host` (`GET`, `POST` `{"wasm_mime": "correct"|"wrong"|"text", "csp": "none"|"strict",
//!   "pipeline_id_as": "number"|"string", "files": "same"|"cors"|"nocors",
//!   "encoding": "identity"|"gzip"}` as JSON or query), `POST /__sandbox/host/reset`,
//!   `GET|POST /__sandbox/host/settings` (saved widget settings, `POST` merges an object),
//!   `GET|POST /__sandbox/host/attachments` (`{"pipeline_id": N, "attached": bool}`),
//!   `GET /__sandbox/host/sources?pipeline_id=N[&since=V]` (that pipeline's sources of the
//!   integration whose token the widget settings hold; with `since` it waits for a change).

mod auth;
mod control;
mod files;
mod lead;
mod pages;
mod sources;
mod state;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{FromRef, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use auth::{HostAuth, XAuthClaims};
pub use pages::STRICT_CSP;
pub use state::{Csp, Encoding, Files, HostState, PipelineIdAs, Switches, WasmMime};

use crate::app::App;

use pages::Page;

/// What the host pages serve and how they introduce themselves.
#[derive(Clone, Debug)]
pub struct HostConfig {
    /// The built widget folder (what goes into `widget.zip`), served under `/widgets/<code>/`.
    pub widget_dir: Option<PathBuf>,
    /// The npm `node_modules` folder holding `requirejs` and `jquery`.
    pub vendor_dir: PathBuf,
    /// A token the settings modal offers as a starting value, for the demo.
    pub demo_token: Option<String>,
    /// Who signs the `X-Auth-Token` of `$authorizedAjax`.
    pub auth: HostAuth,
}

/// The widget code under which the host serves and registers the widget.
pub const WIDGET_CODE: &str = "sources_manager";

/// The host script: its parts in `host/js/`, joined in one function scope they all share and
/// served as one file, so a page loads it with one request whatever the split.
const HOST_JS: &str = concat!(
    "(function () {\n'use strict';\n\n",
    include_str!("../../host/js/setup.js"),
    "\n",
    include_str!("../../host/js/startup.js"),
    "\n",
    include_str!("../../host/js/lifecycle.js"),
    "\n",
    include_str!("../../host/js/settings-modal.js"),
    "\n",
    include_str!("../../host/js/advanced-settings.js"),
    "\n",
    include_str!("../../host/js/digital-pipeline.js"),
    "\n",
    include_str!("../../host/js/authorized-ajax.js"),
    "\n",
    include_str!("../../host/js/helpers.js"),
    "})();\n"
);
const HOST_CSS: &str = include_str!("../../host/host.css");

/// Configuration and mutable state, handed to every handler.
#[derive(Clone)]
struct Shared {
    config: Arc<HostConfig>,
    state: HostState,
    /// The Sources API's state, whose sources Digital Pipeline shows.
    app: Arc<App>,
}

impl FromRef<Shared> for HostState {
    fn from_ref(shared: &Shared) -> HostState {
        shared.state.clone()
    }
}

impl FromRef<Shared> for Arc<App> {
    fn from_ref(shared: &Shared) -> Arc<App> {
        shared.app.clone()
    }
}

impl Shared {
    /// Checked on every request: the widget may be built while the sandbox runs.
    fn widget_built(&self) -> bool {
        self.config
            .widget_dir
            .as_ref()
            .is_some_and(|dir| dir.join("script.js").is_file())
    }

    /// The origin the page loads the widget's files from, when the switch says it is not its own.
    fn files_origin(&self, request: &HeaderMap) -> Option<String> {
        match self.state.switches().files {
            Files::Same => None,
            Files::Cors | Files::NoCors => files::other_origin(request),
        }
    }

    fn page(&self, page: Page, request: &HeaderMap) -> Response {
        let csp = self.state.switches().csp;
        let files = self.files_origin(request);
        pages::respond(page, self.widget_built(), csp, files.as_deref())
    }
}

/// Routes of the host pages, beside the Sources API of `app`; merged into the sandbox's router.
pub fn router(config: HostConfig, app: Arc<App>) -> axum::Router {
    let shared = Shared {
        state: HostState::new(config.demo_token.as_deref()),
        config: Arc::new(config),
        app,
    };
    let advanced = format!("/settings/widgets/{WIDGET_CODE}/advanced");
    let widget_files = format!("/widgets/{WIDGET_CODE}/{{*file}}");
    axum::Router::new()
        .route(
            "/",
            get(|s: State<Shared>, h: HeaderMap| async move { s.page(Page::Dashboard, &h) }),
        )
        .route("/settings/widgets", get(integrations))
        .route("/settings/widgets/", get(integrations))
        .route(&advanced, get(advanced_page))
        // Kommo's own address of a widget's advanced settings page.
        .route(
            &format!("/settings/widgets/{WIDGET_CODE}/"),
            get(advanced_page),
        )
        .route(
            "/digital-pipeline",
            get(|s: State<Shared>, h: HeaderMap| async move { s.page(Page::Pipeline(None), &h) }),
        )
        .route("/leads/pipeline/{id}/settings", get(pipeline_page))
        .route("/leads/detail/{id}", get(lead_page))
        .route(&widget_files, get(widget_file))
        .route("/vendor/require.js", get(require_js))
        .route("/vendor/jquery.js", get(jquery_js))
        .route(
            "/host-assets/host.js",
            get(|| async { asset(HOST_JS, "application/javascript; charset=utf-8") }),
        )
        .route(
            "/host-assets/host.css",
            get(|| async { asset(HOST_CSS, "text/css; charset=utf-8") }),
        )
        .route(
            "/__sandbox/host",
            get(control::get_switches).post(control::post_switches),
        )
        .route("/__sandbox/host/reset", post(control::reset))
        .route("/__sandbox/host/x-auth-token", post(auth::x_auth_token))
        .route(
            "/__sandbox/host/user",
            get(auth::get_user).post(auth::post_user),
        )
        .route(
            "/__sandbox/host/settings",
            get(control::get_settings).post(control::post_settings),
        )
        .route(
            "/__sandbox/host/attachments",
            get(control::get_attachments).post(control::post_attachments),
        )
        .route("/__sandbox/host/sources", get(sources::get))
        .with_state(shared)
}

async fn integrations(shared: State<Shared>, request: HeaderMap) -> Response {
    shared.page(Page::Integrations, &request)
}

async fn advanced_page(shared: State<Shared>, request: HeaderMap) -> Response {
    shared.page(Page::Advanced, &request)
}

async fn pipeline_page(
    shared: State<Shared>,
    Path(id): Path<String>,
    request: HeaderMap,
) -> Response {
    match id.parse::<u64>() {
        Ok(id) => shared.page(Page::Pipeline(Some(id)), &request),
        Err(_) => pages::not_found_page(),
    }
}

async fn lead_page(shared: State<Shared>, Path(id): Path<String>, request: HeaderMap) -> Response {
    let card = crate::request::whole_number(&id)
        .and_then(|id| shared.app.read(|store| lead::card(store, id)));
    let Some(card) = card else {
        return pages::not_found_page();
    };
    let csp = shared.state.switches().csp;
    let files = shared.files_origin(&request);
    pages::respond_lead(&card, shared.widget_built(), csp, files.as_deref())
}

async fn widget_file(
    shared: State<Shared>,
    Path(file): Path<String>,
    request: HeaderMap,
) -> Response {
    let Some(dir) = shared.config.widget_dir.as_ref() else {
        return files::not_found();
    };
    let switches = shared.state.switches();
    let mut response = match files::resolve(dir, &file) {
        Some(path) => files::serve(&path, switches.wasm_mime, switches.encoding, &request).await,
        None => files::not_found(),
    };
    if switches.files == Files::Cors {
        files::allow_page_origin(&request, &mut response);
    }
    response
}

async fn vendor(shared: &Shared, relative: &str) -> Response {
    let path = shared.config.vendor_dir.join(relative);
    if !path.is_file() {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The host's npm packages are missing: run `npm ci` at the repository root\n",
        )
            .into_response();
    }
    files::serve(
        &path,
        WasmMime::Correct,
        Encoding::Identity,
        &HeaderMap::new(),
    )
    .await
}

async fn require_js(shared: State<Shared>) -> Response {
    vendor(&shared, "requirejs/require.js").await
}

async fn jquery_js(shared: State<Shared>) -> Response {
    vendor(&shared, "jquery/dist/jquery.min.js").await
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}
