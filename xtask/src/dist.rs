//! `cargo xtask dist`: builds the widget, checks it against Kommo's rules, writes `dist/widget.zip`.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::build;
use crate::cmd::{root, say, Result};
use crate::relay_mode;

/// Kommo's largest accepted PNG.
const MAX_PNG_BYTES: usize = 300 * 1024;

/// Every logo Kommo asks for, with its exact size.
const IMAGES: &[(&str, u32, u32)] = &[
    ("images/logo.png", 130, 100),
    ("images/logo_main.png", 400, 272),
    ("images/logo_medium.png", 240, 84),
    ("images/logo_min.png", 84, 84),
    ("images/logo_small.png", 108, 108),
];

/// The Digital Pipeline logo, required only with the `digital_pipeline` location.
const DP_IMAGE: (&str, u32, u32) = ("images/logo_dp.png", 174, 109);

/// What the command line asked for.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// The relay's https origin: writes the relay build, which calls the Sources API through it
    #[arg(long, value_name = "URL", value_parser = relay_mode::relay_url)]
    relay: Option<String>,
}

/// `cargo xtask dist [--relay URL]`: writes `dist/widget.zip`, the relay build with `--relay`.
pub fn dist_command(Options { relay }: Options) -> Result {
    dist_to(relay.as_deref(), &root().join("dist/widget.zip")).map(|_| ())
}

/// Builds, checks and zips the direct-mode widget into `dist/widget.zip`; returns the zip.
pub fn dist() -> Result<PathBuf> {
    dist_to(None, &root().join("dist/widget.zip"))
}

/// Builds, checks and zips the widget (the relay build when `relay` names one, already
/// checked) into `zip_path`; prints each file's size raw and gzip; returns the zip.
pub fn dist_to(relay: Option<&str>, zip_path: &Path) -> Result<PathBuf> {
    let mut dir = build::widget()?;
    if let Some(url) = relay {
        dir = relay_mode::relay_widget(&dir, url)?;
        say(&format!("relay build: every API call goes to {url} through $authorizedAjax; the manifest asks for no token"));
    }
    let files = list_files(&dir)?;
    check(&dir, &files)?;
    say("widget folder checked: manifest, locales, images and encodings are as Kommo expects");

    let out_dir = zip_path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(out_dir).map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let zip_path = zip_path.to_path_buf();
    write_zip(&dir, &files, &zip_path)?;

    println!("{:<28} {:>10} {:>10}", "file", "raw", "gzip -9");
    for name in &files {
        let bytes = read(&dir.join(name))?;
        println!("{:<28} {:>10} {:>10}", name, bytes.len(), gzip_len(&bytes));
    }
    let zip_len = fs::metadata(&zip_path).map(|m| m.len()).unwrap_or(0);
    println!("{:<28} {:>10}", "dist/widget.zip", zip_len);
    say(&format!("wrote {}", zip_path.display()));
    Ok(zip_path)
}

/// Unpacks `zip` into a fresh `dest`, the way Kommo receives the archive.
pub fn extract(zip: &Path, dest: &Path) -> Result {
    if dest.exists() {
        fs::remove_dir_all(dest).map_err(|e| format!("cannot clear {}: {e}", dest.display()))?;
    }
    let file = fs::File::open(zip).map_err(|e| format!("cannot open {}: {e}", zip.display()))?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| format!("{} is not a zip: {e}", zip.display()))?;
    archive
        .extract(dest)
        .map_err(|e| format!("cannot unpack {}: {e}", zip.display()))
}

/// The bytes of `data` after gzip at the highest level: the figure budgets are written in.
pub fn gzip_len(data: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).expect("writing to memory cannot fail");
    enc.finish().map(|v| v.len()).unwrap_or(0)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Every file under `dir`, as `/`-separated paths relative to it, sorted.
