//! The report as markdown tables.

use serde_json::Value;

use super::figures::{strings, SIZED};
use super::report::detail;
use super::KB;

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

/// Where the module's bytes go: per crate, then the largest items, from twiggy.
fn bytes(b: &Value) -> String {
    let Some(total) = b["total"].as_f64() else {
        return String::new();
    };
    let share = |v: &Value| {
        let n = v.as_f64().unwrap_or(0.0);
        format!("{} ({:.1} %)", kb(v), 100.0 * n / total.max(1.0))
    };
    let mut md = format!(
        "\nWhere the module's bytes go (the same build with names kept, twiggy): {} raw.\n\n| crate (the widget's by module) | raw |\n|---|---:|\n",
        kb(&b["total"])
    );
    for c in b["crates"].as_array().into_iter().flatten() {
        md.push_str(&format!(
            "| `{}` | {} |\n",
            c["crate"].as_str().unwrap_or("?"),
            share(&c["bytes"])
        ));
    }
    md.push_str("\n| largest items | raw |\n|---|---:|\n");
    for i in b["top"].as_array().into_iter().flatten() {
        let name = i["name"].as_str().unwrap_or("?").replace('|', "\\|");
        md.push_str(&format!("| `{name}` | {} |\n", share(&i["bytes"])));
    }
    md
}

/// The report as markdown tables, ready for the README.
pub(super) fn markdown(r: &Value) -> String {
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

    md.push_str(&bytes(&r["bytes"]));

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
            "open_link_ms",
            "cold open over 10 Mbit/s and 40 ms → 50 rows in the DOM",
        ),
        (
            "timings",
            "open_link_gzip_ms",
            "the same, the files sent gzip-compressed",
        ),
        (
            "timings",
            "open_warm_ms",
            "warm open (files cached) → 50 rows in the DOM",
        ),
        (
            "timings",
            "script_ms",
            "main thread running script during the cold open",
        ),
        (
            "timings",
            "layout_ms",
            "main thread in style and layout during the cold open",
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

    let h = &r["history"];
    if !h.is_null() {
        let row = |label: &str, v: &Value| {
            format!("| {label} | {} / {} |\n", ms(&v["median"]), ms(&v["p90"]))
        };
        md.push_str(&format!(
            "\n| History view over a relay answer of {} changes (median / p90), relay build | widget |\n|---|---:|\n",
            h["changes"]
        ));
        md.push_str(&row(
            "list of sources shown, from navigation start",
            &h["list_ms"],
        ));
        md.push_str(&row(
            "click on Show history → every entry in the DOM",
            &h["history_ms"],
        ));
        md.push_str(&row(
            "end of the relay's answer → every entry in the DOM",
            &h["render_ms"],
        ));
        md.push_str(&row(
            "beside it: end of the sources answer → 50 rows in the DOM",
            &r["timings"]["widget"]["render_ms"],
        ));
    }

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
