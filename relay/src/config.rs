//! The command line and the environment, checked into a [`Config`] before anything starts.

use crate::hosts::origin_of;
use base64::Engine;
use std::fmt;
use std::net::SocketAddr;
use url::Url;

/// Address used when `--addr` is not given.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8090";

/// Database used when `--database` is not given: a SQLite file in the working folder.
pub const DEFAULT_DATABASE: &str = "sqlite:kommo-relay.sqlite3";

/// Environment variable holding the integration's client secret.
pub const SECRET_VAR: &str = "KOMMO_CLIENT_SECRET";

/// Environment variable holding the key that encrypts tokens at rest.
pub const KEY_VAR: &str = "RELAY_KEY";

/// Help text printed by `--help`.
pub const USAGE: &str = "\
kommo-relay: keeps a Kommo integration's OAuth tokens and forwards its widget's Sources API calls

Usage: kommo-relay --public-url URL --client-id ID --redirect-uri URL [OPTIONS]

Options:
  --addr ADDR             address to listen on (default 127.0.0.1:8090)
  --public-url URL        the relay's address as browsers reach it (https, or http on loopback)
  --client-id ID          the integration's id in Kommo
  --redirect-uri URL      the integration's Redirect URI (this relay's /oauth/callback); the
                          origin of this URL is the audience of every X-Auth-Token
  --database URL          sqlite:FILE (default sqlite:kommo-relay.sqlite3) or postgres://...
  --allow-http-loopback   also accept accounts at http://127.0.0.1:PORT (for the sandbox)
  -h, --help              print this help

Environment:
  KOMMO_CLIENT_SECRET     the integration's client secret
  RELAY_KEY               32 bytes in base64 (e.g. `openssl rand -base64 32`): encrypts tokens at rest
";

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
    /// How old a pair may get before the keep-alive refreshes it (refresh tokens expire
    /// after 3 months unused).
    pub keep_alive: std::time::Duration,
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

/// Parses the arguments after the program name and the environment (`env` looks a variable
/// up); the error is a message for the user that names the setting at fault.
pub fn parse<I, E>(args: I, env: E) -> Result<Command, String>
where
    I: IntoIterator<Item = String>,
    E: Fn(&str) -> Option<String>,
{
    let mut addr = None;
    let mut public_url = None;
    let mut client_id = None;
    let mut redirect_uri = None;
    let mut database = None;
    let mut allow_http_loopback = false;
    let mut keep_alive = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // Both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--addr" => addr = Some(value("--addr")?),
            "--public-url" => public_url = Some(value("--public-url")?),
            "--client-id" => client_id = Some(value("--client-id")?),
            "--redirect-uri" => redirect_uri = Some(value("--redirect-uri")?),
            "--database" => database = Some(value("--database")?),
            "--keep-alive" => keep_alive = Some(value("--keep-alive")?),
            "--allow-http-loopback" if inline.is_none() => allow_http_loopback = true,
            _ => return Err(format!("unknown argument: {arg} (see --help)")),
        }
    }
    let addr = addr.as_deref().unwrap_or(DEFAULT_ADDR);
    let addr: SocketAddr = addr
        .parse()
        .map_err(|_| format!("--addr: not an address like 127.0.0.1:8090: {addr}"))?;
    let public_url = web_url("--public-url", public_url)?;
    let client_id = client_id
        .filter(|c| !c.trim().is_empty())
        .ok_or("--client-id is required: the integration's id in Kommo")?;
    let redirect_uri = web_url("--redirect-uri", redirect_uri)?;
    let database = database.unwrap_or_else(|| DEFAULT_DATABASE.to_string());
    check_database(&database)?;
    let client_secret = env(SECRET_VAR).filter(|s| !s.is_empty()).ok_or(format!(
        "{SECRET_VAR} is not set: the integration's client secret"
    ))?;
    let key = parse_key(env(KEY_VAR))?;
    let keep_alive = match keep_alive {
        None => std::time::Duration::from_secs(30 * 86_400),
        Some(v) => v
            .trim_end_matches('s')
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .map(std::time::Duration::from_secs)
            .ok_or(format!("--keep-alive: not a number of seconds: {v}"))?,
    };
    Ok(Command::Run(Box::new(Cli {
        addr,
        config: Config {
            public_url,
            client_id,
            client_secret: Secret(client_secret),
            redirect_uri,
            database,
            allow_http_loopback,
            key,
            limits: Limits::default(),
            keep_alive,
        },
    })))
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

/// A database URL the relay knows how to open.
fn check_database(database: &str) -> Result<(), String> {
    let sqlite = database
        .strip_prefix("sqlite:")
        .map(|rest| rest.trim_start_matches("//"));
    match sqlite {
        Some(path) if path.is_empty() || path.starts_with('?') => {
            Err("--database: sqlite: needs a file, e.g. sqlite:kommo-relay.sqlite3".into())
        }
        Some(path) if path.starts_with(":memory:") => {
            Err("--database: an in-memory SQLite database would lose every token on restart".into())
        }
        Some(_) => Ok(()),
        None if database.starts_with("postgres://") || database.starts_with("postgresql://") => {
            Ok(())
        }
        // The URL may hold a password: name the setting, not the value.
        None => Err("--database: must start with sqlite: or postgres://".into()),
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
    fn defaults_are_loopback_and_a_sqlite_file() {
        let cli = run(&BASE, Some("s"), Some(KEY)).unwrap();
        assert_eq!(cli.addr.to_string(), DEFAULT_ADDR);
        assert_eq!(cli.config.database, DEFAULT_DATABASE);
        assert!(!cli.config.allow_http_loopback);
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
    }
}
