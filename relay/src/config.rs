//! The command line and the environment, checked into a [`Config`] before anything starts.
//!
//! Every setting is a flag with an environment variable of its own (the flag wins); the two
//! secrets come from the environment only, so that they never show in a process list.

use crate::hosts::origin_of;
use base64::Engine;
use clap::builder::BoolishValueParser;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches, CommandFactory, FromArgMatches, Parser, ValueEnum};
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;
use url::Url;

/// Address used when `--addr` is not given.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8090";

/// Database used when `--database` is not given: a SQLite file in the working folder.
pub const DEFAULT_DATABASE: &str = "sqlite:kommo-relay.sqlite3";

/// How long requests in flight may take to finish once a shutdown starts, by default.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(20);

/// How old a refresh token may get before it is refreshed in the background, by default.
pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(30 * 86_400);

/// Kommo drops a refresh token unused for three months: a keep-alive must come sooner.
const REFRESH_TOKEN_LIFE: Duration = Duration::from_secs(90 * 86_400);

/// Environment variable holding the integration's client secret.
pub const SECRET_VAR: &str = "KOMMO_CLIENT_SECRET";

/// Environment variable holding the key that encrypts tokens at rest.
pub const KEY_VAR: &str = "RELAY_KEY";

/// What `--help` says after the flags: the settings that are never flags.
const ENVIRONMENT: &str = "\
Environment only:
  KOMMO_CLIENT_SECRET  the integration's client secret
  RELAY_KEY            32 bytes in base64 (e.g. `openssl rand -base64 32`): encrypts tokens at rest
  RUST_LOG             which events to log (default info), e.g. info,relay=debug";

/// How log lines are written on stderr.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One line of text per event.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The settings as given, before they are checked.
#[derive(Parser)]
#[command(
    name = "kommo-relay",
    about = "kommo-relay: keeps a Kommo integration's OAuth tokens and forwards its widget's \
             Sources API calls",
    override_usage = "kommo-relay --public-url URL --client-id ID --redirect-uri URL [OPTIONS]",
    after_help = ENVIRONMENT,
    disable_version_flag = true,
    // One help for -h and --help: clap's own -h would send people to a longer --help.
    disable_help_flag = true,
    // As before clap: a flag given twice takes its last value.
    args_override_self = true
)]
struct Settings {
    /// Address to listen on
    #[arg(long, env = "RELAY_ADDR", value_name = "ADDR", default_value = DEFAULT_ADDR)]
    addr: String,
    /// The relay's address as browsers reach it (https, or http on loopback); required
    #[arg(long, env = "RELAY_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// The integration's id in Kommo; required
    #[arg(long, env = "RELAY_CLIENT_ID", value_name = "ID")]
    client_id: Option<String>,
    /// The integration's Redirect URI (this relay's /oauth/callback); the origin of this URL
    /// is the audience of every X-Auth-Token; required
    #[arg(long, env = "RELAY_REDIRECT_URI", value_name = "URL")]
    redirect_uri: Option<String>,
    /// sqlite:FILE or postgres://...
    #[arg(long, env = "RELAY_DATABASE", value_name = "URL", default_value = DEFAULT_DATABASE)]
    database: String,
    /// Also accept accounts at http://127.0.0.1:PORT (for the sandbox)
    #[arg(
        long,
        env = "RELAY_ALLOW_HTTP_LOOPBACK",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    allow_http_loopback: bool,
    /// How log lines are written on stderr
    #[arg(
        long,
        env = "RELAY_LOG_FORMAT",
        value_name = "FORMAT",
        value_enum,
        default_value_t
    )]
    log_format: LogFormat,
    /// How long requests in flight may take to finish at SIGTERM or Ctrl-C (e.g. 20s, 1500ms)
    #[arg(
        long,
        env = "RELAY_DRAIN_TIMEOUT",
        value_name = "DURATION",
        default_value = "20s",
        value_parser = duration
    )]
    drain_timeout: Duration,
    /// How old a refresh token may get before it is refreshed in the background (e.g. 30d,
    /// 12h; under 90d)
    #[arg(
        long,
        env = "RELAY_KEEP_ALIVE",
        value_name = "DURATION",
        default_value = "30d",
        value_parser = duration
    )]
    keep_alive: Duration,
    /// Calls per sliding second that all relays together send one account's Kommo (Kommo
    /// allows 7); 0 turns pacing off
    #[arg(long, env = "RELAY_RATE_LIMIT", value_name = "N", default_value_t = Limits::default().per_second)]
    rate_limit: u32,
    /// Seconds' worth of calls one relay holds in an account's line before it answers 429
    #[arg(long, env = "RELAY_QUEUE_SECS", value_name = "SECS", default_value_t = Limits::default().queue_secs)]
    queue_secs: u32,
    /// Print this help
    #[arg(short, long, action = ArgAction::Help)]
    help: Option<bool>,
}

