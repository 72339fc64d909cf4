//! Field-level checks of rows before anything is sent, and mapping of server paths to fields.

use super::state::{fold, Draft, Field, FieldError, Row, State};
use crate::api::MAX_BATCH;
use crate::i18n::T;
use crate::rules::{self, Code};

fn err(field: Field, msg: T) -> FieldError {
    FieldError {
        field,
        msg,
        detail: None,
    }
}

/// The UI message for a finding of the core's rules.
pub fn message(c: Code) -> T {
    match c {
        Code::NameRequired
        | Code::ExternalIdRequired
        | Code::PageNameRequired
        | Code::PageIdRequired => T::VRequired,
        Code::NameTooLong | Code::ExternalIdTooLong | Code::OriginCodeTooLong => T::VTooLong,
        Code::ExternalIdNotPrintable => T::VChars,
        Code::ExternalIdTaken | Code::ExternalIdRepeated => T::VDuplicate,
        Code::OriginCodeEmpty => T::VRequired,
        Code::OriginCodeOnlyDigits => T::VDigits,
        Code::OriginCodeOnlyQuotes => T::VQuotes,
        Code::PipelineUnknown | Code::PipelineArchived => T::VPipeline,
        Code::MultipleDefaults => T::VOneDefault,
        Code::TooManyItems => T::VTooMany,
        Code::LimitReached => T::ErrLimit,
        Code::UnknownSource => T::ErrGone,
        Code::PageLinkInvalid => T::VPhone,
    }
}

/// Errors of a name, if any: the core's rules, and no control characters (they cannot be
/// seen or typed back, and the widget refuses them before the server does).
pub fn name(v: &str) -> Option<T> {
    rules::check_name(v)
        .map(message)
        .or_else(|| v.chars().any(char::is_control).then_some(T::VChars))
}

/// Errors of an external id on its own (uniqueness is checked against the state).
pub fn external_id(v: &str) -> Option<T> {
    rules::check_external_id(v.trim()).map(message)
}

/// Errors of an origin code; empty means "not set" and is fine.
pub fn origin_code(v: &str) -> Option<T> {
    if v.trim().is_empty() {
        return None;
    }
    rules::check_origin_code(v)
        .map(message)
        .or_else(|| v.chars().any(char::is_control).then_some(T::VChars))
}

/// Errors of a WhatsApp phone link, if any.
pub fn phone(v: &str) -> Option<T> {
    if v.trim().is_empty() {
        return Some(T::VRequired);
    }
    rules::check_phone(v).map(message)
}

/// The `https://wa.me/<number>` link a page produces, when its number is valid.
pub fn wa_link(v: &str) -> Option<String> {
    if phone(v).is_some() {
        return None;
    }
    let mut n = v.trim();
    for prefix in ["https://wa.me/", "http://wa.me/", "wa.me/"] {
        n = n.strip_prefix(prefix).unwrap_or(n);
    }
    Some(String::from("https://wa.me/") + n.trim_start_matches('+'))
}

/// Every error of one row, checked against the other rows and the known pipelines.
pub fn row(s: &State, r: &Row) -> Vec<FieldError> {
    let d: &Draft = &r.draft;
    let mut out = Vec::new();
    if let Some(e) = name(&d.name) {
        out.push(err(Field::Name, e));
    }
    if r.orig.is_none() {
        match external_id(&d.external_id) {
            Some(e) => out.push(err(Field::ExternalId, e)),
            None => {
                let mine = fold(d.external_id.trim());
                let taken = s.rows.iter().any(|o| {
                    let theirs = o
                        .orig
                        .as_ref()
                        .map_or(o.draft.external_id.as_str(), |x| x.external_id.as_str());
                    o.key != r.key && fold(theirs.trim()) == mine
                });
                if taken {
                    out.push(err(Field::ExternalId, T::VDuplicate));
                }
            }
        }
    }
    if let Some(e) = origin_code(&d.origin_code) {
        // An origin code that came from the server and was not touched is not re-checked.
        let untouched = r
            .orig
            .as_ref()
            .is_some_and(|o| o.origin_code.as_deref() == Some(d.origin_code.as_str()));
        if !untouched {
            out.push(err(Field::OriginCode, e));
        }
    }
    let pipeline_changed = r
        .orig
        .as_ref()
        .is_none_or(|o| o.pipeline_id != d.pipeline_id);
    if s.pipelines_ready && pipeline_changed && s.pipeline(d.pipeline_id).is_none() {
        out.push(err(Field::Pipeline, T::VPipeline));
    }
    for (i, p) in d.pages.iter().enumerate() {
        if p.name.trim().is_empty() {
            out.push(err(Field::PageName(i), T::VRequired));
        } else if p.name.chars().any(char::is_control) {
            out.push(err(Field::PageName(i), T::VChars));
        }
        if p.id.trim().is_empty() {
            out.push(err(Field::PageId(i), T::VRequired));
        }
        if let Some(e) = phone(&p.link) {
            out.push(err(Field::PageLink(i), e));
        }
    }
    out
}

