//! An in-memory stand-in for the Sources API, answering the way the real one does.

use super::super::{HttpRequest, HttpResponse, LocalBoxFuture, Transport, TransportError};
use crate::api::{query, Method, ACCOUNT_PATH, MAX_BATCH, PIPELINES_PATH, SOURCES_PATH};
use crate::model::{Account, Pipeline, Service, Source};
use crate::rules::{check_origin_code, same_external_id};
use core::cell::RefCell;
use core::future::ready;
use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::rc::Rc;

/// A fake Sources API holding its sources in memory; `Clone` shares the same state.
///
/// It answers with the real API's shapes: HAL lists, 204 for empty lists, gone sources and
/// deletes, problem+json with `validation-errors` grouped by `request_id`, and lower-cased
/// external ids. Faults can be queued to answer the next requests instead.
#[derive(Debug, Clone)]
pub struct MemoryApi {
    /// Shared state.
    state: Rc<RefCell<State>>,
}

/// What the fake API holds.
#[derive(Debug)]
struct State {
    /// Sources in creation order.
    sources: Vec<Source>,
    /// The account's pipelines.
    pipelines: Vec<Pipeline>,
    /// The account.
    account: Account,
    /// Next id to hand out.
    next_id: u64,
    /// Most sources allowed.
    limit: usize,
    /// Answers to give instead of handling the next requests.
    faults: VecDeque<Result<HttpResponse, TransportError>>,
    /// Requests received.
    log: Vec<HttpRequest>,
}

impl Default for MemoryApi {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryApi {
    /// An empty integration in an account with one main pipeline (id 1) and one archived (id 2).
    pub fn new() -> Self {
        let pipeline = |id, name: &str, is_main, is_archive| Pipeline {
            id,
            name: name.to_owned(),
            is_main,
            is_archive,
            sort: id as i64,
        };
        MemoryApi {
            state: Rc::new(RefCell::new(State {
                sources: Vec::new(),
                pipelines: vec![
                    pipeline(1, "Sales", true, false),
                    pipeline(2, "Archive", false, true),
                ],
                account: Account {
                    id: 1,
                    name: "Sandbox".to_owned(),
                    subdomain: "sandbox".to_owned(),
                },
                next_id: 1000,
                limit: crate::rules::DEFAULT_LIMIT,
                faults: VecDeque::new(),
                log: Vec::new(),
            })),
        }
    }

    /// Replaces the pipelines.
    pub fn set_pipelines(&self, pipelines: Vec<Pipeline>) {
        self.state.borrow_mut().pipelines = pipelines;
    }

    /// Sets how many sources the integration may have.
    pub fn set_limit(&self, limit: usize) {
        self.state.borrow_mut().limit = limit;
    }

    /// Adds a source directly, as if created earlier; returns its id.
    pub fn insert(&self, name: &str, external_id: &str) -> u64 {
        let mut st = self.state.borrow_mut();
        let id = st.next_id;
        st.next_id += 1;
        let pipeline_id = st.main_pipeline();
        st.sources.push(Source {
            id,
            name: name.to_owned(),
            pipeline_id,
            external_id: external_id.to_ascii_lowercase(),
            default: Some(false),
            origin_code: None,
            services: Vec::new(),
            links: None,
            request_id: None,
        });
        id
    }

    /// The sources as stored now.
    pub fn sources(&self) -> Vec<Source> {
        self.state.borrow().sources.clone()
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.state.borrow().log.clone()
    }

    /// Answers the next request with `response` instead of handling it.
    pub fn fail_next(&self, response: HttpResponse) {
        self.state.borrow_mut().faults.push_back(Ok(response));
    }

    /// Makes the next request fail without an answer.
    pub fn drop_next(&self, error: TransportError) {
        self.state.borrow_mut().faults.push_back(Err(error));
    }
}

impl Transport for MemoryApi {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let mut st = self.state.borrow_mut();
        st.log.push(req.clone());
        let answer = match st.faults.pop_front() {
            Some(fault) => fault,
            None => Ok(st.handle(&req)),
        };
        Box::pin(ready(answer))
    }
}

