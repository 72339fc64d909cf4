//! What the sandbox stores and serves: sources, pipelines and the account (leads: `crate::leads`).

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

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
    /// Website-button services (WhatsApp numbers and the like); `None` is served as `null`.
    pub services: Option<Vec<Service>>,
    /// Whether this is the integration's default source; `None` (never set) is served as `null`.
    pub default: Option<bool>,
    /// Main chat channel code; `None` is served as `null`.
    pub origin_code: Option<String>,
    /// Fields this sandbox does not model, served as they are: Kommo's answers carry such
    /// fields, and a client must neither trip over them nor send them back.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One service of a source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// Service type, e.g. `whatsapp`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Entries offered when setting up a website button.
    pub pages: Vec<Page>,
    /// Optional flags; kept only when the client sent them, in the shape it sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<ServiceParams>,
    /// Fields of the service beyond `type`, `pages` and `params`, kept as the client sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A service's `params` as it was sent: some clients send an empty one as `[]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ServiceParams {
    /// An empty list, served back as `[]`.
    EmptyList([u8; 0]),
    /// An object of flags.
    Flags(Params),
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
    /// Fields of the page beyond `name`, `id` and `link`, kept as the client sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
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
        let mut v = Value::Object(self.extra.clone());
        let known = json!({
            "id": self.id,
            "name": self.name,
            "pipeline_id": self.pipeline_id,
            "external_id": self.external_id,
            "services": self.services,
            "default": self.default,
            "origin_code": self.origin_code,
            "_links": {"self": {"href": format!("{base}/api/v4/sources/{}", self.id)}},
        });
        if let (Value::Object(all), Value::Object(known)) = (&mut v, known) {
            all.extend(known);
        }
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

/// A user of the account.
#[derive(Clone, Debug)]
pub struct User {
    /// User id.
    pub id: u64,
    /// Display name.
    pub name: &'static str,
    /// Login e-mail.
    pub email: &'static str,
    /// Whether the user is an account administrator (the Sources API is for them).
    pub is_admin: bool,
}

/// The account's users: 1 is an administrator, 2 is not.
pub const USERS: [User; 2] = [
    User {
        id: 1,
        name: "Ana Admin",
        email: "admin@sandbox.example",
        is_admin: true,
    },
    User {
        id: 2,
        name: "Sam Sales",
        email: "sales@sandbox.example",
        is_admin: false,
    },
];

impl User {
    /// The user as `GET /api/v4/users/{id}` answers.
    pub fn to_hal(&self, base: &str) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "lang": "en",
            "rights": {
                "is_admin": self.is_admin,
                "is_free": false,
                "is_active": true,
                "group_id": null,
                "role_id": null,
            },
            "_links": {"self": {"href": format!("{base}/api/v4/users/{}", self.id)}},
        })
    }
}

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
    pipeline(id).is_some()
}

/// The pipeline with this id (archived ones included).
pub fn pipeline(id: u64) -> Option<&'static Pipeline> {
    PIPELINES.iter().find(|p| p.id == id)
}

/// Kommo's fixed closing stage "won", the same id in every pipeline.
pub const WON_STATUS_ID: u64 = 142;
/// Kommo's fixed closing stage "lost", the same id in every pipeline.
pub const LOST_STATUS_ID: u64 = 143;

impl Pipeline {
    /// The id of the stage at `index`: the last two are Kommo's fixed closing stages (won,
    /// lost), the others are derived from the pipeline's id so that they differ across pipelines.
    pub fn status_id(&self, index: usize) -> u64 {
        let last = self.statuses.len().saturating_sub(1);
        match index {
            _ if index == last => LOST_STATUS_ID,
            _ if index + 1 == last => WON_STATUS_ID,
            _ => self.id * 10 + index as u64,
        }
    }

    /// The stage a lead enters the pipeline at.
    pub fn first_status_id(&self) -> u64 {
        self.status_id(0)
    }

