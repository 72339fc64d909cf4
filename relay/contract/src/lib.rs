//! What the widget and its relay both speak: the reason codes of the relay's refusals, the
//! Kommo API routes the relay forwards and the shape of the history it keeps. Both sides build
//! on this crate, so a code, a route or a field cannot be spelled one way in the relay and
//! another in the widget.

// Only `core` (and `alloc` for the history's types) is needed, so the widget's wasm build
// pulls in nothing more.
#![cfg_attr(not(test), no_std)]
#![warn(missing_docs)]

#[cfg(feature = "history")]
extern crate alloc;

mod history;
mod reason;
mod route;

pub use history::{Action, Param, DEFAULT_LIMIT, HISTORY_PATH, MAX_LIMIT};
#[cfg(feature = "history")]
pub use history::{Change, Fields, HistoryPage};
pub use reason::Reason;
pub use route::{forwarded, Route, ROUTES};
