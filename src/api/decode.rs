//! Turning a response (status, content type, `Retry-After`, body) into typed results.
//!
//! 204 is an answer, not an error: an empty list, a source that is gone, a done delete.
//! Error bodies are read as problem+json when they are JSON and tolerated when they are not.

use super::error::{ApiError, FieldError, ItemErrors, Problem, RelayRefusal};
use super::index_of_request_id;
use crate::lead::{Created, Lead};
use crate::lenient;
use crate::model::{Pipeline, Source};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::time::Duration;

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

/// An error body as Kommo and its proxies send it; every part optional.
#[derive(Deserialize, Default)]
struct ProblemBody {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    title: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "lenient::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    detail: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    trace_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    retry_after: Option<String>,
    /// The relay's short reason code (Kommo sends none).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    reason: Option<String>,
    #[serde(
        rename = "validation-errors",
        alias = "validation_errors",
        default,
        deserialize_with = "lenient::objects"
    )]
    validation: Option<Vec<Entry>>,
}

/// One entry of `validation-errors`: an item's errors, or (without an `errors` list) an
/// error of its own.
#[derive(Deserialize)]
struct Entry {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    request_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::objects")]
    errors: Option<Vec<FieldError>>,
    #[serde(default, deserialize_with = "lenient::string")]
    code: String,
    #[serde(default, deserialize_with = "lenient::string")]
    path: String,
    #[serde(default, deserialize_with = "lenient::string")]
    detail: String,
}