impl State {
    /// Routes one request.
    fn handle(&mut self, req: &HttpRequest) -> HttpResponse {
        let (path, q) = req
            .path_and_query
            .split_once('?')
            .unwrap_or((&req.path_and_query, ""));
        let body: Option<Value> = match req.body.as_deref().map(serde_json::from_str) {
            None => None,
            Some(Ok(v)) => Some(v),
            Some(Err(_)) => return problem(400, "Request body is not valid JSON", Vec::new()),
        };
        let one = path
            .strip_prefix(SOURCES_PATH)
            .and_then(|rest| rest.strip_prefix('/'))
            .map(|id| id.parse::<u64>().ok());
        match (req.method, path, one) {
            (Method::Get, SOURCES_PATH, _) => match query::decode_query(q) {
                Some(pairs) => self.list(&pairs),
                None => problem(400, "Malformed query", Vec::new()),
            },
            (Method::Post, SOURCES_PATH, _) => self.add(body),
            (Method::Patch, SOURCES_PATH, _) => self.update_many(body),
            (Method::Delete, SOURCES_PATH, _) => self.delete_many(body),
            (Method::Get, PIPELINES_PATH, _) => {
                let pipelines = serde_json::to_value(&self.pipelines).unwrap_or_default();
                hal(json!({"_total_items": self.pipelines.len(),
                           "_embedded": {"pipelines": pipelines}}))
            }
            (Method::Get, ACCOUNT_PATH, _) => {
                hal(serde_json::to_value(&self.account).unwrap_or_default())
            }
            (method, _, Some(Some(id))) => self.one(method, id, body),
            _ => HttpResponse::new(404, "text/plain", "Not Found"),
        }
    }

    /// Id of the main pipeline (where sources without one land).
    fn main_pipeline(&self) -> u64 {
        self.pipelines
            .iter()
            .find(|p| p.is_main)
            .or(self.pipelines.first())
            .map_or(0, |p| p.id)
    }

