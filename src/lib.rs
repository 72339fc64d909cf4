//! A Kommo widget that manages an integration's lead sources through the Sources API.
//!
//! Everything but `web` is plain Rust that compiles and is tested
//! natively; `web` is the `#[wasm_bindgen]` surface and the DOM, built only for wasm32.

#![warn(missing_docs)]

pub mod api;
pub mod app;
pub mod client;
pub mod http;
pub mod i18n;
pub mod json;
pub mod lead;
mod lenient;
pub mod model;
pub mod rules;
pub mod sort;
pub mod traffic;
pub mod transport;

#[cfg(target_arch = "wasm32")]
pub mod web;
