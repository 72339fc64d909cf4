//! Export of all sources to JSON and the checked plan of an import file.

use super::check;
use super::state::{fold, State};
use crate::api::Envelope;
use crate::i18n::T;
use crate::json::Doc;
use crate::model::{NewSource, Source, SourcePatch};
use crate::rules::{self, Code, Context, Report};
use serde::{Deserialize, Serialize};

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

/// Where the items of an import file that name a pipeline this account does not have go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipelineMap {
    /// The pipeline id in the file.
    pub from: u64,
    /// The pipeline's name in the file, when the file gives it.
    pub name: Option<String>,
    /// The pipeline of this account its items go to; `None`: they are skipped.
    pub to: Option<u64>,
    /// How many items of the file name it.
    pub items: usize,
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
    /// The file's items as read, kept to work the plan out again when a pipeline is picked.
    pub items: Vec<NewSource>,
    /// The file's pipelines this account does not have, and where their items go.
    pub maps: Vec<PipelineMap>,
    /// External ids of the items skipped, their pipeline being mapped to none.
    pub skipped: Vec<String>,
}

/// One item of an export file: the create shape, so the file imports back, and the name of
/// its pipeline, by which an account whose pipeline ids differ finds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exported {
    /// The source as it is created.
    #[serde(flatten)]
    pub source: NewSource,
    /// Its pipeline's name in the account it was exported from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pipeline_name: Option<String>,
}

/// What an import reads of an item beside the create shape.
#[derive(Deserialize)]
struct Named {
    #[serde(default)]
    pipeline_name: Option<String>,
}

/// A source as written to an export file from state `s`.
pub fn exported(s: &State, src: &Source) -> Exported {
    Exported {
        source: NewSource {
            name: src.name.clone(),
            external_id: src.external_id.clone(),
            pipeline_id: Some(src.pipeline_id),
            default: Some(src.is_default()),
            origin_code: src.origin_code.clone(),
            services: Some(src.services.clone()),
        },
        pipeline_name: s.pipeline(src.pipeline_id).map(|p| p.name.clone()),
    }
}

/// The export file of every saved source, laid out for people.
pub fn export_json(s: &State) -> String {
    let mut all = Vec::new();
    for r in &s.rows {
        if let Some(o) = &r.orig {
            all.push(exported(s, o));
        }
    }
    crate::json::to_string_pretty(&all)
}

/// The file's pipelines this account does not have, each matched by name when one of the
/// account's pipelines has it (a live one before an archived one). Nothing is mapped while
/// the account's pipelines are not known.
fn pipeline_maps(s: &State, items: &[NewSource], names: &[Option<String>]) -> Vec<PipelineMap> {
    let mut maps: Vec<PipelineMap> = Vec::new();
    if s.pipelines.is_empty() {
        return maps;
    }
    for (n, name) in items.iter().zip(names) {
        let Some(id) = n.pipeline_id.filter(|id| s.pipeline(*id).is_none()) else {
            continue;
        };
        match maps.iter_mut().find(|m| m.from == id) {
            Some(m) => {
                m.items += 1;
                if m.name.is_none() {
                    m.name.clone_from(name);
                }
            }
            None => maps.push(PipelineMap {
                from: id,
                name: name.clone(),
                to: None,
                items: 1,
            }),
        }
    }
    for m in &mut maps {
        let want = m.name.as_deref().map(fold);
        m.to = s
            .pipelines
            .iter()
            .filter(|p| {
                want.as_deref()
                    .is_some_and(|w| !w.is_empty() && fold(p.name.trim()) == w)
            })
            .min_by_key(|p| p.is_archive)
            .map(|p| p.id);
    }
    maps
}

/// The plan again, with the items of the file's pipeline `from` going to `to` (`None`:
/// skipped).
pub fn remap(
    s: &State,
    plan: &ImportPlan,
    from: u64,
    to: Option<u64>,
) -> Result<ImportPlan, ImportError> {
    let mut maps = plan.maps.clone();
    if let Some(m) = maps.iter_mut().find(|m| m.from == from) {
        m.to = to.filter(|id| s.pipeline(*id).is_some());
    }
    build(s, plan.items.clone(), maps)
}

/// The items of an import file: a plain array, an export of `GET /sources`
/// (`_embedded.sources`), or `{"sources": [...]}`; `Ok(None)` for any other shape, `Err` when
/// it is not JSON.
fn items(text: &str) -> Result<Option<Vec<Doc>>, String> {
    let list = if text.trim_start().starts_with('{') {
        let Some(env) = Envelope::parse(text.as_bytes()) else {
            return Err("not a JSON object".to_owned());
        };
        match env.embedded_sources().or_else(|| env.sources()) {
            Some(list) => list,
            None => return Ok(None),
        }
    } else {
        Doc::parse(text.as_bytes())?
    };
    Ok(list.items())
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
    let mut names = Vec::with_capacity(raw.len());
    for (i, item) in raw.iter().enumerate() {
        let mut n: NewSource = item
            .read()
            .map_err(|_| ImportError::at(T::ImportShape, label(i, &NewSource::default())))?;
        n.name = n.name.trim().to_owned();
        n.external_id = n.external_id.trim().to_owned();
        list.push(n);
        // Older files carry no name, and a name that is not text is no name.
        let name = item.read::<Named>().ok();
        let name = name.and_then(|n| n.pipeline_name);
        names.push(name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()));
    }
    let maps = pipeline_maps(s, &list, &names);
    build(s, list, maps)
}

/// The plan of the file's `items` with the file's unknown pipelines mapped as `maps` says.
fn build(
    s: &State,
    items: Vec<NewSource>,
    maps: Vec<PipelineMap>,
) -> Result<ImportPlan, ImportError> {
    // Each item as it would be sent: its pipeline mapped, or none when it is skipped (it is
    // still checked, so that a file is judged whole, but nothing of it is sent).
    let mut list = items.clone();
    let mut skip = vec![false; list.len()];
    for (n, skipped) in list.iter_mut().zip(&mut skip) {
        if let Some(m) = maps.iter().find(|m| Some(m.from) == n.pipeline_id) {
            n.pipeline_id = m.to;
            *skipped = m.to.is_none();
        }
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
        items,
        maps,
        skipped: Vec::new(),
    };
    for (n, skipped) in list.into_iter().zip(skip) {
        if skipped {
            out.skipped.push(n.external_id);
            continue;
        }
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