    /// `GET /sources`, optionally filtered by external ids.
    fn list(&self, pairs: &[(String, String)]) -> HttpResponse {
        let wanted: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k.starts_with("filter[external_id]"))
            .map(|(_, v)| v.as_str())
            .collect();
        let found: Vec<&Source> = self
            .sources
            .iter()
            .filter(|s| {
                wanted.is_empty() || wanted.iter().any(|w| same_external_id(w, &s.external_id))
            })
            .collect();
        if found.is_empty() {
            return HttpResponse::empty(204);
        }
        list_response(&found)
    }

    /// Requests on `/sources/{id}`.
    fn one(&mut self, method: Method, id: u64, body: Option<Value>) -> HttpResponse {
        let Some(index) = self.sources.iter().position(|s| s.id == id) else {
            return match method {
                Method::Get => HttpResponse::empty(204),
                _ => HttpResponse::new(404, "text/plain", "Not Found"),
            };
        };
        match method {
            Method::Get => hal(source_json(&self.sources[index])),
            Method::Delete => {
                self.sources.remove(index);
                HttpResponse::empty(204)
            }
            Method::Patch => {
                let Some(Value::Object(fields)) = body else {
                    return problem(400, "Request data can not be empty", Vec::new());
                };
                let errors = self.check_fields(&fields);
                if !errors.is_empty() {
                    return problem(
                        400,
                        "Request validation failed",
                        vec![json!({"errors": errors})],
                    );
                }
                self.apply(index, &fields);
                hal(source_json(&self.sources[index]))
            }
            Method::Post => HttpResponse::new(405, "text/plain", "Method Not Allowed"),
        }
    }

    /// `POST /sources`.
    fn add(&mut self, body: Option<Value>) -> HttpResponse {
        let items = match batch(body) {
            Ok(items) => items,
            Err(resp) => return resp,
        };
        if self.sources.len() + items.len() > self.limit {
            return problem(400, "Sources limit exceeded", Vec::new());
        }
        let mut groups = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let mut errors = self.check_fields(item);
            match item.get("external_id").and_then(Value::as_str) {
                None | Some("") => errors.push(field_error("FieldMissing", "external_id")),
                Some(ext) => {
                    let earlier = items[..i].iter().any(|o| {
                        o.get("external_id")
                            .and_then(Value::as_str)
                            .is_some_and(|e| same_external_id(e, ext))
                    });
                    if earlier
                        || self
                            .sources
                            .iter()
                            .any(|s| same_external_id(&s.external_id, ext))
                    {
                        errors.push(field_error("NotSupportedChoice", "external_id"));
                    }
                }
            }
            if !item.contains_key("name") {
                errors.push(field_error("FieldMissing", "name"));
            }
            if !errors.is_empty() {
                groups.push(json!({"request_id": request_id(item, i), "errors": errors}));
            }
        }
        if !groups.is_empty() {
            return problem(400, "Request validation failed", groups);
        }
        let mut created = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let id = self.next_id;
            self.next_id += 1;
            let external_id = item
                .get("external_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            self.sources.push(Source {
                id,
                name: String::new(),
                pipeline_id: self.main_pipeline(),
                external_id: external_id.to_ascii_lowercase(),
                default: Some(false),
                origin_code: None,
                services: Vec::new(),
                links: None,
                request_id: None,
            });
            let index = self.sources.len() - 1;
            self.apply(index, item);
            let mut out = self.sources[index].clone();
            out.request_id = Some(request_id(item, i));
            created.push(out);
        }
        list_response(&created.iter().collect::<Vec<_>>())
    }

    /// `PATCH /sources`.
    fn update_many(&mut self, body: Option<Value>) -> HttpResponse {
        let items = match batch(body) {
            Ok(items) => items,
            Err(resp) => return resp,
        };
        let mut groups = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let id = item.get("id").and_then(Value::as_u64);
            let mut errors = self.check_fields(item);
            match id {
                None => errors.push(field_error("FieldMissing", "id")),
                Some(id) if !self.sources.iter().any(|s| s.id == id) => {
                    errors.push(field_error("NotSupportedChoice", "id"))
                }
                Some(_) => {}
            }
            if !errors.is_empty() {
                groups.push(json!({"request_id": request_id(item, i), "errors": errors}));
            }
        }
        if !groups.is_empty() {
            return problem(400, "Request validation failed", groups);
        }
        let mut updated = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let id = item.get("id").and_then(Value::as_u64).unwrap_or_default();
            if let Some(index) = self.sources.iter().position(|s| s.id == id) {
                self.apply(index, item);
                let mut out = self.sources[index].clone();
                out.request_id = Some(request_id(item, i));
                updated.push(out);
            }
        }
        list_response(&updated.iter().collect::<Vec<_>>())
    }

    /// `DELETE /sources` with `[{"id": N}, ...]`.
    fn delete_many(&mut self, body: Option<Value>) -> HttpResponse {
        let items = match batch(body) {
            Ok(items) => items,
            Err(resp) => return resp,
        };
        let mut ids = Vec::new();
        for item in &items {
            match item.get("id").and_then(Value::as_u64) {
                Some(id) if item.len() == 1 && self.sources.iter().any(|s| s.id == id) => {
                    ids.push(id)
                }
                _ => return problem(400, "A source with this id does not exist", Vec::new()),
            }
        }
        self.sources.retain(|s| !ids.contains(&s.id));
        HttpResponse::empty(204)
    }

    /// Server-side checks of the optional fields of a create or update item.
    fn check_fields(&self, item: &Map<String, Value>) -> Vec<Value> {
        let mut errors = Vec::new();
        if let Some(name) = item.get("name") {
            if !matches!(name, Value::String(n) if !n.trim().is_empty()) {
                errors.push(field_error("InvalidType", "name"));
            }
        }
        if let Some(p) = item.get("pipeline_id") {
            if !p
                .as_u64()
                .is_some_and(|id| self.pipelines.iter().any(|pl| pl.id == id))
            {
                errors.push(field_error("NotSupportedChoice", "pipeline_id"));
            }
        }
        if let Some(code) = item.get("origin_code") {
            if code.as_str().is_none_or(|c| check_origin_code(c).is_some()) {
                errors.push(field_error("InvalidType", "origin_code"));
            }
        }
        if let Some(d) = item.get("default") {
            if !d.is_boolean() {
                errors.push(field_error("InvalidType", "default"));
            }
        }
        if let Some(services) = item.get("services") {
            if serde_json::from_value::<Vec<Service>>(services.clone()).is_err() {
                errors.push(field_error("InvalidType", "services"));
            }
        }
        errors
    }

    /// Applies the fields of an item to a stored source; a new default unsets the old one.
    fn apply(&mut self, index: usize, item: &Map<String, Value>) {
        if item.get("default").and_then(Value::as_bool) == Some(true) {
            for s in &mut self.sources {
                s.default = Some(false);
            }
        }
        let s = &mut self.sources[index];
        if let Some(name) = item.get("name").and_then(Value::as_str) {
            s.name = name.to_owned();
        }
        if let Some(p) = item.get("pipeline_id").and_then(Value::as_u64) {
            s.pipeline_id = p;
        }
        if let Some(d) = item.get("default").and_then(Value::as_bool) {
            s.default = Some(d);
        }
        if let Some(code) = item.get("origin_code").and_then(Value::as_str) {
            s.origin_code = Some(code.to_owned());
        }
        if let Some(services) = item.get("services") {
            s.services = serde_json::from_value(services.clone()).unwrap_or_default();
        }
    }
}

