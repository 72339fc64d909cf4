//! The command line and the environment, checked into a [`Config`] before anything starts.
//!
//! Every setting is a flag with an environment variable of its own (the flag wins); the two
//! secrets come from the environment only, so that they never show in a process list.

use crate::hosts::origin_of;
use clap::builder::BoolishValueParser;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches, CommandFactory, FromArgMatches, Parser, ValueEnum};
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;
use url::Url;

mod checks;
#[cfg(test)]
mod tests;
mod values;

use checks::{check_database, duration, parse_key, web_url};
pub use values::{Key, Limits, Secret};

/// Address used when `--addr` is not given.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8090";

/// Database used when `--database` is not given: a SQLite file in the working folder.
pub const DEFAULT_DATABASE: &str = "sqlite:kommo-relay.sqlite3";

/// How long requests in flight may take to finish once a shutdown starts, by default.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(20);

/// How old a refresh token may get before it is refreshed in the background, by default.
pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(30 * 86_400);

/// How many days the history of source changes is kept, by default.
pub const DEFAULT_HISTORY_DAYS: u32 = 400;

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
    /// Days the history of changes to sources is kept (1 to 36500)
    #[arg(
        long,
        env = "RELAY_HISTORY_DAYS",
        value_name = "DAYS",
        default_value_t = DEFAULT_HISTORY_DAYS,
        value_parser = clap::value_parser!(u32).range(1..=36_500)
    )]
    history_days: u32,
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

/// Everything the relay needs, checked. Its `Debug` hides the secrets and the database
/// URL's password.
#[derive(Clone)]
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
    /// Days the history of changes to sources is kept.
    pub history_days: u32,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let database = match Url::parse(&self.database) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("hidden"));
                url.to_string()
            }
            _ => self.database.clone(),
        };
        f.debug_struct("Config")
            .field("public_url", &self.public_url.as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("redirect_uri", &self.redirect_uri.as_str())
            .field("database", &database)
            .field("allow_http_loopback", &self.allow_http_loopback)
            .field("key", &self.key)
            .field("limits", &self.limits)
            .field("log_format", &self.log_format)
            .field("drain_timeout", &self.drain_timeout)
            .field("keep_alive", &self.keep_alive)
            .field("history_days", &self.history_days)
            .finish()
    }
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
            client_secret: Secret::new(client_secret),
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
            history_days: s.history_days,
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
