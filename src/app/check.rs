//! The widget's side of the client rules: a row, or the new rows saved together, become
//! the batch that [`crate::rules`] checks; its findings become field errors.

use super::state::{Field, FieldError, Row, State};
use crate::i18n::T;
use crate::model::{NewSource, Service, Source, SourcePatch};
use crate::rules::{self, Code, Context, Issue, Report};

/// The UI message for a finding of the rules.
pub fn message(c: Code) -> T {
    match c {
        Code::NameRequired
        | Code::ExternalIdRequired
        | Code::PageNameRequired
        | Code::PageIdRequired
        | Code::PageLinkRequired
        | Code::OriginCodeEmpty => T::VRequired,
        Code::NameTooLong | Code::ExternalIdTooLong | Code::OriginCodeTooLong => T::VTooLong,
        Code::ExternalIdNotPrintable
        | Code::NameNotPrintable
        | Code::OriginCodeNotPrintable
        | Code::PageNameNotPrintable => T::VChars,
        Code::ExternalIdTaken | Code::ExternalIdRepeated => T::VDuplicate,
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

/// The most characters field `f` may hold, when the rules limit it.
pub fn max_len(f: Field) -> Option<usize> {
    match f {
        Field::Name => Some(rules::NAME_MAX),
        Field::ExternalId => Some(rules::EXTERNAL_ID_MAX),
        Field::OriginCode => Some(rules::ORIGIN_CODE_MAX),
        _ => None,
    }
}

/// The `https://wa.me/<number>` link a page produces, when its number is valid.
pub fn wa_link(v: &str) -> Option<String> {
    let v = rules::clean_phone(v);
    if rules::check_phone(&v).is_some() {
        return None;
    }
    let mut n = v.as_str();
    for prefix in ["https://wa.me/", "http://wa.me/", "wa.me/"] {
        n = n.strip_prefix(prefix).unwrap_or(n);
    }
    Some(String::from("https://wa.me/") + n.trim_start_matches('+'))
}

/// Runs `f` with what the rules check against: the saved sources, the pipelines once they
/// are known, and the limit.
pub(super) fn with_context<R>(s: &State, f: impl FnOnce(&Context<'_>) -> R) -> R {
    let existing: Vec<Source> = s.rows.iter().filter_map(|r| r.orig.clone()).collect();
    let pipelines = if s.pipelines_ready {
        &s.pipelines[..]
    } else {
        &[]
    };
    f(&Context {
        existing: &existing,
        pipelines,
        limit: s.limit,
    })
}

/// A new row as the rules see it: its create request, with "no pipeline chosen" kept as
/// pipeline 0 so that it is refused once the pipelines are known.
fn new_item(r: &Row) -> NewSource {
    NewSource {
        pipeline_id: Some(r.draft.pipeline_id),
        ..r.draft.to_new()
    }
}

/// Every error of one row: for a saved row the fields its save would send, for a new row
/// its fields checked in the batch of all new rows.
pub fn row(s: &State, r: &Row) -> Vec<FieldError> {
    with_context(s, |ctx| match &r.orig {
        Some(o) => {
            let patch = r.patch().unwrap_or_else(|| SourcePatch::new(o.id));
            let mut errors = field_errors(&rules::validate_patches(&[patch], ctx), 0, r);
            if r.origin_cleared() {
                errors.push(FieldError {
                    field: Field::OriginCode,
                    msg: T::VOriginKept,
                    detail: None,
                });
            }
            errors
        }
        None => {
            let mut rows: Vec<&Row> = s.rows.iter().filter(|o| o.orig.is_none()).collect();
            let at = match rows.iter().position(|o| o.key == r.key) {
                Some(at) => at,
                None => {
                    rows.push(r);
                    rows.len() - 1
                }
            };
            let items: Vec<NewSource> = rows.iter().map(|o| new_item(o)).collect();
            field_errors(&rules::validate_new(&items, ctx), at, r)
        }
    })
}

/// The error of a set of new rows created together as a whole: too many for one request
/// or for the limit, more than one default.
pub fn batch(s: &State, drafts: &[&Row]) -> Option<T> {
    let items: Vec<NewSource> = drafts.iter().map(|r| new_item(r)).collect();
    let report = with_context(s, |ctx| rules::validate_new(&items, ctx));
    let code = report.errors().map(|i| i.code).find(|c| {
        matches!(
            c,
            Code::TooManyItems | Code::LimitReached | Code::MultipleDefaults
        )
    });
    code.map(message)
}

/// The blocking findings about item `at` of `report`, on the fields of row `r`.
fn field_errors(report: &Report, at: usize, r: &Row) -> Vec<FieldError> {
    let wa_first = r
        .draft
        .services()
        .first()
        .is_some_and(|svc| svc.kind == Service::WHATSAPP);
    report
        .errors()
        .filter(|i| i.item == Some(at))
        .map(|i: &Issue| FieldError {
            field: row_field(i.field, wa_first),
            msg: message(i.code),
            detail: None,
        })
        .collect()
}

/// The row field of a rules field; pages belong to the row's WhatsApp service, sent first.
fn row_field(f: rules::Field, wa_first: bool) -> Field {
    use rules::Field as R;
    match f {
        R::Name => Field::Name,
        R::ExternalId => Field::ExternalId,
        R::OriginCode => Field::OriginCode,
        R::PipelineId => Field::Pipeline,
        R::Default => Field::Default,
        R::PageName { service: 0, page } if wa_first => Field::PageName(page),
        R::PageId { service: 0, page } if wa_first => Field::PageId(page),
        R::PageLink { service: 0, page } if wa_first => Field::PageLink(page),
        _ => Field::Row,
    }
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
                if let Ok(n) = x.parse::<u64>() {
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
    fn phone_links_become_wa_me_links_only_when_valid() {
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
