//! `POST /api/v4/leads/complex` items: each checked on its own, then placed by its source
//! (the calling integration's) or its pipeline; all-or-nothing.

use super::model::{Lead, LeadSource};
use super::switches::UnknownSource;
use crate::model::{pipeline, MAIN_PIPELINE_ID, USERS};
use crate::rules::{self, FieldError, OpError, MAX_TEXT_LEN};
use crate::store::{as_item, check_batch, group, Store};
use serde_json::{Map, Value};

/// The only `_embedded.source.type` Kommo takes for a Sources API source.
pub const SOURCE_TYPE: &str = "widget";

/// Fields of a complex lead item Kommo documents, beside `_embedded`; those after
/// `request_id` are taken and not modelled.
const FIELDS: &[&str] = &[
    "name",
    "price",
    "pipeline_id",
    "status_id",
    "created_at",
    "responsible_user_id",
    "request_id",
    "_embedded",
    "updated_at",
    "closed_at",
    "created_by",
    "updated_by",
    "loss_reason_id",
    "custom_fields_values",
    "tags_to_add",
];

/// One item, checked field by field (what it asks for; where it goes is decided later).
#[derive(Clone, Debug, Default, PartialEq)]
struct NewLead {
    /// Trimmed, not blank.
    name: Option<String>,
    price: Option<u64>,
    pipeline_id: Option<u64>,
    status_id: Option<u64>,
    created_at: Option<u64>,
    responsible_user_id: Option<u64>,
    /// `_embedded.source.external_id`, lower-cased.
    source: Option<String>,
}

/// What one created lead answers: its id and the request_id it was sent with (or its position).
#[derive(Clone, Debug, PartialEq)]
pub struct Created {
    /// The new lead's id.
    pub id: u64,
    /// The item's request_id, or its position as a string.
    pub request_id: String,
}

impl Store {
    /// Creates the leads of a complex POST body for the integration `key`, dated `now` unless
    /// an item says otherwise.
    pub fn create_leads(
        &mut self,
        key: &str,
        items: &[Value],
        unknown: UnknownSource,
        now: u64,
    ) -> Result<Vec<Created>, OpError> {
        check_batch(items)?;
        let mut all_errors = Vec::new();
        let mut placed = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let mut errors = Vec::new();
            let Some(obj) = as_item(item, &mut errors) else {
                all_errors.push(group(i, None, errors));
                continue;
            };
            let rid = rules::request_id(obj, &mut errors).unwrap_or_else(|| i.to_string());
            let new = read_item(obj, &mut errors);
            let lead = self.place(key, new, unknown, now, &mut errors);
            match lead {
                Some(lead) if errors.is_empty() => placed.push((lead, rid)),
                _ => all_errors.push(group(i, Some(rid), errors)),
            }
        }
        if !all_errors.is_empty() {
            return Err(OpError::Items(all_errors));
        }
        Ok(placed
            .into_iter()
            .map(|(lead, request_id)| Created {
                id: self.add_lead(lead),
                request_id,
            })
            .collect())
    }

    /// The lead an item makes: with a known source, in the source's pipeline; without one, in
    /// the item's pipeline or the main one; at the item's stage when that pipeline has it.
    fn place(
        &self,
        key: &str,
        new: NewLead,
        unknown: UnknownSource,
        now: u64,
        errors: &mut Vec<FieldError>,
    ) -> Option<Lead> {
        let (pipeline_id, source) = match &new.source {
            Some(ext) => {
                let known = self
                    .integrations
                    .get(key)
                    .and_then(|i| i.sources.iter().find(|s| s.external_id == *ext));
                match (known, unknown) {
                    // The source decides where its leads go; a pipeline_id beside it is ignored.
                    (Some(s), _) => (
                        s.pipeline_id,
                        Some(LeadSource {
                            id: s.id,
                            name: s.name.clone(),
                        }),
                    ),
                    (None, UnknownSource::Main) => (MAIN_PIPELINE_ID, None),
                    (None, UnknownSource::Refuse) => {
                        errors.push(FieldError::new(
                            rules::NOT_FOUND,
                            "_embedded.source.external_id",
                            format!(
                                "no source of this integration has external_id {ext:?}; a lead's \
                                 source can only be set when it is created"
                            ),
                        ));
                        return None;
                    }
                }
            }
            None => match new.pipeline_id {
                None => (MAIN_PIPELINE_ID, None),
                Some(id) => match pipeline(id) {
                    Some(p) if !p.is_archive => (id, None),
                    found => {
                        let why = if found.is_some() {
                            "archived"
                        } else {
                            "unknown"
                        };
                        errors.push(FieldError::new(
                            rules::NOT_SUPPORTED_CHOICE,
                            "pipeline_id",
                            format!("pipeline {id} is {why}"),
                        ));
                        return None;
                    }
                },
            },
        };
        let p = pipeline(pipeline_id)?;
        let status_id = new
            .status_id
            .filter(|s| p.has_status(*s))
            .unwrap_or_else(|| p.first_status_id());
        let created_at = new.created_at.unwrap_or(now);
        Some(Lead {
            id: 0,
            // Blank names become "Lead #<id>" once the id is known.
            name: new.name.unwrap_or_default(),
            price: new.price.unwrap_or(0),
            pipeline_id,
            status_id,
            created_at,
            updated_at: created_at,
            responsible_user_id: new.responsible_user_id.unwrap_or(USERS[0].id),
            source,
        })
    }
}

