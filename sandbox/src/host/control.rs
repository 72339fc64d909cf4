//! `/__sandbox/host`: the switches, the saved settings and the source attachments, for tests.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::state::{Csp, Encoding, Files, HostState, PipelineIdAs, Switches, WasmMime};
use crate::respond::problem;

/// A partial change of the switches; absent fields keep their value.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchChange {
    wasm_mime: Option<WasmMime>,
    csp: Option<Csp>,
    pipeline_id_as: Option<PipelineIdAs>,
    files: Option<Files>,
    encoding: Option<Encoding>,
}

/// One attachment change: the widget is (or stops being) a source of `pipeline_id`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pipeline_id: u64,
    #[serde(default = "yes")]
    attached: bool,
}

fn yes() -> bool {
    true
}

fn bad_request(detail: String) -> Response {
    problem(StatusCode::BAD_REQUEST, &detail)
}

/// Decodes an optional JSON body; an empty body stands for `{}`.
fn parse_body<T: for<'de> Deserialize<'de> + Default>(body: &Bytes) -> Result<T, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| bad_request(format!("invalid body: {e}")))
}

/// `GET /__sandbox/host`: the current switches.
pub async fn get_switches(State(state): State<HostState>) -> Json<Switches> {
    Json(state.switches())
}

/// `POST /__sandbox/host`: changes the switches, from the query string and/or a JSON body.
pub async fn post_switches(
    State(state): State<HostState>,
    query: Result<Query<SwitchChange>, axum::extract::rejection::QueryRejection>,
    body: Bytes,
) -> Response {
    let Ok(Query(from_query)) = query else {
        return bad_request(
            "unknown switch or value: wasm_mime is correct|wrong|text, csp is none|strict, \
             pipeline_id_as is number|string, files is same|cors|nocors, \
             encoding is identity|gzip"
                .into(),
        );
    };
    let from_body: SwitchChange = match parse_body(&body) {
        Ok(change) => change,
        Err(response) => return response,
    };
    let mut switches = state.switches();
    for change in [from_query, from_body] {
        if let Some(mime) = change.wasm_mime {
            switches.wasm_mime = mime;
        }
        if let Some(csp) = change.csp {
            switches.csp = csp;
        }
        if let Some(as_) = change.pipeline_id_as {
            switches.pipeline_id_as = as_;
        }
        if let Some(files) = change.files {
            switches.files = files;
        }
        if let Some(encoding) = change.encoding {
            switches.encoding = encoding;
        }
    }
    state.set_switches(switches);
    Json(switches).into_response()
}

/// `POST /__sandbox/host/reset`: default switches, initial settings, no attachments.
pub async fn reset(State(state): State<HostState>) -> Json<Switches> {
    state.reset();
    Json(state.switches())
}

/// `GET /__sandbox/host/settings`: what the widget's settings modal saved.
pub async fn get_settings(State(state): State<HostState>) -> Json<Map<String, Value>> {
    Json(state.settings())
}

/// `POST /__sandbox/host/settings`: merges a JSON object into the saved settings.
pub async fn post_settings(State(state): State<HostState>, body: Bytes) -> Response {
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(changes)) => Json(state.merge_settings(changes)).into_response(),
        Ok(_) => bad_request("settings must be a JSON object".into()),
        Err(e) => bad_request(format!("invalid body: {e}")),
    }
}

/// `GET /__sandbox/host/attachments`: pipelines the widget is a source of.
pub async fn get_attachments(State(state): State<HostState>) -> Json<Value> {
    Json(json!({ "pipelines": state.attached() }))
}

/// `POST /__sandbox/host/attachments`: attaches (or with `"attached": false` detaches).
pub async fn post_attachments(State(state): State<HostState>, body: Bytes) -> Response {
    match serde_json::from_slice::<Attachment>(&body) {
        Ok(change) => {
            let pipelines = state.set_attached(change.pipeline_id, change.attached);
            Json(json!({ "pipelines": pipelines })).into_response()
        }
        Err(e) => bad_request(format!("invalid body: {e}")),
    }
}
