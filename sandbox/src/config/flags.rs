//! The command line's flags, read by clap into a [`Config`] and an address.

use super::{Cli, Command, Config, LeadSource, RefreshReuse, UnknownSource, DEFAULT_ADDR};
use crate::oauth::grants::Client;
use crate::request::MAX_PAGE_SIZE;
use clap::error::ErrorKind;
use clap::{ArgAction, CommandFactory, Parser};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

/// A comma-separated list taken as one value: clap would read a `Vec` as a repeatable flag.
type Names = Vec<String>;

/// The flags as given, each value already checked on its own.
#[derive(Parser)]
#[command(
    name = "kommo-sandbox",
    about = "kommo-sandbox: a stand-in for Kommo's Sources API and widget host on loopback",
    disable_version_flag = true,
    // One help for -h and --help, as before clap.
    disable_help_flag = true,
    // As before clap: a flag given twice takes its last value.
    args_override_self = true
)]
struct Flags {
    /// Address to listen on (port 0 picks a free port)
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_ADDR, value_parser = address)]
    addr: SocketAddr,
    /// A bearer token; each one is an integration with its own sources (repeatable; without
    /// any, the demo token sandbox-demo-token is used and printed)
    #[arg(long = "token", value_name = "T", value_parser = token, allow_hyphen_values = true)]
    tokens: Vec<String>,
    /// Sources allowed per integration
    #[arg(long, value_name = "N", default_value_t = Config::default().max_sources, value_parser = number::<usize>)]
    max_sources: usize,
    /// Sources in one page of the list when the query sets no limit; a list with more links
    /// its next page in _links.next (at most 250)
    #[arg(long, value_name = "N", default_value_t = Config::default().page_size, value_parser = page_size)]
    page_size: usize,
    /// Comma-separated service types the account knows, each shaped like whatsapp; only
    /// whatsapp links are phone numbers
    #[arg(long, value_name = "T", default_value = crate::rules::WHATSAPP, value_parser = service_types)]
    service_types: Names,
    /// Requests per second per token, 0 turns it off
    #[arg(long, value_name = "N", default_value_t = Config::default().rate_limit, value_parser = number::<u32>)]
    rate_limit: u32,
    /// 429 answers to one address within a minute after which that address gets 403 for every
    /// API request, 0 never blocks
    #[arg(long, value_name = "N", default_value_t = Config::default().block_after, value_parser = number::<u32>)]
    block_after: u32,
    /// How long such a block lasts, in seconds
    #[arg(long, value_name = "N", default_value_t = Config::default().block_secs, value_parser = seconds)]
    block_secs: u64,
    /// Load state from FILE at start and write every change to it durably
    #[arg(long = "state", value_name = "FILE")]
    state_file: Option<PathBuf>,
    /// Start without demo sources and leads (pipelines always exist)
    #[arg(long)]
    empty: bool,
    /// The integration was created without Kommo's Multiple sources flag, so Kommo made one
    /// source for it at install: each integration starts with that source (name Sources
    /// Manager, external_id sources_manager)
    #[arg(long)]
    no_multiple_sources: bool,
    /// What POST /api/v4/leads/complex does with a source external_id that no source of the
    /// calling integration has (Kommo does not document it): refuse answers 400 with a
    /// validation error on _embedded.source.external_id, because a lead's source can only be
    /// set when it is created and a lead made without one could never be fixed; main creates
    /// the lead without a source in the main pipeline
    #[arg(long, value_name = "refuse|main", default_value = "refuse", value_parser = UnknownSource::from_str)]
    unknown_source: UnknownSource,
    /// Which documented way of reading a lead's source GET /api/v4/leads and
    /// /api/v4/leads/{id} honour: reference puts source_id (the source's id) on each lead for
    /// with=source_id, as the leads reference documents; changelog puts a source object (id,
    /// name) for with=source, as a 2025 changelog shows; both does both. Other with values are
    /// ignored
    #[arg(long, value_name = "reference|changelog|both", default_value = "reference", value_parser = LeadSource::from_str)]
    lead_source: LeadSource,
    /// With --client-secret and --redirect-uri: one OAuth integration, for which the sandbox
    /// is Kommo's OAuth side (POST /oauth2/access_token; POST /__sandbox/install sends a code
    /// to its Redirect URI)
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    client_id: Option<String>,
    /// The OAuth integration's client secret
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    client_secret: Option<String>,
    /// The OAuth integration's Redirect URI
    #[arg(long, value_name = "URL", value_parser = web_url)]
    redirect_uri: Option<String>,
    /// Lifetime of its access tokens, in seconds
    #[arg(long, value_name = "SECS", default_value_t = Config::default().access_ttl, value_parser = seconds)]
    access_ttl: u64,
    /// How long its refresh tokens last unused after they are issued; an older one is refused
    /// with 401, hint Token has expired (7776000 seconds are 90 days)
    #[arg(long, value_name = "SECS", default_value_t = Config::default().refresh_ttl, value_parser = seconds)]
    refresh_ttl: u64,
    /// strict (as Kommo): a refresh token works once, a reuse is refused with 401, hint Token
    /// has been revoked; grace: the refresh token a refresh replaced still rotates until the
    /// newest access token is used
    #[arg(long, value_name = "strict|grace", default_value = "strict", value_parser = RefreshReuse::from_str)]
    refresh_reuse: RefreshReuse,
    /// The built widget folder served under /widgets/<code>/
    #[arg(long, value_name = "DIR")]
    widget_dir: Option<PathBuf>,
    /// The npm node_modules folder holding requirejs and jquery (default: the repository's)
    #[arg(long, value_name = "DIR")]
    vendor_dir: Option<PathBuf>,
    /// Print this help
    #[arg(short, long, action = ArgAction::Help)]
    help: Option<bool>,
}

