//! What the API tests share: answers as the transport hands them over, the requests of every
//! call, and the decoders each endpoint's answer goes through.
// Each test crate that includes this uses only some of it.
#![allow(dead_code)]

use kommo_sources_widget::api::{ApiError, Call, Reply};
use kommo_sources_widget::http::{HttpRequest, HttpResponse};
use kommo_sources_widget::model::{NewSource, Pipeline, Source, SourcePatch};
use serde_json::Value;

/// The answer as the transport hands it over.
pub fn response(
    status: u16,
    ct: Option<&str>,
    retry_after: Option<&str>,
    body: &[u8],
) -> HttpResponse {
    HttpResponse {
        status,
        content_type: ct.map(str::to_owned),
        retry_after: retry_after.map(str::to_owned),
        body: body.to_vec(),
    }
}

/// The key/value pairs of a query string as the server reads them: the sandbox's reader,
/// Kommo's stand-in, which the browser tests send these requests to.
pub fn server_reads(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| sandbox::request::decode_pair(p).expect("a well-formed pair"))
        .collect()
}

/// An answer read as a list of sources (list, find, create and batch update answer so).
pub fn decode_sources(
    st: u16,
    ct: Option<&str>,
    ra: Option<&str>,
    body: &[u8],
) -> Result<Vec<Source>, ApiError> {
    match Call::ListSources.decode(&response(st, ct, ra, body))? {
        Reply::Page(s, None) => Ok(s),
        other => panic!("a list call answered {other:?}"),
    }
}

/// An answer read as one source (`GET /sources/{id}`).
pub fn decode_source(
    st: u16,
    ct: Option<&str>,
    ra: Option<&str>,
    body: &[u8],
) -> Result<Option<Source>, ApiError> {
    match Call::GetOne(1).decode(&response(st, ct, ra, body))? {
        Reply::One(s) => Ok(s),
        other => panic!("a get call answered {other:?}"),
    }
}

/// An answer read as a delete's.
pub fn decode_deleted(
    st: u16,
    ct: Option<&str>,
    ra: Option<&str>,
    body: &[u8],
) -> Result<(), ApiError> {
    match Call::Delete(vec![1]).decode(&response(st, ct, ra, body))? {
        Reply::Deleted => Ok(()),
        other => panic!("a delete call answered {other:?}"),
    }
}

/// An answer read as the pipelines.
pub fn decode_pipelines(
    st: u16,
    ct: Option<&str>,
    ra: Option<&str>,
    body: &[u8],
) -> Result<Vec<Pipeline>, ApiError> {
    match Call::ListPipelines.decode(&response(st, ct, ra, body))? {
        Reply::Pipelines(p) => Ok(p),
        other => panic!("a pipelines call answered {other:?}"),
    }
}

pub fn list_sources() -> HttpRequest {
    Call::ListSources.request()
}
pub fn find_sources<S: AsRef<str>>(ids: &[S]) -> HttpRequest {
    Call::Find(ids.iter().map(|s| s.as_ref().to_owned()).collect()).request()
}
pub fn get_source(id: u64) -> HttpRequest {
    Call::GetOne(id).request()
}
pub fn add_sources(items: &[NewSource]) -> HttpRequest {
    Call::Create(items.to_vec()).request()
}
pub fn update_sources(items: &[SourcePatch]) -> HttpRequest {
    Call::Update(items.to_vec()).request()
}
pub fn update_source(patch: &SourcePatch) -> HttpRequest {
    Call::UpdateOne(patch.clone()).request()
}
pub fn delete_sources(ids: &[u64]) -> HttpRequest {
    Call::Delete(ids.to_vec()).request()
}
pub fn delete_source(id: u64) -> HttpRequest {
    Call::DeleteOne(id).request()
}
pub fn list_pipelines() -> HttpRequest {
    Call::ListPipelines.request()
}

/// The request's body text read back as JSON, to compare with a `json!` value.
pub fn body_value(req: &HttpRequest) -> Option<Value> {
    req.body
        .as_deref()
        .map(|b| serde_json::from_str(b).expect("the body is valid JSON"))
}

pub const HAL: Option<&str> = Some("application/hal+json");
pub const PROBLEM: Option<&str> = Some("application/problem+json; charset=utf-8");
