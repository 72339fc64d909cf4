//! Running other programs, finding tools, and telling the person at the terminal what happens.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What every task returns: on failure, one sentence for the person at the terminal.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root: the folder above this crate.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one folder below the repository root")
        .to_path_buf()
}

/// Prints one line about what the task is doing.
pub fn say(msg: &str) {
    eprintln!("xtask: {msg}");
}

/// Cargo's own binary folder, where `cargo install` puts tools.
pub fn cargo_bin_dir() -> PathBuf {
    match env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home).join("bin"),
        None => PathBuf::from(env::var_os("HOME").unwrap_or_default()).join(".cargo/bin"),
    }
}

/// `PATH` with cargo's binary folder first, so freshly installed tools are found by every child.
pub fn path_with_cargo_bin() -> OsString {
    let mut dirs = vec![cargo_bin_dir()];
    if let Some(path) = env::var_os("PATH") {
        dirs.extend(env::split_paths(&path));
    }
    env::join_paths(dirs).unwrap_or_default()
}

/// Finds an executable on `PATH` or in cargo's binary folder.
pub fn which(name: &str) -> Option<PathBuf> {
    env::split_paths(&path_with_cargo_bin())
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// A command run from the repository root with cargo's binary folder on `PATH`.
pub fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root()).env("PATH", path_with_cargo_bin());
    cmd
}

/// Runs a command with its output shown; fails with a sentence naming it.
pub fn run(cmd: &mut Command) -> Result {
    let shown = describe(cmd);
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs a command quietly and returns its standard output when it succeeds.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The command line as the person would type it, for messages.
pub fn describe(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// A parser for a count option that must be at least `min`, for clap's `value_parser`.
pub fn at_least(min: usize) -> impl Fn(&str) -> Result<usize> + Clone + Send + Sync + 'static {
    move |s| {
        s.parse()
            .ok()
            .filter(|n| *n >= min)
            .ok_or_else(|| format!("needs a number of at least {min}"))
    }
}

/// A port nobody listens on right now; a server binds it a moment later.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))
}
