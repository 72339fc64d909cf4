//! The Kommo-like pages that host the widget: Settings modal, advanced page, Digital Pipeline.

use std::path::PathBuf;

/// What the host pages serve and how they introduce themselves.
#[derive(Clone, Debug)]
pub struct HostConfig {
    /// The built widget folder (what goes into `widget.zip`), served under `/widgets/<code>/`.
    pub widget_dir: Option<PathBuf>,
    /// The npm `node_modules` folder holding `requirejs` and `jquery`.
    pub vendor_dir: PathBuf,
    /// A token the settings modal offers as a starting value, for the demo.
    pub demo_token: Option<String>,
}

/// The widget code under which the host serves and registers the widget.
pub const WIDGET_CODE: &str = "sources_manager";

/// Routes of the host pages; merged into the sandbox's router.
pub fn router(_config: HostConfig) -> axum::Router {
    axum::Router::new()
}
