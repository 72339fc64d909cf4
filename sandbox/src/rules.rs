//! The server's per-item rules: turning one JSON item into a typed request or field errors.
//!
//! Cross-item rules (duplicates, the limit, unknown ids) live in `ops`, which sees the store.

use crate::model::{pipeline_exists, Page, Params, Service, ServiceParams};
use serde_json::{Map, Value};

/// Longest accepted `name` and `external_id`, in characters.
pub const MAX_TEXT_LEN: usize = 255;
/// Longest accepted `origin_code`, in characters.
pub const MAX_ORIGIN_CODE_LEN: usize = 20;

/// A required field is absent.
pub const FIELD_MISSING: &str = "FieldMissing";
/// A field has the wrong JSON type (including `null` where it is not allowed).
pub const INVALID_TYPE: &str = "InvalidType";
/// A value is not one of the accepted choices (unknown pipeline, service type, unknown field).
pub const NOT_SUPPORTED_CHOICE: &str = "NotSupportedChoice";
/// A value has the right type but breaks a rule (empty name, origin_code of digits only...).
pub const INVALID_VALUE: &str = "InvalidValue";
/// A text is longer than allowed.
pub const TOO_LONG: &str = "TooLong";
/// A value must be unique but is not (external_id, id in a batch, a second default).
pub const DUPLICATE: &str = "Duplicate";
/// Creating the item would exceed the per-integration source limit.
pub const LIMIT_EXCEEDED: &str = "LimitExceeded";
/// The item names a source id this integration does not have.
pub const NOT_FOUND: &str = "NotFound";

/// One field error inside `validation-errors`.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    /// Machine-readable code (one of the constants above).
    pub code: &'static str,
    /// The field, e.g. `services.0.pages.1.link`.
    pub path: String,
    /// Human-readable explanation.
    pub detail: String,
}

impl FieldError {
    /// Builds an error.
    pub fn new(code: &'static str, path: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            code,
            path: path.into(),
            detail: detail.into(),
        }
    }
}

/// The fields a create or an update may carry, already checked one by one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields {
    /// Trimmed name.
    pub name: Option<String>,
    /// Lower-cased external id.
    pub external_id: Option<String>,
    /// An existing pipeline.
    pub pipeline_id: Option<u64>,
    /// Default flag (`null` reads as `false`).
    pub default: Option<bool>,
    /// A valid origin code.
    pub origin_code: Option<String>,
    /// Normalised services.
    pub services: Option<Vec<Service>>,
}

/// Which request the item belongs to; decides required and accepted fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// POST: name and external_id required.
    Create,
    /// PATCH: all optional; `id` handled by the caller.
    Update,
}

/// Reads the item's `request_id`: a string, or `None` when absent.
pub fn request_id(item: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<String> {
    match item.get("request_id") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.push(FieldError::new(
                INVALID_TYPE,
                "request_id",
                "request_id must be a string",
            ));
            None
        }
    }
}

