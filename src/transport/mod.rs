//! Transports that carry API requests: in-memory for tests, fetch on wasm (in progress).
