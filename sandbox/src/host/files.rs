//! Serving files from disk: the built widget folder and the npm packages the host loads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use std::hash::{DefaultHasher, Hash, Hasher};

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::state::{Encoding, WasmMime};

/// The Content-Type a static file server like Kommo's would send for `path`.
pub fn content_type(path: &Path, wasm: WasmMime) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "js" | "mjs" => "application/javascript; charset=utf-8",
        "wasm" => match wasm {
            WasmMime::Correct => "application/wasm",
            WasmMime::Wrong => "application/octet-stream",
            WasmMime::Text => "text/plain",
        },
        "json" | "map" => "application/json; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "html" => "text/html; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a request path (already percent-decoded) to a file strictly inside `root`.
///
/// Refuses `..`, `.`, empty segments, backslashes and drive prefixes before touching the
/// disk, then checks the canonical path so a symlink cannot lead outside either.
pub fn resolve(root: &Path, relative: &str) -> Option<PathBuf> {
    if relative.is_empty() {
        return None;
    }
    for segment in relative.split('/') {
        let unsafe_segment = segment.is_empty()
            || segment == "."
            || segment == ".."
            || segment.contains(['\\', '\0', ':']);
        if unsafe_segment {
            return None;
        }
    }
    let root = root.canonicalize().ok()?;
    let file = root.join(relative).canonicalize().ok()?;
    (file.starts_with(&root) && file.is_file()).then_some(file)
}

/// The strong validator of a file as served: its bytes, its Content-Type (the test
/// switches relabel `.wasm`, and a cached copy must not keep the old label) and its
/// encoding (a compressed copy is another representation).
fn etag(bytes: &[u8], content_type: &str, gzip: bool) -> String {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    content_type.hash(&mut h);
    gzip.hash(&mut h);
    format!("\"{:016x}\"", h.finish())
}

/// Whether the request's `Accept-Encoding` takes gzip (and does not refuse it with `q=0`).
fn accepts_gzip(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// `bytes` gzip-compressed at the level static file servers commonly use (6), once per
/// version (`tag`): a static server compresses a file once, not on every request (the
/// module takes about 30 ms).
fn gzip(bytes: &[u8], tag: &str) -> Bytes {
    use std::io::Write;
    /// Versions kept at most; past that the cache starts again (a widget has a few files).
    const KEPT: usize = 32;
    static DONE: OnceLock<Mutex<HashMap<String, Bytes>>> = OnceLock::new();
    let done = DONE.get_or_init(Mutex::default);
    if let Some(hit) = done.lock().expect("no panic holds it").get(tag) {
        return hit.clone();
    }
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    out.write_all(bytes).expect("writing to memory");
    let zipped = Bytes::from(out.finish().expect("writing to memory"));
    let mut done = done.lock().expect("no panic holds it");
    if done.len() >= KEPT {
        done.clear();
    }
    done.insert(tag.to_owned(), zipped.clone());
    zipped
}

/// Whether an `If-None-Match` header names `tag` (or is `*`).
fn matches(request: &HeaderMap, tag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == tag || t == "*")
}

/// Reads `file` and answers with its Content-Type and an `ETag`, or 304 when the request
/// already holds that version; a vanished file is a 404. With [`Encoding::Gzip`], a browser
/// that accepts gzip gets the file compressed.
///
/// `no-cache` lets the browser keep a copy but revalidate it on every use: the widget is
/// rebuilt while the sandbox runs, and a warm open still reuses what did not change.
pub async fn serve(
    file: &Path,
    wasm: WasmMime,
    encoding: Encoding,
    request: &HeaderMap,
) -> Response {
    let Ok(bytes) = tokio::fs::read(file).await else {
        return not_found();
    };
    let content_type = content_type(file, wasm);
    let gzipped = encoding == Encoding::Gzip && accepts_gzip(request);
    let tag = etag(&bytes, content_type, gzipped);
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&tag).expect("hex in quotes is a header value"),
    );
    if encoding == Encoding::Gzip {
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    if matches(request, &tag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let body = if gzipped {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        gzip(&bytes, &tag)
    } else {
        Bytes::from(bytes)
    };
    (headers, body).into_response()
}

/// A plain 404, saying nothing about the disk layout.
pub fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Not found\n",
    )
        .into_response()
}

/// The second origin of this server for a page at `Host: 127.0.0.1:<port>` (or
/// `localhost:<port>`): the other loopback name on the same port, which the browser treats as
/// another origin. `None` for any other host, which has no such twin.
pub fn other_origin(request: &HeaderMap) -> Option<String> {
    let host = request.get(header::HOST)?.to_str().ok()?;
    let (name, port) = host.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    let twin = match name {
        "127.0.0.1" => "localhost",
        "localhost" => "127.0.0.1",
        _ => return None,
    };
    Some(format!("http://{twin}:{port}"))
}

/// Lets the page that loads these files read them cross-origin: the one origin that needs it
/// (the twin of the host the files were asked from), never `*`, and no credentials.
pub fn allow_page_origin(request: &HeaderMap, response: &mut Response) {
    let origin = request.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    let page = other_origin(request);
    if let (Some(origin), Some(page)) = (origin, page) {
        if origin == page {
            if let Ok(value) = HeaderValue::from_str(origin) {
                response
                    .headers_mut()
                    .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
            }
        }
    }
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("Origin"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_segments_are_refused_before_the_disk_is_read() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(resolve(root, "Cargo.toml").is_some());
        for bad in [
            "../Cargo.toml",
            "src/../Cargo.toml",
            "./Cargo.toml",
            "src//lib.rs",
            "..\\Cargo.toml",
            "C:/Windows",
            "",
            "src",
        ] {
            assert_eq!(resolve(root, bad), None, "{bad:?} must be refused");
        }
    }

    #[test]
    fn wasm_label_follows_the_switch() {
        let wasm = Path::new("w/widget_bg.WASM");
        assert_eq!(content_type(wasm, WasmMime::Correct), "application/wasm");
        assert_eq!(
            content_type(wasm, WasmMime::Wrong),
            "application/octet-stream"
        );
        assert_eq!(content_type(wasm, WasmMime::Text), "text/plain");
    }
}
