//! The command line and the configuration it produces.

use std::net::SocketAddr;
use std::path::PathBuf;

mod switches;

pub use switches::{LeadSource, RefreshReuse, UnknownSource};

/// The token used when no `--token` is given; printed at start so a person can paste it.
pub const DEMO_TOKEN: &str = "sandbox-demo-token";

/// Address used when `--addr` is not given.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Help text printed by `--help`.
pub const USAGE: &str = "\
kommo-sandbox: a stand-in for Kommo's Sources API and widget host on loopback

Usage: kommo-sandbox [OPTIONS]

Options:
  --addr ADDR         address to listen on (default 127.0.0.1:8080; port 0 picks a free port)
  --token T           a bearer token; each one is an integration with its own sources (repeatable;
                      without any, the demo token sandbox-demo-token is used and printed)
  --max-sources N     sources allowed per integration (default 50)
  --page-size N       sources in one page of the list when the query sets no limit; a list
                      with more links its next page in _links.next (default 50, at most 250)
  --service-types T   comma-separated service types the account knows, each shaped like
                      whatsapp; only whatsapp links are phone numbers (default whatsapp)
  --rate-limit N      requests per second per token, 0 turns it off (default 7)
  --block-after N     429 answers to one address within a minute after which that address
                      gets 403 for every API request, 0 never blocks (default 20)
  --block-secs N      how long such a block lasts, in seconds (default 60)
  --state FILE        load state from FILE at start and write every change to it durably
  --empty             start without demo sources and leads (pipelines always exist)
  --no-multiple-sources
                      the integration was created without Kommo's Multiple sources flag, so
                      Kommo made one source for it at install: each integration starts with
                      that source (name Sources Manager, external_id sources_manager)
  --unknown-source refuse|main
                      what POST /api/v4/leads/complex does with a source external_id that no
                      source of the calling integration has (Kommo does not document it):
                      refuse (default) answers 400 with a validation error on
                      _embedded.source.external_id, because a lead's source can only be set
                      when it is created and a lead made without one could never be fixed;
                      main creates the lead without a source in the main pipeline
  --lead-source reference|changelog|both
                      which documented way of reading a lead's source GET /api/v4/leads and
                      /api/v4/leads/{id} honour: reference (default) puts source_id (the
                      source's id) on each lead for with=source_id, as the leads reference
                      documents; changelog puts a source object (id, name) for with=source, as
                      a 2025 changelog shows; both does both. Other with values are ignored
  --client-id ID      with --client-secret and --redirect-uri: one OAuth integration, for
  --client-secret S   which the sandbox is Kommo's OAuth side (POST /oauth2/access_token,
  --redirect-uri URL  POST /__sandbox/install sends a code to URL)
  --access-ttl SECS   lifetime of its access tokens (default 86400)
  --refresh-ttl SECS  how long its refresh tokens last unused after they are issued; an older
                      one is refused with 401, hint Token has expired (default 7776000, 90 days)
  --refresh-reuse strict|grace
                      strict (default, as Kommo): a refresh token works once, a reuse is
                      refused with 401, hint Token has been revoked; grace: the refresh token
                      a refresh replaced still rotates until the newest access token is used
  --widget-dir DIR    the built widget folder served under /widgets/<code>/
  --vendor-dir DIR    the npm node_modules folder holding requirejs and jquery
  -h, --help          print this help
";

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

