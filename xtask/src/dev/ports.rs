//! The addresses `dev`'s servers listen on, checked before anything is built.

use std::net::TcpListener;

use crate::cmd::Result;

/// One server `dev` starts: where it listens and the option that moves it.
#[derive(Debug, Clone, Copy)]
pub struct Port<'a> {
    /// `host:port`.
    pub addr: &'a str,
    /// The server, as the messages name it.
    pub server: &'static str,
    /// The option of `cargo xtask dev` that moves it.
    pub option: &'static str,
}

/// Fails, naming the address and the option that moves it, when a server could not listen
/// where it is told to: a second `dev` stops here at once instead of after minutes of building.
pub fn check_free(ports: &[Port]) -> Result {
    // Held until every address is tried, so the same port given twice is caught too.
    let mut held = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        if let Some(other) = ports[..i].iter().find(|o| o.addr == port.addr) {
            return Err(format!(
                "{} and {} are both told to listen on {}: move one with {} ADDR",
                other.server, port.server, port.addr, port.option
            ));
        }
        match TcpListener::bind(port.addr) {
            Ok(listener) => held.push(listener),
            Err(e) => {
                return Err(format!(
                    "cannot listen on {} for {} ({e}): stop what uses it (a `cargo xtask dev` \
                     already running?) or move {} with {} ADDR",
                    port.addr, port.server, port.server, port.option
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port<'a>(addr: &'a str, option: &'static str) -> Port<'a> {
        Port {
            addr,
            server: "the relay",
            option,
        }
    }

    #[test]
    fn a_taken_port_is_named_with_the_option_that_moves_it() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = taken.local_addr().unwrap().to_string();
        let err = check_free(&[port(&addr, "--relay-addr")]).unwrap_err();
        assert!(err.contains(&addr) && err.contains("--relay-addr"), "{err}");
    }

    #[test]
    fn a_free_address_passes() {
        // Port 0 always binds; a port freed by a test may be taken again by another at once.
        assert_eq!(check_free(&[port("127.0.0.1:0", "--relay-addr")]), Ok(()));
    }

    #[test]
    fn the_same_address_given_twice_is_refused() {
        let free = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = free.local_addr().unwrap().to_string();
        drop(free);
        let err = check_free(&[port(&addr, "--addr"), port(&addr, "--relay-addr")]).unwrap_err();
        assert!(
            err.contains("both") && err.contains("--relay-addr"),
            "{err}"
        );
    }
}
