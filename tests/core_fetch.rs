//! The fetch transport and browser clock in a real browser (wasm32 only).
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! cargo test --target wasm32-unknown-unknown --test core_fetch`.
#![cfg(target_arch = "wasm32")]

use kommo_sources_widget::api::{ApiError, Method};
use kommo_sources_widget::client::Client;
use kommo_sources_widget::transport::fetch::{BrowserSleeper, FetchTransport};
use kommo_sources_widget::transport::{
    Auth, HttpRequest, Sleeper, Token, Transport, TransportError,
};
use std::time::Duration;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A GET whose whole answer is in the URL, so no server is needed.
fn get(path_and_query: &str) -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        path_and_query: path_and_query.to_owned(),
        body: None,
    }
}

#[wasm_bindgen_test]
async fn reads_status_content_type_and_body() {
    let t = FetchTransport::new("data:application/hal+json,", Auth::Bearer(Token::new("t")));
    let resp = t
        .send(get("%7B%22_embedded%22%3A%7B%22sources%22%3A%5B%5D%7D%7D"))
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.content_type.as_deref(), Some("application/hal+json"));
    assert_eq!(resp.body, br#"{"_embedded":{"sources":[]}}"#);
}

#[wasm_bindgen_test]
async fn a_refused_connection_is_a_network_error() {
    let t = FetchTransport::new("http://127.0.0.1:9", Auth::None);
    match t.send(get("/api/v4/sources")).await {
        Err(TransportError::Network(msg)) => assert!(!msg.is_empty()),
        other => panic!("expected a network error, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn the_client_decodes_what_fetch_brings_back() {
    // An empty base resolves against the page: the test runner's server, which answers 404.
    let client = Client::new(FetchTransport::new("", Auth::None), BrowserSleeper);
    assert_eq!(client.get_source(1).await, Err(ApiError::NotFound));
}

#[wasm_bindgen_test]
async fn the_browser_clock_sleeps_for_real() {
    let clock = BrowserSleeper;
    let start = clock.now();
    clock.sleep(Duration::from_millis(50)).await;
    assert!(clock.now() - start >= Duration::from_millis(45));
}
