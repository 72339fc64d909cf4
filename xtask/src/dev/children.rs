//! The servers `dev` starts, stopped however `dev` ends: on return, on a panic, and on a
//! signal to xtask alone (SIGTERM from a supervisor or `kill`, SIGHUP from a closed terminal),
//! whose default action would end xtask without running any destructor.

use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use signal_hook::consts::{SIGHUP, TERM_SIGNALS};
use signal_hook::iterator::Signals;

use crate::cmd::{say, Result};

/// The running children; `None` once they have been stopped, so none starts after.
type List = Arc<Mutex<Option<Vec<Child>>>>;

/// The children of `dev`, stopped when this drops or when xtask gets a terminating signal.
pub struct Children {
    list: List,
    /// The signal watch, closed on drop; `None` when nothing watches (in tests).
    signals: Option<signal_hook::iterator::Handle>,
}

impl Children {
    /// Starts watching for signals; from here on a signal stops every child, then xtask.
    pub fn new() -> Result<Children> {
        let list: List = Arc::new(Mutex::new(Some(Vec::new())));
        let mut signals = Signals::new(TERM_SIGNALS.iter().chain([&SIGHUP]))
            .map_err(|e| format!("cannot watch for signals: {e}"))?;
        let handle = signals.handle();
        let watched = Arc::clone(&list);
        thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                say(&format!("signal {signal}: stopping the servers"));
                stop(&watched);
                // What a shell reports for a process that a signal ended.
                std::process::exit(128 + signal);
            }
        });
        Ok(Children {
            list,
            signals: Some(handle),
        })
    }

    /// Spawns `cmd` with its output piped and returns that output. The spawn happens under
    /// the lock a signal takes, so no child can start unrecorded and outlive xtask.
    pub fn spawn(&self, cmd: &mut Command, name: &str) -> Result<ChildStdout> {
        let mut list = lock(&self.list);
        let list = list
            .as_mut()
            .ok_or_else(|| format!("not starting {name}: dev is stopping"))?;
        let mut child = cmd
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {name}: {e}"))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        list.push(child);
        Ok(stdout)
    }

    /// Waits for the child started last to exit. It polls rather than blocks on the lock, so
    /// that a signal meanwhile can still stop every child.
    pub fn wait_last(&self) -> Result<ExitStatus> {
        loop {
            if let Some(child) = lock(&self.list).as_mut().and_then(|l| l.last_mut()) {
                if let Some(status) = child
                    .try_wait()
                    .map_err(|e| format!("lost a child process: {e}"))?
                {
                    return Ok(status);
                }
            } else {
                // Only a signal empties the list while `dev` waits, and its watcher is ending
                // the process: nothing is left to report.
                loop {
                    thread::park();
                }
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        if let Some(signals) = &self.signals {
            signals.close();
        }
        stop(&self.list);
    }
}

/// Kills and reaps every child; later spawns are refused.
fn stop(list: &List) {
    for mut child in lock(list).take().unwrap_or_default() {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The list, even if a thread panicked while holding it: stopping children matters more.
fn lock(list: &List) -> MutexGuard<'_, Option<Vec<Child>>> {
    list.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running(pid: u32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z "))
    }

    #[test]
    fn dropping_stops_every_child_and_no_spawn_follows() {
        let list: List = Arc::new(Mutex::new(Some(Vec::new())));
        let children = Children {
            list: Arc::clone(&list),
            signals: None,
        };
        children
            .spawn(Command::new("sleep").arg("30"), "sleep")
            .unwrap();
        let pid = lock(&list).as_ref().unwrap()[0].id();
        assert!(running(pid));
        drop(children);
        assert!(!running(pid));
        assert!(lock(&list).is_none());
    }
}