/// Reads an `id` field: a positive integer.
pub fn id_field(item: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<u64> {
    match item.get("id") {
        None => {
            errors.push(FieldError::new(FIELD_MISSING, "id", "id is required"));
            None
        }
        Some(v) => match v.as_u64() {
            Some(id) if id > 0 => Some(id),
            _ => {
                errors.push(FieldError::new(
                    INVALID_TYPE,
                    "id",
                    "id must be a positive integer",
                ));
                None
            }
        },
    }
}

/// The service type whose page links are phone numbers (`https://wa.me/<link>`).
pub const WHATSAPP: &str = "whatsapp";

/// Checks the source fields of one item.
///
/// `service_types` are the service types this account's Kommo knows; each has the shape of
/// `whatsapp` (pages of `name`, `id`, `link`), and only `whatsapp` links are phone numbers.
pub fn fields(
    item: &Map<String, Value>,
    kind: Kind,
    service_types: &[String],
    errors: &mut Vec<FieldError>,
) -> Fields {
    let mut out = Fields::default();
    for key in item.keys() {
        let known = matches!(
            key.as_str(),
            "name" | "external_id" | "pipeline_id" | "default" | "origin_code" | "services"
        ) || key == "request_id"
            || (key == "id" && kind == Kind::Update);
        if !known {
            errors.push(FieldError::new(
                NOT_SUPPORTED_CHOICE,
                key.clone(),
                format!("unknown field {key}"),
            ));
        }
    }

    match item.get("name") {
        None if kind == Kind::Create => {
            errors.push(FieldError::new(FIELD_MISSING, "name", "name is required"))
        }
        None => {}
        Some(Value::String(s)) => {
            let trimmed = s.trim();
            if trimmed.is_empty() {
                errors.push(FieldError::new(
                    INVALID_VALUE,
                    "name",
                    "name must not be empty",
                ));
            } else if has_control(s) {
                errors.push(control_error("name"));
            } else if trimmed.chars().count() > MAX_TEXT_LEN {
                errors.push(FieldError::new(
                    TOO_LONG,
                    "name",
                    format!("name must be at most {MAX_TEXT_LEN} characters"),
                ));
            } else {
                out.name = Some(trimmed.to_string());
            }
        }
        Some(_) => errors.push(FieldError::new(
            INVALID_TYPE,
            "name",
            "name must be a string",
        )),
    }

    match item.get("external_id") {
        None if kind == Kind::Create => errors.push(FieldError::new(
            FIELD_MISSING,
            "external_id",
            "external_id is required",
        )),
        None => {}
        Some(Value::String(s)) => {
            if s.trim().is_empty() {
                errors.push(FieldError::new(
                    INVALID_VALUE,
                    "external_id",
                    "external_id must not be empty",
                ));
            } else if s.chars().count() > MAX_TEXT_LEN {
                errors.push(FieldError::new(
                    TOO_LONG,
                    "external_id",
                    format!("external_id must be at most {MAX_TEXT_LEN} characters"),
                ));
            } else {
                out.external_id = Some(s.to_lowercase());
            }
        }
        Some(_) => errors.push(FieldError::new(
            INVALID_TYPE,
            "external_id",
            "external_id must be a string",
        )),
    }

    match item.get("pipeline_id") {
        None => {}
        Some(v) => match v.as_u64() {
            Some(id) if pipeline_exists(id) => out.pipeline_id = Some(id),
            Some(id) => errors.push(FieldError::new(
                NOT_SUPPORTED_CHOICE,
                "pipeline_id",
                format!("pipeline {id} does not exist"),
            )),
            None => errors.push(FieldError::new(
                INVALID_TYPE,
                "pipeline_id",
                "pipeline_id must be an integer",
            )),
        },
    }

    match item.get("default") {
        None => {}
        Some(Value::Null) => out.default = Some(false),
        Some(Value::Bool(b)) => out.default = Some(*b),
        Some(_) => errors.push(FieldError::new(
            INVALID_TYPE,
            "default",
            "default must be a boolean",
        )),
    }

    match item.get("origin_code") {
        None => {}
        Some(Value::String(s)) => match origin_code_problem(s) {
            Some(e) => errors.push(e),
            None => out.origin_code = Some(s.clone()),
        },
        Some(Value::Null) => errors.push(FieldError::new(
            INVALID_TYPE,
            "origin_code",
            "origin_code may be omitted but not null",
        )),
        Some(_) => errors.push(FieldError::new(
            INVALID_TYPE,
            "origin_code",
            "origin_code must be a string",
        )),
    }

    if let Some(v) = item.get("services") {
        out.services = services(v, service_types, errors);
    }
    out
}

fn origin_code_problem(s: &str) -> Option<FieldError> {
    let bad = |d: &str| Some(FieldError::new(INVALID_VALUE, "origin_code", d));
    if s.chars().count() > MAX_ORIGIN_CODE_LEN {
        return Some(FieldError::new(
            TOO_LONG,
            "origin_code",
            format!("origin_code must be at most {MAX_ORIGIN_CODE_LEN} characters"),
        ));
    }
    if s.is_empty() {
        return bad("origin_code must not be empty");
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return bad("origin_code must not be only digits");
    }
    if s.chars().all(|c| c == '"') {
        return bad("origin_code must not be only double quotes");
    }
    if has_control(s) {
        return Some(control_error("origin_code"));
    }
    None
}

/// Whether `s` holds a control character (C0, DEL or C1), which no one can see or type back.
fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

fn control_error(path: &str) -> FieldError {
    FieldError::new(
        INVALID_VALUE,
        path,
        format!("{path} must not contain control characters"),
    )
}

/// Fewest digits of a WhatsApp page's phone number.
pub const PHONE_MIN_DIGITS: usize = 7;
/// Most digits of a WhatsApp page's phone number (E.164).
pub const PHONE_MAX_DIGITS: usize = 15;

/// Whether `link` is a phone number `https://wa.me/<link>` can write to: 7 to 15 digits, not
/// starting with 0, optionally after `+`, `wa.me/`, `http://wa.me/` or `https://wa.me/`.
pub fn is_phone_link(link: &str) -> bool {
    let mut number = link.trim();
    for prefix in ["https://wa.me/", "http://wa.me/", "wa.me/"] {
        if let Some(rest) = number.strip_prefix(prefix) {
            number = rest;
            break;
        }
    }
    let digits = number.strip_prefix('+').unwrap_or(number);
    (PHONE_MIN_DIGITS..=PHONE_MAX_DIGITS).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// The value rules of one page field that is already a string of an allowed length.
fn page_value_problem(key: &str, path: &str, s: &str, phone_link: bool) -> Option<FieldError> {
    let bad = |d: String| Some(FieldError::new(INVALID_VALUE, path, d));
    if s.trim().is_empty() {
        return bad(format!("{key} must not be empty"));
    }
    match key {
        "name" if has_control(s) => Some(control_error(path)),
        "link" if phone_link && !is_phone_link(s) => bad(format!(
            "link must be an international phone number: {PHONE_MIN_DIGITS} to \
             {PHONE_MAX_DIGITS} digits, not starting with 0, optionally after + or wa.me/"
        )),
        _ => None,
    }
}

fn services(
    v: &Value,
    service_types: &[String],
    errors: &mut Vec<FieldError>,
) -> Option<Vec<Service>> {
    let Value::Array(items) = v else {
        errors.push(FieldError::new(
            INVALID_TYPE,
            "services",
            "services must be an array",
        ));
        return None;
    };
    let before = errors.len();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("services.{i}");
        let Value::Object(obj) = item else {
            errors.push(FieldError::new(
                INVALID_TYPE,
                path,
                "a service must be an object",
            ));
            continue;
        };
        let kind = match obj.get("type") {
            Some(Value::String(t)) if service_types.contains(t) => Some(t.clone()),
            Some(Value::String(t)) => {
                errors.push(FieldError::new(
                    NOT_SUPPORTED_CHOICE,
                    format!("{path}.type"),
                    format!(
                        "service type {t:?} is not supported (only {})",
                        service_types.join(", ")
                    ),
                ));
                None
            }
            None => {
                errors.push(FieldError::new(
                    FIELD_MISSING,
                    format!("{path}.type"),
                    "type is required",
                ));
                None
            }
            Some(_) => {
                errors.push(FieldError::new(
                    INVALID_TYPE,
                    format!("{path}.type"),
                    "type must be a string",
                ));
                None
            }
        };
        let phone_links = obj.get("type") == Some(&Value::String(WHATSAPP.to_owned()));
        let pages = pages(obj.get("pages"), &path, phone_links, errors);
        let params = params(obj.get("params"), &path, errors);
        if let (Some(kind), Some(pages), Some(params)) = (kind, pages, params) {
            out.push(Service {
                kind,
                pages,
                params,
                extra: rest(obj, &["type", "pages", "params"]),
            });
        }
    }
    (errors.len() == before).then_some(out)
}

fn pages(
    v: Option<&Value>,
    path: &str,
    phone_links: bool,
    errors: &mut Vec<FieldError>,
) -> Option<Vec<Page>> {
    let Some(v) = v else {
        errors.push(FieldError::new(
            FIELD_MISSING,
            format!("{path}.pages"),
            "pages is required",
        ));
        return None;
    };
    let Value::Array(items) = v else {
        errors.push(FieldError::new(
            INVALID_TYPE,
            format!("{path}.pages"),
            "pages must be an array",
        ));
        return None;
    };
    let before = errors.len();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let ppath = format!("{path}.pages.{i}");
        let Value::Object(obj) = item else {
            errors.push(FieldError::new(
                INVALID_TYPE,
                ppath,
                "a page must be an object",
            ));
            continue;
        };
        let mut text = |key: &str| -> Option<String> {
            match obj.get(key) {
                Some(Value::String(s)) if s.chars().count() <= MAX_TEXT_LEN => {
                    match page_value_problem(key, &format!("{ppath}.{key}"), s, phone_links) {
                        Some(e) => {
                            errors.push(e);
                            None
                        }
                        None => Some(s.clone()),
                    }
                }
                Some(Value::String(_)) => {
                    errors.push(FieldError::new(
                        TOO_LONG,
                        format!("{ppath}.{key}"),
                        format!("{key} must be at most {MAX_TEXT_LEN} characters"),
                    ));
                    None
                }
                None => {
                    errors.push(FieldError::new(
                        FIELD_MISSING,
                        format!("{ppath}.{key}"),
                        format!("{key} is required"),
                    ));
                    None
                }
                Some(_) => {
                    errors.push(FieldError::new(
                        INVALID_TYPE,
                        format!("{ppath}.{key}"),
                        format!("{key} must be a string"),
                    ));
                    None
                }
            }
        };
        let (name, id, link) = (text("name"), text("id"), text("link"));
        if let (Some(name), Some(id), Some(link)) = (name, id, link) {
            out.push(Page {
                name,
                id,
                link,
                extra: rest(obj, &["name", "id", "link"]),
            });
        }
    }
    (errors.len() == before).then_some(out)
}

