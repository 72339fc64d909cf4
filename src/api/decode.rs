//! Turning a success response (status, content type, body) into typed results; any other
//! status is read by [`decode_error`].
//!
//! 204 is an answer, not an error: an empty list, a source that is gone, a done delete.

use super::error::ApiError;
use super::problem::decode_error;
use crate::http::HttpResponse;
use crate::lead::{Created, Lead};
use crate::lenient;
use crate::model::{Pipeline, Source};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

/// A HAL answer (or an import file's object): its embedded lists kept as raw JSON, so that
/// each item is read on its own.
#[derive(Deserialize, Default)]
pub(crate) struct Envelope<'a> {
    /// `_embedded`.
    #[serde(rename = "_embedded", borrow, default)]
    embedded: Option<Embedded<'a>>,
    /// `sources` at the top level (an import file of `{"sources": [...]}`).
    #[serde(borrow, default)]
    pub(crate) sources: Option<&'a RawValue>,
    /// `id`, present when the answer is one entity.
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    /// `_links`, where a list that goes on names its next page.
    #[serde(rename = "_links", default, deserialize_with = "lenient::object")]
    links: Option<Links>,
}

/// The links of a HAL answer; only `next` matters to a reader.
#[derive(Deserialize, Default)]
struct Links {
    #[serde(default, deserialize_with = "lenient::object")]
    next: Option<Link>,
}

/// One HAL link.
#[derive(Deserialize, Default)]
struct Link {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    href: Option<String>,
}

/// The lists a HAL answer embeds.
#[derive(Deserialize, Default)]
struct Embedded<'a> {
    #[serde(borrow, default)]
    sources: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pipelines: Option<&'a RawValue>,
    #[serde(borrow, default)]
    leads: Option<&'a RawValue>,
}

impl<'a> Envelope<'a> {
    /// `_embedded.sources`.
    pub(crate) fn embedded_sources(&self) -> Option<&'a RawValue> {
        self.embedded.as_ref().and_then(|e| e.sources)
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
            let mut env = envelope(r, "sources")?;
            let next = env.links.take().and_then(|l| l.next).and_then(|n| n.href);
            Ok((list(env.embedded_sources(), "_embedded.sources")?, next))
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
            if env.id.is_none() && env.embedded.is_some() {
                // Some answers wrap a single entity like a batch; take its only item.
                let items: Vec<Source> = list(env.embedded_sources(), "_embedded.sources")?;
                return Ok(items.into_iter().next());
            }
            serde_json::from_slice(&r.body)
                .map(Some)
                .map_err(|e| ApiError::Decode(format!("the answer is not valid: {e}")))
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
            list(
                env.embedded.and_then(|e| e.pipelines),
                "_embedded.pipelines",
            )
        }
        _ => Err(decode_error(r)),
    }
}

/// One page of the leads list and the link to the next one; 204 is an empty, last page.
pub(crate) fn decode_leads_page(r: &HttpResponse) -> Result<(Vec<Lead>, Option<String>), ApiError> {
    match r.status {
        204 => Ok((Vec::new(), None)),
        200..=299 => {
            let mut env = envelope(r, "leads")?;
            let next = env.links.take().and_then(|l| l.next).and_then(|n| n.href);
            let leads = env.embedded.and_then(|e| e.leads);
            Ok((list(leads, "_embedded.leads")?, next))
        }
        _ => Err(decode_error(r)),
    }
}

/// One lead; 204 means it is gone (`None`).
pub(crate) fn decode_lead(r: &HttpResponse) -> Result<Option<Lead>, ApiError> {
    match r.status {
        204 => Ok(None),
        200..=299 => {
            envelope(r, "a lead")?;
            serde_json::from_slice(&r.body)
                .map(Some)
                .map_err(|e| ApiError::Decode(format!("the answer is not valid: {e}")))
        }
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
        let raw: &RawValue = serde_json::from_slice(&r.body)
            .map_err(|e| ApiError::Decode(format!("invalid JSON: {e}")))?;
        list(Some(raw), "the answer")?
    } else {
        let env = envelope(r, "the created leads")?;
        list(env.embedded.and_then(|e| e.leads), "_embedded.leads")?
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
fn envelope<'a>(r: &'a HttpResponse, what: &str) -> Result<Envelope<'a>, ApiError> {
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
    serde_json::from_slice(body).map_err(|e| ApiError::Decode(format!("invalid JSON: {e}")))
}

/// A raw list decoded item by item, so that an error names the item it is about; a missing
/// list or `null` is an empty one. `at` names the list in messages.
pub(crate) fn list<T: DeserializeOwned>(
    raw: Option<&RawValue>,
    at: &str,
) -> Result<Vec<T>, ApiError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    let items: Option<Vec<&RawValue>> = serde_json::from_slice(raw.get().as_bytes())
        .map_err(|_| ApiError::Decode(format!("{at} is not a list")))?;
    let mut out = Vec::new();
    for (i, item) in items.unwrap_or_default().iter().enumerate() {
        let read = serde_json::from_slice(item.get().as_bytes())
            .map_err(|e| ApiError::Decode(format!("{at}[{i}] is not valid: {e}")))?;
        out.push(read);
    }
    Ok(out)
}