/// The command line's definition, as `--help` shows it.
fn command() -> clap::Command {
    // A variable's value never shows in the help: RELAY_DATABASE may hold a password.
    Settings::command().mut_args(|arg| arg.hide_env_values(true))
}

/// The help text (`--help`).
pub fn help() -> String {
    let mut text = command().render_help().to_string();
    text.push('\n');
    text
}

/// A value that must never be printed: its `Debug` says only that it is hidden.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(hidden)")
    }
}

/// The 32-byte key that encrypts tokens at rest; its `Debug` hides it too.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(pub [u8; 32]);

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(hidden)")
    }
}

/// How hard all relays together push one account's Kommo: at most `per_second` calls in any
/// sliding second (Kommo allows 7), and a burst waits in line for up to `queue_secs` seconds'
/// worth of calls before more are refused with 429.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Calls per sliding second towards one account; 0 turns pacing off.
    pub per_second: u32,
    /// Seconds' worth of calls one relay queues for an account before it answers 429.
    pub queue_secs: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_second: 7,
            queue_secs: 5,
        }
    }
}

/// Everything the relay needs, checked.
#[derive(Clone, Debug)]
pub struct Config {
    /// The relay's own address as browsers reach it.
    pub public_url: Url,
    /// The integration's id (`client_id`, `client_uuid` in X-Auth-Token).
    pub client_id: String,
    /// The integration's client secret.
    pub client_secret: Secret,
    /// The integration's Redirect URI.
    pub redirect_uri: Url,
    /// `sqlite:...` or `postgres://...`.
    pub database: String,
    /// Whether accounts at `http://127.0.0.1:PORT` are accepted.
    pub allow_http_loopback: bool,
    /// The key that encrypts tokens at rest.
    pub key: Key,
    /// Per-account rate limit and queue.
    pub limits: Limits,
    /// How log lines are written on stderr.
    pub log_format: LogFormat,
    /// How long requests in flight and background work may take once a shutdown starts.
    pub drain_timeout: Duration,
    /// How old a refresh token may get before it is refreshed in the background.
    pub keep_alive: Duration,
}

impl Config {
    /// The audience every X-Auth-Token must carry: the origin of the Redirect URI.
    pub fn audience(&self) -> String {
        origin_of(&self.redirect_uri)
    }
}

/// A parsed command line.
#[derive(Clone, Debug)]
pub struct Cli {
    /// The address to bind.
    pub addr: SocketAddr,
    /// The relay's configuration.
    pub config: Config,
}

/// What the command line asks for.
#[derive(Clone, Debug)]
pub enum Command {
    /// Run the relay (boxed: `Help` stays small).
    Run(Box<Cli>),
    /// Print the help text and exit.
    Help,
}

