//! `cargo xtask bench`: builds the release bundle, starts the sandbox with 50 sources, then
//! 100, measures the widget beside a vanilla-JS baseline in headless Chromium
//! (`tests/bench/bench.mjs`) and reports every figure next to its target in
//! `target/bench/report.json` and `target/bench/report.md`.
//!
//! Targets are reported, not enforced: the command fails only when the benchmark cannot run.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::build;
use crate::cmd::{command, output, root, run, say, Result};
use crate::dist::gzip_len;
use crate::setup::{self, Need};

/// Sources the sandbox holds for the main measurement: Kommo's default per-integration limit.
const SOURCES: usize = 50;
/// Sources of the second measurement: the limit newer Kommo pages give.
const MORE_SOURCES: usize = 100;
/// Page loads per renderer and row count unless `--runs` says otherwise.
const DEFAULT_RUNS: usize = 15;
/// Fewest runs whose median means anything.
const MIN_RUNS: usize = 5;
/// The sandbox's demo integration, which the host pages use.
const TOKEN: &str = "sandbox-demo-token";
/// Main, partners and archived pipelines of the sandbox, spread over the sources.
const PIPELINES: [u64; 3] = [5867030, 5884544, 5890012];

const KB: f64 = 1024.0;
/// Largest `_bg.wasm` after gzip -9.
const WASM_GZIP_MAX: f64 = 100.0 * KB;
/// Largest ratio of the widget's median render time to the vanilla baseline's.
const RENDER_RATIO_MAX: f64 = 1.3;
/// Largest ratio of the widget's median warm open → rows to the baseline's.
const WARM_OPEN_RATIO_MAX: f64 = 1.5;

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    runs: usize,
    /// An already built widget folder to measure instead of building one.
    widget_dir: Option<PathBuf>,
}

/// Runs the benchmark: `cargo xtask bench [--runs N] [--widget-dir DIR]`.
pub fn bench(args: &[String]) -> Result {
    let Options { runs, widget_dir } = parse_args(args)?;
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

    let sandbox = Sandbox::start(&widget)?;
    say(&format!("sandbox listening on {}", sandbox.url));
    seed(&sandbox.addr, 1, SOURCES)?;
    say(&format!("created {SOURCES} sources through the API"));
    say(&format!(
        "measuring in headless Chromium: {runs} cold and warm opens each of the widget and the baseline, then the actions"
    ));
    let measured = browser(&sandbox, &out_dir.join("browser.json"), runs, SOURCES, true);
    let measured = measured.and_then(|raw| {
        seed(&sandbox.addr, SOURCES + 1, MORE_SOURCES)?;
        say(&format!(
            "{MORE_SOURCES} sources now: {runs} more opens each"
        ));
        let more = browser(
            &sandbox,
            &out_dir.join("browser-100.json"),
            runs,
            MORE_SOURCES,
            false,
        )?;
        Ok((raw, more))
    });
    drop(sandbox);
    let (raw, more) = measured?;

    let mut report = report(&sizes, &raw, &more, now());
    report["commit"] = output(command("git").args(["rev-parse", "--short", "HEAD"]))
        .map_or(Value::Null, |c| json!(c.trim()));
    let md = markdown(&report);
    write(
        &out_dir.join("report.json"),
        &(serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"),
    )?;
    write(&out_dir.join("report.md"), &md)?;
    println!("{md}");
    say("wrote target/bench/report.json and target/bench/report.md");

    let errors = strings(&report["errors"]);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} benchmark step(s) could not run: {}",
            errors.len(),
            errors.join("; ")
        ))
    }
}

