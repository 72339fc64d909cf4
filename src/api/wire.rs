//! The models read from and written to [`Json`] by hand, with the same tolerance as their
//! serde implementations (`null` for a value, `params` as `[]`, numbers for strings).
//!
//! The serde derives stay for callers that use serde; the API layer uses these so that the
//! browser bundle carries no generic deserializer.

use super::json::{self, Json};
use crate::model::{
    Account, Link, Links, NewSource, Page, Params, Pipeline, Service, Source, SourcePatch,
};

/// Why a value could not be read: the field and what was wrong with it.
pub type WireError = String;

/// The error for field `name`: `"<name>: <what>"`.
fn bad(name: &str, what: &str) -> WireError {
    let mut s = String::from(name);
    s.push_str(": ");
    s.push_str(what);
    s
}

/// The error for a value of the wrong type.
fn expected(name: &str, want: &str, got: &Json) -> WireError {
    let mut s = bad(name, "expected ");
    s.push_str(want);
    s.push_str(", got ");
    s.push_str(got.kind());
    s
}

/// Member `name` of `obj`, with `null` read as missing.
fn field<'a>(obj: &'a Json, name: &str) -> Option<&'a Json> {
    obj.get(name).filter(|v| **v != Json::Null)
}

/// A required id.
fn id(obj: &Json, name: &str) -> Result<u64, WireError> {
    match obj.get(name) {
        None => Err(bad(name, "missing")),
        Some(v) => v.as_u64().ok_or_else(|| expected(name, "an id", v)),
    }
}

/// An optional unsigned integer; `null` or missing is 0.
fn uint(obj: &Json, name: &str) -> Result<u64, WireError> {
    field(obj, name).map_or(Ok(0), |v| {
        v.as_u64().ok_or_else(|| expected(name, "an integer", v))
    })
}

/// An optional string that must be a string when present; `null` or missing is empty.
fn strict_string(obj: &Json, name: &str) -> Result<String, WireError> {
    match field(obj, name) {
        None => Ok(String::new()),
        Some(Json::Str(s)) => Ok(s.clone()),
        Some(v) => Err(expected(name, "a string", v)),
    }
}

/// A string that may arrive as a number or `null`; anything else is an error.
fn opt_string(obj: &Json, name: &str) -> Result<Option<String>, WireError> {
    match field(obj, name) {
        None => Ok(None),
        Some(Json::Str(s)) => Ok(Some(s.clone())),
        Some(Json::Num(n)) => Ok(Some(n.clone())),
        Some(v) => Err(expected(name, "a string", v)),
    }
}

/// Like [`opt_string`], with `null` read as empty.
fn string(obj: &Json, name: &str) -> Result<String, WireError> {
    Ok(opt_string(obj, name)?.unwrap_or_default())
}

/// A boolean that may arrive as `0`/`1` or `"true"`/`"false"`; other values read as unset.
fn opt_bool(obj: &Json, name: &str) -> Option<bool> {
    match obj.get(name)? {
        Json::Bool(b) => Some(*b),
        n @ Json::Num(_) => n.as_i64().map(|n| n != 0),
        Json::Str(s) => match s.as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A list of `T`, where `null`, missing and an empty object stand for an empty list.
fn list<T>(
    obj: &Json,
    name: &str,
    item: fn(&Json) -> Result<T, WireError>,
) -> Result<Vec<T>, WireError> {
    match obj.get(name) {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Obj(m)) if m.is_empty() => Ok(Vec::new()),
        Some(Json::Arr(items)) => read_all(items, item).map_err(|(_, e)| e),
        Some(v) => Err(expected(name, "an array", v)),
    }
}

/// Reads every item with `read`, stopping at the first error, which comes with its index.
///
/// A plain loop: `collect` into a `Result` costs the bundle an iterator adapter, a
/// `from_iter` and an `extend` per item type.
pub(crate) fn read_all<T>(
    items: &[Json],
    read: fn(&Json) -> Result<T, WireError>,
) -> Result<Vec<T>, (usize, WireError)> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(read(item).map_err(|e| (i, e))?);
    }
    Ok(out)
}

/// An object's check: every model is read from an object.
fn object<'a>(v: &'a Json, what: &str) -> Result<&'a Json, WireError> {
    match v {
        Json::Obj(_) => Ok(v),
        _ => Err(expected(what, "an object", v)),
    }
}

