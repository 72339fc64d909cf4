//! `cargo xtask dev`: builds the widget, starts the sandbox with demo data, and beside it the
//! relay (an SQLite file in `target/dev/`) with a second sandbox account that has installed
//! the integration, then says where to go.

mod children;
mod ports;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::Duration;

use base64::Engine;

use crate::build;
use crate::cmd::{command, root, say, Result};
use crate::http;
use crate::relay_mode;
use crate::setup::{self, Need};
use children::Children;
use ports::Port;

/// Where the sandbox listens unless `--addr` says otherwise.
const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// Where the relay listens unless `--relay-addr` says otherwise.
const RELAY_ADDR: &str = "127.0.0.1:8090";
/// Where the sandbox account that uses the relay listens unless `--relay-sandbox-addr` says
/// otherwise.
const RELAY_ACCOUNT_ADDR: &str = "127.0.0.1:8081";
/// The OAuth integration the relay account has installed (the sandbox's own example values).
const CLIENT_ID: &str = "sandbox-client";
/// Its client secret: a fixed value of the sandbox, not a real secret; never printed.
const CLIENT_SECRET: &str = "sandbox-client-secret";

/// What the command line asked for.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// Where the sandbox listens
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_ADDR)]
    addr: String,
    /// Where the relay listens (loopback: the relay build calls it over plain HTTP)
    #[arg(long, value_name = "ADDR", default_value = RELAY_ADDR, value_parser = loopback)]
    relay_addr: String,
    /// Where the second sandbox account, the one that uses the relay, listens
    #[arg(long, value_name = "ADDR", default_value = RELAY_ACCOUNT_ADDR)]
    relay_sandbox_addr: String,
    /// Options passed on to the sandbox (after `--`, or any the task does not know)
    #[arg(
        value_name = "SANDBOX ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    sandbox_args: Vec<String>,
}

/// Checks the relay's address: the relay build calls it over plain HTTP, which the relay and
/// the widget allow on loopback only.
fn loopback(addr: &str) -> Result<String> {
    relay_mode::relay_url(&format!("http://{addr}"))
        .map(|_| addr.to_owned())
        .map_err(|_| "give a loopback address, e.g. 127.0.0.1:8090".to_owned())
}

/// Builds everything and runs the sandboxes and the relay until Ctrl-C.
pub fn dev(opts: Options) -> Result {
    let with_relay = build::widget_exists();
    let relay_url = format!("http://{}", opts.relay_addr);
    let mut ports = vec![Port {
        addr: &opts.addr,
        server: "the sandbox",
        option: "--addr",
    }];
    if with_relay {
        ports.push(Port {
            addr: &opts.relay_addr,
            server: "the relay",
            option: "--relay-addr",
        });
        ports.push(Port {
            addr: &opts.relay_sandbox_addr,
            server: "the relay's sandbox account",
            option: "--relay-sandbox-addr",
        });
    }
    ports::check_free(&ports)?;
    let children = Children::new()?;

    setup::ensure(&[Need::Node])?;
    let widget_dir = if with_relay {
        Some(build::widget()?)
    } else {
        say("widget/script.js does not exist yet: the host pages will say that no widget is built");
        None
    };
    let sandbox_bin = build::sandbox()?;

    let relay_account = match &widget_dir {
        Some(dir) => Some(start_relay_side(
            dir,
            &sandbox_bin,
            &opts,
            &relay_url,
            &children,
        )?),
        None => None,
    };

    let mut sandbox = command(&sandbox_bin);
    sandbox.args(["--addr", &opts.addr]);
    if let Some(dir) = &widget_dir {
        sandbox.arg("--widget-dir").arg(dir);
    }
    sandbox.args(&opts.sandbox_args);
    let stdout = children.spawn(&mut sandbox, "the sandbox")?;

    // Echo the sandbox's own lines, and add the address to open once it is listening.
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        println!("{line}");
        if let Some(url) = line.split("listening on ").nth(1) {
            let relay = relay_account.as_deref().map(|a| (a, relay_url.as_str()));
            print_urls(url.trim().trim_end_matches('/'), relay);
        }
    }
    let status = children.wait_last()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the sandbox stopped ({status})"))
    }
}

/// Where to go: the direct-mode pages at `url`, and with `relay` (the relay account's address
/// and the relay's) the relay-mode ones.
fn print_urls(url: &str, relay: Option<(&str, &str)>) {
    const ADVANCED: &str = "/settings/widgets/sources_manager/advanced";
    println!();
    println!("  Direct mode (the long-lived token of a private integration), open {url}/:");
    println!("    Settings > Integrations (the widget's modal): {url}/settings/widgets");
    println!("    The full manager (advanced settings): {url}{ADVANCED}");
    println!("    Digital Pipeline (add the widget as a lead source): {url}/digital-pipeline");
    if let Some((r, relay_url)) = relay {
        println!(
            "  Relay mode (a public integration: the relay keeps the OAuth tokens), open {r}/:"
        );
        println!(
            "    Settings > Integrations (says whether it is connected): {r}/settings/widgets"
        );
        println!("    The full manager, through the relay: {r}{ADVANCED}");
        println!("    Relay: {relay_url} (tokens in target/dev/relay.sqlite3, encrypted)");
    }
    println!("  Ctrl-C stops everything.");
    println!();
}