/// Runs `tests/bench/bench.mjs` against `sandbox` expecting `rows` rows, and reads what it wrote.
fn browser(
    sandbox: &Sandbox,
    out: &Path,
    runs: usize,
    rows: usize,
    actions: bool,
) -> Result<Value> {
    let _ = fs::remove_file(out);
    let mut node = command("node");
    node.arg(root().join("tests/bench/bench.mjs"))
        .args(["--url", &sandbox.url])
        .arg("--out")
        .arg(out)
        .args(["--runs", &runs.to_string(), "--rows", &rows.to_string()])
        .args(["--actions", if actions { "yes" } else { "no" }])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    if let Some(chromium) = setup::chromium() {
        node.env("CHROMIUM_PATH", chromium);
    }
    run(&mut node)?;
    let raw = fs::read_to_string(out)
        .map_err(|e| format!("the browser run wrote no {}: {e}", out.display()))?;
    serde_json::from_str(&raw).map_err(|e| format!("{} is not JSON: {e}", out.display()))
}

fn parse_args(args: &[String]) -> Result<Options> {
    let mut opts = Options {
        runs: DEFAULT_RUNS,
        widget_dir: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f, Some(v.to_owned())),
            None => (arg.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next().cloned());
        match flag {
            "--runs" => {
                opts.runs = value()
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n >= MIN_RUNS)
                    .ok_or(format!("--runs needs a number of at least {MIN_RUNS}"))?
            }
            "--widget-dir" => {
                let dir = value().ok_or("--widget-dir needs a folder")?;
                opts.widget_dir = Some(root().join(dir));
            }
            other => {
                return Err(format!(
                    "unknown bench option `{other}`; try --runs N or --widget-dir DIR"
                ))
            }
        }
    }
    Ok(opts)
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

fn write(path: &Path, text: &str) -> Result {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

// ------------------------------------------------------------------ sandbox

/// The sandbox process; dropping it stops the process, whatever happened meanwhile.
struct Sandbox {
    child: Child,
    addr: String,
    url: String,
}

impl Sandbox {
    fn start(widget: &Path) -> Result<Sandbox> {
        let bin = root().join("target/release/kommo-sandbox");
        let mut child = command(&bin)
            .args(["--addr", "127.0.0.1:0", "--empty", "--rate-limit", "0"])
            .args(["--max-sources", &MORE_SOURCES.to_string()])
            .arg("--widget-dir")
            .arg(widget)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        // Reads the address line, then keeps draining so the sandbox never blocks on its output.
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if !sent {
                    if let Some(url) = line.strip_prefix("kommo-sandbox listening on ") {
                        sent = tx.send(url.trim().trim_end_matches('/').to_owned()).is_ok();
                    }
                }
            }
        });
        let mut sandbox = Sandbox {
            child,
            addr: String::new(),
            url: String::new(),
        };
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| "the sandbox did not say where it listens within 30 s".to_owned())?;
        sandbox.addr = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("the sandbox printed an unexpected address `{url}`"))?
            .to_owned();
        sandbox.url = url;
        Ok(sandbox)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        say("sandbox stopped");
    }
}

/// Benchmark sources `from..=to`: every pipeline, half with an origin code, some with WhatsApp
/// pages, the first one the default.
fn sources(from: usize, to: usize) -> Value {
    let items: Vec<Value> = (from..=to)
        .map(|i| {
            let mut s = json!({
                "name": format!("Bench source {i:03}"),
                "external_id": format!("bench-{i:03}"),
                "pipeline_id": PIPELINES[i % PIPELINES.len()],
            });
            if i % 2 == 0 {
                s["origin_code"] = json!(format!("bench_{i:02}"));
            }
            if i == 1 {
                s["default"] = json!(true);
            }
            if i % 10 == 3 {
                s["services"] = json!([{
                    "type": "whatsapp",
                    "pages": [{
                        "name": format!("Line {i}"),
                        "id": format!("line-{i}"),
                        "link": format!("+15550000{i:03}"),
                    }],
                }]);
            }
            s
        })
        .collect();
    Value::Array(items)
}