/// The help text (`--help`).
pub fn help() -> String {
    let mut text = Flags::command().render_help().to_string();
    text.push('\n');
    text
}

/// Parses the arguments after the program name; the error is a message for the user that
/// names the flag at fault.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Command, String> {
    let argv = std::iter::once("kommo-sandbox".to_string()).chain(args);
    let flags = match Flags::try_parse_from(argv) {
        Ok(flags) => flags,
        Err(e) if e.kind() == ErrorKind::DisplayHelp => return Ok(Command::Help),
        // The caller puts the program's name in front, as it does for every other error.
        Err(e) => {
            return Err(e
                .render()
                .to_string()
                .trim_start_matches("error: ")
                .trim_end()
                .to_string())
        }
    };
    let oauth = match (flags.client_id, flags.client_secret, flags.redirect_uri) {
        (None, None, None) => None,
        (Some(id), Some(secret), Some(redirect_uri)) if !id.is_empty() && !secret.is_empty() => {
            Some(Client {
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
    let defaults = Config::default();
    let config = Config {
        tokens: flags.tokens,
        max_sources: flags.max_sources,
        page_size: flags.page_size,
        service_types: flags.service_types,
        rate_limit: flags.rate_limit,
        block_after: flags.block_after,
        block_secs: flags.block_secs,
        state_file: flags.state_file,
        empty: flags.empty,
        multiple_sources: !flags.no_multiple_sources,
        unknown_source: flags.unknown_source,
        lead_source: flags.lead_source,
        oauth,
        access_ttl: flags.access_ttl,
        refresh_ttl: flags.refresh_ttl,
        refresh_reuse: flags.refresh_reuse,
        widget_dir: flags.widget_dir,
        vendor_dir: flags.vendor_dir.unwrap_or(defaults.vendor_dir),
    };
    Ok(Command::Run(Box::new(Cli {
        addr: flags.addr,
        config,
    })))
}

fn address(text: &str) -> Result<SocketAddr, String> {
    text.parse()
        .map_err(|_| "not an address like 127.0.0.1:8080".to_string())
}

fn token(text: &str) -> Result<String, String> {
    if text.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a token must be non-empty and contain no spaces".into());
    }
    Ok(text.to_string())
}

fn number<T: FromStr>(text: &str) -> Result<T, String> {
    text.parse().map_err(|_| "not a number".to_string())
}

fn page_size(text: &str) -> Result<usize, String> {
    text.parse()
        .ok()
        .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
        .ok_or(format!("not a number from 1 to {MAX_PAGE_SIZE}"))
}

fn seconds(text: &str) -> Result<u64, String> {
    text.parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or("not a number of seconds above 0".to_string())
}

fn service_types(text: &str) -> Result<Names, String> {
    let types: Names = text.split(',').map(|t| t.trim().to_owned()).collect();
    if types
        .iter()
        .any(|t| t.is_empty() || !t.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
    {
        return Err("not a list of lower-case names like whatsapp,telegram".into());
    }
    Ok(types)
}

fn web_url(text: &str) -> Result<String, String> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return Err("not an http(s) URL".into());
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEMO_TOKEN;

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
            .contains("a value is required"));
    }

    #[test]
    fn rejects_unknown_and_incomplete_flags() {
        assert!(run(&["--bogus"]).unwrap_err().contains("--bogus"));
        assert!(run(&["--addr"])
            .unwrap_err()
            .contains("a value is required"));
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
