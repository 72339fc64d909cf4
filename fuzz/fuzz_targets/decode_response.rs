//! Feeds arbitrary responses to the decoder of every call: none may panic, whatever the bytes.
//!
//! Input layout: two bytes of status, one byte choosing the content type, one choosing the
//! `Retry-After` header, then the body.
#![no_main]

use kommo_sources_widget::api::{self, Call};
use kommo_sources_widget::http::HttpResponse;
use libfuzzer_sys::fuzz_target;

/// Content types worth mixing: the API's own, their variants, and wrong ones.
const CONTENT_TYPES: [Option<&str>; 6] = [
    None,
    Some("application/hal+json"),
    Some("application/problem+json; charset=utf-8"),
    Some("application/json"),
    Some("text/plain"),
    Some("text/html; charset=utf-8"),
];

/// `Retry-After` values: absent, seconds, fractional, a date, junk.
const RETRY_AFTER: [Option<&str>; 5] = [
    None,
    Some("2"),
    Some("0.5"),
    Some("Wed, 21 Oct 2015 07:28:00 GMT"),
    Some("999999999999999999999"),
];

fuzz_target!(|data: &[u8]| {
    let Some((head, body)) = data.split_first_chunk::<4>() else {
        return;
    };
    let status = 100 + u16::from_be_bytes([head[0], head[1]]) % 500;
    let ct = CONTENT_TYPES[usize::from(head[2]) % CONTENT_TYPES.len()];
    let ra = RETRY_AFTER[usize::from(head[3]) % RETRY_AFTER.len()];
    let response = HttpResponse {
        status,
        content_type: ct.map(str::to_owned),
        retry_after: ra.map(str::to_owned),
        body: body.to_vec(),
    };
    // One call per decoder: lists, one source, a delete, the pipelines.
    for call in [
        Call::ListSources,
        Call::GetOne(1),
        Call::Delete(vec![1]),
        Call::ListPipelines,
    ] {
        let _ = call.decode(&response);
    }
    let _ = api::decode_error(&response);
});