/// Parses the arguments after the program name; the error is a message for the user.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Command, String> {
    let mut addr: SocketAddr = DEFAULT_ADDR.parse().expect("default address is valid");
    let mut config = Config::default();
    let (mut client_id, mut client_secret, mut redirect_uri) = (None, None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone().or_else(|| args.next()) {
                Some(v) => Ok(v),
                None => Err(format!("{name} needs a value")),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--addr" => {
                let v = value("--addr")?;
                addr = v
                    .parse()
                    .map_err(|_| format!("--addr: not an address like 127.0.0.1:8080: {v}"))?;
            }
            "--token" => {
                let v = value("--token")?;
                if v.is_empty() || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err("--token: a token must be non-empty and contain no spaces".into());
                }
                config.tokens.push(v);
            }
            "--max-sources" => {
                let v = value("--max-sources")?;
                config.max_sources = v
                    .parse()
                    .map_err(|_| format!("--max-sources: not a number: {v}"))?;
            }
            "--page-size" => {
                let v = value("--page-size")?;
                config.page_size = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=crate::request::MAX_PAGE_SIZE).contains(n))
                    .ok_or_else(|| format!("--page-size: not a number from 1 to 250: {v}"))?;
            }
            "--service-types" => {
                let v = value("--service-types")?;
                let types: Vec<String> = v.split(',').map(|t| t.trim().to_owned()).collect();
                if types.iter().any(|t| {
                    t.is_empty() || !t.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                }) {
                    return Err(format!("--service-types: not a list of lower-case names like whatsapp,telegram: {v}"));
                }
                config.service_types = types;
            }
            "--rate-limit" => {
                let v = value("--rate-limit")?;
                config.rate_limit = v
                    .parse()
                    .map_err(|_| format!("--rate-limit: not a number: {v}"))?;
            }
            "--block-after" => {
                let v = value("--block-after")?;
                config.block_after = v
                    .parse()
                    .map_err(|_| format!("--block-after: not a number: {v}"))?;
            }
            "--block-secs" => {
                let v = value("--block-secs")?;
                config.block_secs =
                    v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        format!("--block-secs: not a number of seconds above 0: {v}")
                    })?;
            }
            "--unknown-source" => config.unknown_source = value("--unknown-source")?.parse()?,
            "--lead-source" => config.lead_source = value("--lead-source")?.parse()?,
            "--client-id" => client_id = Some(value("--client-id")?),
            "--client-secret" => client_secret = Some(value("--client-secret")?),
            "--redirect-uri" => {
                let v = value("--redirect-uri")?;
                if !(v.starts_with("http://") || v.starts_with("https://")) {
                    return Err(format!("--redirect-uri: not an http(s) URL: {v}"));
                }
                redirect_uri = Some(v);
            }
            "--access-ttl" => {
                let v = value("--access-ttl")?;
                config.access_ttl =
                    v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        format!("--access-ttl: not a number of seconds above 0: {v}")
                    })?;
            }
            "--refresh-ttl" => {
                let v = value("--refresh-ttl")?;
                config.refresh_ttl = v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    format!("--refresh-ttl: not a number of seconds above 0: {v}")
                })?;
            }
            "--refresh-reuse" => config.refresh_reuse = value("--refresh-reuse")?.parse()?,
            "--state" => config.state_file = Some(PathBuf::from(value("--state")?)),
            "--widget-dir" => config.widget_dir = Some(PathBuf::from(value("--widget-dir")?)),
            "--vendor-dir" => config.vendor_dir = PathBuf::from(value("--vendor-dir")?),
            "--empty" if inline.is_none() => config.empty = true,
            "--no-multiple-sources" if inline.is_none() => config.multiple_sources = false,
            _ => return Err(format!("unknown argument: {arg} (see --help)")),
        }
    }
    config.oauth = match (client_id, client_secret, redirect_uri) {
        (None, None, None) => None,
        (Some(id), Some(secret), Some(redirect_uri)) if !id.is_empty() && !secret.is_empty() => {
            Some(crate::oauth::grants::Client {
                id,
                secret,
                redirect_uri,
            })
        }
        _ => {
            return Err(
                "--client-id, --client-secret and --redirect-uri go together, none empty".into(),
            )
        }
    };
    Ok(Command::Run(Box::new(Cli { addr, config })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Cli, String> {
        match parse_args(args.iter().map(|s| s.to_string()))? {
            Command::Run(cli) => Ok(*cli),
            Command::Help => Err("help".into()),
        }
    }

    #[test]
    fn parses_every_flag() {
        let cli = run(&[
            "--addr",
            "127.0.0.1:0",
            "--token",
            "a",
            "--token=b",
            "--max-sources",
            "3",
            "--page-size=2",
            "--service-types",
            "whatsapp,telegram",
            "--rate-limit",
            "0",
            "--block-after",
            "5",
            "--block-secs=9",
            "--state",
            "/tmp/s.json",
            "--empty",
            "--widget-dir",
            "w",
            "--vendor-dir",
            "v",
        ])
        .unwrap();
        assert_eq!(cli.addr.port(), 0);
        assert_eq!(cli.config.tokens, vec!["a", "b"]);
        assert_eq!(cli.config.max_sources, 3);
        assert_eq!(cli.config.page_size, 2);
        assert_eq!(cli.config.service_types, ["whatsapp", "telegram"]);
        assert_eq!(cli.config.rate_limit, 0);
        assert_eq!((cli.config.block_after, cli.config.block_secs), (5, 9));
        assert!(cli.config.empty);
        assert_eq!(cli.config.vendor_dir, PathBuf::from("v"));
        assert_eq!(cli.config.demo_token(), None);
        assert_eq!(cli.config.unknown_source, UnknownSource::Refuse);
        let main = run(&["--unknown-source", "main"]).unwrap();
        assert_eq!(main.config.unknown_source, UnknownSource::Main);
        assert_eq!(
            run(&["--unknown-source=refuse"])
                .unwrap()
                .config
                .unknown_source,
            UnknownSource::Refuse
        );
    }

    #[test]
    fn defaults_use_the_demo_token() {
        let cli = run(&[]).unwrap();
        assert_eq!(cli.addr.to_string(), DEFAULT_ADDR);
        assert_eq!(cli.config.effective_tokens(), vec![DEMO_TOKEN]);
        assert_eq!(cli.config.rate_limit, 7);
        assert_eq!((cli.config.block_after, cli.config.block_secs), (20, 60));
        assert_eq!(cli.config.max_sources, 50);
        assert_eq!(cli.config.page_size, 50);
        assert_eq!(cli.config.service_types, ["whatsapp"]);
        assert_eq!(cli.config.access_ttl, 86_400);
        assert_eq!(cli.config.refresh_ttl, 7_776_000);
        assert_eq!(cli.config.refresh_reuse, RefreshReuse::Strict);
    }

    #[test]
    fn an_oauth_integration_needs_all_three_settings() {
        let cli = run(&[
            "--client-id",
            "c",
            "--client-secret",
            "s",
            "--redirect-uri",
            "http://127.0.0.1:9/cb",
            "--access-ttl",
            "5",
            "--refresh-ttl",
            "2",
            "--refresh-reuse",
            "grace",
        ])
        .unwrap();
        let c = cli.config.oauth.as_ref().unwrap();
        assert_eq!((c.id.as_str(), c.secret.as_str()), ("c", "s"));
        assert_eq!(cli.config.access_ttl, 5);
        assert_eq!(cli.config.refresh_ttl, 2);
        assert_eq!(cli.config.refresh_reuse, RefreshReuse::Grace);
        let strict = run(&["--refresh-reuse=strict"]).unwrap();
        assert_eq!(strict.config.refresh_reuse, RefreshReuse::Strict);
        assert_eq!(cli.config.integration_names().len(), 2);
        assert!(run(&["--client-id", "c"])
            .unwrap_err()
            .contains("go together"));
        assert!(run(&["--redirect-uri", "ftp://x"]).is_err());
        assert!(run(&["--access-ttl", "0"]).is_err());
        assert!(run(&["--refresh-ttl", "0"]).is_err());
        assert!(run(&["--refresh-ttl", "90d"])
            .unwrap_err()
            .contains("--refresh-ttl"));
        assert!(run(&["--refresh-reuse", "Grace"])
            .unwrap_err()
            .contains("strict or grace"));
        assert!(run(&["--refresh-reuse"])
            .unwrap_err()
            .contains("needs a value"));
    }

    #[test]
    fn rejects_unknown_and_incomplete_flags() {
        assert!(run(&["--bogus"]).unwrap_err().contains("--bogus"));
        assert!(run(&["--addr"]).unwrap_err().contains("needs a value"));
        assert!(run(&["--max-sources", "x"]).is_err());
        assert!(run(&["--page-size", "0"]).is_err());
        assert!(run(&["--service-types", "whatsapp,"]).is_err());
        assert!(run(&["--service-types", "Tele gram"]).is_err());
        assert!(run(&["--page-size", "251"]).is_err());
        assert!(run(&["--empty=1"]).is_err());
        assert!(run(&["--block-secs", "0"]).is_err());
        assert!(run(&["--unknown-source", "Main"])
            .unwrap_err()
            .contains("refuse or main"));
        assert_eq!(run(&["--help"]).unwrap_err(), "help");
    }
}