impl Source {
    /// Reads a source from a JSON object, tolerating what real answers contain.
    pub fn from_json(v: &Json) -> Result<Source, WireError> {
        let v = object(v, "source")?;
        Ok(Source {
            id: id(v, "id")?,
            name: strict_string(v, "name")?,
            pipeline_id: uint(v, "pipeline_id")?,
            external_id: string(v, "external_id")?,
            default: opt_bool(v, "default"),
            origin_code: opt_string(v, "origin_code")?,
            services: list(v, "services", Service::from_json)?,
            links: match v.get("_links") {
                Some(l @ Json::Obj(_)) => Some(Links {
                    self_link: match l.get("self") {
                        Some(s @ Json::Obj(_)) => string(s, "href").ok().map(|href| Link { href }),
                        _ => None,
                    },
                }),
                _ => None,
            },
            request_id: opt_string(v, "request_id")?,
        })
    }
}

impl Service {
    /// Reads a service; `params` as `[]` or `null` means none.
    pub fn from_json(v: &Json) -> Result<Service, WireError> {
        let v = object(v, "services")?;
        Ok(Service {
            kind: string(v, "type")?,
            pages: list(v, "pages", Page::from_json)?,
            params: match v.get("params") {
                Some(p @ Json::Obj(_)) => Some(Params {
                    waba: opt_bool(p, "waba"),
                    is_supports_list_message: opt_bool(p, "is_supports_list_message"),
                }),
                _ => None,
            },
        })
    }

    /// Appends the service as a JSON object (keys in sorted order, as `serde_json` writes).
    pub fn write_json(&self, out: &mut String) {
        let mut o = Members::open(out);
        o.key("pages").push('[');
        for (i, p) in self.pages.iter().enumerate() {
            if i > 0 {
                o.out.push(',');
            }
            let mut page = Members::open(o.out);
            page.string("id", &p.id);
            page.string("link", &p.link);
            page.string("name", &p.name);
            page.close();
        }
        o.out.push(']');
        if let Some(params) = &self.params {
            let mut p = Members::open(o.key("params"));
            p.flag("is_supports_list_message", params.is_supports_list_message);
            p.flag("waba", params.waba);
            p.close();
        }
        o.string("type", &self.kind);
        o.close();
    }
}

impl Page {
    /// Reads a page; missing parts are empty.
    pub fn from_json(v: &Json) -> Result<Page, WireError> {
        let v = object(v, "pages")?;
        Ok(Page {
            name: string(v, "name")?,
            id: string(v, "id")?,
            link: string(v, "link")?,
        })
    }
}

impl Pipeline {
    /// Reads a pipeline of `GET /leads/pipelines`.
    pub fn from_json(v: &Json) -> Result<Pipeline, WireError> {
        let v = object(v, "pipeline")?;
        Ok(Pipeline {
            id: id(v, "id")?,
            name: strict_string(v, "name")?,
            is_main: opt_bool(v, "is_main").unwrap_or(false),
            is_archive: opt_bool(v, "is_archive").unwrap_or(false),
            sort: match field(v, "sort") {
                None => 0,
                Some(s) => s
                    .as_i64()
                    .ok_or_else(|| expected("sort", "an integer", s))?,
            },
        })
    }
}

impl Account {
    /// Reads the account of `GET /account`.
    pub fn from_json(v: &Json) -> Result<Account, WireError> {
        let v = object(v, "account")?;
        Ok(Account {
            id: id(v, "id")?,
            name: strict_string(v, "name")?,
            subdomain: strict_string(v, "subdomain")?,
        })
    }
}

/// An object being written: adds the commas and quotes its keys.
struct Members<'a> {
    /// Where the text goes.
    out: &'a mut String,
    /// Whether no member was written yet.
    first: bool,
}

impl<'a> Members<'a> {
    /// Writes `{`.
    fn open(out: &'a mut String) -> Self {
        out.push('{');
        Members { out, first: true }
    }

    /// Writes the separator and `"name":`; the value follows in the returned string.
    fn key(&mut self, name: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        json::write_str(self.out, name);
        self.out.push(':');
        self.out
    }

    /// A string member.
    fn string(&mut self, name: &str, s: &str) {
        json::write_str(self.key(name), s);
    }

