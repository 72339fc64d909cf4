//! Client-side validation that mirrors the Sources API's own rules.
//!
//! Every finding is an [`Issue`]: which item (by index in the batch), which field, and a
//! stable [`Code`] the UI translates (its texts live in the widget's i18n files).

mod fields;

pub use fields::{
    check_external_id, check_name, check_origin_code, check_phone, check_pipeline, clean_phone,
    contains, fold_case, same_external_id, EXTERNAL_ID_MAX, NAME_MAX, ORIGIN_CODE_MAX,
    PHONE_MAX_DIGITS, PHONE_MIN_DIGITS,
};

use crate::model::{NewSource, Pipeline, Service, Source, SourcePatch};
use fields::{check_page_name, check_required};

/// Most items the API accepts in one batch request.
pub const MAX_BATCH: usize = 50;

/// How many sources an integration may have unless configured otherwise.
pub const DEFAULT_LIMIT: usize = 50;

/// What a finding is about; stable across releases, so the UI can key translations on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// The name is empty.
    NameRequired,
    /// The name is longer than [`NAME_MAX`].
    NameTooLong,
    /// The name has control characters.
    NameNotPrintable,
    /// The external id is empty.
    ExternalIdRequired,
    /// The external id is longer than [`EXTERNAL_ID_MAX`].
    ExternalIdTooLong,
    /// The external id has characters outside printable ASCII.
    ExternalIdNotPrintable,
    /// Another existing source has this external id (compared case-insensitively).
    ExternalIdTaken,
    /// Another item of the same batch has this external id.
    ExternalIdRepeated,
    /// The origin code is given but empty.
    OriginCodeEmpty,
    /// The origin code is only digits.
    OriginCodeOnlyDigits,
    /// The origin code is only double quotes.
    OriginCodeOnlyQuotes,
    /// The origin code is longer than [`ORIGIN_CODE_MAX`].
    OriginCodeTooLong,
    /// The origin code has control characters.
    OriginCodeNotPrintable,
    /// The pipeline is not one of the account's pipelines.
    PipelineUnknown,
    /// The pipeline is archived (allowed, but leads will land out of sight).
    PipelineArchived,
    /// More than one source would be the default.
    MultipleDefaults,
    /// More items than one request may carry ([`MAX_BATCH`]).
    TooManyItems,
    /// The integration would have more sources than its limit.
    LimitReached,
    /// The patch names a source that does not exist.
    UnknownSource,
    /// A service page has no name.
    PageNameRequired,
    /// A service page's name has control characters.
    PageNameNotPrintable,
    /// A service page has no id.
    PageIdRequired,
    /// A WhatsApp page has no phone number.
    PageLinkRequired,
    /// A WhatsApp page link is not a plausible international phone number.
    PageLinkInvalid,
}

impl Code {
    /// A stable snake_case key, e.g. `external_id_taken`, for translation files.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::NameRequired => "name_required",
            Code::NameTooLong => "name_too_long",
            Code::NameNotPrintable => "name_not_printable",
            Code::ExternalIdRequired => "external_id_required",
            Code::ExternalIdTooLong => "external_id_too_long",
            Code::ExternalIdNotPrintable => "external_id_not_printable",
            Code::ExternalIdTaken => "external_id_taken",
            Code::ExternalIdRepeated => "external_id_repeated",
            Code::OriginCodeEmpty => "origin_code_empty",
            Code::OriginCodeOnlyDigits => "origin_code_only_digits",
            Code::OriginCodeOnlyQuotes => "origin_code_only_quotes",
            Code::OriginCodeTooLong => "origin_code_too_long",
            Code::OriginCodeNotPrintable => "origin_code_not_printable",
            Code::PipelineUnknown => "pipeline_unknown",
            Code::PipelineArchived => "pipeline_archived",
            Code::MultipleDefaults => "multiple_defaults",
            Code::TooManyItems => "too_many_items",
            Code::LimitReached => "limit_reached",
            Code::UnknownSource => "unknown_source",
            Code::PageNameRequired => "page_name_required",
            Code::PageNameNotPrintable => "page_name_not_printable",
            Code::PageIdRequired => "page_id_required",
            Code::PageLinkRequired => "page_link_required",
            Code::PageLinkInvalid => "page_link_invalid",
        }
    }

    /// Whether the finding blocks saving or only warns.
    pub fn severity(self) -> Severity {
        match self {
            Code::PipelineArchived => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The server would reject it; saving is blocked.
    Error,
    /// Allowed, but worth telling the user.
    Warning,
}

/// The field a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The whole batch (size, limit).
    Batch,
    /// The source id of a patch.
    Id,
    /// `name`.
    Name,
    /// `external_id`.
    ExternalId,
    /// `origin_code`.
    OriginCode,
    /// `pipeline_id`.
    PipelineId,
    /// `default`.
    Default,
    /// `services[service].pages[page].name`.
    PageName {
        /// Index of the service.
        service: usize,
        /// Index of the page within it.
        page: usize,
    },
    /// `services[service].pages[page].id`.
    PageId {
        /// Index of the service.
        service: usize,
        /// Index of the page within it.
        page: usize,
    },
    /// `services[service].pages[page].link`.
    PageLink {
        /// Index of the service.
        service: usize,
        /// Index of the page within it.
        page: usize,
    },
}

/// One finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Issue {
    /// Index of the item in the batch; `None` for the batch as a whole.
    pub item: Option<usize>,
    /// The field concerned.
    pub field: Field,
    /// What is wrong.
    pub code: Code,
}