/// The items of a batch body: a non-empty array of objects, at most [`MAX_BATCH`].
fn batch(body: Option<Value>) -> Result<Vec<Map<String, Value>>, HttpResponse> {
    let items = match body {
        Some(Value::Array(items)) if !items.is_empty() => items,
        _ => return Err(problem(400, "Request data can not be empty", Vec::new())),
    };
    if items.len() > MAX_BATCH {
        return Err(problem(400, "Too many items in one request", Vec::new()));
    }
    items
        .into_iter()
        .map(|v| match v {
            Value::Object(map) => Ok(map),
            _ => Err(problem(400, "Each item must be an object", Vec::new())),
        })
        .collect()
}

/// The item's `request_id`, or its position when it sent none.
fn request_id(item: &Map<String, Value>, index: usize) -> String {
    match item.get("request_id") {
        Some(Value::String(s)) => s.clone(),
        _ => index.to_string(),
    }
}

/// A source as the API shows it, with its `_links`.
fn source_json(s: &Source) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or_default();
    if let Value::Object(map) = &mut v {
        map.insert(
            "_links".to_owned(),
            json!({"self": {"href": format!("https://sandbox.kommo.com{SOURCES_PATH}/{}", s.id)}}),
        );
    }
    v
}

/// A HAL list of sources.
fn list_response(sources: &[&Source]) -> HttpResponse {
    let items: Vec<Value> = sources.iter().map(|s| source_json(s)).collect();
    hal(json!({"_total_items": items.len(), "_embedded": {"sources": items}}))
}

/// A 200 HAL answer.
fn hal(body: Value) -> HttpResponse {
    HttpResponse::hal(200, body.to_string())
}

/// One field error of a problem body.
fn field_error(code: &str, path: &str) -> Value {
    json!({"code": code, "path": path, "detail": format!("{path}: {code}")})
}

/// A problem+json answer.
fn problem(status: u16, detail: &str, validation_errors: Vec<Value>) -> HttpResponse {
    let mut body = json!({
        "title": "Bad Request",
        "type": format!("https://httpstatus.es/{status}"),
        "status": status,
        "detail": detail,
    });
    if !validation_errors.is_empty() {
        body["validation-errors"] = Value::Array(validation_errors);
    }
    HttpResponse::problem(status, body.to_string())
}
