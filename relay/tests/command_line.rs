//! The binary refuses to start on a bad or missing setting, naming it (the flag, or the
//! variable the value came from) and never the secret.

use std::process::Command;

const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn relay(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kommo-relay"));
    cmd.args(args).env_remove("KOMMO_CLIENT_SECRET");
    for (name, _) in std::env::vars() {
        if name.starts_with("RELAY_") {
            cmd.env_remove(name);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the relay binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const ARGS: [&str; 8] = [
    "--addr",
    "127.0.0.1:0",
    "--public-url",
    "https://relay.example.com",
    "--client-id",
    "c0ffee",
    "--redirect-uri",
    "https://relay.example.com/oauth/callback",
];

#[test]
fn a_missing_key_stops_it_with_a_message_naming_the_key() {
    let (code, stderr) = relay(&ARGS, &[("KOMMO_CLIENT_SECRET", "do-not-print-me")]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("RELAY_KEY"), "{stderr}");
    assert!(!stderr.contains("do-not-print-me"), "{stderr}");
}

#[test]
fn a_short_key_or_a_missing_secret_or_flag_is_named() {
    let (code, stderr) = relay(
        &ARGS,
        &[("KOMMO_CLIENT_SECRET", "s"), ("RELAY_KEY", "c2hvcnQ=")],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("RELAY_KEY") && stderr.contains("32"),
        "{stderr}"
    );
    let (code, stderr) = relay(&ARGS, &[("RELAY_KEY", KEY)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("KOMMO_CLIENT_SECRET"), "{stderr}");
    let (code, stderr) = relay(
        &ARGS[..6],
        &[("KOMMO_CLIENT_SECRET", "s"), ("RELAY_KEY", KEY)],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("--redirect-uri"), "{stderr}");
}

/// `ARGS` without `flag` and its value.
fn without(flag: &str) -> Vec<&'static str> {
    let at = ARGS.iter().position(|a| *a == flag).unwrap_or(ARGS.len());
    ARGS.iter()
        .enumerate()
        .filter(|(i, _)| *i != at && *i != at + 1)
        .map(|(_, a)| *a)
        .collect()
}

#[test]
fn a_bad_value_from_a_variable_names_the_variable() {
    let secrets = [("KOMMO_CLIENT_SECRET", "s"), ("RELAY_KEY", KEY)];
    for (var, flag, value) in [
        ("RELAY_ADDR", "--addr", "nowhere"),
        (
            "RELAY_PUBLIC_URL",
            "--public-url",
            "ftp://relay.example.com",
        ),
        ("RELAY_DATABASE", "--database", "mysql://user:hunter2@db"),
        ("RELAY_LOG_FORMAT", "--log-format", "xml"),
        ("RELAY_DRAIN_TIMEOUT", "--drain-timeout", "soon"),
        ("RELAY_KEEP_ALIVE", "--keep-alive", "120d"),
        ("RELAY_HISTORY_DAYS", "--history-days", "0"),
        (
            "RELAY_ALLOW_HTTP_LOOPBACK",
            "--allow-http-loopback",
            "maybe",
        ),
    ] {
        let (code, stderr) = relay(&without(flag), &[secrets[0], secrets[1], (var, value)]);
        assert_eq!(code, 2, "{var}: {stderr}");
        assert!(stderr.contains(var), "{var}: {stderr}");
        assert!(!stderr.contains("hunter2"), "{stderr}");
    }
    // A flag wins over its variable, and the message names the flag.
    let mut args = without("--addr");
    args.extend(["--addr", "nowhere"]);
    let (code, stderr) = relay(
        &args,
        &[secrets[0], secrets[1], ("RELAY_ADDR", "127.0.0.1:0")],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("--addr:"), "{stderr}");
}

#[test]
fn a_missing_required_setting_names_its_flag_and_variable() {
    let (code, stderr) = relay(
        &without("--client-id"),
        &[("KOMMO_CLIENT_SECRET", "s"), ("RELAY_KEY", KEY)],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--client-id") && stderr.contains("RELAY_CLIENT_ID"),
        "{stderr}"
    );
}

#[test]
fn help_lists_every_setting_and_no_variable_value() {
    let out = Command::new(env!("CARGO_BIN_EXE_kommo-relay"))
        .arg("--help")
        .env("RELAY_DATABASE", "postgres://relay:hunter2@db/relay")
        .env("KOMMO_CLIENT_SECRET", "do-not-print-me")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for setting in [
        "--addr",
        "--public-url",
        "--client-id",
        "--redirect-uri",
        "--database",
        "--allow-http-loopback",
        "--log-format",
        "--drain-timeout",
        "--keep-alive",
        "--history-days",
        "RELAY_ADDR",
        "RELAY_PUBLIC_URL",
        "RELAY_CLIENT_ID",
        "RELAY_REDIRECT_URI",
        "RELAY_DATABASE",
        "RELAY_ALLOW_HTTP_LOOPBACK",
        "RELAY_LOG_FORMAT",
        "RELAY_DRAIN_TIMEOUT",
        "RELAY_KEEP_ALIVE",
        "RELAY_HISTORY_DAYS",
        "KOMMO_CLIENT_SECRET",
        "RELAY_KEY",
    ] {
        assert!(text.contains(setting), "{setting} missing from --help");
    }
    assert!(!text.contains("hunter2"), "{text}");
    assert!(!text.contains("do-not-print-me"), "{text}");
}
