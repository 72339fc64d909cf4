//! A lead as stored and as `GET /api/v4/leads` serves it.

use super::query::With;
use crate::model::ACCOUNT_ID;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// A lead of the account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lead {
    /// Server-assigned id.
    pub id: u64,
    /// Display name.
    pub name: String,
    /// Sale value, in whole units of the account's currency.
    pub price: u64,
    /// Pipeline it is in now.
    pub pipeline_id: u64,
    /// Stage it is in now (a status of `pipeline_id`).
    pub status_id: u64,
    /// When it was created, in Unix seconds.
    pub created_at: u64,
    /// When it last changed, in Unix seconds.
    pub updated_at: u64,
    /// The user in charge of it.
    pub responsible_user_id: u64,
    /// The source it was created from, fixed at creation as in Kommo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<LeadSource>,
}

/// The source a lead was created from, as it was then.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeadSource {
    /// The source's id (unique across integrations).
    pub id: u64,
    /// Its name when the lead was created: what is shown once the source is deleted.
    pub name: String,
}

impl Lead {
    /// The lead as Kommo's leads list serves it, with its source as `with` shows it:
    /// `source_id` (the leads reference; null without a source) and a `source` object at the
    /// top level (a 2025 changelog), named `current_name` when the source still exists and by
    /// its name at creation otherwise.
    pub fn to_hal(&self, base: &str, with: With, current_name: Option<&str>) -> Value {
        let mut v = json!({
            "id": self.id,
            "name": self.name,
            "price": self.price,
            "responsible_user_id": self.responsible_user_id,
            "group_id": 0,
            "status_id": self.status_id,
            "pipeline_id": self.pipeline_id,
            "loss_reason_id": null,
            "created_by": 0,
            "updated_by": 0,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "closed_at": null,
            "closest_task_at": null,
            "is_deleted": false,
            "custom_fields_values": null,
            "score": null,
            "account_id": ACCOUNT_ID,
            "labor_cost": null,
            "_links": {"self": {"href": format!("{base}/api/v4/leads/{}", self.id)}},
            "_embedded": {"tags": [], "companies": []},
        });
        if with.source_id {
            v["source_id"] = json!(self.source.as_ref().map(|s| s.id));
        }
        if let (true, Some(s)) = (with.source, &self.source) {
            v["source"] = json!({"id": s.id, "name": current_name.unwrap_or(&s.name)});
        }
        v
    }
}
