//! Field-level checks of rows before anything is sent, and mapping of server paths to fields.

use super::state::{fold, Draft, Field, FieldError, Row, State};
use crate::api::MAX_BATCH;
use crate::i18n::T;

/// Longest name accepted.
pub const NAME_MAX: usize = 255;
/// Longest external id usable with the Chats API.
pub const EXTERNAL_ID_MAX: usize = 40;
/// Longest origin code.
pub const ORIGIN_MAX: usize = 20;

fn err(field: Field, msg: T) -> FieldError {
    FieldError {
        field,
        msg,
        detail: None,
    }
}

/// Errors of a name, if any.
pub fn name(v: &str) -> Option<T> {
    let v = v.trim();
    if v.is_empty() {
        Some(T::VRequired)
    } else if v.chars().count() > NAME_MAX {
        Some(T::VTooLong)
    } else if v.chars().any(char::is_control) {
        Some(T::VChars)
    } else {
        None
    }
}

/// Errors of an external id on its own (uniqueness is checked against the state).
pub fn external_id(v: &str) -> Option<T> {
    let v = v.trim();
    if v.is_empty() {
        Some(T::VRequired)
    } else if v.len() > EXTERNAL_ID_MAX {
        Some(T::VTooLong)
    } else if !v.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        Some(T::VChars)
    } else {
        None
    }
}

/// Errors of an origin code; empty means "not set" and is fine.
pub fn origin_code(v: &str) -> Option<T> {
    let v = v.trim();
    if v.is_empty() {
        None
    } else if v.chars().count() > ORIGIN_MAX {
        Some(T::VTooLong)
    } else if v.bytes().all(|b| b.is_ascii_digit()) {
        Some(T::VDigits)
    } else if v.chars().all(|c| c == '"') {
        Some(T::VQuotes)
    } else if v.chars().any(char::is_control) {
        Some(T::VChars)
    } else {
        None
    }
}

/// Errors of a WhatsApp phone link: an international number, 8 to 15 digits, optional `+`.
pub fn phone(v: &str) -> Option<T> {
    let v = v.trim();
    if v.is_empty() {
        return Some(T::VRequired);
    }
    let digits = v.strip_prefix('+').unwrap_or(v);
    let ok = digits.bytes().all(|b| b.is_ascii_digit())
        && (8..=15).contains(&digits.len())
        && !digits.starts_with('0');
    (!ok).then_some(T::VPhone)
}

/// The `https://wa.me/<number>` link a page produces, when its number is valid.
pub fn wa_link(v: &str) -> Option<String> {
    if phone(v).is_some() {
        return None;
    }
    let digits = v.trim().trim_start_matches('+');
    Some(String::from("https://wa.me/") + digits)
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
            let nums: Vec<usize> = p
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|x| x.parse().ok())
                .collect();
            let page = nums.get(1).copied();
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
