//! `cargo xtask build`: compiles the widget to wasm and assembles the folder that ships.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::{command, path_with_cargo_bin, root, run, say, Result};
use crate::names;
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
            "--target",
            "web",
            "--release",
            "--no-typescript",
            "--no-pack",
        ])
        .arg("--out-dir")
        .arg(&out)
        .args(["--out-name", "widget"])
        // The shipped module is `no_std` with a panic handler that traps (Cargo.toml).
        .args(["--", "--features", "bundle"]))?;
    check_table_export(&out.join("widget_bg.wasm"))?;
    let saved = names::shorten(&out.join("widget_bg.wasm"), &out.join("widget.js"))?;
    say(&format!(
        "import and export names shortened: {saved} bytes less wasm"
    ));
    assemble(&out, &widget_dir())?;
    say(&format!("widget assembled in {}", widget_dir().display()));
    Ok(widget_dir())
}

/// Builds the sandbox (debug profile) and returns its binary.
pub fn sandbox() -> Result<PathBuf> {
    say("building the sandbox");
    run(command("cargo").args([
        "build",
        "--quiet",
        "-p",
        "sandbox",
        "--bin",
        "kommo-sandbox",
    ]))?;
    Ok(root().join("target/debug/kommo-sandbox"))
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
    // JS that Rust code inlines (`#[wasm_bindgen(inline_js)]`): widget.js imports it from here.
    let snippets = pkg.join("snippets");
    if snippets.is_dir() {
        copy_tree(&snippets, &dest.join("snippets"))?;
    }
    Ok(())
}

/// Files under `widget/` that are sources for assets, not assets.
fn is_shipped(name: &str) -> bool {
    !(name.ends_with(".py") || name.starts_with('.') || name.eq_ignore_ascii_case("README.md"))
}

fn copy_tree(from: &Path, to: &Path) -> Result {
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

/// The export wasm-bindgen's glue reads its externref table from.
const EXTERNREF_EXPORT: &str = "__wbindgen_externrefs";

/// Makes sure `__wbindgen_externrefs` exports the module's externref table.
///
/// binaryen 108 (Debian's wasm-opt) renumbers tables and leaves that export on the function
/// table; the glue then fails at start. The pinned wasm-opt does not, but a module built
/// with another one is repaired here, in the build, so the loader can compile it streaming
/// and as served.
fn check_table_export(wasm: &Path) -> Result {
    let mut bytes = fs::read(wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
    match fix_table_export(&mut bytes)? {
        Fix::Correct => Ok(()),
        Fix::Repointed { from, to } => {
            say(&format!(
                "{EXTERNREF_EXPORT} exported table {from}, a function table: repointed to the externref table {to}"
            ));
            fs::write(wasm, &bytes).map_err(|e| format!("cannot write {}: {e}", wasm.display()))
        }
    }
}

/// What [`fix_table_export`] found.
#[derive(Debug, PartialEq, Eq)]
enum Fix {
    /// The export already names an externref table (or there is none to name).
    Correct,
    /// The export named table `from`; it now names `to`.
    Repointed { from: u32, to: u32 },
}

/// Reads the byte at `*at`, moving past it.
pub(crate) fn byte(b: &[u8], at: &mut usize) -> Result<u8> {
    let v = *b.get(*at).ok_or("the wasm module ends early")?;
    *at += 1;
    Ok(v)
}

/// Reads one unsigned LEB128 number at `*at`, moving past it.
pub(crate) fn leb(b: &[u8], at: &mut usize) -> Result<u32> {
    let (mut value, mut shift) = (0u64, 0);
    loop {
        let next = byte(b, at)?;
        value |= u64::from(next & 0x7f) << shift;
        if next & 0x80 == 0 {
            return u32::try_from(value)
                .map_err(|_| "a number in the wasm module is too large".into());
        }
        shift += 7;
        if shift > 35 {
            return Err("a number in the wasm module is too long".into());
        }
    }
}

/// Points the `__wbindgen_externrefs` table export at the first externref table when it
/// names another one. Only a one-byte index is rewritten in place, so no size changes.
fn fix_table_export(b: &mut [u8]) -> Result<Fix> {
    const TABLE: u8 = 4;
    const EXPORT: u8 = 7;
    const EXTERNREF: u8 = 0x6f;
    const KIND_TABLE: u8 = 1;
    if b.get(..4) != Some(b"\0asm") {
        return Err("not a wasm module".into());
    }
    // Tables imported before the table section count first; the module imports none.
    let mut externref: Option<u32> = None;
    let mut at = 8;
    while at < b.len() {
        let id = byte(b, &mut at)?;
        let size = leb(b, &mut at)? as usize;
        let end = at + size;
        if end > b.len() {
            return Err("a wasm section runs past the end of the module".into());
        }
        if id == TABLE {
            let mut p = at;
            for k in 0..leb(b, &mut p)? {
                let ty = byte(b, &mut p)?;
                let flags = byte(b, &mut p)?;
                leb(b, &mut p)?;
                if flags & 1 != 0 {
                    leb(b, &mut p)?;
                }
                if ty == EXTERNREF && externref.is_none() {
                    externref = Some(k);
                }
            }
        } else if id == EXPORT {
            let Some(want) = externref else {
                return Ok(Fix::Correct);
            };
            let mut p = at;
            for _ in 0..leb(b, &mut p)? {
                let len = leb(b, &mut p)? as usize;
                let name = b
                    .get(p..p + len)
                    .ok_or("an export name runs past its section")?;
                p += len;
                let kind = byte(b, &mut p)?;
                let index_at = p;
                let index = leb(b, &mut p)?;
                if kind == KIND_TABLE && name == EXTERNREF_EXPORT.as_bytes() && index != want {
                    // Both indices are below 128 here: one byte each, rewritten in place.
                    if p != index_at + 1 || want >= 128 {
                        return Err(format!(
                            "{EXTERNREF_EXPORT} names table {index}, not the externref table {want}, and cannot be fixed in place"
                        ));
                    }
                    b[index_at] = want as u8;
                    return Ok(Fix::Repointed {
                        from: index,
                        to: want,
                    });
                }
            }
            return Ok(Fix::Correct);
        }
        at = end;
    }
    Ok(Fix::Correct)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with a funcref table 0, an externref table 1, and the export naming `export`.
    fn module(export: u8) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        // table section: 2 tables: funcref min 1, externref min 2 max 3
        m.extend([4, 8, 2, 0x70, 0, 1, 0x6f, 1, 2, 3]);
        let name = EXTERNREF_EXPORT.as_bytes();
        let mut exports = vec![1, name.len() as u8];
        exports.extend(name);
        exports.extend([1, export]);
        m.push(7);
        m.push(exports.len() as u8);
        m.extend(exports);
        m
    }

    #[test]
    fn a_function_table_export_is_repointed_to_the_externref_table() {
        let mut m = module(0);
        assert_eq!(
            fix_table_export(&mut m).unwrap(),
            Fix::Repointed { from: 0, to: 1 }
        );
        assert_eq!(m, module(1));
        assert_eq!(fix_table_export(&mut m).unwrap(), Fix::Correct);
    }

    #[test]
    fn a_correct_module_is_left_alone_and_garbage_is_refused() {
        let mut m = module(1);
        assert_eq!(fix_table_export(&mut m).unwrap(), Fix::Correct);
        assert_eq!(m, module(1));
        assert!(fix_table_export(&mut b"not wasm".to_vec()).is_err());
        let mut cut = module(0);
        cut.truncate(14);
        assert!(fix_table_export(&mut cut).is_err());
    }
}
