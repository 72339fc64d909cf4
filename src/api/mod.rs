//! Every Sources API endpoint as a pure request description, and the pure response decoder.
//!
//! Nothing here does I/O: [`ApiRequest`] says what to send, the `decode_*` functions turn
//! what came back into typed results or one [`ApiError`].

mod decode;
mod error;
pub mod json;
pub mod query;
pub mod wire;

pub use decode::{
    decode_account, decode_deleted, decode_error, decode_pipelines, decode_source, decode_sources,
    parse_retry_after,
};
pub use error::{ApiError, FieldError, ItemErrors, Problem};

use crate::model::{NewSource, Source, SourcePatch};

/// Path of the sources collection.
pub const SOURCES_PATH: &str = "/api/v4/sources";
/// Path of the lead pipelines collection.
pub const PIPELINES_PATH: &str = "/api/v4/leads/pipelines";
/// Path of the current account.
pub const ACCOUNT_PATH: &str = "/api/v4/account";
/// Most items the API accepts in one batch request.
pub const MAX_BATCH: usize = 50;

/// HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Read.
    Get,
    /// Create.
    Post,
    /// Partial update.
    Patch,
    /// Delete.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether sending the request twice has the same effect as once, so a retry is safe.
    pub fn is_idempotent(self) -> bool {
        matches!(self, Method::Get | Method::Delete)
    }
}

/// One API call described as data: method, path, query and JSON body text.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    /// HTTP method.
    pub method: Method,
    /// Path below the account's origin, e.g. `/api/v4/sources/17`.
    pub path: String,
    /// Query pairs, not yet encoded.
    pub query: Vec<(String, String)>,
    /// JSON body as the [`wire`] encoders wrote it, if any.
    pub body: Option<String>,
}

impl ApiRequest {
    /// A request without query or body.
    fn new(method: Method, path: impl Into<String>) -> Self {
        ApiRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
        }
    }

    /// A request whose body is the JSON text the [`wire`] encoders wrote.
    fn with_body(method: Method, path: impl Into<String>, text: String) -> Self {
        let mut req = Self::new(method, path);
        req.body = Some(text);
        req
    }

    /// Path plus percent-encoded query (see [`query`] for the encoding).
    pub fn path_and_query(&self) -> String {
        let mut out = self.path.clone();
        if !self.query.is_empty() {
            out.push('?');
            out.push_str(&query::encode_query(&self.query));
        }
        out
    }

    /// Full URL below `base` (an origin such as `https://acme.kommo.com`, trailing `/` allowed).
    pub fn url(&self, base: &str) -> String {
        let mut out = base.trim_end_matches('/').to_owned();
        out.push_str(&self.path_and_query());
        out
    }
}

/// `GET /api/v4/sources`: every source of the integration.
pub fn list_sources() -> ApiRequest {
    ApiRequest::new(Method::Get, SOURCES_PATH)
}

/// `GET /api/v4/sources?filter[external_id]...`: the sources with these external ids.
///
/// One id is sent as `filter[external_id]=a`, several as `filter[external_id][0]=a&...[1]=b`;
/// no ids means no filter.
pub fn find_sources<S: AsRef<str>>(external_ids: &[S]) -> ApiRequest {
    let mut req = list_sources();
    req.query = filter_query(external_ids);
    req
}

/// Path and query of [`find_sources`], for callers that need no [`ApiRequest`].
pub fn find_path<S: AsRef<str>>(external_ids: &[S]) -> String {
    let mut out = String::from(SOURCES_PATH);
    let query = filter_query(external_ids);
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query::encode_query(&query));
    }
    out
}

