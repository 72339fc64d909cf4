//! `cargo xtask build`: compiles the widget to wasm and assembles the folder that ships.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::{command, path_with_cargo_bin, root, run, say, Result};
use crate::setup::{self, Need};

/// Where wasm-pack writes the glue and the `.wasm`.
pub fn pkg_dir() -> PathBuf {
    root().join("target/wasm-pkg")
}

/// The assembled widget folder: exactly what goes into `widget.zip`.
pub fn widget_dir() -> PathBuf {
    root().join("target/widget")
}

/// Whether the widget's own files exist yet (its loader is what the host runs).
pub fn widget_exists() -> bool {
    root().join("widget/script.js").is_file()
}

/// Builds the wasm in release mode and assembles `target/widget/`; returns that folder.
pub fn widget() -> Result<PathBuf> {
    setup::ensure(&[Need::Wasm])?;
    say(&format!(
        "building the widget to wasm (release profile, binaryen {}'s wasm-opt -Oz)",
        setup::BINARYEN_VERSION
    ));
    let out = pkg_dir();
    // wasm-pack runs the first wasm-opt on PATH: the pinned one, not a system binaryen.
    let mut path = vec![setup::wasm_opt_dir()];
    path.extend(std::env::split_paths(&path_with_cargo_bin()));
    let path = std::env::join_paths(path).map_err(|e| format!("cannot build PATH: {e}"))?;
    run(command("wasm-pack")
        .env("PATH", path)
        .args([
            "build",
            // A classic script, not an ES module: it loads through RequireJS as script.js
            // does, which needs no CORS when the widget's files are on another origin.
            "--target",
            "no-modules",
            "--release",
            "--no-typescript",
            "--no-pack",
        ])
        .arg("--out-dir")
        .arg(&out)
        .args(["--out-name", "widget"]))?;
    assemble(&out, &widget_dir())?;
    say(&format!("widget assembled in {}", widget_dir().display()));
    Ok(widget_dir())
}

/// Builds the sandbox (debug profile) and returns its binary.
pub fn sandbox() -> Result<PathBuf> {
    debug_bin("sandbox", "kommo-sandbox")
}

/// Builds the relay (debug) and returns its binary.
pub fn relay() -> Result<PathBuf> {
    debug_bin("relay", "kommo-relay")
}

fn debug_bin(package: &str, bin: &str) -> Result<PathBuf> {
    say(&format!("building {bin}"));
    run(command("cargo").args(["build", "--quiet", "-p", package, "--bin", bin]))?;
    Ok(root().join("target/debug").join(bin))
}

/// Copies the manifest, `widget/` and the wasm-pack output into one folder.
fn assemble(pkg: &Path, dest: &Path) -> Result {
    if dest.exists() {
        fs::remove_dir_all(dest).map_err(|e| format!("cannot clear {}: {e}", dest.display()))?;
    }
    copy_tree(&root().join("widget"), dest)?;
    copy(&root().join("manifest.json"), &dest.join("manifest.json"))?;
    for file in ["widget.js", "widget_bg.wasm"] {
        copy(&pkg.join(file), &dest.join(file))?;
    }
    bytes_script(&dest.join("widget_bg.wasm"), &dest.join(WASM_SCRIPT))
}

/// The file that carries the wasm's bytes as an AMD module, for a page that may not fetch them.
pub const WASM_SCRIPT: &str = "widget_bg.wasm.js";

/// Writes the wasm's bytes as an AMD module whose value is their base64 text: a page whose
/// `fetch` of the `.wasm` is refused (another origin without CORS headers) loads this with
/// RequireJS, which needs no CORS. The wasm itself is left as wasm-pack made it.
fn bytes_script(wasm: &Path, out: &Path) -> Result {
    use base64::Engine as _;
    let bytes = fs::read(wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    let script = format!("define(function () {{ return \"{text}\"; }});\n");
    fs::write(out, script).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

/// Files under `widget/` that are sources for assets, not assets.
fn is_shipped(name: &str) -> bool {
    !(name.ends_with(".py") || name.starts_with('.') || name.eq_ignore_ascii_case("README.md"))
}

/// Copies the folder `from` into `to`, recursively.
pub fn copy_tree(from: &Path, to: &Path) -> Result {
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    if !from.is_dir() {
        return Ok(());
    }
    let entries = fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(&*name))?;
        } else if is_shipped(&name) {
            copy(&path, &to.join(&*name))?;
        }
    }
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}
