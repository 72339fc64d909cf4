//! Turning a success response (status, content type, body) into typed results; any other
//! status is read by [`decode_error`].
//!
//! 204 is an answer, not an error: an empty list, a source that is gone, a done delete.

use super::error::ApiError;
use super::problem::decode_error;
use crate::http::HttpResponse;
use crate::json::Doc;
use crate::lead::{Created, Lead};
use crate::lenient;
use crate::model::{Pipeline, Source};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// A HAL answer (or an import file's object), parsed; its lists are read item by item.
pub(crate) struct Envelope(Doc);

/// A HAL link's `href`: text, or a number given as text.
#[derive(Deserialize)]
struct Href(#[serde(deserialize_with = "lenient::opt_string")] Option<String>);

impl Envelope {
    /// An object parsed from JSON text; `None` when the text is not JSON or not an object.
    pub(crate) fn parse(body: &[u8]) -> Option<Envelope> {
        Doc::parse(body).ok().filter(Doc::is_object).map(Envelope)
    }

    /// `_embedded.<name>`.
    fn embedded(&self, name: &str) -> Option<Doc> {
        self.0.get("_embedded")?.get(name)
    }

    /// `_embedded.sources`.
    pub(crate) fn embedded_sources(&self) -> Option<Doc> {
        self.embedded("sources")
    }

    /// `sources` at the top level (an import file of `{"sources": [...]}`).
    pub(crate) fn sources(&self) -> Option<Doc> {
        self.0.get("sources")
    }

    /// `_links.next.href`, where a list that goes on names its next page.
    fn next(&self) -> Option<String> {
        let href = self.0.get("_links")?.get("next")?.get("href")?;
        href.read::<Href>().ok()?.0
    }
}

/// Sources from a list, filter, batch create or batch update answer; 204 is an empty list.
pub(crate) fn decode_sources(r: &HttpResponse) -> Result<Vec<Source>, ApiError> {
    match r.status {
        204 => Ok(Vec::new()),
        200..=299 => {
            let env = envelope(r, "sources")?;
            list(env.embedded_sources(), "_embedded.sources")
        }
        _ => Err(decode_error(r)),
    }
}

/// One page of the sources list and the link to the next one, if the server gave one;
/// 204 is an empty, last page.
pub(crate) fn decode_page(r: &HttpResponse) -> Result<(Vec<Source>, Option<String>), ApiError> {
    match r.status {
        204 => Ok((Vec::new(), None)),
        200..=299 => {
            let env = envelope(r, "sources")?;
            Ok((
                list(env.embedded_sources(), "_embedded.sources")?,
                env.next(),
            ))
        }
        _ => Err(decode_error(r)),
    }
}

/// One source from a get or single update answer; 204 means the source is gone (`None`).
pub(crate) fn decode_source(r: &HttpResponse) -> Result<Option<Source>, ApiError> {
    match r.status {
        204 => Ok(None),
        200..=299 => {
            let env = envelope(r, "a source")?;
            if env.0.get("id").is_none() && env.0.get("_embedded").is_some() {
                // Some answers wrap a single entity like a batch; take its only item.
                let items: Vec<Source> = list(env.embedded_sources(), "_embedded.sources")?;
                return Ok(items.into_iter().next());
            }
            whole(&env).map(Some)
        }
        _ => Err(decode_error(r)),
    }
}

/// The outcome of a delete: any success status (usually 204) means done.
pub(crate) fn decode_deleted(r: &HttpResponse) -> Result<(), ApiError> {
    match r.status {
        200..=299 => Ok(()),
        _ => Err(decode_error(r)),
    }
}

/// Pipelines from `GET /api/v4/leads/pipelines`; 204 is an empty list.
pub(crate) fn decode_pipelines(r: &HttpResponse) -> Result<Vec<Pipeline>, ApiError> {
    match r.status {
        204 => Ok(Vec::new()),
        200..=299 => {
            let env = envelope(r, "pipelines")?;
            list(env.embedded("pipelines"), "_embedded.pipelines")
        }
        _ => Err(decode_error(r)),
    }
}

/// One page of the leads list and the link to the next one; 204 is an empty, last page.
pub(crate) fn decode_leads_page(r: &HttpResponse) -> Result<(Vec<Lead>, Option<String>), ApiError> {
    match r.status {
        204 => Ok((Vec::new(), None)),
        200..=299 => {
            let env = envelope(r, "leads")?;
            Ok((list(env.embedded("leads"), "_embedded.leads")?, env.next()))
        }
        _ => Err(decode_error(r)),
    }
}

/// One lead; 204 means it is gone (`None`).
pub(crate) fn decode_lead(r: &HttpResponse) -> Result<Option<Lead>, ApiError> {
    match r.status {
        204 => Ok(None),
        200..=299 => whole(&envelope(r, "a lead")?).map(Some),
        _ => Err(decode_error(r)),
    }
}

/// The ids of the leads a complex create made: Kommo answers a bare array; an answer in
/// the HAL shape (`_embedded.leads`) is read the same.
pub(crate) fn decode_created_leads(r: &HttpResponse) -> Result<Vec<u64>, ApiError> {
    if !(200..=299).contains(&r.status) {
        return Err(decode_error(r));
    }
    let created: Vec<Created> = if r.body.trim_ascii_start().starts_with(b"[") {
        let doc =
            Doc::parse(&r.body).map_err(|e| ApiError::Decode(format!("invalid JSON: {e}")))?;
        list(Some(doc), "the answer")?
    } else {
        let env = envelope(r, "the created leads")?;
        list(env.embedded("leads"), "_embedded.leads")?
    };
    Ok(created
        .into_iter()
        .map(|c| c.id)
        .filter(|&id| id > 0)
        .collect())
}

/// The media type without parameters, lower-cased.
pub(super) fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type carries JSON (`application/json`, `application/hal+json`, ...).
pub(super) fn is_json(content_type: &str) -> bool {
    let e = essence(content_type);
    e == "application/json" || e.ends_with("+json")
}

/// The envelope of a success body, which must be present, declared as JSON (or
/// undeclared), and a JSON object; `what` names what was expected.
pub(super) fn envelope(r: &HttpResponse, what: &str) -> Result<Envelope, ApiError> {
    let body = &r.body[..];
    if let Some(ct) = r.content_type.as_deref() {
        if !is_json(ct) {
            return Err(ApiError::Decode(format!(
                "expected JSON, got content type {}",
                essence(ct)
            )));
        }
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::Decode("the response body is empty".to_owned()));
    }
    if !body.trim_ascii_start().starts_with(b"{") {
        return Err(ApiError::Decode(format!(
            "expected a HAL object with {what}"
        )));
    }
    // Text that starts with `{` and parses is an object.
    Doc::parse(body)
        .map(Envelope)
        .map_err(|e| ApiError::Decode(format!("invalid JSON: {e}")))
}

/// The whole answer read as one entity.
pub(super) fn whole<T: DeserializeOwned>(env: &Envelope) -> Result<T, ApiError> {
    env.0
        .read()
        .map_err(|e| ApiError::Decode(format!("the answer is not valid: {e}")))
}

/// A list read item by item, so that an error names the item it is about; a missing list
/// is an empty one. `at` names the list in messages.
pub(crate) fn list<T: DeserializeOwned>(doc: Option<Doc>, at: &str) -> Result<Vec<T>, ApiError> {
    let Some(doc) = doc else {
        return Ok(Vec::new());
    };
    let items = doc
        .items()
        .ok_or_else(|| ApiError::Decode(format!("{at} is not a list")))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let read = item
            .read()
            .map_err(|e| ApiError::Decode(format!("{at}[{i}] is not valid: {e}")))?;
        out.push(read);
    }
    Ok(out)
}
