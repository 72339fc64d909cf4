//! Leads as the widget reads them back (`GET /api/v4/leads?with=source_id,source`) and creates
//! them (`POST /api/v4/leads/complex`): only what the traffic report and the test lead need.

use crate::lenient;
use serde::{Deserialize, Serialize};

/// Kommo's `type` of a lead source object: always `widget` for the Sources API.
pub const SOURCE_TYPE: &str = "widget";

/// A lead as the report needs it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "RawLead")]
pub struct Lead {
    /// Kommo's id of the lead (its card is `/leads/detail/<id>`).
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Pipeline it is in now (it may have been moved since it was created).
    pub pipeline_id: u64,
    /// Stage it is in now.
    pub status_id: u64,
    /// When it was created, in Unix seconds.
    pub created_at: i64,
    /// The source it was created from, when it has one.
    pub source: Option<LeadSource>,
}

/// The source a lead carries: the object of `with=source`, or the id of `with=source_id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct LeadSource {
    /// The source's id; 0 when the answer names it otherwise.
    #[serde(default, deserialize_with = "lenient::number")]
    pub id: u64,
    /// The source's name.
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: String,
    /// The source's external_id, when the answer gives it instead of (or beside) the id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub external_id: Option<String>,
}

/// A lead as it comes. Kommo documents its source two ways: the leads reference's
/// `source_id` (the source's id, for `with=source_id`) and a 2025 changelog's `source` object
/// on the lead (for `with=source`); an answer that embeds the object under `_embedded.source`
/// is read the same. Whichever comes is read, the object first since it also names the source.
#[derive(Deserialize)]
struct RawLead {
    #[serde(default, deserialize_with = "lenient::number")]
    id: u64,
    #[serde(default, deserialize_with = "lenient::string")]
    name: String,
    #[serde(default, deserialize_with = "lenient::number")]
    pipeline_id: u64,
    #[serde(default, deserialize_with = "lenient::number")]
    status_id: u64,
    #[serde(default, deserialize_with = "lenient::number")]
    created_at: i64,
    #[serde(default, deserialize_with = "lenient::object")]
    source: Option<LeadSource>,
    #[serde(default, deserialize_with = "lenient::number")]
    source_id: u64,
    #[serde(rename = "_embedded", default, deserialize_with = "lenient::object")]
    embedded: Option<RawEmbedded>,
}

#[derive(Deserialize)]
struct RawEmbedded {
    #[serde(default, deserialize_with = "lenient::object")]
    source: Option<LeadSource>,
}

impl From<RawLead> for Lead {
    fn from(r: RawLead) -> Lead {
        let by_id = (r.source_id != 0).then(|| LeadSource {
            id: r.source_id,
            ..LeadSource::default()
        });
        let source = r
            .source
            .filter(|s| s.id != 0 || s.external_id.is_some())
            .or(r.embedded.and_then(|e| e.source))
            .filter(|s| s.id != 0 || s.external_id.is_some())
            .or(by_id);
        Lead {
            id: r.id,
            name: r.name,
            pipeline_id: r.pipeline_id,
            status_id: r.status_id,
            created_at: r.created_at,
            source: source.filter(|s| s.id != 0 || s.external_id.is_some()),
        }
    }
}

/// The `_embedded.source` object that ties a new lead to a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    /// The source's external_id.
    pub external_id: String,
    /// Always [`SOURCE_TYPE`].
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl SourceRef {
    /// The reference to the source with `external_id`.
    pub fn new(external_id: &str) -> SourceRef {
        SourceRef {
            external_id: external_id.to_owned(),
            kind: SOURCE_TYPE,
        }
    }
}

/// What a complex lead embeds; only the source here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeadEmbedded {
    /// The source the lead comes from.
    pub source: SourceRef,
}

/// One item of `POST /api/v4/leads/complex`: a lead from a source. The source decides the
/// pipeline, so the body names none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComplexLead {
    /// The lead's name.
    pub name: String,
    /// Its source.
    #[serde(rename = "_embedded")]
    pub embedded: LeadEmbedded,
}

impl ComplexLead {
    /// A lead named `name` from the source with `external_id`.
    pub fn from_source(name: &str, external_id: &str) -> ComplexLead {
        ComplexLead {
            name: name.to_owned(),
            embedded: LeadEmbedded {
                source: SourceRef::new(external_id),
            },
        }
    }
}

/// One result of a complex create: the new lead's id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Created {
    /// The new lead's id.
    #[serde(default, deserialize_with = "lenient::number")]
    pub id: u64,
}
