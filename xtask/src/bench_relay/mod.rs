//! `cargo xtask bench relay`: a bounded loopback load on the relay that reports figures
//! (overhead over a direct call, forged-token refusals, a burst for one account, memory with
//! 10,000 installations) beside their targets, and never fails on a timing.

mod load;
mod procs;
mod report;

use std::fs;
use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use crate::cmd::{at_least, command, free_port, output, root, say, Result};
use crate::http;
use load::Account;

/// Sequential calls each way for the overhead, unless `--runs` says otherwise.
const DEFAULT_RUNS: usize = 500;
/// Fewer calls than this make a p99 meaningless.
const MIN_RUNS: usize = 100;
/// Installations written before the relay starts.
const INSTALLATIONS: u32 = 10_000;
/// The first seeded account's id (the sandbox's own account is far below).
const FIRST_ACCOUNT: i64 = 50_000_000;
/// The first seeded account's loopback port; seeded account `i` is at `FIRST_PORT + i`.
const FIRST_PORT: u16 = 20_000;
/// Seeded accounts that get calls, so the relay opens rows it did not write itself.
const DRIVEN: [u16; 3] = [0, 4_999, 9_999];
/// Forged-token clients in flight.
const FORGED_IN_FLIGHT: usize = 32;
/// How long they send.
const FORGED_SECS: u64 = 3;
/// A cap on their calls, should the relay be far faster than expected.
const FORGED_MAX_CALLS: u64 = 200_000;
/// Calls at once for one account in the burst.
const BURST: usize = 30;

/// What the command line asked for.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// Sequential calls each way for the overhead
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RUNS, value_parser = at_least(MIN_RUNS))]
    runs: usize,
}