/// Errors of a set of drafts created together: too many for one request or for the limit,
/// more than one default.
pub fn batch(s: &State, drafts: &[&Row]) -> Option<T> {
    if drafts.len() > MAX_BATCH {
        return Some(T::VTooMany);
    }
    if s.saved_count() + drafts.len() > s.limit {
        return Some(T::ErrLimit);
    }
    if drafts.iter().filter(|r| r.draft.default).count() > 1 {
        return Some(T::VOneDefault);
    }
    None
}

/// The field a server validation path such as `pipeline_id` or
/// `services[0][pages][1][link]` refers to.
pub fn field_of_path(path: &str) -> Field {
    let p = path.trim_start_matches(['/', '.']);
    let head = p.split(['[', '.', '/']).next().unwrap_or("");
    match head {
        "name" => Field::Name,
        "external_id" => Field::ExternalId,
        "pipeline_id" => Field::Pipeline,
        "origin_code" => Field::OriginCode,
        "default" => Field::Default,
        "services" => {
            // The page index is the second number in the path.
            let mut page = None;
            let mut seen = 0;
            for x in p.split(|c: char| !c.is_ascii_digit()) {
                if let Some(n) = crate::api::json::parse_u64(x) {
                    if seen == 1 {
                        page = usize::try_from(n).ok();
                        break;
                    }
                    seen += 1;
                }
            }
            match (page, p.rsplit(['[', ']', '.', '/']).find(|x| !x.is_empty())) {
                (Some(i), Some("name")) => Field::PageName(i),
                (Some(i), Some("id")) => Field::PageId(i),
                (Some(i), Some("link")) => Field::PageLink(i),
                _ => Field::Row,
            }
        }
        _ => Field::Row,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_code_follows_the_server_rules() {
        assert_eq!(origin_code(""), None);
        assert_eq!(origin_code("kommo.ext.30470678"), None);
        assert_eq!(origin_code("12345"), Some(T::VDigits));
        assert_eq!(origin_code("\"\"\""), Some(T::VQuotes));
        assert_eq!(origin_code(&"a".repeat(21)), Some(T::VTooLong));
        assert_eq!(origin_code(&"a".repeat(20)), None);
    }

    #[test]
    fn names_and_external_ids_reject_empty_long_and_control_input() {
        assert_eq!(name("   "), Some(T::VRequired));
        assert_eq!(name(&"x".repeat(10_000)), Some(T::VTooLong));
        assert_eq!(name("a\u{7}b"), Some(T::VChars));
        assert_eq!(name("Chat <b>"), None);
        assert_eq!(external_id(""), Some(T::VRequired));
        assert_eq!(external_id(&"a".repeat(41)), Some(T::VTooLong));
        assert_eq!(external_id("ünï"), Some(T::VChars));
        assert_eq!(external_id("a&b+c#d e"), None);
    }

    #[test]
    fn phone_links_need_an_international_number() {
        assert_eq!(phone("+5511999998888"), None);
        assert_eq!(phone("5511999998888"), None);
        assert_eq!(phone("12ab"), Some(T::VPhone));
        assert_eq!(phone("0123456789"), Some(T::VPhone));
        assert_eq!(phone("+1234"), Some(T::VPhone));
        assert_eq!(
            wa_link("wa.me/+5511999998888").as_deref(),
            Some("https://wa.me/5511999998888")
        );
        assert_eq!(
            wa_link(" +5511999998888 ").as_deref(),
            Some("https://wa.me/5511999998888")
        );
        assert_eq!(wa_link("nope"), None);
    }

    #[test]
    fn server_paths_map_to_fields() {
        assert_eq!(field_of_path("pipeline_id"), Field::Pipeline);
        assert_eq!(field_of_path("external_id"), Field::ExternalId);
        assert_eq!(
            field_of_path("services[0][pages][2][link]"),
            Field::PageLink(2)
        );
        assert_eq!(field_of_path("services.0.pages.1.name"), Field::PageName(1));
        assert_eq!(field_of_path("whatever"), Field::Row);
    }
}
