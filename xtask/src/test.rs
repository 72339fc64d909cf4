//! `cargo xtask test`: every test layer that exists, each installing what it needs.

use std::path::PathBuf;
use std::time::Instant;

use crate::build;
use crate::cmd::{command, free_port, root, run, say, Result};
use crate::dist;
use crate::postgres::{self, BIN_VAR, DIR_VAR, URL_VAR};
use crate::setup::{self, Need};

/// What the command line asked for.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// The layers to run, in this order (all when none is named)
    #[arg(value_enum, value_name = "LAYER")]
    layers: Vec<Layer>,
}

/// A test layer, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Layer {
    /// `cargo test --workspace`: the core, the app reducer, the sandbox over HTTP, xtask.
    Native,
    /// wasm-bindgen-test DOM tests in headless Chromium.
    Wasm,
    /// Playwright against the sandbox host pages.
    E2e,
}

impl Layer {
    fn name(self) -> &'static str {
        match self {
            Layer::Native => "native",
            Layer::Wasm => "wasm",
            Layer::E2e => "e2e",
        }
    }
}

/// Runs the layers named in `args` (all when none), then prints one line per layer.
pub fn test(Options { mut layers }: Options) -> Result {
    if layers.is_empty() {
        layers = vec![Layer::Native, Layer::Wasm, Layer::E2e];
    }

    let mut report = Vec::new();
    for layer in layers {
        say(&format!("test layer `{}`", layer.name()));
        let started = Instant::now();
        let outcome = match layer {
            Layer::Native => native(),
            Layer::Wasm => wasm(),
            Layer::E2e => e2e(),
        };
        report.push((layer, outcome, started.elapsed().as_secs()));
    }

    eprintln!();
    let mut failed = 0;
    for (layer, outcome, secs) in &report {
        let status = match outcome {
            Ok(Outcome::Passed) => "passed".to_owned(),
            Ok(Outcome::Absent(why)) => format!("nothing to run ({why})"),
            Err(e) => {
                failed += 1;
                format!("FAILED: {e}")
            }
        };
        eprintln!("  {:<7} {:>4}s  {status}", layer.name(), secs);
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} test layer(s) failed"))
    }
}

/// What a layer that did not fail did.
enum Outcome {
    Passed,
    Absent(&'static str),
}

fn native() -> Result<Outcome> {
    // The sandbox's host tests serve RequireJS and jQuery from node_modules.
    setup::ensure(&[Need::Node])?;
    let mut cargo = command("cargo");
    cargo.args(["test", "--workspace"]);
    // Held until the tests end, pass or fail: dropping it stops the server and deletes its data.
    let _server = postgres_for_tests(&mut cargo);
    run(&mut cargo)?;
    Ok(Outcome::Passed)
}

/// Points the relay's tests at PostgreSQL: the server in `RELAY_TEST_POSTGRES_URL` when set,
/// otherwise a throwaway one; without either they run with SQLite only.
fn postgres_for_tests(cargo: &mut std::process::Command) -> Option<postgres::Server> {
    if std::env::var_os(URL_VAR).is_some() {
        say(&format!("PostgreSQL: using {URL_VAR} from the environment"));
        return None;
    }
    match setup::ensure(&[Need::Postgres]).and_then(|()| postgres::start()) {
        Ok(server) => {
            say(&format!(
                "PostgreSQL {}: test server at {} (data in {}, removed afterwards)",
                server.version(),
                server.url,
                server.dir.display()
            ));
            cargo
                .env(URL_VAR, &server.url)
                .env(DIR_VAR, &server.dir)
                .env(BIN_VAR, server.bin());
            Some(server)
        }
        Err(e) => {
            // PostgreSQL is optional: the relay's tests skip it without the variable.
            say(&format!("PostgreSQL layer skipped: {e}"));
            None
        }
    }
}

/// The wasm-bindgen-test files: every `tests/*.rs` that compiles only for wasm32.
fn wasm_test_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".rs")?.to_owned();
            let text = std::fs::read_to_string(e.path()).ok()?;
            text.contains("#![cfg(target_arch = \"wasm32\")]")
                .then_some(stem)
        })
        .collect();
    names.sort();
    names
}

fn wasm() -> Result<Outcome> {
    let names = wasm_test_names();
    if names.is_empty() {
        return Ok(Outcome::Absent("no wasm32-only tests in tests/"));
    }
    setup::ensure(&[Need::Wasm, Need::Browser])?;
    let driver = setup::chromedriver().ok_or("chromedriver is missing after setup")?;
    let mut cargo = command("cargo");
    cargo
        .args(["test", "--target", "wasm32-unknown-unknown"])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", driver)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "60");
    for name in &names {
        cargo.args(["--test", name]);
    }
    run(&mut cargo)?;
    Ok(Outcome::Passed)
}

/// Whether `tests/e2e` holds any Playwright spec.
fn has_e2e_specs() -> bool {
    std::fs::read_dir(root().join("tests/e2e"))
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().ends_with(".spec.ts"))
}

fn e2e() -> Result<Outcome> {
    if !has_e2e_specs() {
        return Ok(Outcome::Absent("no tests/e2e/*.spec.ts"));
    }
    setup::ensure(&[Need::Browser, Need::Node])?;
    // The browser tests run what Kommo would receive: the checked zip, unpacked.
    let widget_dir: Option<PathBuf> = if build::widget_exists() {
        let zip = dist::dist()?;
        let unpacked = root().join("target/e2e-widget");
        dist::extract(&zip, &unpacked)?;
        Some(unpacked)
    } else {
        None
    };
    let sandbox = build::sandbox()?;
    let mut npx = command("npx");
    npx.args(["playwright", "test"])
        .env("KOMMO_SANDBOX_BIN", sandbox)
        .env("KOMMO_RELAY_BIN", build::relay()?)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    if let Some(chromium) = setup::chromium() {
        npx.env("CHROMIUM_PATH", chromium);
    }
    if let Some(dir) = widget_dir {
        npx.env("WIDGET_DIR", dir);
        // The relay build names its relay, so it is made for the address the relay will take.
        let addr = format!("127.0.0.1:{}", free_port()?);
        let zip = root().join("target/e2e/widget-relay.zip");
        let zip = dist::dist_to(Some(&format!("http://{addr}")), &zip)?;
        let unpacked = root().join("target/e2e-widget-relay");
        dist::extract(&zip, &unpacked)?;
        npx.env("RELAY_WIDGET_DIR", unpacked)
            .env("RELAY_E2E_ADDR", addr);
    }
    run(&mut npx)?;
    Ok(Outcome::Passed)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::{Cli, Task};

    fn layers(args: &[&str]) -> Option<Vec<Layer>> {
        let all = ["xtask", "test"].iter().chain(args);
        match Cli::try_parse_from(all).ok()?.task {
            Task::Test(o) => Some(o.layers),
            _ => None,
        }
    }

    #[test]
    fn layers_are_named_or_all() {
        assert_eq!(layers(&[]), Some(vec![]));
        assert_eq!(
            layers(&["wasm", "native"]),
            Some(vec![Layer::Wasm, Layer::Native])
        );
        assert_eq!(layers(&["e2e"]), Some(vec![Layer::E2e]));
        assert_eq!(layers(&["unit"]), None);
    }
}
