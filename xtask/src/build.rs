//! `cargo xtask build`: compiles the widget to wasm and assembles the folder that ships.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use sha2::{Digest, Sha256};

use crate::cmd::{command, output, root, run, say, Result};
use crate::setup::{self, Need};

/// wasm-opt's flags for the release module: `-Oz` favours size, like `opt-level = "z"`.
pub const WASM_OPT_FLAGS: &[&str] = &["-Oz"];
/// Optimised modules kept in the cache; older ones go.
const CACHE_KEEP: usize = 8;

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
        "building the widget to wasm (release profile, binaryen {}'s wasm-opt {})",
        setup::BINARYEN_VERSION,
        WASM_OPT_FLAGS.join(" ")
    ));
    let out = pkg_dir();
    wasm_pack(&out)?;
    optimise(&out.join("widget_bg.wasm"), WASM_OPT_FLAGS)?;
    assemble(&out, &widget_dir())?;
    say(&format!("widget assembled in {}", widget_dir().display()));
    Ok(widget_dir())
}

/// `wasm-pack build` of the release module and its glue into `out`, not yet optimised.
pub fn wasm_pack(out: &Path) -> Result {
    // Cargo.toml turns wasm-pack's own wasm-opt off: `widget` runs it, where its output can be
    // kept for the next build of the same module.
    run(command("wasm-pack")
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
        .arg(out)
        .args(["--out-name", "widget"]))
}

/// Runs the pinned wasm-opt over `wasm` in place, as wasm-pack did (`wasm-opt IN -o TMP
/// FLAGS`, then TMP renamed over IN), or takes its earlier output for the same module, flags
/// and wasm-opt from `target/wasm-opt-cache`: it takes seconds and the module rarely changes.
pub fn optimise(wasm: &Path, flags: &[&str]) -> Result {
    let wasm_opt = setup::wasm_opt_dir().join("wasm-opt");
    let version = output(command(&wasm_opt).arg("--version"))
        .ok_or_else(|| format!("`{} --version` failed", wasm_opt.display()))?;
    let module = fs::read(wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
    let cache = root().join("target/wasm-opt-cache");
    let key = cache_key(&module, flags, &version);
    let cached = cache.join(format!("{key}.wasm"));
    if cached.is_file() {
        copy(&cached, wasm)?;
        // Recently used entries are the ones pruning keeps.
        let _ = fs::File::options()
            .append(true)
            .open(&cached)
            .and_then(|f| f.set_modified(SystemTime::now()));
        say("wasm-opt: the module is unchanged, its optimised copy comes from target/wasm-opt-cache");
        return Ok(());
    }
    let started = Instant::now();
    let tmp = wasm.with_extension("wasm-opt.wasm");
    run(command(&wasm_opt).arg(wasm).arg("-o").arg(&tmp).args(flags))?;
    say(&format!(
        "wasm-opt {}: {:.1} s",
        flags.join(" "),
        started.elapsed().as_secs_f64()
    ));
    if let Err(e) = store(&tmp, &cache, &cached) {
        say(&format!("wasm-opt's output is not cached: {e}"));
    }
    fs::rename(&tmp, wasm)
        .map_err(|e| format!("cannot move {} to {}: {e}", tmp.display(), wasm.display()))
}

/// The cache's name for wasm-opt's output: a SHA-256 over the input module, the flags and
/// wasm-opt's `--version`, each length-prefixed, so a change to any of them runs wasm-opt again.
fn cache_key(module: &[u8], flags: &[&str], version: &str) -> String {
    let mut hash = Sha256::new();
    for part in [
        module,
        flags.join("\0").as_bytes(),
        version.trim().as_bytes(),
    ] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Puts `file` into `cache` as `entry` (whole or not at all), then prunes to [`CACHE_KEEP`].
fn store(file: &Path, cache: &Path, entry: &Path) -> Result {
    fs::create_dir_all(cache).map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
    let part = entry.with_extension("part");
    copy(file, &part)?;
    fs::rename(&part, entry).map_err(|e| format!("cannot write {}: {e}", entry.display()))?;
    let mut entries: Vec<(SystemTime, PathBuf)> = fs::read_dir(cache)
        .map_err(|e| format!("cannot read {}: {e}", cache.display()))?
        .filter_map(|e| {
            let path = e.ok()?.path();
            let modified = path.metadata().ok()?.modified().ok()?;
            (path.extension()? == "wasm").then_some((modified, path))
        })
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (_, old) in entries.into_iter().skip(CACHE_KEEP) {
        let _ = fs::remove_file(old);
    }
    Ok(())
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
/// RequireJS, which needs no CORS. The wasm itself is left as wasm-opt made it.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_key_follows_the_module_the_flags_and_wasm_opt() {
        let key = cache_key(b"\0asm", &["-Oz"], "wasm-opt version 132 (version_132)\n");
        assert_eq!(key.len(), 64);
        assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(
            key,
            cache_key(b"\0asm", &["-Oz"], "wasm-opt version 132 (version_132)")
        );
        for other in [
            cache_key(b"\0asm\x01", &["-Oz"], "wasm-opt version 132 (version_132)"),
            cache_key(b"\0asm", &["-Os"], "wasm-opt version 132 (version_132)"),
            cache_key(b"\0asm", &["-O", "z"], "wasm-opt version 132 (version_132)"),
            cache_key(b"\0asm", &["-Oz"], "wasm-opt version 133 (version_133)"),
        ] {
            assert_ne!(key, other);
        }
    }
}
