//! The settings modal's Save: what it refuses, on which field, before Kommo stores the
//! settings (Kommo's `onSave` may refuse by answering `false`).

use super::state::{Conn, State};
use crate::i18n::T;
use crate::lenient;
use serde::Deserialize;

/// The most sources the limit setting may name.
pub const MAX_LIMIT: u32 = 1000;

/// A widget setting that Save can be refused on, by its name in the manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    /// `token`: the long-lived token (direct mode).
    Token,
    /// `limit`: the most sources the integration may have.
    Limit,
}

impl Setting {
    /// Its name in the manifest and in the modal's form.
    pub fn name(self) -> &'static str {
        match self {
            Setting::Token => "token",
            Setting::Limit => "limit",
        }
    }
}

/// The settings as Save hands them over (`fields` of `onSave`'s argument); Kommo may send
/// numbers as numbers, so each is read leniently as text.
#[derive(Clone, Default, PartialEq, Deserialize)]
pub struct SavedSettings {
    /// The typed token.
    #[serde(default, deserialize_with = "lenient::string")]
    pub token: String,
    /// The typed limit.
    #[serde(default, deserialize_with = "lenient::string")]
    pub limit: String,
}

// A token is a secret: it never reaches a log or a panic message.
impl std::fmt::Debug for SavedSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SavedSettings")
            .field("token", &"<redacted>")
            .field("limit", &self.limit)
            .finish()
    }
}

/// Why `saved` cannot be stored, on which setting; `None` when it can. In direct mode the
/// token must be there and must have passed the connection test as it is now.
pub fn refusal(s: &State, saved: &SavedSettings) -> Option<(Setting, T)> {
    let limit = saved.limit.trim();
    if !limit.is_empty() && !matches!(limit.parse::<u32>(), Ok(1..=MAX_LIMIT)) {
        return Some((Setting::Limit, T::SaveLimitBad));
    }
    if s.relay {
        return None;
    }
    if saved.token.trim().is_empty() {
        return Some((Setting::Token, T::SaveTokenEmpty));
    }
    match s.conn {
        Conn::Ok(_) => None,
        Conn::Unknown => Some((Setting::Token, T::SaveTokenUntested)),
        Conn::Failed(_) => Some((Setting::Token, T::SaveTokenRefused)),
    }
}
