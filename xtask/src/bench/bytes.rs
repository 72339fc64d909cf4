//! Where the module's bytes go: the release module built and optimised as it ships (the same
//! wasm-opt flags) but keeping its function names (`-g`), read by twiggy: the largest items,
//! and the total per crate (per module for the widget's own crate).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::build::{self, WASM_OPT_FLAGS};
use crate::cmd::{command, output, root, say, Result};
use crate::setup::{self, Need};

/// Items listed by size.
const TOP: usize = 20;
/// Crates (and modules of the widget's crate) listed by their total.
const CRATES: usize = 20;
/// The widget crate's name as it appears in symbols.
const OWN: &str = "kommo_sources_widget";

/// The breakdown, as JSON: `total`, `top` (`name`, `bytes`) and `crates` (`crate`, `bytes`).
pub(super) fn breakdown() -> Result<Value> {
    setup::ensure(&[Need::Twiggy])?;
    say("building the module again with its names kept, for twiggy");
    let out = root().join("target/bench/named");
    build::wasm_pack(&out)?;
    let named = out.join("widget_bg.wasm");
    // The shipped flags and `-g`, through the same wasm-opt cache as the build.
    let flags: Vec<&str> = WASM_OPT_FLAGS.iter().copied().chain(["-g"]).collect();
    build::optimise(&named, &flags)?;
    let listed = output(
        command("twiggy")
            .args(["top", "-n", "1000000", "-f", "json"])
            .arg(&named),
    )
    .ok_or("twiggy could not read the module")?;
    let items: Vec<Value> =
        serde_json::from_str(&listed).map_err(|e| format!("twiggy's answer is not JSON: {e}"))?;
    // The name section is this build's own: the shipped module has none.
    let items: Vec<(String, u64)> = items
        .iter()
        .filter_map(|i| Some((i["name"].as_str()?.to_owned(), i["shallow_size"].as_u64()?)))
        .filter(|(name, _)| !name.ends_with("subsection"))
        .collect();
    Ok(summary(&items))
}

/// The total, the largest items and the largest crates of `items` (name, bytes).
fn summary(items: &[(String, u64)]) -> Value {
    let total: u64 = items.iter().map(|(_, b)| b).sum();
    let mut by_crate: BTreeMap<String, u64> = BTreeMap::new();
    for (name, bytes) in items {
        *by_crate.entry(owner(name)).or_default() += bytes;
    }
    let mut crates: Vec<(String, u64)> = by_crate.into_iter().collect();
    crates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut top = items.to_vec();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    json!({
        "total": total,
        "top": top.iter().take(TOP).map(|(n, b)| json!({"name": n, "bytes": b})).collect::<Vec<_>>(),
        "crates": crates.iter().take(CRATES).map(|(c, b)| json!({"crate": c, "bytes": b})).collect::<Vec<_>>(),
    })
}

/// Who an item belongs to: the crate of its symbol (a trait impl's type, `<T as Trait>`,
/// counts for the type's crate), the module for the widget's own crate, or the kind of a
/// nameless item (`data`, `code`, the name section...).
fn owner(name: &str) -> String {
    let symbol = subject(name);
    let Some((krate, rest)) = symbol.split_once("::") else {
        // `data[3]`, `code[12]`, `"function names" subsection`: what kind of item it is.
        let kind = name.split(['[', ' ']).next().unwrap_or(name);
        return format!("({})", kind.trim_matches('"'));
    };
    // v0 symbols name a crate with its disambiguator: `core[c5930c85a12de822]`.
    let krate = krate.split('[').next().unwrap_or(krate);
    if krate == OWN {
        let module: String = rest
            .split("::")
            .take(2)
            .take_while(|m| m.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect::<Vec<_>>()
            .join("::");
        return format!("{OWN}::{module}");
    }
    krate.to_owned()
}

/// The path an item is counted under: for `<T as Trait>::f`, `T` unless it is a primitive or
/// a std type without a path (then `Trait`); references and `mut`/`dyn` set aside.
fn subject(name: &str) -> &str {
    let s = bare(name);
    match s.split_once(" as ") {
        Some((ty, tr)) if !ty.contains("::") => bare(tr),
        _ => s,
    }
}

/// `s` without leading `<`, `&`, `*`, `mut ` and `dyn `.
fn bare(s: &str) -> &str {
    let s = s.trim_start_matches(['<', '&', '*']);
    let s = s.strip_prefix("mut ").unwrap_or(s);
    s.strip_prefix("dyn ").unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_count_for_their_crate_the_widgets_own_for_their_module() {
        let items = [
            ("serde_json::de::from_str::h1".to_owned(), 100),
            (
                "<serde_json::value::Value as core::clone::Clone>::clone".to_owned(),
                50,
            ),
            ("core::fmt::write::h2".to_owned(), 40),
            (
                "<f64 as core[c5930c85a12de822]::fmt::Display>::fmt".to_owned(),
                30,
            ),
            ("<&mut serde_json::ser::Serializer<W>>::f".to_owned(), 1),
            (
                "kommo_sources_widget::app::update::update::h3".to_owned(),
                40,
            ),
            (
                "kommo_sources_widget::app::view::list::manager::h4".to_owned(),
                30,
            ),
            ("kommo_sources_widget::lead::Lead::from::h5".to_owned(), 5),
            ("data[3]".to_owned(), 20),
        ];
        let s = summary(&items);
        assert_eq!(s["total"], 316);
        assert_eq!(
            s["top"][0],
            json!({"name": "serde_json::de::from_str::h1", "bytes": 100})
        );
        let crates: Vec<(String, u64)> = s["crates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["crate"].as_str().unwrap().to_owned(),
                    c["bytes"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            crates,
            [
                ("serde_json".to_owned(), 151),
                ("core".to_owned(), 70),
                ("kommo_sources_widget::app::update".to_owned(), 40),
                ("kommo_sources_widget::app::view".to_owned(), 30),
                ("(data)".to_owned(), 20),
                ("kommo_sources_widget::lead".to_owned(), 5),
            ]
        );
    }
}
