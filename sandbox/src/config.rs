//! The command line and the configuration it produces.

use std::net::SocketAddr;
use std::path::PathBuf;

mod flags;

pub use flags::{help, parse_args};
// The switches live beside what they switch; named here with the rest of the configuration.
pub use crate::leads::switches::{LeadSource, UnknownSource};
pub use crate::oauth::grants::RefreshReuse;

/// The token used when no `--token` is given; printed at start so a person can paste it.
pub const DEMO_TOKEN: &str = "sandbox-demo-token";

/// Address used when `--addr` is not given.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Lifetime of a refresh token left unused, when `--refresh-ttl` is not given (Kommo: 3
/// months, here 90 days).
pub const DEFAULT_REFRESH_TTL: u64 = 90 * 86_400;

/// Everything the server needs besides its listening socket.
#[derive(Clone, Debug)]
pub struct Config {
    /// Bearer tokens, one per integration; empty means the demo token alone.
    pub tokens: Vec<String>,
    /// Sources allowed per integration.
    pub max_sources: usize,
    /// Sources in one list page when the query sets no `limit`.
    pub page_size: usize,
    /// Service types a source may have (Kommo documents only `whatsapp` today).
    pub service_types: Vec<String>,
    /// Requests per second per token; 0 disables the limit.
    pub rate_limit: u32,
    /// 429 answers to one address within a minute before it is blocked; 0 never blocks.
    pub block_after: u32,
    /// How long a block lasts, in seconds.
    pub block_secs: u64,
    /// Where state is loaded from and saved to, if anywhere.
    pub state_file: Option<PathBuf>,
    /// Start without demo sources.
    pub empty: bool,
    /// Whether the integration has Kommo's Multiple sources flag; without it, Kommo creates
    /// one source at install.
    pub multiple_sources: bool,
    /// What a complex lead create does with an unknown source external_id.
    pub unknown_source: UnknownSource,
    /// Which documented `with` for a lead's source is honoured.
    pub lead_source: LeadSource,
    /// The OAuth integration the sandbox is Kommo's OAuth side for, if any.
    pub oauth: Option<crate::oauth::grants::Client>,
    /// Lifetime of its access tokens, in seconds.
    pub access_ttl: u64,
    /// How long its refresh tokens last unused after they are issued, in seconds.
    pub refresh_ttl: u64,
    /// Whether a replaced refresh token may be used again.
    pub refresh_reuse: RefreshReuse,
    /// The built widget folder for the host pages.
    pub widget_dir: Option<PathBuf>,
    /// The npm `node_modules` folder for the host pages.
    pub vendor_dir: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            tokens: Vec::new(),
            max_sources: 50,
            page_size: 50,
            service_types: vec![crate::rules::WHATSAPP.to_owned()],
            rate_limit: 7,
            block_after: 20,
            block_secs: 60,
            state_file: None,
            empty: false,
            multiple_sources: true,
            unknown_source: UnknownSource::Refuse,
            lead_source: LeadSource::Reference,
            oauth: None,
            access_ttl: 86400,
            refresh_ttl: DEFAULT_REFRESH_TTL,
            refresh_reuse: RefreshReuse::Strict,
            widget_dir: None,
            vendor_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../node_modules")),
        }
    }
}

impl Config {
    /// The tokens actually accepted: the configured ones, or the demo token alone.
    pub fn effective_tokens(&self) -> Vec<String> {
        if self.tokens.is_empty() {
            vec![DEMO_TOKEN.to_string()]
        } else {
            self.tokens.clone()
        }
    }

    /// The limits the store's source operations check against.
    pub fn limits(&self) -> crate::store::Limits<'_> {
        crate::store::Limits {
            max_sources: self.max_sources,
            service_types: &self.service_types,
        }
    }

    /// What each integration starts with.
    pub fn seed(&self) -> crate::store::Seed {
        crate::store::Seed {
            demo: !self.empty,
            install_source: !self.multiple_sources,
        }
    }

    /// Names of every integration the store keeps: one per token, and the OAuth one.
    pub fn integration_names(&self) -> Vec<String> {
        let mut names = self.effective_tokens();
        if let Some(c) = &self.oauth {
            names.push(oauth_integration(&c.id));
        }
        names
    }

    /// The demo token when it is in use (no `--token` given), for printing and the host page.
    pub fn demo_token(&self) -> Option<&'static str> {
        self.tokens.is_empty().then_some(DEMO_TOKEN)
    }
}

/// The store's name for the OAuth integration's sources; never accepted as a bearer token.
pub fn oauth_integration(client_id: &str) -> String {
    format!("oauth-client:{client_id}")
}

/// A parsed command line.
#[derive(Clone, Debug)]
pub struct Cli {
    /// The address to bind.
    pub addr: SocketAddr,
    /// The server configuration.
    pub config: Config,
}

/// What the command line asks for.
#[derive(Clone, Debug)]
pub enum Command {
    /// Run the server (boxed: a command line is parsed once, and `Help` stays small).
    Run(Box<Cli>),
    /// Print the help text and exit.
    Help,
}