/// Sources from a list, filter, batch create or batch update answer; 204 is an empty list.
pub(crate) fn decode_sources(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<Vec<Source>, ApiError> {
    match status {
        204 => Ok(Vec::new()),
        200..=299 => {
            let env = envelope(content_type, body, "sources")?;
            list(env.embedded_sources(), "_embedded.sources")
        }
        _ => Err(decode_error(status, content_type, retry_after, body)),
    }
}

/// One page of the sources list and the link to the next one, if the server gave one;
/// 204 is an empty, last page.
pub(crate) fn decode_page(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<(Vec<Source>, Option<String>), ApiError> {
    match status {
        204 => Ok((Vec::new(), None)),
        200..=299 => {
            let mut env = envelope(content_type, body, "sources")?;
            let next = env.links.take().and_then(|l| l.next).and_then(|n| n.href);
            Ok((list(env.embedded_sources(), "_embedded.sources")?, next))
        }
        _ => Err(decode_error(status, content_type, retry_after, body)),
    }
}

/// One source from a get or single update answer; 204 means the source is gone (`None`).
pub(crate) fn decode_source(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<Option<Source>, ApiError> {
    match status {
        204 => Ok(None),
        200..=299 => {
            let env = envelope(content_type, body, "a source")?;
            if env.id.is_none() && env.embedded.is_some() {
                // Some answers wrap a single entity like a batch; take its only item.
                let items: Vec<Source> = list(env.embedded_sources(), "_embedded.sources")?;
                return Ok(items.into_iter().next());
            }
            serde_json::from_slice(body)
                .map(Some)
                .map_err(|e| ApiError::Decode(format!("the answer is not valid: {e}")))
        }
        _ => Err(decode_error(status, content_type, retry_after, body)),
    }
}

/// The outcome of a delete: any success status (usually 204) means done.
pub(crate) fn decode_deleted(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<(), ApiError> {
    match status {
        200..=299 => Ok(()),
        _ => Err(decode_error(status, content_type, retry_after, body)),
    }
}

/// Pipelines from `GET /api/v4/leads/pipelines`; 204 is an empty list.
pub(crate) fn decode_pipelines(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<Vec<Pipeline>, ApiError> {
    match status {
        204 => Ok(Vec::new()),
        200..=299 => {
            let env = envelope(content_type, body, "pipelines")?;
            list(
                env.embedded.and_then(|e| e.pipelines),
                "_embedded.pipelines",
            )
        }
        _ => Err(decode_error(status, content_type, retry_after, body)),
    }
}

/// One page of the leads list and the link to the next one; 204 is an empty, last page.
pub(crate) fn decode_leads_page(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<(Vec<Lead>, Option<String>), ApiError> {
    match status {
        204 => Ok((Vec::new(), None)),
        200..=299 => {
            let mut env = envelope(content_type, body, "leads")?;
            let next = env.links.take().and_then(|l| l.next).and_then(|n| n.href);
            let leads = env.embedded.and_then(|e| e.leads);
            Ok((list(leads, "_embedded.leads")?, next))
        }
        _ => Err(decode_error(status, content_type, retry_after, body)),
    }
}

/// One lead; 204 means it is gone (`None`).
pub(crate) fn decode_lead(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<Option<Lead>, ApiError> {
    match status {
        204 => Ok(None),
        200..=299 => {
            envelope(content_type, body, "a lead")?;
            serde_json::from_slice(body)
                .map(Some)
                .map_err(|e| ApiError::Decode(format!("the answer is not valid: {e}")))
        }
        _ => Err(decode_error(status, content_type, retry_after, body)),
    }
}

/// The ids of the leads a complex create made: Kommo answers a bare array; an answer in
/// the HAL shape (`_embedded.leads`) is read the same.
pub(crate) fn decode_created_leads(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<Vec<u64>, ApiError> {
    if !(200..=299).contains(&status) {
        return Err(decode_error(status, content_type, retry_after, body));
    }
    let created: Vec<Created> = if body.trim_ascii_start().starts_with(b"[") {
        let raw: &RawValue = serde_json::from_slice(body)
            .map_err(|e| ApiError::Decode(format!("invalid JSON: {e}")))?;
        list(Some(raw), "the answer")?
    } else {
        let env = envelope(content_type, body, "the created leads")?;
        list(env.embedded.and_then(|e| e.leads), "_embedded.leads")?
    };
    Ok(created
        .into_iter()
        .map(|c| c.id)
        .filter(|&id| id > 0)
        .collect())
}

/// The error a non-success response stands for, keeping whatever its body explains.
pub fn decode_error(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &[u8],
) -> ApiError {
    let parsed = error_body(content_type, body);
    let object = parsed.as_ref().and_then(|p| p.as_ref());
    let mut problem = object.map(problem_of).unwrap_or_default();
    if problem.detail.is_none() && parsed.is_none() {
        problem.detail = plain_text(content_type, body);
    }
    let relay = object
        .and_then(|o| o.reason.as_deref())
        .and_then(|r| RelayRefusal::from_reason(status, r));
    if let Some(refusal) = relay {
        return ApiError::Relay(refusal);
    }
    match status {
        400 | 422 => {
            if problem.status.is_none() {
                problem.status = Some(status);
            }
            let items = parsed
                .and_then(|p| p)
                .map(validation_items)
                .unwrap_or_default();
            ApiError::Validation {
                problem: Box::new(problem),
                items,
            }
        }
        401 => ApiError::Unauthorized,
        402 => ApiError::PaymentRequired,
        403 => ApiError::Forbidden,
        404 => ApiError::NotFound,
        429 => ApiError::RateLimited {
            retry_after: retry_after.and_then(parse_retry_after).or_else(|| {
                object
                    .and_then(|o| o.retry_after.as_deref())
                    .and_then(parse_retry_after)
            }),
        },
        500..=599 => ApiError::Server {
            status,
            trace_id: problem.trace_id,
            detail: problem.detail,
        },
        _ => ApiError::Http {
            status,
            detail: problem.detail,
        },
    }
}

/// The wait a `Retry-After` header asks for, when it is a number of seconds.
///
/// The HTTP-date form is not read (it needs a clock): it yields `None` and the caller
/// falls back to its own backoff. Fractions are read to the nanosecond, without floats.
pub fn parse_retry_after(header: &str) -> Option<Duration> {
    let header = header.trim();
    let (whole, fraction) = header.split_once('.').unwrap_or((header, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let secs = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut nanos = 0;
    for (i, b) in fraction.bytes().enumerate() {
        if i < 9 {
            nanos = nanos * 10 + u32::from(b - b'0');
        }
    }
    for _ in fraction.len()..9 {
        nanos *= 10;
    }
    Some(Duration::new(secs, nanos))
}

/// The media type without parameters, lower-cased.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type carries JSON (`application/json`, `application/hal+json`, ...).
fn is_json(content_type: &str) -> bool {
    let e = essence(content_type);
    e == "application/json" || e.ends_with("+json")
}

/// The envelope of a success body, which must be present, declared as JSON (or
/// undeclared), and a JSON object; `what` names what was expected.
fn envelope<'a>(
    content_type: Option<&str>,
    body: &'a [u8],
    what: &str,
) -> Result<Envelope<'a>, ApiError> {
    if let Some(ct) = content_type {
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

/// An error body read as a problem when it is JSON, whatever it was declared as: `None`
/// when it is not JSON, `Some(None)` when it is JSON but not an object.
fn error_body(content_type: Option<&str>, body: &[u8]) -> Option<Option<ProblemBody>> {
    let declared_text = content_type.is_some_and(|ct| !is_json(ct));
    let object = body.trim_ascii_start().starts_with(b"{");
    if declared_text && !object {
        return None;
    }
    if object {
        return serde_json::from_slice(body).ok().map(Some);
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(body)
        .ok()
        .map(|_| None)
}

/// A short plain-text explanation from a non-JSON error body, skipping HTML pages.
///
/// Text after the first byte that is not UTF-8 is dropped rather than shown as
/// replacement characters.
fn plain_text(content_type: Option<&str>, body: &[u8]) -> Option<String> {
    let html = content_type.is_some_and(|ct| essence(ct) == "text/html");
    let text = match core::str::from_utf8(body) {
        Ok(text) => text,
        Err(e) => core::str::from_utf8(&body[..e.valid_up_to()]).unwrap_or_default(),
    };
    let text = text.trim();
    if html || text.is_empty() || text.starts_with('<') {
        return None;
    }
    let mut out = String::new();
    for c in text.chars().take(200) {
        out.push(c);
    }
    Some(out)
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

/// The problem fields of an error body.
fn problem_of(body: &ProblemBody) -> Problem {
    Problem {
        title: body.title.clone(),
        kind: body.kind.clone(),
        status: body.status.as_deref().and_then(|s| s.parse().ok()),
        detail: body.detail.clone(),
        trace_id: body.trace_id.clone(),
    }
}

/// The `validation-errors` of a problem body, grouped by item.
fn validation_items(body: ProblemBody) -> Vec<ItemErrors> {
    let mut items = Vec::new();
    let mut loose = Vec::new();
    for entry in body.validation.unwrap_or_default() {
        match entry.errors {
            Some(errors) => items.push(ItemErrors {
                index: entry.request_id.as_deref().and_then(index_of_request_id),
                request_id: entry.request_id,
                errors,
            }),
            // An entry that is itself an error belongs to no particular item.
            None => loose.push(FieldError {
                code: entry.code,
                path: entry.path,
                detail: entry.detail,
            }),
        }
    }
    if !loose.is_empty() {
        items.push(ItemErrors {
            request_id: None,
            index: None,
            errors: loose,
        });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_whole_and_fractional_seconds_exactly() {
        let ms = Duration::from_millis;
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("0.1"), Some(ms(100)));
        assert_eq!(parse_retry_after(".5"), Some(ms(500)));
        assert_eq!(parse_retry_after("2."), Some(ms(2000)));
        assert_eq!(parse_retry_after("1.0000000019"), Some(Duration::new(1, 1)));
        for bad in [
            "",
            ".",
            "1.2.3",
            "-1",
            "1e3",
            "Wed, 21 Oct 2015 07:28:00 GMT",
        ] {
            assert_eq!(parse_retry_after(bad), None, "{bad}");
        }
        assert_eq!(parse_retry_after("18446744073709551616"), None);
    }

    #[test]
    fn relay_reasons_become_relay_refusals_and_kommo_bodies_do_not() {
        let relay = |status, reason: &str| {
            let body =
                format!(r#"{{"title":"x","status":{status},"detail":"d","reason":"{reason}"}}"#);
            decode_error(
                status,
                Some("application/problem+json"),
                None,
                body.as_bytes(),
            )
        };
        assert_eq!(
            relay(403, "not_connected"),
            ApiError::Relay(RelayRefusal::NotConnected)
        );
        assert_eq!(
            relay(401, "not_installed"),
            ApiError::Relay(RelayRefusal::NotConnected)
        );
        assert_eq!(
            relay(403, "not_admin"),
            ApiError::Relay(RelayRefusal::NotAdmin)
        );
        assert_eq!(
            relay(401, "replayed"),
            ApiError::Relay(RelayRefusal::Token("replayed".into()))
        );
        // Other statuses keep their meaning whatever the body says.
        assert!(matches!(
            relay(429, "rate_limited"),
            ApiError::RateLimited { .. }
        ));
        let kommo = br#"{"title":"Forbidden","status":403,"detail":"Access denied"}"#;
        let kommo = decode_error(403, Some("application/problem+json"), None, kommo);
        assert_eq!(kommo, ApiError::Forbidden);
    }

    #[test]
    fn plain_text_errors_keep_their_valid_start() {
        let text = |body: &[u8]| plain_text(Some("text/plain"), body);
        assert_eq!(text(b" busy \xff\xfe tail").as_deref(), Some("busy"));
        assert_eq!(text("ação".as_bytes()).as_deref(), Some("ação"));
        assert_eq!(text(b"\xff"), None);
        assert_eq!(plain_text(Some("text/html"), b"busy"), None);
    }
}
