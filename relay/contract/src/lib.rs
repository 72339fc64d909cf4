//! What the widget and its relay both speak: the reason codes of the relay's refusals and the
//! Kommo API routes the relay forwards. Both sides build on this crate, so a code or a route
//! cannot be spelled one way in the relay and another in the widget.

// Only `&str` and `core` are needed, so the widget's wasm build pulls in nothing more.
#![cfg_attr(not(test), no_std)]
#![warn(missing_docs)]

mod reason;
mod route;

pub use reason::Reason;
pub use route::{forwarded, Route, ROUTES};