    /// The name of the stage with `status_id`, when the pipeline has it.
    pub fn status_name(&self, status_id: u64) -> Option<&'static str> {
        (0..self.statuses.len())
            .find(|i| self.status_id(*i) == status_id)
            .map(|i| self.statuses[i])
    }

    /// Whether `status_id` is one of the pipeline's stages.
    pub fn has_status(&self, status_id: u64) -> bool {
        self.status_name(status_id).is_some()
    }

    /// The pipeline's stages as HAL JSON, in order, each with its own link.
    pub fn statuses_hal(&self, base: &str) -> Vec<Value> {
        let last = self.statuses.len().saturating_sub(1);
        self.statuses
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let id = self.status_id(i);
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
                    "_links": {"self": {"href": format!(
                        "{base}/api/v4/leads/pipelines/{}/statuses/{id}", self.id
                    )}},
                })
            })
            .collect()
    }

    /// The pipeline as HAL JSON with its statuses embedded.
    pub fn to_hal(&self, base: &str) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "sort": self.sort,
            "is_main": self.is_main,
            "is_unsorted_on": true,
            "is_archive": self.is_archive,
            "account_id": ACCOUNT_ID,
            "_links": {"self": {"href": format!("{base}/api/v4/leads/pipelines/{}", self.id)}},
            "_embedded": {"statuses": self.statuses_hal(base)},
        })
    }
}

/// The source Kommo creates at install for an integration without the Multiple sources flag.
/// Kommo does not document its fields; these are the sandbox's own, named after the widget.
pub fn install_source() -> Source {
    Source {
        id: 0,
        name: "Sources Manager".into(),
        pipeline_id: MAIN_PIPELINE_ID,
        external_id: "sources_manager".into(),
        services: Some(Vec::new()),
        default: None,
        origin_code: None,
        extra: Map::new(),
    }
}

/// The demo sources every integration starts with (ids are assigned by the store). They carry
/// the shapes real answers have: fields no client knows on a source, a service and a page,
/// `default`, `origin_code` and `services` as `null`, `params` as `[]`, a service whose `type`
/// is empty.
pub fn demo_sources() -> Vec<Source> {
    let plain = |name: &str, ext: &str, pipeline_id: u64, origin: Option<&str>| Source {
        id: 0,
        name: name.into(),
        pipeline_id,
        external_id: ext.into(),
        services: Some(Vec::new()),
        default: Some(false),
        origin_code: origin.map(str::to_string),
        extra: Map::new(),
    };
    let object = |v: Value| match v {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let page = |name: &str, id: &str, link: &str| Page {
        name: name.into(),
        id: id.into(),
        link: link.into(),
        extra: Map::new(),
    };
    let mut website = plain(
        "Website chat",
        "site-chat",
        MAIN_PIPELINE_ID,
        Some("kommo.ext.30470678"),
    );
    website.default = Some(true);
    website.extra = object(json!({"created_at": 1714026120, "is_archived": false}));
    let mut whatsapp = plain(
        "WhatsApp Sales",
        "wa-sales",
        MAIN_PIPELINE_ID,
        Some("amo.ext.36958507"),
    );
    let mut sales_line = page("Sales line", "wa-sales-1", "15550101234");
    sales_line.extra = object(json!({"avatar": null}));
    whatsapp.services = Some(vec![Service {
        kind: "whatsapp".into(),
        pages: vec![
            sales_line,
            page("Support line", "wa-support-1", "15550105678"),
        ],
        params: Some(ServiceParams::Flags(Params {
            waba: Some(true),
            is_supports_list_message: Some(true),
        })),
        extra: object(json!({"status": "active"})),
    }]);
    let mut partners = plain("Partner referrals", "partner-ref", SECOND_PIPELINE_ID, None);
    partners.services = None;
    partners.default = None;
    let mut instagram = plain(
        "Instagram direct",
        "ig-direct",
        MAIN_PIPELINE_ID,
        Some("kommo.ext.48213377"),
    );
    instagram.services = Some(vec![Service {
        kind: "whatsapp".into(),
        pages: Vec::new(),
        params: Some(ServiceParams::EmptyList([])),
        extra: Map::new(),
    }]);
    let mut expo = plain(
        "Trade show booth",
        "expo-2024",
        ARCHIVED_PIPELINE_ID,
        Some("kommo.ext.77120944"),
    );
    expo.services = Some(vec![Service {
        kind: String::new(),
        pages: Vec::new(),
        params: None,
        extra: Map::new(),
    }]);
    vec![
        website,
        whatsapp,
        partners,
        instagram,
        expo,
        plain("Phone calls", "calls", SECOND_PIPELINE_ID, None),
    ]
}
