//! The server's per-item rules: turning one JSON item into a typed request or field errors.
//!
//! Cross-item rules (duplicates, the limit, unknown ids) live in `crate::store`, which sees
//! the store; the rules of `services` in `services`.

use crate::model::{pipeline_exists, Service};
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

/// Item errors of one batch item, grouped by its request_id (or its index when it has none).
#[derive(Clone, Debug, PartialEq)]
pub struct ItemErrors {
    /// The item's request_id, or its position as a string.
    pub request_id: String,
    /// What is wrong with it.
    pub errors: Vec<FieldError>,
}

/// Why an operation was refused; nothing changed.
#[derive(Clone, Debug, PartialEq)]
pub enum OpError {
    /// 400 about the request as a whole.
    Request(String),
    /// 400 with validation errors per item.
    Items(Vec<ItemErrors>),
    /// 404: the single source addressed does not exist.
    NotFound,
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

mod services;

use services::services;
pub use services::{is_phone_link, PHONE_MAX_DIGITS, PHONE_MIN_DIGITS, WHATSAPP};

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(super) fn check(v: Value, kind: Kind) -> (Fields, Vec<FieldError>) {
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
}
