//! The relay benchmark's targets and its markdown table, in the widget report's style.

use serde_json::{json, Value};

/// Largest acceptable p99 overhead of the relay over a direct call.
const OVERHEAD_P99_MAX_MS: f64 = 5.0;
/// Largest acceptable resident memory with 10,000 installations.
const RSS_MAX_MB: f64 = 50.0;

fn mb(kib: &Value) -> Option<f64> {
    kib.as_f64().map(|k| (k / 1024.0 * 10.0).round() / 10.0)
}

/// The targets, each with its figure (`null` when it could not be measured) and whether it
/// holds; reported, never asserted.
pub fn budgets(r: &Value) -> Value {
    let line = crate::report::budget;
    json!([
        line(
            "relay overhead over a direct call, p99",
            r["overhead"]["overhead_ms"]["p99"].as_f64(),
            OVERHEAD_P99_MAX_MS,
            "ms",
        ),
        line(
            "resident memory with 10,000 installations, after the load",
            mb(&r["memory"]["rss_kib"]),
            RSS_MAX_MB,
            "MB",
        ),
        line(
            "429s from Kommo in the burst",
            r["burst"]["kommo_429_passed_on"].as_f64(),
            0.0,
            "",
        ),
    ])
}

fn ms(v: &Value) -> String {
    v.as_f64().map_or("–".into(), |x| format!("{x:.2} ms"))
}

fn status(b: &Value) -> &'static str {
    if b["value"].is_null() {
        "**NOT MEASURED**"
    } else if b["pass"] == true {
        "ok"
    } else {
        "**OVER BUDGET**"
    }
}

fn target(b: &Value) -> String {
    let unit = b["unit"].as_str().unwrap_or("");
    match b["limit"].as_f64() {
        Some(0.0) => "0".into(),
        Some(l) => format!("≤ {l} {unit}"),
        None => "–".into(),
    }
}

fn tally(v: &Value) -> String {
    let parts: Vec<String> = v
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, n)| format!("{k}: {n}"))
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

/// The report as a markdown table, ready for the README.
pub fn markdown(r: &Value) -> String {
    let b = &r["budgets"];
    let mut md = format!(
        "Relay benchmark: commit {}, {}, {} cores shared by the relay, the sandbox, the load and the machine's other work (1-minute load average {} before, {} after) (`cargo xtask bench relay`).\n\n",
        r["commit"].as_str().unwrap_or("?"),
        r["date"].as_str().unwrap_or("?"),
        r["cores"],
        r["load_average_before"],
        r["load_average_after"],
    );
    md.push_str("| measure | figure | target | status |\n|---|---:|---:|---|\n");

    let o = &r["overhead"];
    md.push_str(&format!(
        "| `GET /api/v4/sources` straight to the sandbox, p50 / p99 ({} calls) | {} / {} | | |\n",
        o["calls"],
        ms(&o["direct_ms"]["p50"]),
        ms(&o["direct_ms"]["p99"])
    ));
    md.push_str(&format!(
        "| the same through the relay, a fresh X-Auth-Token each, p50 / p99 | {} / {} | | |\n",
        ms(&o["relay_ms"]["p50"]),
        ms(&o["relay_ms"]["p99"])
    ));
    md.push_str(&format!(
        "| relay overhead, p50 | {} | | reported |\n",
        ms(&o["overhead_ms"]["p50"])
    ));
    md.push_str(&format!(
        "| relay overhead, p99 | {} | {} | {} |\n",
        ms(&o["overhead_ms"]["p99"]),
        target(&b[0]),
        status(&b[0])
    ));

    let f = &r["refusals"];
    md.push_str(&format!(
        "| forged X-Auth-Tokens refused ({} in flight for {} s; answers {}; the relay kept {} of the cores busy) | {} | | reported |\n",
        f["in_flight"],
        f["seconds"],
        tally(&f["answers"]),
        f["relay_cores_busy"],
        f["per_second"].as_f64().map_or("–".into(), |x| format!(
            "{x:.0} 401/s ({} per second of relay CPU)",
            f["per_relay_cpu_second"]
                .as_f64()
                .map_or("–".into(), |c| format!("{c:.0}"))
        )),
    ));

    let u = &r["burst"];
    md.push_str(&format!(
        "| {} calls at once for one account, pace 7/s (relay and sandbox defaults) | all answered in {}: {} 2xx, {} 429 from the relay, other {} | | reported |\n",
        u["calls"],
        ms(&u["all_answered_ms"]),
        u["ok"],
        u["relay_429"],
        tally(&u["other"]),
    ));
    md.push_str(&format!(
        "| 429s from the sandbox in that burst (it received {} calls) | {} | {} | {} |\n",
        u["sandbox_received"],
        b[2]["value"]
            .as_f64()
            .map_or("–".into(), |x| format!("{x:.0}")),
        target(&b[2]),
        status(&b[2])
    ));

    let m = &r["memory"];
    md.push_str(&format!(
        "| relay resident memory (VmRSS) with 10,000 installations, after the load (idle before it {}, peak {}) | {} | {} | {} |\n",
        mb(&m["idle_rss_kib"]).map_or("–".into(), |x| format!("{x} MB")),
        mb(&m["peak_rss_kib"]).map_or("–".into(), |x| format!("{x} MB")),
        mb(&m["rss_kib"]).map_or("–".into(), |x| format!("{x} MB")),
        target(&b[1]),
        status(&b[1])
    ));

    md.push_str(concat!(
        "\nMB = 1024 KiB. Release builds on 127.0.0.1, one SQLite file. The overhead and ",
        "refusal figures run with the relay's pace and the sandbox's limit off (`--rate-limit 0` ",
        "on both), on a relay whose database holds 10,000 seeded installations besides the ",
        "sandbox's: direct and relayed calls alternate, after 20 of each to warm up, and the ",
        "overhead is the relayed percentile minus the direct one. Forged tokens carry valid ",
        "claims signed with a wrong key. The burst runs on a second pair with default limits, ",
        "after one call has cached the admin answer. Memory is read from /proc after the ",
        "overhead and refusal loads and a few calls for three seeded accounts (answers: ",
    ));
    md.push_str(&tally(&m["seeded_answers"]));
    md.push_str("; their addresses are loopback ports where no Kommo listens).\n");
    let errors: Vec<&str> = r["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !errors.is_empty() {
        md.push_str("\nSteps that could not run:\n\n");
        for e in errors {
            md.push_str(&format!("- {e}\n"));
        }
    }
    md
}