fn list_files(dir: &Path) -> Result<Vec<String>> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result {
        let entries =
            fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out)?;
            } else {
                let rel = path.strip_prefix(base).expect("walked below base");
                let parts: Vec<_> = rel
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// Every rule of the widget archive from the platform facts; the first broken one is the error.
fn check(dir: &Path, files: &[String]) -> Result {
    for name in files {
        if is_text(name) {
            let bytes = read(&dir.join(name))?;
            if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                return Err(format!(
                    "{name} starts with a byte order mark; Kommo wants UTF-8 without BOM"
                ));
            }
            if std::str::from_utf8(&bytes).is_err() {
                return Err(format!("{name} is not valid UTF-8"));
            }
        }
    }
    for required in [
        "manifest.json",
        "script.js",
        "widget.js",
        "widget_bg.wasm",
        build::WASM_SCRIPT,
    ] {
        if !files.iter().any(|f| f == required) {
            return Err(format!(
                "{required} is missing from the root of the widget folder"
            ));
        }
    }

    let manifest = json(dir, "manifest.json")?;
    let widget = &manifest["widget"];
    if widget["interface_version"] != 2 {
        return Err("manifest.json: widget.interface_version must be 2".into());
    }
    let version = widget["version"].as_str().unwrap_or("");
    if version.split('.').count() != 3 || !version.split('.').all(|p| p.parse::<u32>().is_ok()) {
        return Err(format!(
            "manifest.json: widget.version `{version}` is not of the form 1.2.3"
        ));
    }
    let locations: Vec<&str> = manifest["locations"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if !locations.contains(&"lead_sources") {
        return Err(
            "manifest.json: locations must include lead_sources for the Sources API".into(),
        );
    }
    let locales: Vec<&str> = widget["locale"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if locales.is_empty() {
        return Err("manifest.json: widget.locale lists no languages".into());
    }

    check_locales(dir, &manifest, &locales)?;

    let mut images: Vec<(&str, u32, u32)> = IMAGES.to_vec();
    if locations.contains(&"digital_pipeline") {
        images.push(DP_IMAGE);
    }
    for (name, width, height) in images {
        let bytes = read(&dir.join(name)).map_err(|_| format!("{name} is missing"))?;
        if bytes.len() > MAX_PNG_BYTES {
            return Err(format!(
                "{name} is {} bytes; Kommo accepts at most {MAX_PNG_BYTES}",
                bytes.len()
            ));
        }
        let (w, h) = png_size(&bytes).ok_or_else(|| format!("{name} is not a PNG"))?;
        if (w, h) != (width, height) {
            return Err(format!(
                "{name} is {w}x{h}; Kommo wants exactly {width}x{height}"
            ));
        }
    }
    Ok(())
}

/// Each manifest locale has a file, all files have the same keys, and the manifest's keys exist.
fn check_locales(dir: &Path, manifest: &Value, locales: &[&str]) -> Result {
    let mut wanted = BTreeSet::new();
    for field in [
        "name",
        "description",
        "short_description",
        "tour_description",
    ] {
        if let Some(key) = manifest["widget"][field].as_str() {
            wanted.insert(key.to_owned());
        }
    }
    if let Some(title) = manifest["advanced"]["title"].as_str() {
        wanted.insert(title.to_owned());
    }
    if let Some(settings) = manifest["settings"].as_object() {
        wanted.extend(
            settings
                .values()
                .filter_map(|f| f["name"].as_str().map(str::to_owned)),
        );
    }

    let mut first: Option<(&str, BTreeSet<String>)> = None;
    for locale in locales {
        let name = format!("i18n/{locale}.json");
        let keys = flat_keys(&json(dir, &name)?);
        if let Some(missing) = wanted.iter().find(|k| !keys.contains(*k)) {
            return Err(format!(
                "{name} has no `{missing}`, which manifest.json names"
            ));
        }
        match &first {
            None => first = Some((locale, keys)),
            Some((other, other_keys)) => {
                if let Some(k) = other_keys.symmetric_difference(&keys).next() {
                    return Err(format!(
                        "i18n/{other}.json and {name} differ: `{k}` is in only one of them"
                    ));
                }
            }
        }
    }
    Ok(())
}

fn json(dir: &Path, name: &str) -> Result<Value> {
    let bytes = read(&dir.join(name)).map_err(|_| format!("{name} is missing"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{name} is not valid JSON: {e}"))
}

/// Dotted paths of every leaf of a JSON object: `{"a":{"b":"x"}}` gives `a.b`.
fn flat_keys(value: &Value) -> BTreeSet<String> {
    fn walk(prefix: &str, value: &Value, out: &mut BTreeSet<String>) {
        match value.as_object() {
            Some(map) => {
                for (k, v) in map {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&path, v, out);
                }
            }
            None => {
                out.insert(prefix.to_owned());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk("", value, &mut out);
    out
}

fn is_text(name: &str) -> bool {
    [".js", ".json", ".css", ".html", ".txt", ".md", ".svg"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Width and height from a PNG's IHDR chunk.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.len() < 24 || &bytes[..8] != SIGNATURE || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    Some((w, h))
}

/// Writes the files at the root of the archive, with fixed timestamps so the zip is reproducible.
fn write_zip(dir: &Path, files: &[String], out: &PathBuf) -> Result {
    let file =
        fs::File::create(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for name in files {
        zip.start_file(name.as_str(), options)
            .map_err(|e| format!("cannot add {name} to the zip: {e}"))?;
        zip.write_all(&read(&dir.join(name))?)
            .map_err(|e| format!("cannot write {name} into the zip: {e}"))?;
    }
    zip.finish()
        .map_err(|e| format!("cannot finish the zip: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_size_reads_the_header() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(130u32.to_be_bytes());
        png.extend(100u32.to_be_bytes());
        assert_eq!(png_size(&png), Some((130, 100)));
        assert_eq!(png_size(b"GIF89a not a png at all...."), None);
    }

    #[test]
    fn flat_keys_walks_nested_objects() {
        let v: Value = serde_json::json!({"widget": {"name": "A", "description": "B"}, "x": "y"});
        let keys: Vec<_> = flat_keys(&v).into_iter().collect();
        assert_eq!(keys, ["widget.description", "widget.name", "x"]);
    }

    #[test]
    fn gzip_shrinks_repetitive_data() {
        let data = vec![b'a'; 10_000];
        let len = gzip_len(&data);
        assert!(len > 0 && len < 200, "gzip of 10k equal bytes was {len}");
    }
}