/// The fields of `obj` other than `known`: kept as sent, since Kommo keeps what it does not check.
fn rest(obj: &Map<String, Value>, known: &[&str]) -> Map<String, Value> {
    obj.iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// `Some(None)` = absent, `Some(Some(p))` = valid, `None` = invalid.
fn params(
    v: Option<&Value>,
    path: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Option<ServiceParams>> {
    let ppath = format!("{path}.params");
    match v {
        None => Some(None),
        // Some clients send an empty params as `[]`.
        Some(Value::Array(a)) if a.is_empty() => Some(Some(ServiceParams::EmptyList([]))),
        Some(Value::Object(obj)) => {
            let before = errors.len();
            let mut p = Params::default();
            for (key, value) in obj {
                let slot = match key.as_str() {
                    "waba" => &mut p.waba,
                    "is_supports_list_message" => &mut p.is_supports_list_message,
                    _ => {
                        errors.push(FieldError::new(
                            NOT_SUPPORTED_CHOICE,
                            format!("{ppath}.{key}"),
                            format!("unknown params field {key}"),
                        ));
                        continue;
                    }
                };
                match value {
                    Value::Bool(b) => *slot = Some(*b),
                    _ => errors.push(FieldError::new(
                        INVALID_TYPE,
                        format!("{ppath}.{key}"),
                        format!("{key} must be a boolean"),
                    )),
                }
            }
            (errors.len() == before).then_some(Some(ServiceParams::Flags(p)))
        }
        Some(_) => {
            errors.push(FieldError::new(
                INVALID_TYPE,
                ppath,
                "params must be an object",
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: Value, kind: Kind) -> (Fields, Vec<FieldError>) {
        let mut errors = Vec::new();
        let f = fields(
            v.as_object().unwrap(),
            kind,
            &[WHATSAPP.to_owned()],
            &mut errors,
        );
        (f, errors)
    }

    #[test]
    fn origin_code_rules() {
        for bad in ["", "12345", "\"\"", "abcdefghijklmnopqrstu"] {
            let (_, e) = check(
                json!({"name":"a","external_id":"b","origin_code":bad}),
                Kind::Create,
            );
            assert_eq!(e.len(), 1, "{bad}");
            assert_eq!(e[0].path, "origin_code");
        }
        let (f, e) = check(
            json!({"name":"a","external_id":"b","origin_code":"kommo.ext.30470678"}),
            Kind::Create,
        );
        assert!(e.is_empty());
        assert_eq!(f.origin_code.as_deref(), Some("kommo.ext.30470678"));
    }

    #[test]
    fn create_requires_name_and_external_id_and_lowercases() {
        let (_, e) = check(json!({}), Kind::Create);
        assert_eq!(
            e.iter().map(|e| e.code).collect::<Vec<_>>(),
            [FIELD_MISSING, FIELD_MISSING]
        );
        let (f, e) = check(
            json!({"name":"  Chat ","external_id":"KChat01"}),
            Kind::Create,
        );
        assert!(e.is_empty());
        assert_eq!(f.name.as_deref(), Some("Chat"));
        assert_eq!(f.external_id.as_deref(), Some("kchat01"));
        let (_, e) = check(json!({}), Kind::Update);
        assert!(e.is_empty());
    }

    #[test]
    fn control_characters_are_refused_in_names_origin_codes_and_page_names() {
        for (field, value) in [
            ("name", "a\u{7}b"),
            ("name", "\u{1b}[31mred"),
            ("name", "del\u{7f}"),
            ("name", "c1\u{85}"),
            ("origin_code", "kommo\u{0}x"),
        ] {
            let mut item = json!({"name": "a", "external_id": "b"});
            item[field] = json!(value);
            let (_, e) = check(item, Kind::Create);
            assert_eq!(e.len(), 1, "{field} {value:?}");
            assert_eq!((e[0].code, e[0].path.as_str()), (INVALID_VALUE, field));
            assert!(e[0].detail.contains("control characters"));
        }
        let (f, e) = check(
            json!({"name": "  Spaces around are trimmed  "}),
            Kind::Update,
        );
        assert!(e.is_empty());
        assert_eq!(f.name.as_deref(), Some("Spaces around are trimmed"));
    }

    #[test]
    fn page_links_must_be_phone_numbers_and_names_and_ids_not_blank() {
        for good in [
            "15550101234",
            "+5511999998888",
            "wa.me/5511999998888",
            "https://wa.me/+5511999998888",
            " 1234567 ",
            "123456789012345",
        ] {
            assert!(is_phone_link(good), "{good}");
        }
        for bad in [
            "call me",
            "12ab",
            "+1234",
            "0123456789",
            "++5511999998888",
            "1234567890123456",
            "https://example.com/5511999998888",
            "+55 11 99999 8888",
            "",
        ] {
            assert!(!is_phone_link(bad), "{bad}");
        }
        let page = |name: &str, id: &str, link: &str| {
            check(
                json!({"services":[{"type":"whatsapp","pages":[{"name":name,"id":id,"link":link}]}]}),
                Kind::Update,
            )
            .1
        };
        assert!(page("Main", "p1", "+5511999998888").is_empty());
        let e = page("Main", "p1", "call me");
        assert_eq!(
            (e[0].code, e[0].path.as_str()),
            (INVALID_VALUE, "services.0.pages.0.link")
        );
        assert!(e[0].detail.contains("international phone number"));
        let e = page("  ", "\t", "");
        let paths: Vec<_> = e.iter().map(|e| (e.code, e.path.as_str())).collect();
        assert_eq!(
            paths,
            [
                (INVALID_VALUE, "services.0.pages.0.name"),
                (INVALID_VALUE, "services.0.pages.0.id"),
                (INVALID_VALUE, "services.0.pages.0.link"),
            ]
        );
        let e = page("bell\u{7}", "p1", "+5511999998888");
        assert_eq!(e[0].path, "services.0.pages.0.name");
        assert!(e[0].detail.contains("control characters"));
    }

    #[test]
    fn services_accept_empty_params_array() {
        let (f, e) = check(
            json!({"services":[{"type":"whatsapp","pages":[{"name":"n","id":"1","link":"15550101234"}],"params":[]}]}),
            Kind::Update,
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            f.services.unwrap()[0].params,
            Some(ServiceParams::EmptyList([]))
        );
        let (_, e) = check(
            json!({"services":[{"type":"whatsapp","pages":[{"name":1}],"params":[1]}]}),
            Kind::Update,
        );
        let paths: Vec<_> = e.iter().map(|e| e.path.as_str()).collect();
        assert!(paths.contains(&"services.0.pages.0.name"));
        assert!(paths.contains(&"services.0.pages.0.id"));
        assert!(paths.contains(&"services.0.params"));
    }
}