/// Parses the arguments after the program name and the environment; the error is a message
/// for the user that names the setting at fault (the flag, or the variable it came from).
///
/// `env` looks up the secrets; the flags' own variables (`RELAY_ADDR`, ...) are read from the
/// process's environment by clap.
pub fn parse<I, E>(args: I, env: E) -> Result<Command, String>
where
    I: IntoIterator<Item = String>,
    E: Fn(&str) -> Option<String>,
{
    let args: Vec<String> = args.into_iter().collect();
    let command = command();
    let matches = match command
        .clone()
        .try_get_matches_from(std::iter::once("kommo-relay".to_string()).chain(args.clone()))
    {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::DisplayHelp => return Ok(Command::Help),
        Err(e) => return Err(explain(&command, &e, &args)),
    };
    let s = Settings::from_arg_matches(&matches).map_err(|e| explain(&command, &e, &args))?;
    let name = |id: &str| setting_name(&command, &matches, id);
    let addr: SocketAddr = s.addr.parse().map_err(|_| {
        format!(
            "{}: not an address like 127.0.0.1:8090: {}",
            name("addr"),
            s.addr
        )
    })?;
    let public_url = web_url(&name("public_url"), s.public_url)?;
    let client_id = s.client_id.filter(|c| !c.trim().is_empty()).ok_or(format!(
        "{} is required: the integration's id in Kommo",
        name("client_id")
    ))?;
    let redirect_uri = web_url(&name("redirect_uri"), s.redirect_uri)?;
    check_database(&name("database"), &s.database)?;
    if s.keep_alive.is_zero() || s.keep_alive >= REFRESH_TOKEN_LIFE {
        return Err(format!(
            "{}: must be above 0 and under 90d (Kommo drops a refresh token unused for three \
             months)",
            name("keep_alive")
        ));
    }
    let client_secret = env(SECRET_VAR).filter(|s| !s.is_empty()).ok_or(format!(
        "{SECRET_VAR} is not set: the integration's client secret"
    ))?;
    let key = parse_key(env(KEY_VAR))?;
    Ok(Command::Run(Box::new(Cli {
        addr,
        config: Config {
            public_url,
            client_id,
            client_secret: Secret(client_secret),
            redirect_uri,
            database: s.database,
            allow_http_loopback: s.allow_http_loopback,
            key,
            limits: Limits {
                per_second: s.rate_limit,
                queue_secs: s.queue_secs,
            },
            log_format: s.log_format,
            drain_timeout: s.drain_timeout,
            keep_alive: s.keep_alive,
        },
    })))
}

/// How the user gave the setting `id`: its flag, its variable when the value came from
/// there, or both when it was not given at all.
fn setting_name(command: &clap::Command, matches: &ArgMatches, id: &str) -> String {
    let Some(arg) = command.get_arguments().find(|a| a.get_id() == id) else {
        return id.to_string();
    };
    let flag = format!("--{}", arg.get_long().unwrap_or(id));
    let var = arg.get_env().map(|v| v.to_string_lossy().into_owned());
    match (matches.value_source(id), var) {
        (Some(ValueSource::EnvVariable), Some(var)) => var,
        (None, Some(var)) => format!("{flag} (or {var})"),
        _ => flag,
    }
}

/// Clap's message without its `error: ` prefix, naming the variable when the bad value came
/// from the environment rather than from the command line.
fn explain(command: &clap::Command, e: &clap::Error, args: &[String]) -> String {
    let text = e.render().to_string();
    let text = text.trim_start_matches("error: ").trim_end().to_string();
    let Some(ContextValue::String(shown)) = e.get(ContextKind::InvalidArg) else {
        return text;
    };
    let from_env = command.get_arguments().find_map(|arg| {
        let flag = format!("--{}", arg.get_long()?);
        let var = arg.get_env()?.to_string_lossy();
        let given = args
            .iter()
            .any(|a| a == &flag || a.starts_with(&format!("{flag}=")));
        (shown.split(' ').next() == Some(flag.as_str()) && !given).then(|| var.into_owned())
    });
    match from_env {
        Some(var) => format!("{var}: {text}"),
        None => text,
    }
}

/// A duration: `30d`, `12h`, `90s`, `1500ms`, `1h 30m`, or bare seconds.
fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    humantime::parse_duration(text)
        .map_err(|_| "not a duration like 30d, 12h, 90s, 1500ms or 20 (seconds)".to_string())
}

/// An address browsers or Kommo reach: https, or http on a loopback host; no credentials.
fn web_url(name: &str, value: Option<String>) -> Result<Url, String> {
    let value = value.ok_or(format!("{name} is required"))?;
    let url = Url::parse(&value).map_err(|_| format!("{name}: not a URL: {value}"))?;
    let loopback = matches!(
        url.host(),
        Some(url::Host::Ipv4(ip)) if ip.is_loopback()
    ) || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
        || url.host_str() == Some("localhost");
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(format!(
                "{name}: must be https (http only on loopback): {value}"
            ))
        }
    }
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err(format!("{name}: must not carry credentials or a #fragment"));
    }
    Ok(url)
}

