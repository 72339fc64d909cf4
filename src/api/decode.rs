//! Turning a response (status, content type, `Retry-After`, body) into typed results.
//!
//! 204 is an answer, not an error: an empty list, a source that is gone, a done delete.
//! Error bodies are read as problem+json when they are JSON and tolerated when they are not.

use super::error::{ApiError, FieldError, ItemErrors, Problem};
use super::index_of_request_id;
use crate::model::{Pipeline, Source};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;

/// Sources from a list, filter, batch create or batch update answer; 204 is an empty list.
pub(crate) fn decode_sources(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<Vec<Source>, ApiError> {
    match status {
        204 => Ok(Vec::new()),
        200..=299 => embedded_list(&json_body(content_type, body)?, "sources"),
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
            let value = json_body(content_type, body)?;
            if value.get("id").is_none() && value.get("_embedded").is_some() {
                // Some answers wrap a single entity like a batch; take its only item.
                return Ok(embedded_list::<Source>(&value, "sources")?
                    .into_iter()
                    .next());
            }
            Source::deserialize(value)
                .map(Some)
                .map_err(|e| decode_failure(&["the answer is not valid: ", &e.to_string()]))
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
        200..=299 => embedded_list(&json_body(content_type, body)?, "pipelines"),
        _ => Err(decode_error(status, content_type, retry_after, body)),
    }
}

/// The error a non-success response stands for, keeping whatever its body explains.
pub fn decode_error(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &[u8],
) -> ApiError {
    let parsed = error_body(content_type, body);
    let object = parsed.as_ref().filter(|v| v.is_object());
    let mut problem = object.map(problem_of).unwrap_or_default();
    if problem.detail.is_none() && parsed.is_none() {
        problem.detail = plain_text(content_type, body);
    }
    match status {
        400 | 422 => {
            if problem.status.is_none() {
                problem.status = Some(status);
            }
            let items = object.map(validation_items).unwrap_or_default();
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
            retry_after: retry_after
                .and_then(parse_retry_after)
                .or_else(|| object.and_then(|o| o.get("retry_after")).and_then(seconds)),
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

/// A decode error with a message built from parts (pushed one by one: `concat` would
/// bring a generic join into the bundle for this alone).
fn decode_failure(parts: &[&str]) -> ApiError {
    let mut message = String::new();
    for part in parts {
        message.push_str(part);
    }
    ApiError::Decode(message)
}

/// The JSON of a success body, which must be present and declared as JSON (or undeclared).
fn json_body(content_type: Option<&str>, body: &[u8]) -> Result<Value, ApiError> {
    if let Some(ct) = content_type {
        if !is_json(ct) {
            return Err(decode_failure(&[
                "expected JSON, got content type ",
                &essence(ct),
            ]));
        }
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(decode_failure(&["the response body is empty"]));
    }
    serde_json::from_slice(body).map_err(|e| decode_failure(&["invalid JSON: ", &e.to_string()]))
}

/// The JSON of an error body when it is JSON, whatever it was declared as.
fn error_body(content_type: Option<&str>, body: &[u8]) -> Option<Value> {
    let declared_text = content_type.is_some_and(|ct| !is_json(ct));
    if declared_text && !body.trim_ascii_start().starts_with(b"{") {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// A short plain-text explanation from a non-JSON error body, skipping HTML pages.
///
/// Text after the first byte that is not UTF-8 is dropped (no replacement characters:
/// a lossy conversion costs the bundle a kilobyte for a case proxies hardly produce).
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

/// `_embedded.<key>` decoded as a list; a missing list is an empty one. Items are read one
/// by one so that an error names the item it is about.
fn embedded_list<T: DeserializeOwned>(value: &Value, key: &str) -> Result<Vec<T>, ApiError> {
    if !value.is_object() {
        return Err(decode_failure(&["expected a HAL object with ", key]));
    }
    match value.get("_embedded").and_then(|e| e.get(key)) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let read = T::deserialize(item).map_err(|e| {
                    decode_failure(&[key, "[", &i.to_string(), "] is not valid: ", &e.to_string()])
                })?;
                out.push(read);
            }
            Ok(out)
        }
        Some(_) => Err(decode_failure(&["_embedded.", key, " is not a list"])),
    }
}

/// The problem fields of an error body.
fn problem_of(body: &Value) -> Problem {
    Problem {
        title: text(body.get("title")),
        kind: text(body.get("type")),
        status: text(body.get("status")).and_then(|s| s.parse().ok()),
        detail: text(body.get("detail")),
        trace_id: text(body.get("trace_id")),
    }
}

/// The `validation-errors` of a problem body, grouped by item.
fn validation_items(body: &Value) -> Vec<ItemErrors> {
    let Some(Value::Array(entries)) = body
        .get("validation-errors")
        .or_else(|| body.get("validation_errors"))
    else {
        return Vec::new();
    };
    let mut items = Vec::new();
    let mut loose = Vec::new();
    for entry in entries {
        if !entry.is_object() {
            continue;
        }
        match entry.get("errors") {
            Some(Value::Array(errors)) => {
                let request_id = text(entry.get("request_id"));
                let mut fields = Vec::new();
                for e in errors {
                    if e.is_object() {
                        fields.push(field_error(e));
                    }
                }
                items.push(ItemErrors {
                    index: request_id.as_deref().and_then(index_of_request_id),
                    request_id,
                    errors: fields,
                });
            }
            // An entry that is itself an error belongs to no particular item.
            _ => loose.push(field_error(entry)),
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

/// One field error, with missing parts left empty.
fn field_error(e: &Value) -> FieldError {
    FieldError {
        code: text(e.get("code")).unwrap_or_default(),
        path: text(e.get("path")).unwrap_or_default(),
        detail: text(e.get("detail")).unwrap_or_default(),
    }
}

/// A string or number as text.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A wait in seconds given as a number or numeric string.
fn seconds(v: &Value) -> Option<Duration> {
    parse_retry_after(&text(Some(v))?)
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
    fn plain_text_errors_keep_their_valid_start() {
        let text = |body: &[u8]| plain_text(Some("text/plain"), body);
        assert_eq!(text(b" busy \xff\xfe tail").as_deref(), Some("busy"));
        assert_eq!(text("ação".as_bytes()).as_deref(), Some("ação"));
        assert_eq!(text(b"\xff"), None);
        assert_eq!(plain_text(Some("text/html"), b"busy"), None);
    }
}
