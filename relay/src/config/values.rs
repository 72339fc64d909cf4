//! The setting values that carry a meaning of their own: secrets that never print, and the
//! pace every relay keeps towards an account.

use std::fmt;

/// A value that must never be printed: its `Debug` says only that it is hidden.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(hidden)")
    }
}

/// The 32-byte key that encrypts tokens at rest; its `Debug` hides it too.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(pub [u8; 32]);

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(hidden)")
    }
}

/// How hard all relays together push one account's Kommo: at most `per_second` calls in any
/// sliding second (Kommo allows 7), and a burst waits in line for up to `queue_secs` seconds'
/// worth of calls before more are refused with 429.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Calls per sliding second towards one account; 0 turns pacing off.
    pub per_second: u32,
    /// Seconds' worth of calls one relay queues for an account before it answers 429.
    pub queue_secs: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_second: 7,
            queue_secs: 5,
        }
    }
}