    /// An integer member.
    fn uint(&mut self, name: &str, n: u64) {
        json::write_u64(self.key(name), n);
    }

    /// A boolean member, when set.
    fn flag(&mut self, name: &str, flag: Option<bool>) {
        if let Some(flag) = flag {
            self.key(name).push_str(if flag { "true" } else { "false" });
        }
    }

    /// A string member, when set.
    fn opt_string(&mut self, name: &str, s: Option<&str>) {
        if let Some(s) = s {
            self.string(name, s);
        }
    }

    /// An integer member, when set.
    fn opt_uint(&mut self, name: &str, n: Option<u64>) {
        if let Some(n) = n {
            self.uint(name, n);
        }
    }

    /// `request_id` `"<index>"` of batch item `index`, when in a batch.
    fn request_id(&mut self, index: Option<usize>) {
        if let Some(index) = index {
            let out = self.key("request_id");
            out.push('"');
            json::write_u64(out, index as u64);
            out.push('"');
        }
    }

    /// The services list, when set.
    fn services(&mut self, services: Option<&[Service]>) {
        if let Some(services) = services {
            let out = self.key("services");
            out.push('[');
            for (i, s) in services.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                s.write_json(out);
            }
            out.push(']');
        }
    }

    /// Writes `}`.
    fn close(self) {
        self.out.push('}');
    }
}

impl NewSource {
    /// Reads a source to create, as strictly as its serde derive: `name` and `external_id`
    /// are required strings, the rest optional (`null` meaning unset).
    pub fn from_json(v: &Json) -> Result<NewSource, WireError> {
        let v = object(v, "source")?;
        let required = |name: &str| match v.get(name) {
            Some(Json::Str(s)) => Ok(s.clone()),
            None => Err(bad(name, "missing")),
            Some(other) => Err(expected(name, "a string", other)),
        };
        let strict_bool = |name: &str| match field(v, name) {
            None => Ok(None),
            Some(Json::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(expected(name, "a boolean", other)),
        };
        Ok(NewSource {
            name: required("name")?,
            external_id: required("external_id")?,
            pipeline_id: match field(v, "pipeline_id") {
                None => None,
                Some(p) => Some(
                    p.as_u64()
                        .ok_or_else(|| expected("pipeline_id", "an id", p))?,
                ),
            },
            default: strict_bool("default")?,
            origin_code: match field(v, "origin_code") {
                None => None,
                Some(Json::Str(s)) => Some(s.clone()),
                Some(other) => return Err(expected("origin_code", "a string", other)),
            },
            services: match field(v, "services") {
                None => None,
                Some(Json::Arr(items)) => {
                    Some(read_all(items, Service::from_json).map_err(|(_, e)| e)?)
                }
                Some(other) => return Err(expected("services", "an array", other)),
            },
        })
    }

    /// Appends the create request item, with `request_id` when it is part of a batch.
    ///
    /// Keys come in sorted order, byte for byte what `serde_json` writes for the same value.
    pub fn write_json(&self, out: &mut String, index: Option<usize>) {
        let mut o = Members::open(out);
        o.flag("default", self.default);
        o.string("external_id", &self.external_id);
        o.string("name", &self.name);
        o.opt_string("origin_code", self.origin_code.as_deref());
        o.opt_uint("pipeline_id", self.pipeline_id);
        o.request_id(index);
        o.services(self.services.as_deref());
        o.close();
    }
}

impl SourcePatch {
    /// Appends the update request item: with `id` in a batch (and `request_id`), without
    /// it for a single update (whose id is in the path). Keys come in sorted order.
    pub fn write_json(&self, out: &mut String, index: Option<usize>) {
        let mut o = Members::open(out);
        o.flag("default", self.default);
        if index.is_some() {
            o.uint("id", self.id);
        }
        o.opt_string("name", self.name.as_deref());
        o.opt_string("origin_code", self.origin_code.as_deref());
        o.opt_uint("pipeline_id", self.pipeline_id);
        o.request_id(index);
        o.services(self.services.as_deref());
        o.close();
    }
}

/// The `_embedded.source` object that creates a lead from source `external_id` through
/// the API: `{"external_id":"...","type":"widget"}`.
pub fn lead_source_json(external_id: &str) -> String {
    let mut out = String::from("{\"external_id\":");
    json::write_str(&mut out, external_id);
    out.push_str(",\"type\":\"widget\"}");
    out
}

/// Sources to create as a JSON array without `request_id`s (an export file's content).
pub fn new_sources_json(items: &[NewSource]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        item.write_json(&mut out, None);
    }
    out.push(']');
    out
}

