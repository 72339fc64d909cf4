//! Export of all sources to JSON and the checked plan of an import file.

use super::check;
use super::state::{fold, State};
use crate::api::Envelope;
use crate::i18n::T;
use crate::model::{NewSource, Source, SourcePatch};
use crate::rules::{self, Code, Context, Report};
use serde_json::value::RawValue;

/// Largest import file read.
pub const MAX_BYTES: usize = 1024 * 1024;

/// Why an import file cannot be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// Message key.
    pub msg: T,
    /// The item or value concerned.
    pub detail: Option<String>,
}

impl ImportError {
    /// An error without detail.
    pub fn new(msg: T) -> Self {
        ImportError { msg, detail: None }
    }

    /// An error about one item or value.
    pub fn at(msg: T, detail: String) -> Self {
        ImportError {
            msg,
            detail: Some(detail),
        }
    }
}

/// An import file, parsed and compared with the current sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportPlan {
    /// Sources to create.
    pub create: Vec<NewSource>,
    /// Updates to existing sources (matched by external_id, case-insensitively).
    pub update: Vec<SourcePatch>,
    /// The server's copy each update changes, in the same order, for the preview.
    pub update_from: Vec<Source>,
    /// Items identical to what exists.
    pub unchanged: usize,
}

/// A source as written to an export file: the create shape, so the file imports back.
pub fn exported(s: &Source) -> NewSource {
    NewSource {
        name: s.name.clone(),
        external_id: s.external_id.clone(),
        pipeline_id: Some(s.pipeline_id),
        default: Some(s.is_default()),
        origin_code: s.origin_code.clone(),
        services: Some(s.services.clone()),
    }
}

/// The raw items of an import file: a plain array, an export of `GET /sources`
/// (`_embedded.sources`), or `{"sources": [...]}`; `None` for any other shape.
fn items(text: &str) -> Result<Option<Vec<&RawValue>>, serde_json::Error> {
    let list = if text.trim_start().starts_with('{') {
        let env: Envelope = serde_json::from_slice(text.as_bytes())?;
        match env.embedded_sources().or(env.sources) {
            Some(raw) => raw,
            None => return Ok(None),
        }
    } else {
        serde_json::from_slice::<&RawValue>(text.as_bytes())?
    };
    Ok(serde_json::from_slice::<Vec<&RawValue>>(list.get().as_bytes()).ok())
}

/// How an item is named in a message: its place in the file and its external id.
fn label(i: usize, n: &NewSource) -> String {
    if n.external_id.is_empty() {
        format!("#{}", i + 1)
    } else {
        format!("#{} ({})", i + 1, n.external_id)
    }
}

/// The first finding that blocks the file on its own, as the import error shown.
fn file_error(s: &State, list: &[NewSource], report: &Report) -> Option<ImportError> {
    if let Some(i) = report.errors().find(|i| i.code != Code::MultipleDefaults) {
        let at = i.item.unwrap_or(0);
        let n = list.get(at).cloned().unwrap_or_default();
        return Some(match i.code {
            Code::ExternalIdRepeated => ImportError::at(T::ImportDup, n.external_id),
            c => ImportError::at(
                T::ImportInvalid,
                format!("{}: {}", label(at, &n), s.lang.t(check::message(c))),
            ),
        });
    }
    report
        .errors()
        .next()
        .map(|i| ImportError::new(check::message(i.code)))
}

/// The error of the batches an import sends, as a whole: the limit, then the batch size.
fn batch_error(reports: &[Report]) -> Option<ImportError> {
    let codes: Vec<Code> = reports
        .iter()
        .flat_map(|r| r.errors().filter(|i| i.item.is_none()).map(|i| i.code))
        .collect();
    [Code::LimitReached, Code::TooManyItems]
        .into_iter()
        .find(|c| codes.contains(c))
        .map(|c| ImportError::new(check::message(c)))
}

/// Parses and checks `text`, and works out what applying it creates and changes.
pub fn plan(s: &State, text: &str) -> Result<ImportPlan, ImportError> {
    if text.len() > MAX_BYTES {
        return Err(ImportError::new(T::ImportTooBig));
    }
    let raw = items(text.trim_start_matches('\u{feff}'))
        .map_err(|_| ImportError::new(T::ImportNotJson))?
        .ok_or_else(|| ImportError::new(T::ImportShape))?;
    let mut list = Vec::with_capacity(raw.len());
    for (i, item) in raw.iter().enumerate() {
        let mut n: NewSource = serde_json::from_slice(item.get().as_bytes())
            .map_err(|_| ImportError::at(T::ImportShape, label(i, &NewSource::default())))?;
        n.name = n.name.trim().to_owned();
        n.external_id = n.external_id.trim().to_owned();
        list.push(n);
    }
    // The file on its own: the form of every field, external ids unique within it.
    let alone = check::with_context(s, |ctx| {
        let ctx = Context {
            existing: &[],
            limit: usize::MAX,
            ..*ctx
        };
        rules::validate_new(&list, &ctx)
    });
    if let Some(e) = file_error(s, &list, &alone) {
        return Err(e);
    }
    let mut out = ImportPlan {
        create: Vec::new(),
        update: Vec::new(),
        update_from: Vec::new(),
        unchanged: 0,
    };
    for n in list {
        let key = fold(&n.external_id);
        let existing = s
            .rows
            .iter()
            .filter_map(|r| r.orig.as_ref())
            .find(|o| fold(&o.external_id) == key);
        match existing {
            None => out.create.push(n),
            Some(o) => {
                let mut edited = o.clone();
                edited.name = n.name.clone();
                if let Some(p) = n.pipeline_id {
                    edited.pipeline_id = p;
                }
                if let Some(d) = n.default {
                    edited.default = Some(d);
                }
                if n.origin_code.is_some() {
                    edited.origin_code = n.origin_code.clone();
                }
                if let Some(sv) = &n.services {
                    edited.services = sv.clone();
                }
                let p = SourcePatch::diff(o, &edited);
                if p.is_empty() {
                    out.unchanged += 1;
                } else {
                    out.update_from.push(o.clone());
                    out.update.push(p);
                }
            }
        }
    }
    let sent = check::with_context(s, |ctx| {
        [
            rules::validate_new(&out.create, ctx),
            rules::validate_patches(&out.update, ctx),
        ]
    });
    match batch_error(&sent) {
        Some(e) => Err(e),
        None => Ok(out),
    }
}
