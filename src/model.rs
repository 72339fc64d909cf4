//! The Sources API's data: what responses carry and what requests send.
//!
//! Decoding is tolerant of what real responses contain (`null` where a value is documented,
//! `params` as `[]`, unknown fields); encoding is strict: a request sends only what it means.

use crate::lenient;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Fields of an object that this crate does not know, kept as they came so that sending the
/// object back loses nothing.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// A lead source of the integration, as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Kommo's id of the source.
    pub id: u64,
    /// Name shown to users in lead cards and statistics.
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub name: String,
    /// Pipeline that new leads from this source land in (may be archived).
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub pipeline_id: u64,
    /// The integration's own code for the source, unique per integration.
    #[serde(default, deserialize_with = "lenient::string")]
    pub external_id: String,
    /// Whether this is the integration's default source; the API may answer `null`.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub default: Option<bool>,
    /// Main chat channel code; `null` when the source has none.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub origin_code: Option<String>,
    /// Services (website chat buttons) attached to the source.
    #[serde(default, deserialize_with = "lenient::list")]
    pub services: Vec<Service>,
    /// HAL links of the source.
    #[serde(
        rename = "_links",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::object"
    )]
    pub links: Option<Links>,
    /// Echo of the `request_id` sent with a batch item; absent on plain reads.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub request_id: Option<String>,
}

impl Source {
    /// Whether the source is the default one (`null` counts as not default).
    pub fn is_default(&self) -> bool {
        self.default.unwrap_or(false)
    }
}

/// A service attached to a source; today only `whatsapp` exists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// Service type, e.g. `whatsapp`; may be empty.
    #[serde(rename = "type", default, deserialize_with = "lenient::string")]
    pub kind: String,
    /// Entries a user can pick when setting up a website chat button.
    #[serde(default, deserialize_with = "lenient::list")]
    pub pages: Vec<Page>,
    /// Service flags; sent as an object or not at all, never as `[]` (which reads as `{}`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::empty_object"
    )]
    pub params: Option<Params>,
    /// Fields of the service this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Service {
    /// The service type Kommo uses for WhatsApp buttons.
    pub const WHATSAPP: &'static str = "whatsapp";

    /// A WhatsApp service with the given pages and no params.
    pub fn whatsapp(pages: Vec<Page>) -> Self {
        Service {
            kind: Self::WHATSAPP.to_owned(),
            pages,
            ..Service::default()
        }
    }
}

/// One entry of a service: for WhatsApp, a phone number the chat button writes to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// Label shown in the drop-down when setting up a website button.
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: String,
    /// Identifier of the entry, never shown to users.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// Where the button writes to; for WhatsApp the number in `https://wa.me/<link>`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub link: String,
    /// Fields of the page this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Flags of a service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Whether the WhatsApp number is a WhatsApp Business API account.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_bool"
    )]
    pub waba: Option<bool>,
    /// Whether the channel supports list messages.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_bool"
    )]
    pub is_supports_list_message: Option<bool>,
    /// Flags this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// HAL `_links` of an entity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Links {
    /// The entity's own URL.
    #[serde(
        rename = "self",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::object"
    )]
    pub self_link: Option<Link>,
}

/// One HAL link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Target URL.
    #[serde(default, deserialize_with = "lenient::string")]
    pub href: String,
}

/// A lead pipeline, for choosing where a source's leads land.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    /// Kommo's id of the pipeline.
    pub id: u64,
    /// Pipeline name as users see it.
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub name: String,
    /// Whether this is the account's main pipeline (the API's default target).
    #[serde(default, deserialize_with = "lenient::flag")]
    pub is_main: bool,
    /// Whether the pipeline is archived (sources may still point at it).
    #[serde(default, deserialize_with = "lenient::flag")]
    pub is_archive: bool,
    /// Display order.
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub sort: i64,
    /// Its stages, from `_embedded.statuses`, in the order the API lists them.
    #[serde(
        rename = "_embedded",
        default,
        skip_serializing,
        deserialize_with = "embedded_statuses"
    )]
    pub statuses: Vec<Status>,
}