/// Creates sources `from..=to` in one batch, as an integration would.
fn seed(addr: &str, from: usize, to: usize) -> Result {
    let count = to + 1 - from;
    let body = sources(from, to).to_string();
    let auth = format!("Bearer {TOKEN}");
    let (status, text) = http(
        addr,
        "POST",
        "/api/v4/sources",
        &[
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    )?;
    let created = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v["_embedded"]["sources"].as_array().map(Vec::len));
    if status == 200 && created == Some(count) {
        Ok(())
    } else {
        Err(format!(
            "creating {count} sources answered {status}: {}",
            text.chars().take(300).collect::<String>()
        ))
    }
}

/// One HTTP/1.1 request on loopback; returns the status and the body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<(u16, String)> {
    let fail = |e: std::io::Error| format!("{method} {path} on the sandbox: {e}");
    let mut stream = TcpStream::connect(addr).map_err(fail)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(fail)?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(fail)?;
    stream.write_all(body).map_err(fail)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(fail)?;
    parse_response(&answer)
        .ok_or_else(|| format!("{method} {path}: the sandbox's answer is not HTTP"))
}

/// Status and body of a whole HTTP/1.1 response (plain or chunked).
fn parse_response(raw: &[u8]) -> Option<(u16, String)> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let mut body = raw[split + 4..].to_vec();
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    if chunked {
        body = dechunk(&body)?;
    }
    Some((status, String::from_utf8_lossy(&body).into_owned()))
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&data[..end]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        data = &data[end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

// ------------------------------------------------------------------ figures

/// The shipped files whose sizes are reported, in the table's order.
const SIZED: [&str; 4] = ["widget_bg.wasm", "widget.js", "script.js", "style.css"];

/// Raw and gzip -9 bytes of each shipped file that targets speak of.
fn sizes(dir: &Path) -> Result<Value> {
    let mut out = serde_json::Map::new();
    for name in SIZED {
        let path = dir.join(name);
        let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        out.insert(
            name.to_owned(),
            json!({"raw": bytes.len(), "gzip": gzip_len(&bytes)}),
        );
    }
    Ok(Value::Object(out))
}

/// Median, p90 (nearest rank) and min of samples; `None` when there are none.
fn stats(samples: &[f64]) -> Option<Value> {
    let mut s: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return None;
    }
    s.sort_by(f64::total_cmp);
    let n = s.len();
    let median = if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    };
    let rank = (0.9 * n as f64).ceil() as usize;
    let p90 = s[rank.clamp(1, n) - 1];
    Some(json!({
        "median": round(median),
        "p90": round(p90),
        "min": round(s[0]),
        "runs": n,
        "samples": s.iter().map(|x| round(*x)).collect::<Vec<_>>(),
    }))
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn samples(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn ratio(a: &Value, b: &Value) -> Option<f64> {
    let (a, b) = (a["median"].as_f64()?, b["median"].as_f64()?);
    (b > 0.0).then(|| round(a / b))
}

/// One budget line: what is measured, its figure, the limit and whether it holds.
/// A figure that could not be measured fails its budget.
fn budget(name: &str, value: Option<f64>, limit: f64, unit: &str, detail: String) -> Value {
    json!({
        "budget": name,
        "value": value,
        "limit": limit,
        "unit": unit,
        "pass": value.is_some_and(|v| v <= limit),
        "detail": detail,
    })
}

/// The requests an action sent, as the sandbox counted them.
fn total(counts: &Value) -> Option<f64> {
    counts
        .as_object()
        .map(|m| m.values().filter_map(Value::as_f64).sum())
}

/// Every figure and budget from the file sizes and the browser's raw measurements.
/// The timings of one browser run per renderer: median, p90 and min of each figure.
fn timings_of(raw: &Value) -> serde_json::Map<String, Value> {
    let mut timings = serde_json::Map::new();
    for who in ["widget", "baseline"] {
        let mut t = serde_json::Map::new();
        for what in TIMED {
            t.insert(
                what.into(),
                stats(&samples(&raw[who][what])).unwrap_or(Value::Null),
            );
        }
        t.insert("row_elements".into(), raw[who]["row_elements"].clone());
        timings.insert(who.into(), Value::Object(t));
    }
    let mut ratios = serde_json::Map::new();
    for what in TIMED {
        ratios.insert(
            what.into(),
            json!(ratio(&timings["widget"][what], &timings["baseline"][what])),
        );
    }
    timings.insert("ratio".into(), Value::Object(ratios));
    timings
}

/// The figures each browser run times, as bench.mjs names them.
const TIMED: [&str; 4] = [
    "script_to_list_ms",
    "render_ms",
    "open_cold_ms",
    "open_warm_ms",
];

/// The report: sizes, the timings of 50 (`raw`) and 100 rows (`more`), mutations, requests
/// and each target with its figure.
fn report(sizes: &Value, raw: &Value, more: &Value, generated_at: u64) -> Value {
    let timings = timings_of(raw);
    let timings_more = timings_of(more);
    let r = |t: &serde_json::Map<String, Value>, what: &str| t["ratio"][what].as_f64();
    let gz = |name: &str| sizes[name]["gzip"].as_f64().unwrap_or(0.0);
    let mutations = &raw["mutations"];
    let requests = &raw["requests"];

    let mut budgets = vec![
        budget(
            "_bg.wasm gzip",
            Some(gz("widget_bg.wasm")),
            WASM_GZIP_MAX,
            "bytes",
            String::new(),
        ),
        budget(
            "render of 50 rows, widget / baseline (median)",
            r(&timings, "render_ms"),
            RENDER_RATIO_MAX,
            "ratio",
            String::new(),
        ),
        budget(
            "render of 100 rows, widget / baseline (median)",
            r(&timings_more, "render_ms"),
            RENDER_RATIO_MAX,
            "ratio",
            String::new(),
        ),
        budget(
            "warm open → 50 rows, widget / baseline (median)",
            r(&timings, "open_warm_ms"),
            WARM_OPEN_RATIO_MAX,
            "ratio",
            String::new(),
        ),
        budget(
            "mutations on an unchanged refresh",
            mutations["refresh"]["records"].as_f64(),
            0.0,
            "records",
            String::new(),
        ),
    ];
    let edit = &mutations["edit"];
    budgets.push(budget(
        "edit one row: other rows touched",
        edit["other_rows_touched"].as_f64(),
        0.0,
        "rows",
        format!("in other rows: {}", detail(&edit["other_rows_detail"])),
    ));
    // Load is the one action that needs two requests: the sources and the pipelines, once each.
    // The traffic read that follows the list is reported on its own line below.
    let mut load = requests["load"].clone();
    let traffic_on_load = load
        .as_object_mut()
        .and_then(|m| m.remove(LEADS_ROUTE))
        .unwrap_or(Value::Null);
    let load = &load;
    let mut load_line = budget(
        "requests on load",
        total(load),
        2.0,
        "requests, each route once",
        detail(load),
    );
    load_line["pass"] =
        json!(*load == json!({"GET /api/v4/sources": 1, "GET /api/v4/leads/pipelines": 1}));
    budgets.push(load_line);
    let traffic = traffic_of(&raw["traffic"]);
    let pages = traffic["requests"].as_f64();
    let mut traffic_line = budget(
        "requests of the Traffic view over 1,000 leads",
        pages,
        traffic["min_requests"].as_f64().unwrap_or(0.0),
        "requests, one per page of 250",
        detail(&raw["traffic"]["requests"]),
    );
    traffic_line["pass"] = json!(pages.is_some() && pages == traffic["min_requests"].as_f64());
    budgets.push(traffic_line);
    for (action, label) in [
        ("refresh", "requests on refresh"),
        ("edit", "requests on edit"),
        ("create", "requests on create"),
        ("delete", "requests on delete"),
    ] {
        budgets.push(budget(
            label,
            total(&requests[action]),
            1.0,
            "request",
            detail(&requests[action]),
        ));
    }

    let mut errors = strings(&raw["errors"]);
    errors.extend(
        strings(&more["errors"])
            .into_iter()
            .map(|e| format!("100 rows: {e}")),
    );
    errors.extend(
        strings(&raw["page_errors"])
            .into_iter()
            .map(|e| format!("page error: {e}")),
    );
    json!({
        "generated_at_unix": generated_at,
        "chromium": raw["chromium"],
        "sources": raw["rows"],
        "runs": raw["runs"],
        "sizes": sizes,
        "timings": timings,
        "timings_100": timings_more,
        "mutations": mutations,
        "requests": requests,
        "traffic": traffic,
        "traffic_on_load": traffic_on_load,
        "budgets": budgets,
        "errors": errors,
    })
}

/// The route of the leads list the Traffic view reads.
const LEADS_ROUTE: &str = "GET /api/v4/leads";

/// The Traffic view's figures: time to the list and to the view (median and p90 from
/// navigation start), and the requests of one open against the fewest possible.
fn traffic_of(t: &Value) -> Value {
    let leads = t["leads"].as_f64().unwrap_or(0.0);
    json!({
        "leads": t["leads"],
        "list_ms": stats(&samples(&t["list_ms"])),
        "traffic_ms": stats(&samples(&t["traffic_ms"])),
        "requests": t["requests"][LEADS_ROUTE],
        "min_requests": (leads / 250.0).ceil().max(1.0),
    })
}

/// A tally of mutation targets (`{"button[data-a=x] @disabled": 2}`) as one line.
fn detail(tally: &Value) -> String {
    match tally.as_object() {
        Some(d) if !d.is_empty() => d
            .iter()
            .map(|(k, v)| format!("{k} ×{v}"))
            .collect::<Vec<_>>()
            .join(", "),
        Some(_) => "none".into(),
        None => "not measured".into(),
    }
}

// ------------------------------------------------------------------ table

fn kb(bytes: &Value) -> String {
    bytes
        .as_f64()
        .map_or("–".into(), |b| format!("{:.1} KB", b / KB))
}

fn ms(v: &Value) -> String {
    v.as_f64().map_or("–".into(), |x| format!("{x:.1} ms"))
}

fn figure(b: &Value) -> String {
    let Some(v) = b["value"].as_f64() else {
        return "not measured".into();
    };
    match b["unit"].as_str() {
        Some("bytes") => kb(&b["value"]),
        Some("ratio") => format!("{v:.2}×"),
        _ => format!("{v}"),
    }
}

fn limit(b: &Value) -> String {
    let l = b["limit"].as_f64().unwrap_or(0.0);
    let unit = b["unit"].as_str().unwrap_or("");
    match unit {
        "bytes" => format!("≤ {}", kb(&b["limit"])),
        "ratio" => format!("≤ {l:.1}×"),
        _ if l == 0.0 => format!("0 {unit}"),
        _ => format!("≤ {l} {unit}"),
    }
}

/// The report as markdown tables, ready for the README.
fn markdown(r: &Value) -> String {
    let mut md = String::new();
    md.push_str(&format!(
        "Benchmark: {} sources (and 100), {} cold and warm opens per renderer, Chromium {}, commit {} (`cargo xtask bench`).\n\n",
        r["sources"],
        r["runs"],
        r["chromium"].as_str().unwrap_or("?"),
        r["commit"].as_str().unwrap_or("?")
    ));

    md.push_str("| file | raw | gzip -9 |\n|---|---:|---:|\n");
    for name in SIZED {
        let s = &r["sizes"][name];
        md.push_str(&format!(
            "| `{name}` | {} | {} |\n",
            kb(&s["raw"]),
            kb(&s["gzip"])
        ));
    }

    md.push_str(
        "\n| time (median / p90) | widget | vanilla baseline | ratio |\n|---|---:|---:|---:|\n",
    );
    for (table, key, label) in [
        (
            "timings",
            "open_cold_ms",
            "cold open (empty cache) → 50 rows in the DOM",
        ),
        (
            "timings",
            "open_warm_ms",
            "warm open (files cached) → 50 rows in the DOM",
        ),
        (
            "timings",
            "script_to_list_ms",
            "script.js evaluated → 50 rows in the DOM",
        ),
        (
            "timings",
            "render_ms",
            "sources response end → 50 rows in the DOM",
        ),
        (
            "timings_100",
            "render_ms",
            "sources response end → 100 rows in the DOM",
        ),
        (
            "timings_100",
            "open_warm_ms",
            "warm open → 100 rows in the DOM",
        ),
    ] {
        let t = &r[table];
        let cell = |who: &str| {
            let s = &t[who][key];
            format!("{} / {}", ms(&s["median"]), ms(&s["p90"]))
        };
        let q = t["ratio"][key]
            .as_f64()
            .map_or("–".into(), |x| format!("{x:.2}×"));
        md.push_str(&format!(
            "| {label} | {} | {} | {q} |\n",
            cell("widget"),
            cell("baseline")
        ));
    }
    let t = &r["timings"];
    md.push_str(&format!(
        "| elements in the 50 rows | {} | {} | |\n",
        t["widget"]["row_elements"], t["baseline"]["row_elements"]
    ));

    let tr = &r["traffic"];
    md.push_str(&format!(
        "\n| Traffic view over {} leads (median / p90, from navigation start) | widget |\n|---|---:|\n| list of sources shown | {} / {} |\n| Traffic view shown | {} / {} |\n| GET /api/v4/leads requests | {} (fewest possible {}) |\n",
        tr["leads"],
        ms(&tr["list_ms"]["median"]),
        ms(&tr["list_ms"]["p90"]),
        ms(&tr["traffic_ms"]["median"]),
        ms(&tr["traffic_ms"]["p90"]),
        tr["requests"],
        tr["min_requests"],
    ));

    md.push_str("\n| DOM mutations (MutationObserver on the widget root) | records | rows touched | outside the rows |\n|---|---:|---:|---|\n");
    for (key, label) in [
        ("refresh", "unchanged refresh"),
        ("edit", "one row edited"),
        ("delete", "one row deleted"),
    ] {
        let m = &r["mutations"][key];
        let rows = m["rows_touched"]
            .as_array()
            .map_or("–".into(), |a| a.len().to_string());
        md.push_str(&format!(
            "| {label} | {} | {rows} | {} |\n",
            m["records"].as_u64().map_or("–".into(), |n| n.to_string()),
            detail(&m["outside_detail"])
        ));
    }

    md.push_str("\n| budget | figure | limit | status |\n|---|---:|---:|---|\n");
    for b in r["budgets"].as_array().into_iter().flatten() {
        let status = if b["pass"].as_bool() == Some(true) {
            "ok".to_owned()
        } else if b["value"].is_null() {
            "**NOT MEASURED**".to_owned()
        } else {
            "**OVER BUDGET**".to_owned()
        };
        let detail = if b["value"].is_null() {
            ""
        } else {
            b["detail"].as_str().unwrap_or("")
        };
        let name = b["budget"].as_str().unwrap_or("");
        let name = if detail.is_empty() {
            name.to_owned()
        } else {
            format!("{name} ({detail})")
        };
        md.push_str(&format!(
            "| {name} | {} | {} | {status} |\n",
            figure(b),
            limit(b)
        ));
    }
    md.push_str(concat!(
        "\nKB = 1024 bytes. Each run opens the advanced settings page in a fresh browser ",
        "context (cold: empty cache), then again in the same context (warm: the files are ",
        "cached and revalidated by ETag), alternating the widget and the baseline: a ",
        "vanilla-JS renderer of the same rows (`tests/bench/baseline.js`) served in place of ",
        "script.js. Open times run from navigation start. ",
        "Mutations and requests come from one page doing: unchanged refresh, edit one ",
        "name, delete one row (after the undo delay), create one source.\n",
    ));
    let errors = strings(&r["errors"]);
    if !errors.is_empty() {
        md.push_str("\nSteps that could not run:\n\n");
        for e in errors {
            md.push_str(&format!("- {e}\n"));
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_default_to_15_runs_and_a_fresh_build() {
        let runs = |a: &[&str]| parse_args(&args(a)).map(|o| o.runs);
        assert_eq!(runs(&[]), Ok(DEFAULT_RUNS));
        assert_eq!(runs(&["--runs", "30"]), Ok(30));
        assert_eq!(runs(&["--runs=40"]), Ok(40));
        assert!(runs(&["--runs", "4"]).is_err());
        assert!(runs(&["--runs"]).is_err());
        assert!(runs(&["--fast"]).is_err());
        assert_eq!(parse_args(&[]).unwrap().widget_dir, None);
        let o = parse_args(&args(&["--widget-dir", "target/e2e-widget", "--runs=20"])).unwrap();
        assert_eq!(o.widget_dir, Some(root().join("target/e2e-widget")));
        assert_eq!(o.runs, 20);
    }

    #[test]
    fn stats_take_median_and_nearest_rank_p90() {
        let odd = stats(&[5.0, 1.0, 3.0]).unwrap();
        assert_eq!(odd["median"], 3.0);
        let even = stats(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!(even["median"], 2.5);
        let twenty: Vec<f64> = (1..=20).map(f64::from).collect();
        let s = stats(&twenty).unwrap();
        assert_eq!(s["p90"], 18.0);
        assert_eq!(s["min"], 1.0);
        assert_eq!(s["runs"], 20);
        assert!(stats(&[]).is_none());
    }

    #[test]
    fn responses_are_read_plain_and_chunked() {
        let plain = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n[]";
        assert_eq!(parse_response(plain), Some((200, "[]".into())));
        let chunked =
            b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked), Some((201, "abcde".into())));
        assert_eq!(parse_response(b"garbage"), None);
    }

    #[test]
    fn seeded_sources_fit_the_api_rules() {
        let mut list = sources(1, SOURCES).as_array().unwrap().clone();
        list.extend(
            sources(SOURCES + 1, MORE_SOURCES)
                .as_array()
                .unwrap()
                .clone(),
        );
        let list = &list;
        let defaults = list.iter().filter(|s| s["default"] == true).count();
        assert_eq!(defaults, 1);
        let mut ids: Vec<&str> = list
            .iter()
            .map(|s| s["external_id"].as_str().unwrap())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), MORE_SOURCES);
        for s in list {
            if let Some(code) = s["origin_code"].as_str() {
                assert!(code.len() <= 20 && !code.chars().all(|c| c.is_ascii_digit()));
            }
        }
    }

    fn sample_sizes(wasm_gzip: u64) -> Value {
        json!({
            "widget_bg.wasm": {"raw": 120_000, "gzip": wasm_gzip},
            "widget.js": {"raw": 20_000, "gzip": 5_000},
            "script.js": {"raw": 8_000, "gzip": 3_000},
            "style.css": {"raw": 5_000, "gzip": 1_500},
        })
    }

    fn sample_raw() -> Value {
        let times = |base: f64| (0..20).map(|i| base + f64::from(i)).collect::<Vec<_>>();
        json!({
            "runs": 20, "rows": 50, "chromium": "1.0",
            "widget": {"script_to_list_ms": times(100.0), "render_ms": times(30.0),
                       "open_cold_ms": times(300.0), "open_warm_ms": times(150.0)},
            "baseline": {"script_to_list_ms": times(50.0), "render_ms": times(20.0),
                         "open_cold_ms": times(200.0), "open_warm_ms": times(120.0)},
            "requests": {
                "load": {"GET /api/v4/sources": 1, "GET /api/v4/leads/pipelines": 1},
                "refresh": {"GET /api/v4/sources": 1},
                "edit": {"PATCH /api/v4/sources/{id}": 1},
                "delete": {"DELETE /api/v4/sources/{id}": 1},
                "create": {"POST /api/v4/sources": 1, "GET /api/v4/sources": 1},
            },
            "mutations": {
                "refresh": {"records": 0, "rows_touched": [], "outside_detail": {}},
                "edit": {"row": "s1", "records": 4, "rows_touched": ["s1"], "other_rows_touched": 0,
                         "other_rows_detail": {}, "outside_detail": {}},
            },
            "errors": [],
        })
    }

    fn sample_more() -> Value {
        let times = |base: f64| (0..20).map(|i| base + f64::from(i)).collect::<Vec<_>>();
        json!({
            "runs": 20, "rows": 100, "chromium": "1.0",
            "widget": {"render_ms": times(70.0), "open_warm_ms": times(200.0)},
            "baseline": {"render_ms": times(40.0), "open_warm_ms": times(160.0)},
            "errors": [],
        })
    }

    fn line<'a>(report: &'a Value, name: &str) -> &'a Value {
        report["budgets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["budget"].as_str().unwrap().starts_with(name))
            .unwrap_or_else(|| panic!("no budget line {name}"))
    }

    #[test]
    fn budgets_pass_and_fail_on_the_figures() {
        let r = report(&sample_sizes(110_000), &sample_raw(), &sample_more(), 0);
        assert_eq!(line(&r, "_bg.wasm")["pass"], false);
        // Widget median 39.5 over baseline median 29.5.
        assert_eq!(line(&r, "render of 50")["value"], 1.34);
        assert_eq!(line(&r, "render of 50")["pass"], false);
        // 79.5 over 49.5.
        assert_eq!(line(&r, "render of 100")["value"], 1.61);
        // 159.5 over 129.5.
        assert_eq!(line(&r, "warm open")["value"], 1.23);
        assert_eq!(line(&r, "warm open")["pass"], true);
        assert_eq!(line(&r, "mutations on an unchanged refresh")["pass"], true);
        assert_eq!(line(&r, "edit one row")["pass"], true);
        assert_eq!(line(&r, "requests on load")["pass"], true);
        assert_eq!(line(&r, "requests on edit")["pass"], true);
        assert_eq!(line(&r, "requests on create")["value"], 2.0);
        assert_eq!(line(&r, "requests on create")["pass"], false);

        let md = markdown(&r);
        assert!(
            md.contains("| _bg.wasm gzip | 107.4 KB | ≤ 100.0 KB | **OVER BUDGET** |"),
            "{md}"
        );
        assert!(md.contains("1.34×"), "{md}");
    }

    #[test]
    fn a_load_that_repeats_a_route_fails_even_with_two_requests() {
        let mut raw = sample_raw();
        raw["requests"]["load"] = json!({"GET /api/v4/sources": 2});
        let r = report(&sample_sizes(30_000), &raw, &sample_more(), 0);
        assert_eq!(line(&r, "requests on load")["pass"], false);
        assert_eq!(line(&r, "_bg.wasm")["pass"], true);
    }

    #[test]
    fn unmeasured_figures_fail_their_budget_and_say_so() {
        let mut raw = sample_raw();
        raw["mutations"] = json!({});
        raw["widget"] = json!({"script_to_list_ms": [], "render_ms": []});
        raw["errors"] = json!(["widget load: no 50 rows"]);
        let r = report(&sample_sizes(30_000), &raw, &sample_more(), 0);
        for name in [
            "render of 50",
            "mutations on an unchanged refresh",
            "edit one row",
        ] {
            assert_eq!(line(&r, name)["value"], Value::Null, "{name}");
            assert_eq!(line(&r, name)["pass"], false, "{name}");
        }
        let md = markdown(&r);
        assert!(md.contains("**NOT MEASURED**"), "{md}");
        assert!(md.contains("- widget load: no 50 rows"), "{md}");
    }
}
