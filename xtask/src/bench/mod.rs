//! `cargo xtask bench`: builds the release bundle, starts the sandbox with 50 sources, then
//! 100, measures the widget beside a vanilla-JS baseline in headless Chromium
//! (`tests/bench/bench.mjs`) and reports every figure next to its target in
//! `target/bench/report.json` and `target/bench/report.md`.
//!
//! Targets are reported, not enforced: the command fails only when the benchmark cannot run.

mod bytes;
mod figures;
mod markdown;
mod report;
mod sandbox;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::build;
use crate::cmd::{at_least, command, output, root, run, say, Result};
use crate::setup::{self, Need};
use figures::{sizes, strings};
use markdown::markdown;
use report::report;
use sandbox::{seed, Sandbox, PIPELINES, TOKEN};

/// Sources the sandbox holds for the main measurement: Kommo's default per-integration limit.
const SOURCES: usize = 50;
/// Sources of the second measurement: the limit newer Kommo pages give.
const MORE_SOURCES: usize = 100;
/// Page loads per renderer and row count unless `--runs` says otherwise.
const DEFAULT_RUNS: usize = 15;
/// Fewest runs whose median means anything.
const MIN_RUNS: usize = 5;
/// Bytes in the report's KB.
const KB: f64 = 1024.0;

/// What the command line asked for.
#[derive(clap::Args, Debug, PartialEq, Eq)]
pub struct Options {
    /// Page loads per renderer and row count
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RUNS, value_parser = at_least(MIN_RUNS))]
    runs: usize,
    /// An already built widget folder to measure instead of building one (from the repository
    /// root)
    #[arg(long, value_name = "DIR")]
    widget_dir: Option<PathBuf>,
}

/// Runs the benchmark: `cargo xtask bench [--runs N] [--widget-dir DIR]`.
pub fn bench(Options { runs, widget_dir }: Options) -> Result {
    let widget_dir = widget_dir.map(|dir| root().join(dir));
    setup::ensure(&[Need::Wasm, Need::Browser, Need::Node])?;
    let widget = match widget_dir {
        Some(dir) if dir.join("script.js").is_file() => dir,
        Some(dir) => {
            return Err(format!(
                "{} holds no built widget (no script.js)",
                dir.display()
            ))
        }
        None => build::widget()?,
    };
    say("building the sandbox (release)");
    run(command("cargo").args([
        "build",
        "--quiet",
        "--release",
        "-p",
        "sandbox",
        "--bin",
        "kommo-sandbox",
    ]))?;

    let out_dir = root().join("target/bench");
    fs::create_dir_all(&out_dir).map_err(|e| format!("cannot create target/bench: {e}"))?;
    // A private copy, so a build started elsewhere meanwhile cannot change what is measured.
    let snapshot = out_dir.join("widget");
    if snapshot.exists() {
        fs::remove_dir_all(&snapshot)
            .map_err(|e| format!("cannot clear {}: {e}", snapshot.display()))?;
    }
    copy_tree(&widget, &snapshot)?;
    let widget = snapshot;
    let sizes = sizes(&widget)?;
    let bytes = bytes::breakdown()?;

    let sandbox = Sandbox::start(&widget)?;
    say(&format!("sandbox listening on {}", sandbox.url));
    // The relay build, with the sandbox's own origin as its relay, for the History view.
    let relay_script = crate::relay_mode::relay_widget(&widget, &sandbox.url)?.join("script.js");
    seed(&sandbox.url, 1, SOURCES)?;
    say(&format!("created {SOURCES} sources through the API"));
    say(&format!(
        "measuring in headless Chromium: {runs} cold and warm opens each of the widget and the baseline, then the actions"
    ));
    let measured = browser(
        &sandbox,
        &out_dir.join("browser.json"),
        runs,
        SOURCES,
        Some(&relay_script),
    );
    let measured = measured.and_then(|raw| {
        seed(&sandbox.url, SOURCES + 1, MORE_SOURCES)?;
        say(&format!(
            "{MORE_SOURCES} sources now: {runs} more opens each"
        ));
        let more = browser(
            &sandbox,
            &out_dir.join("browser-100.json"),
            runs,
            MORE_SOURCES,
            None,
        )?;
        Ok((raw, more))
    });
    drop(sandbox);
    let (raw, more) = measured?;

    let mut report = report(&sizes, &raw, &more, now());
    report["bytes"] = bytes;
    report["commit"] = output(command("git").args(["rev-parse", "--short", "HEAD"]))
        .map_or(Value::Null, |c| json!(c.trim()));
    let md = markdown(&report);
    let errors = strings(&report["errors"]);
    crate::report::publish(&report, &md, "report", &errors, "benchmark")
}

/// Runs `tests/bench/bench.mjs` against `sandbox` expecting `rows` rows, and reads what it
/// wrote; with the relay build's `script.js`, also the actions and the History view.
fn browser(
    sandbox: &Sandbox,
    out: &Path,
    runs: usize,
    rows: usize,
    relay_script: Option<&Path>,
) -> Result<Value> {
    let actions = relay_script.is_some();
    let _ = fs::remove_file(out);
    let mut node = command("node");
    node.arg(root().join("tests/bench/bench.mjs"))
        .args(["--url", &sandbox.url])
        .arg("--out")
        .arg(out)
        .args(["--runs", &runs.to_string(), "--rows", &rows.to_string()])
        .args(["--actions", if actions { "yes" } else { "no" }])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    if let Some(script) = relay_script {
        let pipelines: Vec<String> = PIPELINES[..2].iter().map(u64::to_string).collect();
        node.arg("--relay-script").arg(script).args([
            "--token",
            TOKEN,
            "--pipelines",
            &pipelines.join(","),
        ]);
    }
    if let Some(chromium) = setup::chromium() {
        node.env("CHROMIUM_PATH", chromium);
    }
    run(&mut node)?;
    let raw = fs::read_to_string(out)
        .map_err(|e| format!("the browser run wrote no {}: {e}", out.display()))?;
    serde_json::from_str(&raw).map_err(|e| format!("{} is not JSON: {e}", out.display()))
}

fn copy_tree(from: &Path, to: &Path) -> Result {
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", from.display()))?
            .path();
        let dest = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_tree(&path, &dest)?;
        } else {
            fs::copy(&path, &dest).map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::{BenchCommand, Cli, Task};

    fn parse(args: &[&str]) -> std::result::Result<Options, clap::Error> {
        let all = ["xtask", "bench"].iter().chain(args);
        match Cli::try_parse_from(all)?.task {
            Task::Bench(BenchCommand { widget, .. }) => Ok(widget),
            _ => panic!("bench parsed as another task"),
        }
    }

    #[test]
    fn options_default_to_15_runs_and_a_fresh_build() {
        let runs = |a: &[&str]| parse(a).map(|o| o.runs).ok();
        assert_eq!(runs(&[]), Some(DEFAULT_RUNS));
        assert_eq!(runs(&["--runs", "30"]), Some(30));
        assert_eq!(runs(&["--runs=40"]), Some(40));
        assert!(runs(&["--runs", "4"]).is_none());
        assert!(runs(&["--runs"]).is_none());
        assert!(runs(&["--fast"]).is_none());
        assert_eq!(parse(&[]).unwrap().widget_dir, None);
        let o = parse(&["--widget-dir", "target/e2e-widget", "--runs=20"]).unwrap();
        assert_eq!(o.widget_dir, Some(PathBuf::from("target/e2e-widget")));
        assert_eq!(o.runs, 20);
    }
}
