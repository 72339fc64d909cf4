//! A Kommo widget that manages an integration's lead sources through the Sources API.
//!
//! Everything but `web` is plain Rust that compiles and is tested
//! natively; `web` is the `#[wasm_bindgen]` surface and the DOM, built only for wasm32.
//!
//! On wasm32 the crate is `no_std` (`core` and `alloc` only): std's panic and formatting
//! machinery would otherwise ride along in the shipped module.

#![cfg_attr(all(target_arch = "wasm32", not(test)), no_std)]
#![warn(missing_docs)]

extern crate alloc;

mod local;
mod prelude;

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

// The shipped module traps on a panic: nothing could report it, and std's handler with the
// message formatting it needs is what `no_std` leaves out.
#[cfg(all(target_arch = "wasm32", feature = "bundle"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