/// [`new_sources_json`] laid out for people, for an export file.
pub fn new_sources_json_pretty(items: &[NewSource]) -> String {
    let compact = new_sources_json(items);
    match json::parse(compact.as_bytes()) {
        Ok(v) => {
            let mut out = String::with_capacity(compact.len() * 2);
            json::write_pretty(&mut out, &v, 0);
            out
        }
        // The encoder writes valid JSON; fall back to it as it is.
        Err(_) => compact,
    }
}

/// The body of a batch create: every item with `request_id` `"i"`.
pub fn new_sources_body(items: &[NewSource]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        item.write_json(&mut out, Some(i));
    }
    out.push(']');
    out
}

/// The body of a batch update: every item with its `id` and `request_id` `"i"`.
pub fn patches_body(patches: &[SourcePatch]) -> String {
    let mut out = String::from("[");
    for (i, patch) in patches.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        patch.write_json(&mut out, Some(i));
    }
    out.push(']');
    out
}

/// The body of a single update: the changed fields only.
pub fn patch_body(patch: &SourcePatch) -> String {
    let mut out = String::new();
    patch.write_json(&mut out, None);
    out
}

/// The body of a batch delete: `[{"id":N},...]`.
pub fn delete_body(ids: &[u64]) -> String {
    let mut out = String::from("[");
    for (i, &id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        json::write_u64(&mut out, id);
        out.push('}');
    }
    out.push(']');
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// What the serde path wrote for a batch: each item's value with `request_id` added.
    fn serde_batch<T: serde::Serialize>(items: &[T]) -> String {
        let items: Vec<Value> = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let mut v = serde_json::to_value(item).unwrap();
                v["request_id"] = Value::String(i.to_string());
                v
            })
            .collect();
        Value::Array(items).to_string()
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![".{0,6}", Just("\"\\\u{1}é".to_owned())]
    }

    fn service() -> impl Strategy<Value = Service> {
        let page = (text(), text(), text()).prop_map(|(name, id, link)| Page { name, id, link });
        let params = proptest::option::of((any::<Option<bool>>(), any::<Option<bool>>()).prop_map(
            |(waba, list)| Params {
                waba,
                is_supports_list_message: list,
            },
        ));
        (text(), proptest::collection::vec(page, 0..3), params).prop_map(|(kind, pages, params)| {
            Service {
                kind,
                pages,
                params,
            }
        })
    }

    fn new_source() -> impl Strategy<Value = NewSource> {
        (
            text(),
            text(),
            any::<Option<u64>>(),
            any::<Option<bool>>(),
            proptest::option::of(text()),
            proptest::option::of(proptest::collection::vec(service(), 0..3)),
        )
            .prop_map(
                |(name, external_id, pipeline_id, default, origin_code, services)| NewSource {
                    name,
                    external_id,
                    pipeline_id,
                    default,
                    origin_code,
                    services,
                },
            )
    }

    fn patch() -> impl Strategy<Value = SourcePatch> {
        (
            any::<u64>(),
            proptest::option::of(text()),
            any::<Option<u64>>(),
            any::<Option<bool>>(),
            proptest::option::of(text()),
            proptest::option::of(proptest::collection::vec(service(), 0..3)),
        )
            .prop_map(|(id, name, pipeline_id, default, origin_code, services)| {
                SourcePatch {
                    id,
                    name,
                    pipeline_id,
                    default,
                    origin_code,
                    services,
                }
            })
    }

    fn source() -> impl Strategy<Value = Source> {
        (
            any::<u64>(),
            text(),
            any::<u64>(),
            text(),
            any::<Option<bool>>(),
            proptest::option::of(text()),
            proptest::collection::vec(service(), 0..3),
            proptest::option::of(proptest::option::of(text())),
            proptest::option::of(text()),
        )
            .prop_map(
                |(
                    id,
                    name,
                    pipeline_id,
                    external_id,
                    default,
                    origin_code,
                    services,
                    links,
                    request_id,
                )| {
                    Source {
                        id,
                        name,
                        pipeline_id,
                        external_id,
                        default,
                        origin_code,
                        services,
                        links: links.map(|l| Links {
                            self_link: l.map(|href| Link { href }),
                        }),
                        request_id,
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn bodies_are_byte_for_byte_what_serde_json_wrote(
            items in proptest::collection::vec(new_source(), 0..4),
            patches in proptest::collection::vec(patch(), 1..4),
            ids in proptest::collection::vec(any::<u64>(), 0..4),
        ) {
            prop_assert_eq!(new_sources_body(&items), serde_batch(&items));
            prop_assert_eq!(patches_body(&patches), serde_batch(&patches));
            let mut one = serde_json::to_value(&patches[0]).unwrap();
            one.as_object_mut().unwrap().remove("id");
            prop_assert_eq!(patch_body(&patches[0]), one.to_string());
            let refs: Vec<_> = ids.iter().map(|&id| crate::model::DeleteRef { id }).collect();
            prop_assert_eq!(delete_body(&ids), serde_json::to_string(&refs).unwrap());
            let export: Value = serde_json::from_str(&new_sources_json(&items)).unwrap();
            prop_assert_eq!(export, serde_json::to_value(&items).unwrap());
            let pretty: Value = serde_json::from_str(&new_sources_json_pretty(&items)).unwrap();
            prop_assert_eq!(pretty, serde_json::to_value(&items).unwrap());
            if let Some(n) = items.first() {
                let lead = serde_json::json!({"external_id": n.external_id, "type": "widget"});
                prop_assert_eq!(lead_source_json(&n.external_id), lead.to_string());
            }
        }

        #[test]
        fn models_read_back_what_serde_wrote(s in source(), n in new_source()) {
            let v = json::parse(serde_json::to_string(&s).unwrap().as_bytes()).unwrap();
            prop_assert_eq!(Source::from_json(&v), Ok(s));
            let v = json::parse(serde_json::to_string(&n).unwrap().as_bytes()).unwrap();
            prop_assert_eq!(NewSource::from_json(&v), Ok(n));
        }

        #[test]
        fn reading_agrees_with_the_serde_derives(v in loose_source()) {
            let text = v.to_string();
            let ours = json::parse(text.as_bytes()).unwrap();
            if let Ok(theirs) = serde_json::from_value::<Source>(v.clone()) {
                prop_assert_eq!(Source::from_json(&ours), Ok(theirs));
            }
            if let Ok(theirs) = serde_json::from_value::<NewSource>(v) {
                prop_assert_eq!(NewSource::from_json(&ours), Ok(theirs));
            }
        }
    }

    /// Objects with the models' keys and loosely typed values (no floats: their text differs).
    fn loose_source() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (0u64..3).prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            prop_oneof![Just("true"), Just("0"), Just("x")].prop_map(Value::from),
            Just(serde_json::json!([])),
            Just(serde_json::json!({})),
        ];
        let page = proptest::collection::btree_map(
            prop_oneof![Just("name"), Just("id"), Just("link")].prop_map(String::from),
            leaf.clone(),
            0..3,
        )
        .prop_map(|m| Value::Object(m.into_iter().collect()));
        let params = proptest::collection::btree_map(
            prop_oneof![Just("waba"), Just("is_supports_list_message")].prop_map(String::from),
            leaf.clone(),
            0..2,
        )
        .prop_map(|m| Value::Object(m.into_iter().collect()));
        let service = (leaf.clone(), proptest::collection::vec(page, 0..2), prop_oneof![leaf.clone(), params])
            .prop_map(|(t, pages, params)| serde_json::json!({"type": t, "pages": pages, "params": params}));
        let value = prop_oneof![
            3 => leaf,
            1 => proptest::collection::vec(service, 0..2).prop_map(Value::from),
            1 => Just(serde_json::json!({"self": {"href": "h"}})),
        ];
        proptest::collection::btree_map(
            prop_oneof![
                Just("id"),
                Just("name"),
                Just("external_id"),
                Just("pipeline_id"),
                Just("default"),
                Just("origin_code"),
                Just("services"),
                Just("_links"),
                Just("request_id"),
            ]
            .prop_map(String::from),
            value,
            0..9,
        )
        .prop_map(|m| Value::Object(m.into_iter().collect()))
    }
}
