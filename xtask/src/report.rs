//! What both benchmarks report the same way: a budget line, and the report written as JSON and
//! markdown with the run failing only when a step could not run.

use std::fs;
use std::path::Path;

use serde_json::{json, Value};

use crate::cmd::{say, Result};

/// One budget line: what is measured, its figure, the limit and whether it holds.
/// A figure that could not be measured fails its budget.
pub fn budget(name: &str, value: Option<f64>, limit: f64, unit: &str) -> Value {
    json!({
        "budget": name,
        "value": value,
        "limit": limit,
        "unit": unit,
        "pass": value.is_some_and(|v| v <= limit),
    })
}

/// Writes `<name>.json` and `<name>.md` into `target/bench/`, prints the markdown, and fails
/// naming the `errors` (steps of the `what` that could not run) when there are any.
pub fn publish(report: &Value, md: &str, name: &str, errors: &[String], what: &str) -> Result {
    let dir = Path::new("target/bench");
    let json = serde_json::to_string_pretty(report).unwrap_or_default() + "\n";
    for (ext, text) in [("json", json.as_str()), ("md", md)] {
        let path = crate::cmd::root().join(dir).join(format!("{name}.{ext}"));
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("{md}");
    say(&format!(
        "wrote {0}/{name}.json and {0}/{name}.md",
        dir.display()
    ));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} {what} step(s) could not run: {}",
            errors.len(),
            errors.join("; ")
        ))
    }
}
