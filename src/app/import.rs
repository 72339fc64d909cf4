//! Export of all sources to JSON and the checked plan of an import file.

use super::check;
use super::state::{fold, ImportPlan, State};
use crate::api::json::{self, Json};
use crate::i18n::T;
use crate::model::{NewSource, Source, SourcePatch};

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

    fn at(msg: T, detail: String) -> Self {
        ImportError {
            msg,
            detail: Some(detail),
        }
    }
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

/// The list of items in an import file: a plain array, an export of `GET /sources`
/// (`_embedded.sources`), or `{"sources": [...]}`.
fn items(v: &Json) -> Option<&[Json]> {
    let list = match v {
        Json::Arr(_) => v,
        Json::Obj(_) => v
            .get("_embedded")
            .and_then(|e| e.get("sources"))
            .or_else(|| v.get("sources"))?,
        _ => return None,
    };
    match list {
        Json::Arr(a) => Some(a),
        _ => None,
    }
}

fn label(i: usize, n: &NewSource) -> String {
    let mut s = String::from("#");
    json::write_u64(&mut s, i as u64 + 1);
    if !n.external_id.is_empty() {
        s.push_str(" (");
        s.push_str(&n.external_id);
        s.push(')');
    }
    s
}

/// The error of the first page phone of `n` that is not valid.
fn bad_phone(n: &NewSource) -> Option<T> {
    for svc in n.services.iter().flatten() {
        for p in &svc.pages {
            if let Some(e) = check::phone(&p.link) {
                return Some(e);
            }
        }
    }
    None
}

/// Parses and checks `text`, and works out what applying it creates and changes.
pub fn plan(s: &State, text: &str) -> Result<ImportPlan, ImportError> {
    if text.len() > MAX_BYTES {
        return Err(ImportError::new(T::ImportTooBig));
    }
    let v = json::parse(text.trim_start_matches('\u{feff}').as_bytes())
        .map_err(|_| ImportError::new(T::ImportNotJson))?;
    let raw = items(&v).ok_or_else(|| ImportError::new(T::ImportShape))?;
    let mut list = Vec::with_capacity(raw.len());
    for (i, item) in raw.iter().enumerate() {
        let n = NewSource::from_json(item)
            .map_err(|_| ImportError::at(T::ImportShape, label(i, &NewSource::default())))?;
        list.push(n);
    }
    let mut seen: Vec<String> = Vec::new();
    for (i, n) in list.iter().enumerate() {
        let bad = check::name(&n.name)
            .or_else(|| check::external_id(&n.external_id))
            .or_else(|| n.origin_code.as_deref().and_then(check::origin_code))
            .or_else(|| {
                n.pipeline_id
                    .filter(|p| s.pipelines_ready && s.pipeline(*p).is_none())
                    .map(|_| T::VPipeline)
            })
            .or_else(|| bad_phone(n));
        if let Some(e) = bad {
            let mut d = label(i, n);
            d.push_str(": ");
            d.push_str(s.lang.t(e));
            return Err(ImportError::at(T::ImportInvalid, d));
        }
        let key = fold(n.external_id.trim());
        if seen.contains(&key) {
            return Err(ImportError::at(T::ImportDup, n.external_id.clone()));
        }
        seen.push(key);
    }
    if list.iter().filter(|n| n.default == Some(true)).count() > 1 {
        return Err(ImportError::new(T::VOneDefault));
    }
    let mut out = ImportPlan {
        create: Vec::new(),
        update: Vec::new(),
        update_names: Vec::new(),
        unchanged: 0,
    };
    for mut n in list {
        n.name = n.name.trim().to_owned();
        n.external_id = n.external_id.trim().to_owned();
        let key = fold(&n.external_id);
        let mut existing = None;
        for o in s.rows.iter().filter_map(|r| r.orig.as_ref()) {
            if fold(&o.external_id) == key {
                existing = Some(o);
                break;
            }
        }
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
                    out.update_names.push(o.name.clone());
                    out.update.push(p);
                }
            }
        }
    }
    if s.saved_count() + out.create.len() > s.limit {
        return Err(ImportError::new(T::ErrLimit));
    }
    if out.create.len() > crate::api::MAX_BATCH || out.update.len() > crate::api::MAX_BATCH {
        return Err(ImportError::new(T::VTooMany));
    }
    Ok(out)
}
