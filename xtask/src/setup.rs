//! `cargo xtask setup`: installs what is missing, idempotently, and says what it does.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cmd::{command, output, root, run, say, which, Result};

/// A group of tools a task needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The wasm32 target, wasm-pack, the wasm-bindgen CLI at the locked version and binaryen's
    /// wasm-opt at [`BINARYEN_VERSION`] (from npm).
    Wasm,
    /// Debian's Chromium and ChromeDriver.
    Browser,
    /// Node packages for the host page and the browser tests (`npm ci`).
    Node,
    /// Debian's PostgreSQL server binaries.
    ///
    /// Optional: without them the relay's PostgreSQL tests skip themselves, so `cargo xtask
    /// setup` only warns when they cannot be installed and `cargo xtask test` skips that layer.
    Postgres,
    /// twiggy, which tells where the module's bytes go (`cargo xtask bench` only).
    Twiggy,
}

/// Everything `cargo xtask setup` installs.
pub const ALL: &[Need] = &[Need::Wasm, Need::Browser, Need::Node, Need::Postgres];

/// The wasm target every build needs.
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Makes sure every tool in `needs` is present, installing what is missing.
pub fn ensure(needs: &[Need]) -> Result {
    for need in needs {
        match need {
            Need::Wasm => wasm()?,
            Need::Browser => browser()?,
            Need::Node => node()?,
            Need::Postgres => postgres()?,
            Need::Twiggy => twiggy()?,
        }
    }
    Ok(())
}

/// twiggy, from crates.io.
fn twiggy() -> Result {
    if which("twiggy").is_some() {
        say("twiggy: present");
        return Ok(());
    }
    say("twiggy: installing from crates.io (about 2 minutes)");
    run(command("cargo").args(["install", "twiggy", "--locked"]))
}

/// The wasm32 target, wasm-pack, wasm-bindgen-cli and binaryen's wasm-opt.
fn wasm() -> Result {
    let installed = output(command("rustup").args(["target", "list", "--installed"]))
        .ok_or("rustup is not available: install Rust with rustup (https://rustup.rs), then run this again")?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        say(&format!("{WASM_TARGET} target: present"));
    } else {
        say(&format!("{WASM_TARGET} target: installing with rustup"));
        run(command("rustup").args(["target", "add", WASM_TARGET]))?;
    }

    if which("wasm-pack").is_some() {
        say("wasm-pack: present");
    } else {
        say("wasm-pack: installing from crates.io (about 2 minutes)");
        run(command("cargo").args(["install", "wasm-pack", "--locked"]))?;
    }

    let wanted = locked_version("wasm-bindgen")?;
    let have = which("wasm-bindgen")
        .and_then(|p| output(command(p).arg("--version")))
        .and_then(|v| v.split_whitespace().nth(1).map(str::to_owned));
    if have.as_deref() == Some(wanted.as_str()) {
        say(&format!("wasm-bindgen CLI {wanted}: present"));
    } else {
        say(&format!(
            "wasm-bindgen CLI {wanted}: installing from crates.io to match Cargo.lock (about 2 minutes)"
        ));
        let install = |locked: bool| {
            let mut cargo = command("cargo");
            cargo.args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &wanted,
                "--force",
            ]);
            if locked {
                cargo.arg("--locked");
            }
            run(&mut cargo)
        };
        // The CLI's own lock file can name a dependency version the registry no longer offers.
        if install(true).is_err() {
            say("wasm-bindgen CLI: its locked dependencies are unavailable; installing with fresh ones");
            install(false)?;
        }
    }

    binaryen()
}

/// The binaryen release whose wasm-opt the build uses (npm package `binaryen`).
///
/// Debian's binaryen 108 points wasm-bindgen's externref table export at the function
/// table, and its `-Oz` output is about 1 KB gzip larger; the npm package runs the same
/// wasm-opt as JS and WebAssembly on any machine with Node.js.
pub const BINARYEN_VERSION: &str = "132.0.0";

/// Where `binaryen` is installed for this project (outside `node_modules`, which the
/// browser tests' `npm ci` owns).
fn binaryen_prefix() -> PathBuf {
    root().join("target/tools/binaryen")
}

/// The folder holding the pinned `wasm-opt`, to put first on `PATH` for wasm-pack.
pub fn wasm_opt_dir() -> PathBuf {
    binaryen_prefix().join("node_modules/.bin")
}

