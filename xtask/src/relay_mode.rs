//! The relay build: the same widget, whose loader sends every API call to the integration's
//! relay through `$authorizedAjax`, and whose manifest asks for no token.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::build;
use crate::cmd::{root, Result};

/// The loader's line that names the relay; empty in the direct build.
const RELAY_LINE: &str = "  var RELAY = '';";

/// Checks `url` as the relay's public address: https, or http on loopback; no path, query or
/// fragment. Returns it without a trailing slash.
pub fn relay_url(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| {
            url.strip_prefix("http://").filter(|r| {
                ["127.0.0.1", "localhost", "[::1]"]
                    .iter()
                    .any(|h| host_is(r, h))
            })
        })
        .ok_or_else(|| {
            format!("--relay {url}: the relay must be https:// (or http:// on 127.0.0.1)")
        })?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ', '\'', '"', '\\']) {
        return Err(format!(
            "--relay {url}: give the relay's origin only, e.g. https://relay.example.com"
        ));
    }
    Ok(url.to_owned())
}

fn host_is(rest: &str, host: &str) -> bool {
    rest == host || rest.strip_prefix(host).is_some_and(|p| p.starts_with(':'))
}

/// Copies the built widget `dir` to `target/widget-relay` and turns it into the relay build
/// for `relay` (checked with [`relay_url`]).
pub fn relay_widget(dir: &Path, relay: &str) -> Result<PathBuf> {
    let out = root().join("target/widget-relay");
    if out.exists() {
        fs::remove_dir_all(&out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    build::copy_tree(dir, &out)?;

    let script = out.join("script.js");
    let text = read(&script)?;
    if text.matches(RELAY_LINE).count() != 1 {
        return Err(format!(
            "script.js must have the line `{RELAY_LINE}` once, for the relay build to name the relay"
        ));
    }
    let literal = serde_json::to_string(relay).map_err(|e| e.to_string())?;
    let text = text.replace(RELAY_LINE, &format!("  var RELAY = {literal};"));
    write(&script, &text)?;

    let manifest = out.join("manifest.json");
    let text = without_token_setting(&read(&manifest)?)?;
    write(&manifest, &text)?;
    Ok(out)
}

/// The manifest without its `settings.token` line; everything else is kept as it is written.
fn without_token_setting(manifest: &str) -> Result<String> {
    let kept: Vec<&str> = manifest
        .lines()
        .filter(|l| !l.trim_start().starts_with("\"token\":"))
        .collect();
    let text = kept.join("\n") + "\n";
    let before: Value =
        serde_json::from_str(manifest).map_err(|e| format!("manifest.json: {e}"))?;
    let mut expected = before.clone();
    if let Some(settings) = expected["settings"].as_object_mut() {
        settings.remove("token");
    }
    let after: Value = serde_json::from_str(&text)
        .map_err(|e| format!("manifest.json without its token setting is not JSON: {e}"))?;
    if after != expected {
        return Err("manifest.json: write `settings.token` on one line of its own, so that the relay build can leave it out".into());
    }
    Ok(text)
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_urls_are_origins_over_https_or_loopback_http() {
        assert_eq!(
            relay_url("https://relay.example.com/").unwrap(),
            "https://relay.example.com"
        );
        assert_eq!(
            relay_url("http://127.0.0.1:8090").unwrap(),
            "http://127.0.0.1:8090"
        );
        for bad in [
            "http://relay.example.com",
            "http://127.0.0.1.evil.com",
            "https://relay.example.com/api",
            "https://relay.example.com?x=1",
            "https://user@relay.example.com",
            "ftp://relay.example.com",
            "https://",
        ] {
            assert!(relay_url(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn the_token_setting_goes_and_nothing_else_changes() {
        let manifest = "{\n  \"settings\": {\n    \"token\": { \"name\": \"settings.token\", \"type\": \"pass\" },\n    \"limit\": { \"name\": \"settings.limit\", \"type\": \"text\" }\n  }\n}\n";
        let out = without_token_setting(manifest).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert!(v["settings"].get("token").is_none());
        assert_eq!(v["settings"]["limit"]["type"], "text");
        let spread = "{\"settings\": {\"token\":\n {\"name\": \"t\"}}}";
        assert!(without_token_setting(spread).is_err());
    }
}
