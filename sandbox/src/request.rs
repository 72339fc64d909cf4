//! Reading requests: bounded bodies, JSON (and control bodies into their types), query pairs
//! and the external_id filter, paging, the base URL.

use crate::respond::problem;
use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Largest accepted request body.
pub const MAX_BODY: usize = 1 << 20;
/// How much of an oversized body is still read (and dropped) so the client sees the 413
/// instead of a reset connection.
const DRAIN_LIMIT: usize = 16 << 20;

/// Reads the whole body, or answers 413 when it is over [`MAX_BODY`].
pub async fn read_body(mut body: Body) -> Result<Vec<u8>, Response> {
    let mut buf = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|_| problem(StatusCode::BAD_REQUEST, "Could not read request body"))?;
        if let Ok(data) = frame.into_data() {
            seen += data.len();
            if seen > MAX_BODY {
                if seen > DRAIN_LIMIT {
                    break;
                }
                continue;
            }
            buf.extend_from_slice(&data);
        }
    }
    if seen > MAX_BODY {
        return Err(problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Request body is larger than 1 MiB",
        ));
    }
    Ok(buf)
}

/// Reads the body as JSON; empty bodies and invalid JSON get Kommo-style 400s.
pub async fn read_json(body: Body) -> Result<Value, Response> {
    let bytes = read_body(body).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(problem(
            StatusCode::BAD_REQUEST,
            "Request data can not be empty",
        ));
    }
    // serde_json refuses nesting deeper than 128 levels, so deep bodies end here too.
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| problem(StatusCode::BAD_REQUEST, &format!("Invalid JSON: {e}")))?;
    Ok(value)
}

/// Reads a control body into `T`; a body that does not fit is a 400 saying what `what` lacks.
pub(crate) async fn parse_as<T: DeserializeOwned>(body: Body, what: &str) -> Result<T, Response> {
    let value: Value = read_json(body).await?;
    serde_json::from_value(value)
        .map_err(|e| problem(StatusCode::BAD_REQUEST, &format!("Invalid {what}: {e}")))
}

/// Reads a batch body: a JSON array.
pub async fn read_array(body: Body) -> Result<Vec<Value>, Response> {
    match read_json(body).await? {
        Value::Array(items) => Ok(items),
        _ => Err(problem(
            StatusCode::BAD_REQUEST,
            "Request body must be a JSON array of items",
        )),
    }
}

/// `http://<Host>` for HAL links, as Kommo builds them from the address used.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// Decodes one query component: `+` is a space, `%XX` a byte; `None` if malformed or not UTF-8.
pub fn decode_component(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The decoded key and value of one `key=value` pair of a query (a bare `key` has an empty value).
pub fn decode_pair(pair: &str) -> Result<(String, String), String> {
    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
    match (decode_component(k), decode_component(v)) {
        (Some(k), Some(v)) => Ok((k, v)),
        _ => Err("malformed query string".into()),
    }
}

/// Whether a decoded query key names the list parameter `name` in one of the shapes clients
/// send several values with: `name`, `name[]` or `name[N]`.
pub fn is_list_key(key: &str, name: &str) -> bool {
    key.strip_prefix(name)
        .is_some_and(|rest| rest.is_empty() || (rest.starts_with('[') && rest.ends_with(']')))
}

/// A whole number written with digits only (`u64::from_str` would also take a leading `+`).
pub fn whole_number(text: &str) -> Option<u64> {
    Some(text)
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse().ok())
}

/// The lower-cased values of `filter[external_id]` / `filter[external_id][N]`, if any given.
pub fn external_id_filter(query: Option<&str>) -> Result<Option<Vec<String>>, String> {
    let Some(query) = query else {
        return Ok(None);
    };
    let mut values: Option<Vec<String>> = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode_component(k).ok_or("malformed query string")?;
        if is_list_key(&key, "filter[external_id]") {
            let value = decode_component(v).ok_or("malformed query string")?;
            values
                .get_or_insert_with(Vec::new)
                .push(value.to_lowercase());
        }
    }
    Ok(values)
}

/// Most entities one list page may hold (`limit`), as in Kommo's lists.
pub const MAX_PAGE_SIZE: usize = 250;

/// Which page of a list a query asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageQuery {
    /// 1-based page number (`page`, default 1).
    pub page: usize,
    /// Entities per page (`limit`), when the query sets it.
    pub limit: Option<usize>,
    /// The query's other pairs, as they were sent, for the links to other pages.
    pub rest: Vec<String>,
}

/// Reads `page` and `limit` from a list query; anything but a whole number in range is an
/// error that names the parameter.
pub fn page_query(query: Option<&str>) -> Result<PageQuery, String> {
    let mut out = PageQuery {
        page: 1,
        limit: None,
        rest: Vec::new(),
    };
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let number = || whole_number(v).and_then(|n| usize::try_from(n).ok());
        match decode_component(k).as_deref() {
            Some("page") => {
                out.page = number()
                    .filter(|n| *n >= 1)
                    .ok_or("page must be a whole number from 1")?;
            }
            Some("limit") => {
                out.limit = Some(number().filter(|n| (1..=MAX_PAGE_SIZE).contains(n)).ok_or(
                    format!("limit must be a whole number from 1 to {MAX_PAGE_SIZE}"),
                )?);
            }
            _ => out.rest.push(pair.to_owned()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_filters_of_both_shapes() {
        assert_eq!(external_id_filter(None).unwrap(), None);
        assert_eq!(external_id_filter(Some("page=1")).unwrap(), None);
        assert_eq!(
            external_id_filter(Some("filter[external_id]=KChat01")).unwrap(),
            Some(vec!["kchat01".to_string()])
        );
        assert_eq!(
            external_id_filter(Some(
                "filter%5Bexternal_id%5D%5B0%5D=a%26b&filter[external_id][1]=c%2Bd+e%23"
            ))
            .unwrap(),
            Some(vec!["a&b".to_string(), "c+d e#".to_string()])
        );
        assert!(external_id_filter(Some("filter[external_id]=%zz")).is_err());
        assert!(external_id_filter(Some("page=2&limit=50"))
            .unwrap()
            .is_none());
        assert!(external_id_filter(Some("filter[external_id]=%ff")).is_err());
    }

    #[test]
    fn reads_page_and_limit_and_keeps_the_rest() {
        let q = page_query(Some("filter[external_id]=a&page=2&limit=10")).unwrap();
        assert_eq!(
            q,
            PageQuery {
                page: 2,
                limit: Some(10),
                rest: vec!["filter[external_id]=a".to_string()],
            }
        );
        assert_eq!(page_query(None).unwrap().page, 1);
        for bad in [
            "page=0",
            "page=-1",
            "page=x",
            "page=",
            "limit=0",
            "limit=251",
            "limit=+5",
        ] {
            assert!(page_query(Some(bad)).is_err(), "{bad}");
        }
    }
}
