//! What the sandbox stores and serves: sources, pipelines and the account.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// A lead source as stored (external_id already lower-cased).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Server-assigned id.
    pub id: u64,
    /// Display name, trimmed.
    pub name: String,
    /// Pipeline new leads of this source go to.
    pub pipeline_id: u64,
    /// The integration's own key for the source, lower-cased.
    pub external_id: String,
    /// Website-button services (WhatsApp numbers and the like).
    pub services: Vec<Service>,
    /// Whether this is the integration's default source.
    pub default: bool,
    /// Main chat channel code; `None` is served as `null`.
    pub origin_code: Option<String>,
}

/// One service of a source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// Service type, e.g. `whatsapp`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Entries offered when setting up a website button.
    pub pages: Vec<Page>,
    /// Optional flags; kept only when the client sent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Params>,
}

/// One entry of a service's `pages`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// Label shown to the user.
    pub name: String,
    /// Identifier of the entry.
    pub id: String,
    /// What the button links to (for WhatsApp a phone number).
    pub link: String,
}

/// A service's `params`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// WhatsApp Business API number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waba: Option<bool>,
    /// Whether list messages are supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_supports_list_message: Option<bool>,
}

impl Source {
    /// The source as HAL JSON, with its self link and, in batch answers, the echoed request_id.
    pub fn to_hal(&self, base: &str, request_id: Option<&str>) -> Value {
        let mut v = json!({
            "id": self.id,
            "name": self.name,
            "pipeline_id": self.pipeline_id,
            "external_id": self.external_id,
            "services": self.services,
            "default": self.default,
            "origin_code": self.origin_code,
            "_links": {"self": {"href": format!("{base}/api/v4/sources/{}", self.id)}},
        });
        if let Some(rid) = request_id {
            v["request_id"] = Value::String(rid.to_string());
        }
        v
    }
}

/// The account every token belongs to.
pub const ACCOUNT_ID: u64 = 30470678;
/// The account's display name.
pub const ACCOUNT_NAME: &str = "Sandbox Trading Co.";
/// The account's subdomain.
pub const ACCOUNT_SUBDOMAIN: &str = "sandbox";

/// The main pipeline, used when a source names none.
pub const MAIN_PIPELINE_ID: u64 = 5867030;
/// A second, active pipeline.
pub const SECOND_PIPELINE_ID: u64 = 5884544;
/// An archived pipeline (sources may still point at it).
pub const ARCHIVED_PIPELINE_ID: u64 = 5890012;

/// A pipeline of the account, as the pipelines endpoint lists it.
#[derive(Clone, Debug)]
pub struct Pipeline {
    /// Pipeline id.
    pub id: u64,
    /// Display name.
    pub name: &'static str,
    /// Position in the list.
    pub sort: u32,
    /// Whether it is the main pipeline.
    pub is_main: bool,
    /// Whether it is archived.
    pub is_archive: bool,
    /// Stage names, in order.
    pub statuses: &'static [&'static str],
}

/// The account's pipelines: a main one, a second one and an archived one.
pub const PIPELINES: [Pipeline; 3] = [
    Pipeline {
        id: MAIN_PIPELINE_ID,
        name: "Sales",
        sort: 1,
        is_main: true,
        is_archive: false,
        statuses: &[
            "Incoming leads",
            "Initial contact",
            "Negotiation",
            "Won",
            "Lost",
        ],
    },
    Pipeline {
        id: SECOND_PIPELINE_ID,
        name: "Partners",
        sort: 2,
        is_main: false,
        is_archive: false,
        statuses: &["Incoming leads", "Qualified", "Won", "Lost"],
    },
    Pipeline {
        id: ARCHIVED_PIPELINE_ID,
        name: "Trade show 2024",
        sort: 3,
        is_main: false,
        is_archive: true,
        statuses: &["Incoming leads", "Met at booth", "Won", "Lost"],
    },
];

/// Whether a pipeline id exists (archived ones count).
pub fn pipeline_exists(id: u64) -> bool {
    PIPELINES.iter().any(|p| p.id == id)
}

impl Pipeline {
    /// The pipeline as HAL JSON with its statuses embedded.
    pub fn to_hal(&self, base: &str) -> Value {
        let last = self.statuses.len().saturating_sub(1);
        let statuses: Vec<Value> = self
            .statuses
            .iter()
            .enumerate()
            .map(|(i, name)| {
                // Kommo's fixed closing stages: 142 = won, 143 = lost.
                let id = match i {
                    _ if i == last => 143,
                    _ if i + 1 == last => 142,
                    _ => self.id * 10 + i as u64,
                };
                let color = ["#99ccff", "#ffff99", "#ffcc66", "#CCFF66", "#D5D8DB"][i.min(4)];
                json!({
                    "id": id,
                    "name": name,
                    "sort": (i as u64 + 1) * 10,
                    "is_editable": i + 1 < last,
                    "pipeline_id": self.id,
                    "color": color,
                    "type": if i == 0 { 1 } else { 0 },
                    "account_id": ACCOUNT_ID,
                })
            })
            .collect();
        json!({
            "id": self.id,
            "name": self.name,
            "sort": self.sort,
            "is_main": self.is_main,
            "is_unsorted_on": true,
            "is_archive": self.is_archive,
            "account_id": ACCOUNT_ID,
            "_links": {"self": {"href": format!("{base}/api/v4/leads/pipelines/{}", self.id)}},
            "_embedded": {"statuses": statuses},
        })
    }
}

/// The demo sources every integration starts with (ids are assigned by the store).
pub fn demo_sources() -> Vec<Source> {
    let plain = |name: &str, ext: &str, pipeline_id: u64, origin: Option<&str>| Source {
        id: 0,
        name: name.into(),
        pipeline_id,
        external_id: ext.into(),
        services: Vec::new(),
        default: false,
        origin_code: origin.map(str::to_string),
    };
    let mut website = plain(
        "Website chat",
        "site-chat",
        MAIN_PIPELINE_ID,
        Some("kommo.ext.30470678"),
    );
    website.default = true;
    let mut whatsapp = plain(
        "WhatsApp Sales",
        "wa-sales",
        MAIN_PIPELINE_ID,
        Some("amo.ext.36958507"),
    );
    whatsapp.services = vec![Service {
        kind: "whatsapp".into(),
        pages: vec![
            Page {
                name: "Sales line".into(),
                id: "wa-sales-1".into(),
                link: "15550101234".into(),
            },
            Page {
                name: "Support line".into(),
                id: "wa-support-1".into(),
                link: "15550105678".into(),
            },
        ],
        params: Some(Params {
            waba: Some(true),
            is_supports_list_message: Some(true),
        }),
    }];
    vec![
        website,
        whatsapp,
        plain("Partner referrals", "partner-ref", SECOND_PIPELINE_ID, None),
        plain(
            "Instagram direct",
            "ig-direct",
            MAIN_PIPELINE_ID,
            Some("kommo.ext.48213377"),
        ),
        plain(
            "Trade show booth",
            "expo-2024",
            ARCHIVED_PIPELINE_ID,
            Some("kommo.ext.77120944"),
        ),
        plain("Phone calls", "calls", SECOND_PIPELINE_ID, None),
    ]
}
