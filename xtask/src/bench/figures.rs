//! Figures from what was measured: file sizes, and statistics of the browser's samples.

use std::fs;
use std::path::Path;

use serde_json::{json, Value};

use crate::cmd::Result;
use crate::dist::gzip_len;

/// The shipped files whose sizes are reported, in the table's order.
pub(super) const SIZED: [&str; 4] = ["widget_bg.wasm", "widget.js", "script.js", "style.css"];

/// Raw and gzip -9 bytes of each shipped file that targets speak of.
pub(super) fn sizes(dir: &Path) -> Result<Value> {
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
pub(super) fn stats(samples: &[f64]) -> Option<Value> {
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

/// The numbers in a JSON array of samples; none when it is not one.
pub(super) fn samples(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

/// The strings in a JSON array; none when it is not one.
pub(super) fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The ratio of two figures' medians, when both were measured.
pub(super) fn ratio(a: &Value, b: &Value) -> Option<f64> {
    let (a, b) = (a["median"].as_f64()?, b["median"].as_f64()?);
    (b > 0.0).then(|| round(a / b))
}

/// The requests an action sent, as the sandbox counted them.
pub(super) fn total(counts: &Value) -> Option<f64> {
    counts
        .as_object()
        .map(|m| m.values().filter_map(Value::as_f64).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