/// A database URL the relay knows how to open; `name` is the setting's, for messages.
fn check_database(name: &str, database: &str) -> Result<(), String> {
    let sqlite = database
        .strip_prefix("sqlite:")
        .map(|rest| rest.trim_start_matches("//"));
    match sqlite {
        Some(path) if path.is_empty() || path.starts_with('?') => Err(format!(
            "{name}: sqlite: needs a file, e.g. sqlite:kommo-relay.sqlite3"
        )),
        Some(path) if path.starts_with(":memory:") => Err(format!(
            "{name}: an in-memory SQLite database would lose every token on restart"
        )),
        Some(_) => Ok(()),
        None if database.starts_with("postgres://") || database.starts_with("postgresql://") => {
            Ok(())
        }
        // The URL may hold a password: name the setting, not the value.
        None => Err(format!("{name}: must start with sqlite: or postgres://")),
    }
}

/// `RELAY_KEY`: exactly 32 bytes in standard or URL-safe base64.
fn parse_key(value: Option<String>) -> Result<Key, String> {
    let value = value.filter(|v| !v.trim().is_empty()).ok_or(format!(
        "{KEY_VAR} is not set: 32 bytes in base64 (openssl rand -base64 32)"
    ))?;
    let value = value.trim();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(value))
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(value))
        .map_err(|_| format!("{KEY_VAR}: not base64 (openssl rand -base64 32 makes a key)"))?;
    let key: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
        format!(
            "{KEY_VAR}: {} bytes, must be 32 (openssl rand -base64 32 makes a key)",
            b.len()
        )
    })?;
    Ok(Key(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    fn env_with(secret: Option<&str>, key: Option<&str>) -> impl Fn(&str) -> Option<String> {
        let (secret, key) = (secret.map(str::to_owned), key.map(str::to_owned));
        move |name| match name {
            SECRET_VAR => secret.clone(),
            KEY_VAR => key.clone(),
            _ => None,
        }
    }

    fn run(args: &[&str], secret: Option<&str>, key: Option<&str>) -> Result<Cli, String> {
        let args = args.iter().map(|s| s.to_string());
        match parse(args, env_with(secret, key))? {
            Command::Run(cli) => Ok(*cli),
            Command::Help => Err("help".into()),
        }
    }

    const BASE: [&str; 6] = [
        "--public-url",
        "https://relay.example.com",
        "--client-id",
        "c0ffee",
        "--redirect-uri",
        "https://relay.example.com/oauth/callback",
    ];

    fn with(extra: &[&'static str]) -> Vec<&'static str> {
        BASE.iter().chain(extra).copied().collect()
    }

    #[test]
    fn a_full_command_line_and_environment_make_a_config() {
        let cli = run(
            &with(&[
                "--addr=0.0.0.0:9000",
                "--database",
                "postgres://u@db/relay",
                "--allow-http-loopback",
            ]),
            Some("s3cret"),
            Some(KEY),
        )
        .unwrap();
        assert_eq!(cli.addr.to_string(), "0.0.0.0:9000");
        let c = cli.config;
        assert_eq!(c.client_id, "c0ffee");
        assert_eq!(c.client_secret.expose(), "s3cret");
        assert_eq!(c.audience(), "https://relay.example.com");
        assert_eq!(c.database, "postgres://u@db/relay");
        assert!(c.allow_http_loopback);
        assert_eq!(c.key.0[31], 31);
    }

    #[test]
    fn defaults_are_loopback_a_sqlite_file_and_text_logs() {
        let cli = run(&BASE, Some("s"), Some(KEY)).unwrap();
        assert_eq!(cli.addr.to_string(), DEFAULT_ADDR);
        assert_eq!(cli.config.database, DEFAULT_DATABASE);
        assert!(!cli.config.allow_http_loopback);
        assert_eq!(cli.config.log_format, LogFormat::Text);
        assert_eq!(cli.config.drain_timeout, DEFAULT_DRAIN_TIMEOUT);
        assert_eq!(cli.config.keep_alive, DEFAULT_KEEP_ALIVE);
    }

    #[test]
    fn log_format_drain_timeout_and_keep_alive_are_read() {
        let cli = run(
            &with(&[
                "--log-format",
                "json",
                "--drain-timeout=1500ms",
                "--keep-alive",
                "12h",
            ]),
            Some("s"),
            Some(KEY),
        )
        .unwrap();
        assert_eq!(cli.config.log_format, LogFormat::Json);
        assert_eq!(cli.config.drain_timeout, Duration::from_millis(1500));
        assert_eq!(cli.config.keep_alive, Duration::from_secs(12 * 3600));
    }

    #[test]
    fn durations_have_units_or_are_seconds() {
        for (text, secs) in [
            ("30d", 30 * 86_400),
            ("12h", 12 * 3600),
            ("90s", 90),
            ("20", 20),
            ("1h 30m", 5400),
            ("1.5h", 5400),
        ] {
            assert_eq!(duration(text), Ok(Duration::from_secs(secs)), "{text}");
        }
        assert_eq!(duration("1500ms"), Ok(Duration::from_millis(1500)));
        for bad in ["", "soon", "-5", "5 parsecs", "h"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_flag_has_a_variable_and_help_shows_both() {
        let help = help();
        for arg in command().get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if long == "help" {
                continue;
            }
            let var = arg.get_env().map(|v| v.to_string_lossy().into_owned());
            let var = var.unwrap_or_else(|| panic!("--{long} has no variable"));
            assert!(var.starts_with("RELAY_"), "--{long}: {var}");
            assert!(help.contains(&format!("--{long}")), "{help}");
            assert!(help.contains(&var), "{var} missing from the help:\n{help}");
        }
        assert!(
            help.contains(SECRET_VAR) && help.contains(KEY_VAR),
            "{help}"
        );
    }

    /// Arguments, secret, key, and the setting the error must name.
    type Case = (
        Vec<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        &'static str,
    );

    #[test]
    fn each_missing_or_bad_setting_is_named() {
        let cases: Vec<Case> = vec![
            (BASE[2..].to_vec(), Some("s"), Some(KEY), "--public-url"),
            (
                with(&["--public-url", "ftp://x"]),
                Some("s"),
                Some(KEY),
                "--public-url",
            ),
            (
                with(&["--public-url", "http://relay.example.com"]),
                Some("s"),
                Some(KEY),
                "--public-url",
            ),
            (
                with(&["--client-id", " "]),
                Some("s"),
                Some(KEY),
                "--client-id",
            ),
            (
                with(&["--redirect-uri", "not a url"]),
                Some("s"),
                Some(KEY),
                "--redirect-uri",
            ),
            (with(&["--addr", "nowhere"]), Some("s"), Some(KEY), "--addr"),
            (
                with(&["--database", "mysql://x"]),
                Some("s"),
                Some(KEY),
                "--database",
            ),
            (
                with(&["--database", "sqlite::memory:"]),
                Some("s"),
                Some(KEY),
                "--database",
            ),
            (with(&["--bogus"]), Some("s"), Some(KEY), "--bogus"),
            (
                with(&["--allow-http-loopback=yes"]),
                Some("s"),
                Some(KEY),
                "--allow-http-loopback",
            ),
            (with(&["--addr"]), Some("s"), Some(KEY), "--addr"),
            (BASE.to_vec(), None, Some(KEY), SECRET_VAR),
            (BASE.to_vec(), Some(""), Some(KEY), SECRET_VAR),
            (BASE.to_vec(), Some("s"), None, KEY_VAR),
            (BASE.to_vec(), Some("s"), Some("not base64!"), KEY_VAR),
            (BASE.to_vec(), Some("s"), Some("c2hvcnQ="), KEY_VAR),
            (
                with(&["--log-format", "xml"]),
                Some("s"),
                Some(KEY),
                "--log-format",
            ),
            (
                with(&["--drain-timeout", "soon"]),
                Some("s"),
                Some(KEY),
                "--drain-timeout",
            ),
            (
                with(&["--keep-alive", "0"]),
                Some("s"),
                Some(KEY),
                "--keep-alive",
            ),
            (
                with(&["--keep-alive", "91d"]),
                Some("s"),
                Some(KEY),
                "--keep-alive",
            ),
        ];
        for (args, secret, key, named) in cases {
            let err = run(&args, secret, key).unwrap_err();
            assert!(err.contains(named), "{args:?}: {err}");
        }
    }

    #[test]
    fn no_message_or_debug_output_shows_a_secret() {
        let err = run(
            &with(&["--database", "mysql://user:hunter2@db"]),
            Some("s"),
            Some(KEY),
        )
        .unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
        let cli = run(&BASE, Some("very-secret-value"), Some(KEY)).unwrap();
        let shown = format!("{cli:?}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
        assert!(!shown.contains("[0, 1, 2"), "{shown}");
    }

    #[test]
    fn help_is_asked_for() {
        assert_eq!(run(&["--help"], None, None).unwrap_err(), "help");
        assert_eq!(run(&["-h"], None, None).unwrap_err(), "help");
    }
}