/// A stage of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// Kommo's id of the stage (142 and 143 are every pipeline's won and lost).
    #[serde(default, deserialize_with = "lenient::number")]
    pub id: u64,
    /// Stage name as users see it.
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: String,
}

/// A pipeline's `_embedded`, where its stages are.
#[derive(Deserialize, Default)]
struct PipelineEmbedded {
    #[serde(default, deserialize_with = "lenient::list")]
    statuses: Vec<Status>,
}

fn embedded_statuses<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Status>, D::Error> {
    let e: Option<PipelineEmbedded> = lenient::object(d)?;
    Ok(e.unwrap_or_default().statuses)
}

/// A source to create (one item of `POST /api/v4/sources`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSource {
    /// Name of the new source.
    pub name: String,
    /// The integration's code for it, unique per integration.
    pub external_id: String,
    /// Target pipeline; the server picks the main pipeline when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_id: Option<u64>,
    /// Whether it becomes the default source; not sent when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
    /// Main chat channel code; not sent when unset (the server rejects `null`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_code: Option<String>,
    /// Services to attach; not sent when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services: Option<Vec<Service>>,
}

impl NewSource {
    /// A new source with only the two required fields.
    pub fn new(name: impl Into<String>, external_id: impl Into<String>) -> Self {
        NewSource {
            name: name.into(),
            external_id: external_id.into(),
            ..NewSource::default()
        }
    }
}

/// A partial update of one source: only the fields that are set are sent.
///
/// A rename must not touch `default`, so every field but `id` is optional and an unset
/// field is left out of the JSON entirely.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcePatch {
    /// Id of the source to change; not part of the fields it sends (a single update names
    /// it in the path, a batch item adds it beside them).
    #[serde(skip_serializing)]
    pub id: u64,
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New pipeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_id: Option<u64>,
    /// New default flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
    /// New origin code (there is no way to clear it: the server rejects `null`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_code: Option<String>,
    /// New list of services, replacing the old one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services: Option<Vec<Service>>,
}

impl SourcePatch {
    /// A patch of source `id` that changes nothing yet.
    pub fn new(id: u64) -> Self {
        SourcePatch {
            id,
            ..SourcePatch::default()
        }
    }

    /// The patch that turns `original` into `edited`, carrying only what differs.
    ///
    /// `default: null` and `false` count as equal. An `origin_code` removed in `edited`
    /// cannot be expressed (the API has no way to clear it) and is left out.
    pub fn diff(original: &Source, edited: &Source) -> Self {
        let mut patch = SourcePatch::new(original.id);
        if edited.name != original.name {
            patch.name = Some(edited.name.clone());
        }
        if edited.pipeline_id != original.pipeline_id {
            patch.pipeline_id = Some(edited.pipeline_id);
        }
        if edited.is_default() != original.is_default() {
            patch.default = Some(edited.is_default());
        }
        if let Some(code) = &edited.origin_code {
            if original.origin_code.as_ref() != Some(code) {
                patch.origin_code = Some(code.clone());
            }
        }
        if edited.services != original.services {
            patch.services = Some(edited.services.clone());
        }
        patch
    }

    /// Whether the patch changes nothing (sending it would be a wasted request).
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.pipeline_id.is_none()
            && self.default.is_none()
            && self.origin_code.is_none()
            && self.services.is_none()
    }

    /// Applies the patch to a copy of `source`, as the server would.
    pub fn apply(&self, source: &Source) -> Source {
        let mut out = source.clone();
        if let Some(name) = &self.name {
            out.name = name.clone();
        }
        if let Some(pipeline_id) = self.pipeline_id {
            out.pipeline_id = pipeline_id;
        }
        if let Some(default) = self.default {
            out.default = Some(default);
        }
        if let Some(code) = &self.origin_code {
            out.origin_code = Some(code.clone());
        }
        if let Some(services) = &self.services {
            out.services = services.clone();
        }
        out
    }
}

/// A reference to a source to delete; serialises to exactly `{"id": N}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteRef {
    /// Id of the source to delete.
    pub id: u64,
}
