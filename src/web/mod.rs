//! The wasm-bindgen surface and DOM view (in progress).