/// The pinned binaryen from npm, installed when missing or at another version.
fn binaryen() -> Result {
    let manifest = binaryen_prefix().join("node_modules/binaryen/package.json");
    let have = std::fs::read_to_string(&manifest).ok().and_then(|text| {
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        v["version"].as_str().map(str::to_owned)
    });
    if have.as_deref() == Some(BINARYEN_VERSION) && wasm_opt_dir().join("wasm-opt").is_file() {
        say(&format!("wasm-opt (binaryen {BINARYEN_VERSION}): present"));
        return Ok(());
    }
    if which("npm").is_none() {
        return Err(format!(
            "npm is not installed: install Node.js 20 or newer with npm (the build runs binaryen {BINARYEN_VERSION}'s wasm-opt from npm), then run this again"
        ));
    }
    say(&format!(
        "wasm-opt: installing binaryen {BINARYEN_VERSION} from npm into {}",
        binaryen_prefix().display()
    ));
    std::fs::create_dir_all(binaryen_prefix())
        .map_err(|e| format!("cannot create {}: {e}", binaryen_prefix().display()))?;
    run(command("npm")
        .arg("install")
        .arg("--prefix")
        .arg(binaryen_prefix())
        .args(["--no-audit", "--no-fund", "--no-save"])
        .arg(format!("binaryen@{BINARYEN_VERSION}")))
}

/// Chromium and its matching ChromeDriver, from Debian.
fn browser() -> Result {
    if chromium().is_some() && chromedriver().is_some() {
        say("chromium and chromedriver: present");
        return Ok(());
    }
    apt_install(
        &["chromium", "chromium-driver"],
        "Chromium and ChromeDriver (Debian packages chromium and chromium-driver)",
    )
}

/// Where Debian's Chromium is.
pub fn chromium() -> Option<PathBuf> {
    which("chromium").or_else(|| existing("/usr/bin/chromium"))
}

/// Where Debian's ChromeDriver is.
pub fn chromedriver() -> Option<PathBuf> {
    which("chromedriver").or_else(|| existing("/usr/bin/chromedriver"))
}

/// Debian's PostgreSQL server binaries, installed when no version is present.
fn postgres() -> Result {
    if let Some(bin) = postgres_bin() {
        say(&format!("PostgreSQL server: present ({})", bin.display()));
        return Ok(());
    }
    apt_install(
        &["postgresql"],
        "PostgreSQL server (Debian package postgresql)",
    )
}

/// The `bin` folder of the newest Debian PostgreSQL server: `/usr/lib/postgresql/<version>/bin`.
pub fn postgres_bin() -> Option<PathBuf> {
    // Compare versions as numbers, so that 10 wins over 9.6.
    let version = |bin: &PathBuf| -> Vec<u32> {
        let name = bin.parent().and_then(Path::file_name).unwrap_or_default();
        let name = name.to_string_lossy();
        name.split('.').map(|p| p.parse().unwrap_or(0)).collect()
    };
    std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").is_file())
        .max_by_key(version)
}

fn existing(path: &str) -> Option<PathBuf> {
    Path::new(path).is_file().then(|| PathBuf::from(path))
}

/// Node packages, reinstalled with `npm ci` whenever `package-lock.json` changed.
fn node() -> Result {
    if which("npm").is_none() {
        return Err(
            "npm is not installed: install Node.js 20 or newer with npm, then run this again"
                .into(),
        );
    }
    let lock = root().join("package-lock.json");
    let stamp = root().join("node_modules/.package-lock.json");
    let fresh = match (modified(&lock), modified(&stamp)) {
        (Some(l), Some(s)) => s >= l,
        _ => false,
    };
    if fresh {
        say("node packages: present");
        return Ok(());
    }
    say("node packages: installing with npm ci (no browser is downloaded)");
    run(command("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    path.metadata().and_then(|m| m.modified()).ok()
}

/// The version of a package as locked in `Cargo.lock`.
pub fn locked_version(package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let header = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == header {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(v.trim_matches('"').to_owned());
            }
        }
    }
    Err(format!("Cargo.lock has no {package} package"))
}

static APT_UPDATED: AtomicBool = AtomicBool::new(false);

/// Whether this process runs as root.
pub fn is_root() -> bool {
    output(command("id").arg("-u")).is_some_and(|uid| uid.trim() == "0")
}

/// Installs Debian packages when this is Debian and we are root; otherwise says what to install.
fn apt_install(packages: &[&str], what: &str) -> Result {
    let debian = Path::new("/etc/debian_version").exists() && which("apt-get").is_some();
    if !(is_root() && debian) {
        return Err(format!(
            "{what} is missing and can only be installed automatically on Debian as root: install {} yourself, then run this again",
            packages.join(" ")
        ));
    }
    say(&format!("{what}: installing with apt-get"));
    if !APT_UPDATED.swap(true, Ordering::SeqCst) {
        run(command("apt-get").args(["update", "-q"]))?;
    }
    run(command("apt-get")
        .args(["install", "-y", "-q"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Runs every part of setup; a missing PostgreSQL is only a warning (see [`Need::Postgres`]).
pub fn all() -> Result {
    for &need in ALL {
        match ensure(&[need]) {
            Err(e) if need == Need::Postgres => say(&format!(
                "warning: {e} (until then the relay's PostgreSQL tests are skipped)"
            )),
            done => done?,
        }
    }
    say("setup complete");
    Ok(())
}
