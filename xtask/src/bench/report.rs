//! The report: every figure beside its budget, as JSON.

use serde_json::{json, Value};

use super::figures::{ratio, samples, stats, strings, total};
use super::KB;

/// Largest `_bg.wasm` after gzip -9.
const WASM_GZIP_MAX: f64 = 110.0 * KB;
/// Largest ratio of the widget's median render time to the vanilla baseline's.
const RENDER_RATIO_MAX: f64 = 1.3;
/// Largest ratio of the widget's median script.js evaluated → rows to the baseline's.
const SCRIPT_RATIO_MAX: f64 = 2.0;
/// Largest ratio of the widget's median cold open → rows on loopback to the baseline's.
const COLD_OPEN_RATIO_MAX: f64 = 1.2;
/// Largest ratio of the widget's median cold open → rows over the emulated link to the
/// baseline's.
const LINK_OPEN_RATIO_MAX: f64 = 1.3;
/// Largest ratio of the widget's median warm open → rows to the baseline's.
const WARM_OPEN_RATIO_MAX: f64 = 1.1;

/// One budget line with the detail the table shows beside its name.
fn budget(name: &str, value: Option<f64>, limit: f64, unit: &str, detail: String) -> Value {
    let mut line = crate::report::budget(name, value, limit, unit);
    line["detail"] = json!(detail);
    line
}

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
const TIMED: [&str; 8] = [
    "script_to_list_ms",
    "render_ms",
    "open_cold_ms",
    "open_warm_ms",
    "open_link_ms",
    "open_link_gzip_ms",
    "script_ms",
    "layout_ms",
];

/// The report: sizes, the timings of 50 (`raw`) and 100 rows (`more`), mutations, requests
/// and each target with its figure.
pub(super) fn report(sizes: &Value, raw: &Value, more: &Value, generated_at: u64) -> Value {
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
            "script.js evaluated → 50 rows, widget / baseline (median)",
            r(&timings, "script_to_list_ms"),
            SCRIPT_RATIO_MAX,
            "ratio",
            String::new(),
        ),
        budget(
            "cold open → 50 rows on loopback, widget / baseline (median)",
            r(&timings, "open_cold_ms"),
            COLD_OPEN_RATIO_MAX,
            "ratio",
            String::new(),
        ),
        budget(
            "cold open → 50 rows over 10 Mbit/s and 40 ms, widget / baseline (median)",
            r(&timings, "open_link_ms"),
            LINK_OPEN_RATIO_MAX,
            "ratio",
            String::new(),
        ),
        budget(
            "cold open → 50 rows over 10 Mbit/s and 40 ms, files gzipped, widget / baseline (median)",
            r(&timings, "open_link_gzip_ms"),
            LINK_OPEN_RATIO_MAX,
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
        "history": history_of(&raw["history"]),
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

/// The History view's figures (median and p90): the list from navigation start, then the
/// view from the click and from the end of the relay's answer; `null` when not measured.
fn history_of(h: &Value) -> Value {
    if h.is_null() {
        return Value::Null;
    }
    json!({
        "changes": h["changes"],
        "list_ms": stats(&samples(&h["list_ms"])),
        "history_ms": stats(&samples(&h["history_ms"])),
        "render_ms": stats(&samples(&h["render_ms"])),
    })
}

/// A tally of mutation targets (`{"button[data-a=x] @disabled": 2}`) as one line.
pub(super) fn detail(tally: &Value) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::markdown::markdown;

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
        let r = report(&sample_sizes(120_000), &sample_raw(), &sample_more(), 0);
        assert_eq!(line(&r, "_bg.wasm")["pass"], false);
        // Widget median 39.5 over baseline median 29.5.
        assert_eq!(line(&r, "render of 50")["value"], 1.34);
        assert_eq!(line(&r, "render of 50")["pass"], false);
        // 79.5 over 49.5.
        assert_eq!(line(&r, "render of 100")["value"], 1.61);
        // 159.5 over 129.5.
        assert_eq!(line(&r, "warm open")["value"], 1.23);
        assert_eq!(line(&r, "warm open")["pass"], false);
        // 109.5 over 59.5, and 309.5 over 209.5.
        assert_eq!(line(&r, "script.js evaluated")["value"], 1.84);
        assert_eq!(line(&r, "script.js evaluated")["pass"], true);
        assert_eq!(line(&r, "cold open → 50 rows on loopback")["value"], 1.48);
        assert_eq!(line(&r, "cold open → 50 rows on loopback")["pass"], false);
        // Not measured (no link timings in the sample): said, not passed.
        assert_eq!(line(&r, "cold open → 50 rows over")["value"], Value::Null);
        assert_eq!(
            line(
                &r,
                "cold open → 50 rows over 10 Mbit/s and 40 ms, files gzipped"
            )["value"],
            Value::Null
        );
        assert_eq!(line(&r, "mutations on an unchanged refresh")["pass"], true);
        assert_eq!(line(&r, "edit one row")["pass"], true);
        assert_eq!(line(&r, "requests on load")["pass"], true);
        assert_eq!(line(&r, "requests on edit")["pass"], true);
        assert_eq!(line(&r, "requests on create")["value"], 2.0);
        assert_eq!(line(&r, "requests on create")["pass"], false);

        let md = markdown(&r);
        assert!(
            md.contains("| _bg.wasm gzip | 117.2 KB | ≤ 110.0 KB | **OVER BUDGET** |"),
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