/// The `filter[external_id]` pairs for these ids.
fn filter_query<S: AsRef<str>>(external_ids: &[S]) -> Vec<(String, String)> {
    match external_ids {
        [one] => vec![("filter[external_id]".to_owned(), one.as_ref().to_owned())],
        many => {
            let mut pairs = Vec::new();
            for (i, id) in many.iter().enumerate() {
                let mut key = String::from("filter[external_id][");
                json::write_u64(&mut key, i as u64);
                key.push(']');
                pairs.push((key, id.as_ref().to_owned()));
            }
            pairs
        }
    }
}

/// `GET /api/v4/sources/{id}`: one source.
pub fn get_source(id: u64) -> ApiRequest {
    ApiRequest::new(Method::Get, source_path(id))
}

/// `POST /api/v4/sources`: create sources; item `i` carries `request_id` `"i"`.
pub fn add_sources(items: &[NewSource]) -> ApiRequest {
    ApiRequest::with_body(Method::Post, SOURCES_PATH, wire::new_sources_body(items))
}

/// `PATCH /api/v4/sources`: update several sources; item `i` carries `request_id` `"i"`.
pub fn update_sources(patches: &[SourcePatch]) -> ApiRequest {
    ApiRequest::with_body(Method::Patch, SOURCES_PATH, wire::patches_body(patches))
}

/// `PATCH /api/v4/sources/{id}`: update one source; the id goes in the path, not the body.
pub fn update_source(patch: &SourcePatch) -> ApiRequest {
    ApiRequest::with_body(
        Method::Patch,
        source_path(patch.id),
        wire::patch_body(patch),
    )
}

/// `DELETE /api/v4/sources` with body `[{"id": N}, ...]`: delete several sources.
pub fn delete_sources(ids: &[u64]) -> ApiRequest {
    ApiRequest::with_body(Method::Delete, SOURCES_PATH, wire::delete_body(ids))
}

/// `DELETE /api/v4/sources/{id}`: delete one source.
pub fn delete_source(id: u64) -> ApiRequest {
    ApiRequest::new(Method::Delete, source_path(id))
}

/// `GET /api/v4/leads/pipelines`: the account's lead pipelines.
pub fn list_pipelines() -> ApiRequest {
    ApiRequest::new(Method::Get, PIPELINES_PATH)
}

/// `GET /api/v4/account`: the current account.
pub fn get_account() -> ApiRequest {
    ApiRequest::new(Method::Get, ACCOUNT_PATH)
}

/// The `request_id` sent with batch item `index`.
pub fn request_id(index: usize) -> String {
    json::u64_text(index as u64)
}

/// The batch index a `request_id` stands for, if it is one this module sent.
pub fn index_of_request_id(request_id: &str) -> Option<usize> {
    let valid = !request_id.is_empty()
        && request_id.bytes().all(|b| b.is_ascii_digit())
        && (request_id == "0" || !request_id.starts_with('0'));
    if valid {
        json::parse_u64(request_id).and_then(|n| usize::try_from(n).ok())
    } else {
        None
    }
}

/// Puts batch results back in input order by their `request_id`, never by position.
///
/// Slot `i` holds the result for input item `i`, or `None` when the answer had none for it.
pub fn by_request_id(len: usize, results: Vec<Source>) -> Vec<Option<Source>> {
    let mut slots: Vec<Option<Source>> = vec![None; len];
    for source in results {
        let index = source.request_id.as_deref().and_then(index_of_request_id);
        if let Some(slot) = index.and_then(|i| slots.get_mut(i)) {
            *slot = Some(source);
        }
    }
    slots
}

/// Path of one source, `/api/v4/sources/{id}`.
pub fn source_path(id: u64) -> String {
    let mut path = String::from(SOURCES_PATH);
    path.push('/');
    json::write_u64(&mut path, id);
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_paths_match_the_request_descriptions() {
        for ids in [&[][..], &["a b"][..], &["x", "é&"][..]] {
            assert_eq!(find_path(ids), find_sources(ids).path_and_query());
        }
        assert_eq!(source_path(17), get_source(17).path_and_query());
        assert_eq!(source_path(17), "/api/v4/sources/17");
    }
}
