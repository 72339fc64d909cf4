//! A throwaway PostgreSQL server for the relay's tests, run from Debian's server binaries.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd::{command, describe, free_port, say, Result};
use crate::setup;

/// The variable through which the relay's tests find a server (relay/tests/common/db.rs).
pub const URL_VAR: &str = "RELAY_TEST_POSTGRES_URL";
/// The server's data folder, for the test that restarts it (relay/tests/restart.rs).
pub const DIR_VAR: &str = "RELAY_TEST_POSTGRES_DIR";
/// The folder of the server's programs (`pg_ctl`), for the same test.
pub const BIN_VAR: &str = "RELAY_TEST_POSTGRES_BIN";

/// A server in its own temporary data folder; dropping it stops the server and deletes the folder.
pub struct Server {
    /// Base URL on which the tests may `CREATE DATABASE`.
    pub url: String,
    /// The data folder, deleted on drop.
    pub dir: PathBuf,
    bin: PathBuf,
    /// Whether the server runs as the `postgres` user, because we are root.
    as_postgres: bool,
    started: bool,
}

/// Data folders are `<temp>/kommo-relay-pg-<pid of xtask>`.
const DIR_PREFIX: &str = "kommo-relay-pg-";

/// Stops and deletes servers left by runs that were interrupted (Ctrl-C skips `Drop`, and
/// pg_ctl starts the server in its own session, so it outlives them).
fn sweep(bin: &Path) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(DIR_PREFIX) else {
            continue;
        };
        // A live xtask owns its folder (another run in parallel, or this one).
        if Path::new("/proc").join(pid).exists() {
            continue;
        }
        say(&format!(
            "PostgreSQL: removing the test server of an interrupted run ({})",
            entry.path().display()
        ));
        drop(Server {
            url: String::new(),
            started: entry.path().join("postmaster.pid").exists(),
            dir: entry.path(),
            bin: bin.to_path_buf(),
            as_postgres: setup::is_root(),
        });
    }
}

/// Creates a fresh cluster and starts it on a free port of 127.0.0.1.
pub fn start() -> Result<Server> {
    let bin = setup::postgres_bin().ok_or("no /usr/lib/postgresql/*/bin/initdb")?;
    sweep(&bin);
    let dir = std::env::temp_dir().join(format!("{DIR_PREFIX}{}", std::process::id()));
    // A folder left behind by an interrupted run with the same process id would make initdb refuse.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // From here on, an early return drops `server`, which deletes the folder again.
    let mut server = Server {
        url: String::new(),
        bin,
        dir,
        as_postgres: setup::is_root(),
        started: false,
    };
    let dir = server.dir.display().to_string();
    if server.as_postgres {
        quiet(command("chown").args(["-R", "postgres:postgres", &dir]))?;
    }
    quiet(server.pg("initdb").args([
        "-D",
        &dir,
        "-U",
        "relay",
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-sync",
    ]))?;
    let port = free_port()?;
    // The socket goes into the data folder: /var/run/postgresql may not exist or be writable.
    let options = format!("-p {port} -k '{dir}' -c listen_addresses=127.0.0.1 -c fsync=off");
    let log = format!("{dir}/log");
    let mut pg_ctl = server.pg("pg_ctl");
    pg_ctl.args(["-D", &dir, "-l", &log, "-w", "-o", &options, "start"]);
    // pg_ctl only says "could not start server"; the server's log says why.
    quiet(&mut pg_ctl).map_err(|e| format!("{e}; server log: {}", last_log_line(&log)))?;
    server.started = true;
    server.url = format!("postgres://relay@127.0.0.1:{port}/postgres");
    Ok(server)
}

impl Server {
    /// The folder of the server's programs.
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    /// The PostgreSQL version, from its folder name (`/usr/lib/postgresql/<version>/bin`).
    pub fn version(&self) -> String {
        let name = self
            .bin
            .parent()
            .and_then(Path::file_name)
            .unwrap_or_default();
        name.to_string_lossy().into_owned()
    }

    /// One of the server's programs, run as `postgres` when we are root (initdb and postgres
    /// refuse to run as root; Debian's package creates that user).
    fn pg(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        let mut cmd = if self.as_postgres {
            let mut runuser = command("runuser");
            runuser.args(["-u", "postgres", "--"]).arg(program);
            runuser
        } else {
            command(program)
        };
        // The repository may not be readable by `postgres`; the data folder is.
        cmd.current_dir(&self.dir);
        cmd
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.started {
            // `fast` ends connections the tests left open instead of waiting for them.
            let mut stop = self.pg("pg_ctl");
            stop.arg("-D")
                .arg(&self.dir)
                .args(["-m", "fast", "-w", "stop"]);
            if let Err(e) = quiet(&mut stop) {
                say(&format!("warning: PostgreSQL test server: {e}"));
            }
        }
        if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            say(&format!(
                "warning: cannot remove {}: {e}",
                self.dir.display()
            ));
        }
    }
}

/// Runs a command with its output captured (initdb is chatty); a failure says its first error.
fn quiet(cmd: &mut Command) -> Result {
    let shown = describe(cmd);
    let out = cmd
        .output()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    // The first line is the error; hints follow it.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr.lines().map(str::trim).find(|l| !l.is_empty());
    Err(format!(
        "`{shown}` failed ({}): {}",
        out.status,
        first.unwrap_or("no message")
    ))
}

/// The last line of the server's log, where it says why it did not start.
fn last_log_line(log: &str) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let last = text.lines().map(str::trim).rev().find(|l| !l.is_empty());
    last.unwrap_or("empty").to_owned()
}
