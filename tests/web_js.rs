//! The transport and clock the widget runs on in the browser: the host page's `request`
//! function and `setTimeout`. Run with `cargo xtask test wasm`.
#![cfg(target_arch = "wasm32")]

use js_sys::Function;
use kommo_sources_widget::api::{ApiError, Method};
use kommo_sources_widget::client::Client;
use kommo_sources_widget::transport::{HttpRequest, Sleeper, Transport, TransportError};
use kommo_sources_widget::web::js::{JsClock, JsTransport};
use std::time::Duration;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A host `request` function written in JS, as script.js would hand it in.
fn request(js: &str) -> Function {
    Function::new_with_args("method, path, body", js)
}

fn get(path: &str) -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        path_and_query: path.to_owned(),
        body: None,
    }
}

#[wasm_bindgen_test]
async fn reads_status_headers_and_body_and_passes_method_path_and_body() {
    let t = JsTransport::new(request(
        "return Promise.resolve({status: 207, content_type: 'application/hal+json', \
         retry_after: '3', body: JSON.stringify([method, path, body])});",
    ));
    let resp = t
        .send(HttpRequest {
            method: Method::Patch,
            path_and_query: "/api/v4/sources/7".to_owned(),
            body: Some(r#"{"name":"a"}"#.to_owned()),
        })
        .await
        .unwrap();
    assert_eq!(resp.status, 207);
    assert_eq!(resp.content_type.as_deref(), Some("application/hal+json"));
    assert_eq!(resp.retry_after.as_deref(), Some("3"));
    assert_eq!(
        String::from_utf8(resp.body).unwrap(),
        r#"["PATCH","/api/v4/sources/7","{\"name\":\"a\"}"]"#
    );
    // No body goes as null, and empty headers read as absent.
    let t = JsTransport::new(request(
        "return Promise.resolve({status: 200, content_type: '', body: String(body)});",
    ));
    let resp = t.send(get("/api/v4/sources")).await.unwrap();
    assert_eq!(resp.body, b"null");
    assert_eq!((resp.content_type, resp.retry_after), (None, None));
}

#[wasm_bindgen_test]
async fn a_rejection_is_a_network_error_and_an_abort_is_a_timeout() {
    let t = JsTransport::new(request(
        "return Promise.reject(new TypeError('Failed to fetch'));",
    ));
    assert!(matches!(
        t.send(get("/")).await,
        Err(TransportError::Network(_))
    ));
    let t = JsTransport::new(request(
        "return Promise.reject(new DOMException('aborted', 'AbortError'));",
    ));
    assert_eq!(t.send(get("/")).await, Err(TransportError::Timeout));
    // No status, or a function that throws instead of returning a promise: no response.
    let t = JsTransport::new(request("return Promise.resolve({body: 'x'});"));
    assert!(matches!(
        t.send(get("/")).await,
        Err(TransportError::Network(_))
    ));
    let t = JsTransport::new(request("throw new Error('boom');"));
    assert!(matches!(
        t.send(get("/")).await,
        Err(TransportError::Network(_))
    ));
}

#[wasm_bindgen_test]
async fn the_client_decodes_what_the_host_brings_back() {
    let t = JsTransport::new(request(
        "return Promise.resolve({status: 404, content_type: 'application/problem+json', \
         body: '{\"title\":\"Not Found\",\"status\":404}'});",
    ));
    let client = Client::new(t, JsClock);
    assert_eq!(client.get_source(1).await, Err(ApiError::NotFound));
}

#[wasm_bindgen_test]
async fn the_browser_clock_sleeps_for_real() {
    let clock = JsClock;
    let start = clock.now();
    clock.sleep(Duration::from_millis(50)).await;
    assert!(clock.now() - start >= Duration::from_millis(45));
}