/// Reads the fields of one item, noting what is wrong with them in `errors`.
fn read_item(obj: &Map<String, Value>, errors: &mut Vec<FieldError>) -> NewLead {
    let mut out = NewLead::default();
    for key in obj.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
        errors.push(FieldError::new(
            rules::NOT_SUPPORTED_CHOICE,
            key.clone(),
            format!("unknown field {key}; a lead takes {}", FIELDS.join(", ")),
        ));
    }
    match obj.get("name") {
        None => {}
        Some(Value::String(s)) if s.trim().chars().count() > MAX_TEXT_LEN => {
            errors.push(FieldError::new(
                rules::TOO_LONG,
                "name",
                format!("name must be at most {MAX_TEXT_LEN} characters"),
            ))
        }
        Some(Value::String(s)) => out.name = Some(s.trim().to_owned()).filter(|n| !n.is_empty()),
        Some(_) => errors.push(FieldError::new(
            rules::INVALID_TYPE,
            "name",
            "name must be a string",
        )),
    }
    out.price = whole(obj, "price", errors);
    out.pipeline_id = whole(obj, "pipeline_id", errors);
    out.status_id = whole(obj, "status_id", errors);
    out.created_at = whole(obj, "created_at", errors);
    out.responsible_user_id = whole(obj, "responsible_user_id", errors);
    if let Some(id) = out.responsible_user_id {
        if !USERS.iter().any(|u| u.id == id) {
            errors.push(FieldError::new(
                rules::NOT_SUPPORTED_CHOICE,
                "responsible_user_id",
                format!("user {id} is not a user of this account"),
            ));
        }
    }
    match obj.get("_embedded") {
        None => {}
        Some(Value::Object(embedded)) => out.source = read_embedded(embedded, errors),
        Some(_) => errors.push(FieldError::new(
            rules::INVALID_TYPE,
            "_embedded",
            "_embedded must be an object",
        )),
    }
    out
}

/// A field that must be a whole number from 0 when present.
fn whole(obj: &Map<String, Value>, field: &str, errors: &mut Vec<FieldError>) -> Option<u64> {
    let v = obj.get(field)?;
    if let Some(n) = v.as_u64() {
        return Some(n);
    }
    let (code, detail) = if v.as_i64().is_some() {
        (
            rules::INVALID_VALUE,
            format!("{field} must not be negative"),
        )
    } else {
        (
            rules::INVALID_TYPE,
            format!("{field} must be a whole number"),
        )
    };
    errors.push(FieldError::new(code, field, detail));
    None
}

/// `_embedded`: contacts, companies, tags and metadata are taken and ignored; the source is read.
fn read_embedded(embedded: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<String> {
    let mut source = None;
    for (key, value) in embedded {
        let path = format!("_embedded.{key}");
        match (key.as_str(), value) {
            ("contacts" | "companies" | "tags", Value::Array(_)) => {}
            ("contacts" | "companies" | "tags", _) => errors.push(FieldError::new(
                rules::INVALID_TYPE,
                path,
                format!("_embedded.{key} must be an array"),
            )),
            ("metadata", Value::Object(_)) => {}
            ("metadata", _) => errors.push(FieldError::new(
                rules::INVALID_TYPE,
                path,
                "_embedded.metadata must be an object",
            )),
            ("source", Value::Object(s)) => source = read_source(s, errors),
            ("source", _) => errors.push(FieldError::new(
                rules::INVALID_TYPE,
                path,
                "_embedded.source must be an object {\"external_id\", \"type\": \"widget\"}",
            )),
            _ => errors.push(FieldError::new(
                rules::NOT_SUPPORTED_CHOICE,
                path,
                format!(
                    "unknown field _embedded.{key}; _embedded takes contacts, companies, tags, \
                     metadata and source"
                ),
            )),
        }
    }
    source
}

/// `_embedded.source`: `{"external_id": "...", "type": "widget"}`; the lower-cased external_id.
fn read_source(source: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<String> {
    let before = errors.len();
    for key in source
        .keys()
        .filter(|k| !matches!(k.as_str(), "external_id" | "type"))
    {
        errors.push(FieldError::new(
            rules::NOT_SUPPORTED_CHOICE,
            format!("_embedded.source.{key}"),
            format!("unknown field _embedded.source.{key}; a source takes external_id and type"),
        ));
    }
    match source.get("type") {
        Some(Value::String(t)) if t == SOURCE_TYPE => {}
        Some(Value::String(t)) => errors.push(FieldError::new(
            rules::NOT_SUPPORTED_CHOICE,
            "_embedded.source.type",
            format!("source type must be {SOURCE_TYPE:?}, not {t:?}"),
        )),
        None => errors.push(FieldError::new(
            rules::FIELD_MISSING,
            "_embedded.source.type",
            format!("source type is required and must be {SOURCE_TYPE:?}"),
        )),
        Some(_) => errors.push(FieldError::new(
            rules::INVALID_TYPE,
            "_embedded.source.type",
            format!("source type must be the string {SOURCE_TYPE:?}"),
        )),
    }
    let path = "_embedded.source.external_id";
    let external_id = match source.get("external_id") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.to_lowercase()),
        Some(Value::String(_)) => {
            errors.push(FieldError::new(
                rules::INVALID_VALUE,
                path,
                "source external_id must not be empty",
            ));
            None
        }
        None => {
            errors.push(FieldError::new(
                rules::FIELD_MISSING,
                path,
                "source external_id is required",
            ));
            None
        }
        Some(_) => {
            errors.push(FieldError::new(
                rules::INVALID_TYPE,
                path,
                "source external_id must be a string",
            ));
            None
        }
    };
    // A source that is wrong in any way is not looked up, so it gets no second error.
    external_id.filter(|_| errors.len() == before)
}