impl Issue {
    /// The finding's severity.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// All findings of one validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Findings in item order.
    pub issues: Vec<Issue>,
}

impl Report {
    /// The findings that block saving.
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .filter(|i| i.severity() == Severity::Error)
    }

    /// Records a finding.
    fn push(&mut self, item: Option<usize>, field: Field, code: Option<Code>) {
        if let Some(code) = code {
            self.issues.push(Issue { item, field, code });
        }
    }
}

/// What validation checks against: the sources that exist, the pipelines, the limit.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The integration's sources as last loaded.
    pub existing: &'a [Source],
    /// The account's pipelines; empty means unknown (pipeline ids are then not checked).
    pub pipelines: &'a [Pipeline],
    /// Most sources the integration may have.
    pub limit: usize,
}

impl<'a> Context<'a> {
    /// A context with the default limit of [`DEFAULT_LIMIT`] sources.
    pub fn new(existing: &'a [Source], pipelines: &'a [Pipeline]) -> Self {
        Context {
            existing,
            pipelines,
            limit: DEFAULT_LIMIT,
        }
    }

    /// The same context with another source limit.
    pub fn with_limit(self, limit: usize) -> Self {
        Context { limit, ..self }
    }
}

/// Validates a batch of sources to create against what exists: the form of each field,
/// external ids unique among the existing sources and within the batch, at most one
/// default in the batch (a new default replaces the old one), the batch size and the limit.
///
/// This is the one check of a new source: a row being typed is a batch of the drafts it
/// belongs to, an import file is a batch of its items.
pub fn validate_new(items: &[NewSource], ctx: &Context<'_>) -> Report {
    let mut report = Report::default();
    batch_size(&mut report, items.len());
    if ctx.existing.len() + items.len() > ctx.limit {
        report.push(None, Field::Batch, Some(Code::LimitReached));
    }
    let defaults = items.iter().filter(|i| i.default == Some(true)).count();
    for (index, item) in items.iter().enumerate() {
        let at = Some(index);
        report.push(at, Field::Name, check_name(&item.name));
        let id_code = check_external_id(&item.external_id).or_else(|| {
            let same = |other: &str| same_external_id(other.trim(), item.external_id.trim());
            if ctx.existing.iter().any(|s| same(&s.external_id)) {
                Some(Code::ExternalIdTaken)
            } else if items
                .iter()
                .enumerate()
                .any(|(j, other)| j != index && same(&other.external_id))
            {
                Some(Code::ExternalIdRepeated)
            } else {
                None
            }
        });
        report.push(at, Field::ExternalId, id_code);
        check_common(
            &mut report,
            index,
            Common {
                origin_code: item.origin_code.as_deref(),
                pipeline_id: item.pipeline_id,
                default: item.default,
                services: item.services.as_deref(),
            },
            defaults,
            ctx,
        );
    }
    report
}

/// Validates a batch of partial updates against what exists: only the fields a patch
/// sends are checked, so what the server already holds is never refused.
pub fn validate_patches(patches: &[SourcePatch], ctx: &Context<'_>) -> Report {
    let mut report = Report::default();
    batch_size(&mut report, patches.len());
    let defaults = patches.iter().filter(|p| p.default == Some(true)).count();
    for (index, patch) in patches.iter().enumerate() {
        let at = Some(index);
        if !ctx.existing.iter().any(|s| s.id == patch.id) {
            report.push(at, Field::Id, Some(Code::UnknownSource));
        }
        if let Some(name) = &patch.name {
            report.push(at, Field::Name, check_name(name));
        }
        check_common(
            &mut report,
            index,
            Common {
                origin_code: patch.origin_code.as_deref(),
                pipeline_id: patch.pipeline_id,
                default: patch.default,
                services: patch.services.as_deref(),
            },
            defaults,
            ctx,
        );
    }
    report
}

/// The fields a new source and a patch share, as sent.
struct Common<'a> {
    origin_code: Option<&'a str>,
    pipeline_id: Option<u64>,
    default: Option<bool>,
    services: Option<&'a [Service]>,
}

/// Checks of the shared fields of item `index`; `defaults` is how many items of the batch
/// set `default: true`.
fn check_common(
    report: &mut Report,
    index: usize,
    c: Common<'_>,
    defaults: usize,
    ctx: &Context<'_>,
) {
    let at = Some(index);
    if let Some(code) = c.origin_code {
        report.push(at, Field::OriginCode, check_origin_code(code));
    }
    if let Some(pipeline_id) = c.pipeline_id {
        report.push(
            at,
            Field::PipelineId,
            check_pipeline(pipeline_id, ctx.pipelines),
        );
    }
    if defaults > 1 && c.default == Some(true) {
        report.push(at, Field::Default, Some(Code::MultipleDefaults));
    }
    for (service, s) in c.services.unwrap_or_default().iter().enumerate() {
        let whatsapp = s.kind.eq_ignore_ascii_case(Service::WHATSAPP);
        for (page, p) in s.pages.iter().enumerate() {
            report.push(
                at,
                Field::PageName { service, page },
                check_page_name(&p.name),
            );
            report.push(
                at,
                Field::PageId { service, page },
                check_required(&p.id, Code::PageIdRequired),
            );
            if whatsapp {
                report.push(at, Field::PageLink { service, page }, check_phone(&p.link));
            }
        }
    }
}

/// Refuses a batch larger than one request may carry.
fn batch_size(report: &mut Report, len: usize) {
    if len > MAX_BATCH {
        report.push(None, Field::Batch, Some(Code::TooManyItems));
    }
}
