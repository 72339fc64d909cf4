//! Reading an error response: problem+json with its validation errors (grouped by item),
//! the relay's refusals, `Retry-After`, and bodies that are not JSON at all.
//!
//! Error bodies are read as problem+json when they are JSON and tolerated when they are not.

use super::decode::{essence, is_json};
use super::error::{ApiError, FieldError, ItemErrors, Problem, RelayRefusal};
use super::index_of_request_id;
use crate::http::HttpResponse;
use crate::lenient;
use serde::Deserialize;
use std::time::Duration;

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

/// The error a non-success response stands for, keeping whatever its body explains.
pub fn decode_error(r: &HttpResponse) -> ApiError {
    let (status, content_type, body) = (r.status, r.content_type.as_deref(), &r.body[..]);
    let parsed = error_body(content_type, body);
    let object = parsed.as_ref().and_then(|p| p.as_ref());
    let mut problem = object.map(problem_of).unwrap_or_default();
    if problem.detail.is_none() && parsed.is_none() {
        problem.detail = plain_text(content_type, body);
    }
    let relay = object
        .and_then(|o| o.reason.as_deref())
        .and_then(|reason| RelayRefusal::from_reason(status, reason));
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
            retry_after: r
                .retry_after
                .as_deref()
                .and_then(parse_retry_after)
                .or_else(|| {
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

/// An error body read as a problem when it is JSON, whatever it was declared as: `None`
/// when it is not JSON, `Some(None)` when it is JSON but not an object.
fn error_body(content_type: Option<&str>, body: &[u8]) -> Option<Option<ProblemBody>> {
    let declared_text = content_type.is_some_and(|ct| !is_json(ct));
    let object = body.trim_ascii_start().starts_with(b"{");
    if declared_text && !object {
        return None;
    }
    let doc = crate::json::Doc::parse(body).ok()?;
    if object {
        return doc.read().ok().map(Some);
    }
    Some(None)
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
            decode_error(&HttpResponse::problem(status, body))
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
        let kommo = decode_error(&HttpResponse::problem(403, &kommo[..]));
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