/// Runs the relay benchmark: `cargo xtask bench relay [--runs N]`.
pub fn bench(Options { runs }: Options) -> Result {
    procs::build()?;
    let out = root().join("target/bench");
    fs::create_dir_all(&out).map_err(|e| format!("cannot create target/bench: {e}"))?;

    let mut r = json!({
        "runs": runs,
        "installations": INSTALLATIONS,
        "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "commit": output(command("git").args(["rev-parse", "--short", "HEAD"])).map(|c| c.trim().to_owned()),
        "date": output(command("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])).map(|d| d.trim().to_owned()),
    });
    let mut errors = Vec::new();
    r["load_average_before"] = load_average();
    if let Err(e) = unpaced(&out, runs, &mut r, &mut errors) {
        errors.push(e);
    }
    if let Err(e) = paced(&out, &mut r) {
        errors.push(format!("burst: {e}"));
    }
    r["load_average_after"] = load_average();
    r["errors"] = json!(errors);
    r["budgets"] = report::budgets(&r);

    let md = report::markdown(&r);
    crate::report::publish(&r, &md, "relay-report", &errors, "relay benchmark")
}

/// The machine's 1-minute load average: on shared cores it explains the tails.
fn load_average() -> Value {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(Value::Null, |l| json!(l))
}

/// The relay with its pace off on 10,000 seeded installations plus the sandbox's, and the
/// sandbox with its limit off: overhead, refusals, then memory after that load.
fn unpaced(out: &Path, runs: usize, r: &mut Value, errors: &mut Vec<String>) -> Result {
    let db = out.join("relay-bench.sqlite");
    procs::seed(&db, INSTALLATIONS, FIRST_ACCOUNT, FIRST_PORT)?;
    let port = free_port()?;
    let relay_url = format!("http://127.0.0.1:{port}");
    let sandbox = procs::sandbox(&relay_url, Some(0), &out.join("relay-bench-sandbox.log"))?;
    let relay = procs::relay(port, &db, Some(0), &out.join("relay-bench-relay.log"))?;
    procs::install(&sandbox)?;
    let account = load::account(&sandbox.url)?;
    let idle = procs::memory_kib(relay.pid())?;
    say(&format!(
        "relay on {} with {} installations: {runs} calls each way",
        relay.url,
        INSTALLATIONS + 1
    ));

    match load::overhead(&sandbox.url, &relay.url, &account, runs) {
        Ok(v) => r["overhead"] = v,
        Err(e) => errors.push(format!("overhead: {e}")),
    }
    say(&format!(
        "forged tokens: {FORGED_IN_FLIGHT} in flight for {FORGED_SECS} s"
    ));
    // The load runs on the same cores: the relay's own CPU time tells what it needed.
    let cpu_before = procs::cpu_secs(relay.pid())?;
    match load::refusals(
        &relay.url,
        &account,
        FORGED_IN_FLIGHT,
        FORGED_SECS,
        FORGED_MAX_CALLS,
    ) {
        Ok(mut v) => {
            let cpu = procs::cpu_secs(relay.pid())? - cpu_before;
            v["relay_cpu_secs"] = json!((cpu * 100.0).round() / 100.0);
            if let Some(refused) = v["refused"].as_f64().filter(|_| cpu > 0.0) {
                v["per_relay_cpu_second"] = json!((refused / cpu).round());
            }
            if let Some(secs) = v["seconds"].as_f64().filter(|s| *s > 0.0) {
                v["relay_cores_busy"] = json!((cpu / secs * 100.0).round() / 100.0);
            }
            r["refusals"] = v;
        }
        Err(e) => errors.push(format!("refusals: {e}")),
    }
    let seeded: Vec<Account> = DRIVEN
        .iter()
        .map(|&i| Account {
            base: format!("http://127.0.0.1:{}", FIRST_PORT + i),
            id: FIRST_ACCOUNT + i64::from(i),
            subdomain: format!("bench{i}"),
        })
        .collect();
    let seeded_calls = load::calls_for(&relay.url, &seeded, 5);
    let (rss, hwm) = procs::memory_kib(relay.pid())?;
    r["memory"] = json!({
        "idle_rss_kib": idle.0,
        "rss_kib": rss,
        "peak_rss_kib": hwm,
        "seeded_accounts_called": DRIVEN.len(),
        "seeded_answers": seeded_calls.unwrap_or_else(|e| json!(e)),
    });
    drop(relay);
    drop(sandbox);
    Ok(())
}

/// A relay and a sandbox with their default limits (7 calls a second each): a burst for one
/// account, and whether any call got past the relay's pace to a 429 from Kommo.
fn paced(out: &Path, r: &mut Value) -> Result {
    let db = out.join("relay-burst.sqlite");
    procs::remove_database(&db)?;
    let port = free_port()?;
    let relay_url = format!("http://127.0.0.1:{port}");
    let sandbox = procs::sandbox(&relay_url, None, &out.join("relay-burst-sandbox.log"))?;
    let relay = procs::relay(port, &db, None, &out.join("relay-burst-relay.log"))?;
    procs::install(&sandbox)?;
    let account = load::account(&sandbox.url)?;
    // One call first caches the admin answer; then a full second empties the account's window.
    load::calls_for(&relay.url, std::slice::from_ref(&account), 1)?;
    std::thread::sleep(Duration::from_millis(1500));
    let control = http::agent(Duration::from_secs(10));
    http::delete(&control, &format!("{}/__sandbox/counters", sandbox.url))?;
    say(&format!("{BURST} calls at once for one account"));
    let mut burst = load::burst(&relay.url, &account, BURST)?;
    let (_, counters) = http::get(
        &control,
        &format!("{}/__sandbox/counters", sandbox.url),
        &[],
    )?;
    let counters: Value = serde_json::from_str(&counters).unwrap_or(Value::Null);
    burst["sandbox_received"] = counters["GET /api/v4/sources"].clone();
    r["burst"] = burst;
    drop(relay);
    drop(sandbox);
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::{BenchCommand, BenchRelay, Cli, Task};

    fn runs(args: &[&str]) -> Option<usize> {
        let all = ["xtask", "bench", "relay"].iter().chain(args);
        match Cli::try_parse_from(all).ok()?.task {
            Task::Bench(BenchCommand {
                relay: Some(BenchRelay::Relay(o)),
                ..
            }) => Some(o.runs),
            _ => None,
        }
    }

    #[test]
    fn runs_default_and_are_bounded_below() {
        assert_eq!(runs(&[]), Some(DEFAULT_RUNS));
        assert_eq!(runs(&["--runs", "1000"]), Some(1000));
        assert!(runs(&["--runs", "3"]).is_none());
        assert!(runs(&["--runs"]).is_none());
        assert!(runs(&["--fast"]).is_none());
    }
}
