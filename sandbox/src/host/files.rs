//! Serving files from disk: the built widget folder and the npm packages the host loads.

use std::path::{Path, PathBuf};

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::state::WasmMime;

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

/// Reads `file` and answers with its Content-Type; a vanished file is a 404.
pub async fn serve(file: &Path, wasm: WasmMime) -> Response {
    match tokio::fs::read(file).await {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(content_type(file, wasm)),
                ),
                // The widget is rebuilt while the sandbox runs: never let a stale copy linger.
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => not_found(),
    }
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