/// Starts the relay and a sandbox account whose widget is the relay build, installs the
/// integration there, and returns that account's address.
fn start_relay_side(
    widget_dir: &Path,
    sandbox_bin: &Path,
    opts: &Options,
    relay_url: &str,
    children: &Children,
) -> Result<String> {
    let relay_widget = relay_mode::relay_widget(widget_dir, relay_url)?;
    let dev_dir = root().join("target/dev");
    std::fs::create_dir_all(&dev_dir).map_err(|e| format!("cannot create target/dev: {e}"))?;
    let redirect = format!("{relay_url}/oauth/callback");

    let mut relay = command(build::relay()?);
    relay
        .args(["--addr", &opts.relay_addr, "--public-url", relay_url])
        .args(["--client-id", CLIENT_ID, "--redirect-uri", &redirect])
        .arg("--database")
        .arg(format!(
            "sqlite:{}",
            dev_dir.join("relay.sqlite3").display()
        ))
        .arg("--allow-http-loopback")
        .env("KOMMO_CLIENT_SECRET", CLIENT_SECRET)
        .env("RELAY_KEY", dev_key(&dev_dir.join("relay.key"))?);
    spawn_listening(relay, "kommo-relay", children)?;

    let mut account = command(sandbox_bin);
    account
        .args(["--addr", &opts.relay_sandbox_addr, "--widget-dir"])
        .arg(&relay_widget)
        .args(["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET])
        .args(["--redirect-uri", &redirect]);
    let account_url = spawn_listening(account, "kommo-sandbox", children)?;

    let (_, answer) = http::post(
        &http::agent(Duration::from_secs(30)),
        &format!("{account_url}/__sandbox/install"),
    )?;
    if !answer.contains("\"status\":200") {
        return Err(format!(
            "installing the integration through the relay failed: {answer}"
        ));
    }
    say("the relay account has installed the integration: the relay holds its tokens");
    Ok(account_url)
}

/// Spawns `cmd`, waits for its `<name> listening on URL` line, then echoes its output with
/// the name in front; returns the URL.
fn spawn_listening(mut cmd: Command, name: &str, children: &Children) -> Result<String> {
    let mut lines = BufReader::new(children.spawn(&mut cmd, name)?).lines();
    let needle = format!("{name} listening on ");
    for line in lines.by_ref() {
        let line = line.map_err(|e| format!("lost {name}'s output: {e}"))?;
        if let Some(url) = line.split(&needle).nth(1) {
            let url = url.trim().trim_end_matches('/').to_owned();
            let prefix = format!("[{name} {url}]");
            thread::spawn(move || {
                for line in lines.map_while(|l| l.ok()) {
                    println!("{prefix} {line}");
                }
            });
            return Ok(url);
        }
        println!("[{name}] {line}");
    }
    Err(format!("{name} stopped before it listened"))
}

/// The relay's key for tokens at rest in the dev database: made once, kept in `path`.
fn dev_key(path: &PathBuf) -> Result<String> {
    if let Ok(key) = std::fs::read_to_string(path) {
        return Ok(key.trim().to_owned());
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| format!("cannot draw random bytes for the relay's key: {e}"))?;
    let key = base64::engine::general_purpose::STANDARD.encode(bytes);
    std::fs::write(path, &key).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cli, Task};
    use clap::Parser;

    fn parse(args: &[&str]) -> Options {
        let all = ["xtask", "dev"].iter().chain(args);
        match Cli::try_parse_from(all).unwrap().task {
            Task::Dev(o) => o,
            _ => panic!("dev parsed as another task"),
        }
    }

    #[test]
    fn options_not_of_dev_go_to_the_sandbox() {
        let o = parse(&[]);
        assert_eq!((o.addr.as_str(), o.sandbox_args.len()), (DEFAULT_ADDR, 0));
        let o = parse(&["--addr", "127.0.0.1:9000", "--", "--max-sources", "10"]);
        assert_eq!(o.addr, "127.0.0.1:9000");
        assert_eq!(o.sandbox_args, ["--max-sources", "10"]);
        let o = parse(&["--addr=127.0.0.1:9000", "--max-sources", "10"]);
        assert_eq!(o.addr, "127.0.0.1:9000");
        assert_eq!(o.sandbox_args, ["--max-sources", "10"]);
        assert_eq!(
            (o.relay_addr.as_str(), o.relay_sandbox_addr.as_str()),
            (RELAY_ADDR, RELAY_ACCOUNT_ADDR)
        );
    }

    #[test]
    fn every_server_moves_with_its_own_option() {
        let o = parse(&[
            "--relay-addr",
            "127.0.0.1:9090",
            "--relay-sandbox-addr",
            "127.0.0.1:9081",
        ]);
        assert_eq!(o.relay_addr, "127.0.0.1:9090");
        assert_eq!(o.relay_sandbox_addr, "127.0.0.1:9081");
        let all = ["xtask", "dev", "--relay-addr", "192.0.2.1:9090"];
        assert!(Cli::try_parse_from(all).is_err());
    }

    #[test]
    fn the_dev_key_is_32_random_bytes_made_once() {
        let path = std::env::temp_dir().join(format!("xtask-dev-key-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let key = dev_key(&path).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&key)
            .unwrap();
        assert_eq!(bytes.len(), 32);
        assert_ne!(bytes, [0u8; 32]);
        assert_eq!(dev_key(&path).unwrap(), key);
        let _ = std::fs::remove_file(&path);
    }
}
