//! A Kommo widget that manages an integration's lead sources through the Sources API.
//!
//! Everything but `web` is plain Rust that compiles and is tested
//! natively; `web` is the `#[wasm_bindgen]` surface and the DOM, built only for wasm32.

pub mod api;
pub mod app;
pub mod client;
pub mod i18n;
pub mod model;
pub mod rules;
pub mod transport;

#[cfg(target_arch = "wasm32")]
pub mod web;

// Talc instead of the default dlmalloc: about 5 KB less code in the module, and freed memory
// is coalesced and reused, so a long-open manager does not grow its heap render after render.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
