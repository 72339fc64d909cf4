//! Settings as flags and variables give them: what is accepted, and what each refusal names.

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
    assert_eq!(cli.config.history_days, DEFAULT_HISTORY_DAYS);
}

#[test]
fn log_format_drain_timeout_keep_alive_and_history_days_are_read() {
    let cli = run(
        &with(&[
            "--log-format",
            "json",
            "--drain-timeout=1500ms",
            "--keep-alive",
            "12h",
            "--history-days=30",
        ]),
        Some("s"),
        Some(KEY),
    )
    .unwrap();
    assert_eq!(cli.config.history_days, 30);
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
        (
            with(&["--history-days", "0"]),
            Some("s"),
            Some(KEY),
            "--history-days",
        ),
        (
            with(&["--history-days", "a year"]),
            Some("s"),
            Some(KEY),
            "--history-days",
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
    // A database password is hidden too; the rest of the URL stays, to tell databases apart.
    let cli = run(
        &with(&["--database", "postgres://relay:hunter2@db.internal/relay"]),
        Some("s"),
        Some(KEY),
    )
    .unwrap();
    let shown = format!("{cli:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(
        shown.contains("postgres://relay:hidden@db.internal/relay"),
        "{shown}"
    );
}

#[test]
fn help_is_asked_for() {
    assert_eq!(run(&["--help"], None, None).unwrap_err(), "help");
    assert_eq!(run(&["-h"], None, None).unwrap_err(), "help");
}
