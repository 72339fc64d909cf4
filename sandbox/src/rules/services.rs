//! The rules of a source's `services`: their types, their pages (a WhatsApp page's link is a
//! phone number) and their `params`.

use super::{control_error, has_control, FieldError};
use super::{
    FIELD_MISSING, INVALID_TYPE, INVALID_VALUE, MAX_TEXT_LEN, NOT_SUPPORTED_CHOICE, TOO_LONG,
};
use crate::model::{Page, Params, Service, ServiceParams};
use serde_json::{Map, Value};

/// The service type whose page links are phone numbers (`https://wa.me/<link>`).
pub const WHATSAPP: &str = "whatsapp";

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

/// Checks a `services` value: `None` when any of it is wrong (the errors say what).
pub(super) fn services(
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
    use crate::rules::tests::check;
    use crate::rules::Kind;
    use serde_json::json;

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
