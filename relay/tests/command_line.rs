//! The binary refuses to start on a bad or missing setting, naming it and never the secret.

use std::process::Command;

const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn relay(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kommo-relay"));
    cmd.args(args)
        .env_remove("KOMMO_CLIENT_SECRET")
        .env_remove("RELAY_KEY");
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

#[test]
fn help_lists_every_setting() {
    let out = Command::new(env!("CARGO_BIN_EXE_kommo-relay"))
        .arg("--help")
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
        "KOMMO_CLIENT_SECRET",
        "RELAY_KEY",
    ] {
        assert!(text.contains(setting), "{setting} missing from --help");
    }
}
