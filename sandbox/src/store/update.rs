//! Changing sources: a batch PATCH body's items, all or none, or one source by its id.

use super::items::{as_item, check_batch, group, not_found, second_default};
use super::{clear_default, Integration, Limits, Store};
use crate::model::Source;
use crate::rules::{self, FieldError, ItemErrors, Kind, OpError};
use serde_json::Value;
use std::collections::HashSet;

impl Store {
    /// Applies the items of a batch PATCH body; returns the updated sources with their request_ids.
    pub fn update(
        &mut self,
        key: &str,
        items: &[Value],
        limits: Limits,
    ) -> Result<Vec<(Source, Option<String>)>, OpError> {
        check_batch(items)?;
        let integration = self.integration(key);
        let mut seen = HashSet::new();
        let mut defaults = 0;
        let mut all_errors = Vec::new();
        let mut parsed = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let mut errors = Vec::new();
            let Some(obj) = as_item(item, &mut errors) else {
                all_errors.push(group(i, None, errors));
                continue;
            };
            let rid = rules::request_id(obj, &mut errors).or_else(|| Some(i.to_string()));
            let id = rules::id_field(obj, &mut errors);
            let f = rules::fields(obj, Kind::Update, limits.service_types, &mut errors);
            if let Some(id) = id {
                match integration.sources.iter().find(|s| s.id == id) {
                    None => errors.push(not_found(id)),
                    Some(current) => {
                        if let Some(e) = external_id_change(current, &f) {
                            errors.push(e);
                        }
                    }
                }
                if !seen.insert(id) {
                    errors.push(FieldError::new(
                        rules::DUPLICATE,
                        "id",
                        format!("source {id} appears twice in this request"),
                    ));
                }
            }
            if f.default == Some(true) {
                defaults += 1;
                if defaults > 1 {
                    errors.push(second_default());
                }
            }
            if errors.is_empty() {
                parsed.push((id.expect("checked above"), f, rid));
            } else {
                all_errors.push(group(i, rid, errors));
            }
        }
        if !all_errors.is_empty() {
            return Err(OpError::Items(all_errors));
        }
        let ids: Vec<(u64, Option<String>)> = parsed
            .iter()
            .map(|(id, _, rid)| (*id, rid.clone()))
            .collect();
        for (id, f, _) in parsed {
            apply(integration, id, f);
        }
        Ok(ids
            .into_iter()
            .map(|(id, rid)| (find(integration, id).clone(), rid))
            .collect())
    }

    /// Applies a PATCH of one source.
    pub fn update_one(
        &mut self,
        key: &str,
        id: u64,
        body: &Value,
        limits: Limits,
    ) -> Result<Source, OpError> {
        let integration = self.integration(key);
        let Some(current) = integration.sources.iter().find(|s| s.id == id) else {
            return Err(OpError::NotFound);
        };
        let Value::Object(obj) = body else {
            return Err(OpError::Request(
                "Request body must be a JSON object".into(),
            ));
        };
        if obj.is_empty() {
            return Err(OpError::Request("Request data can not be empty".into()));
        }
        let mut errors = Vec::new();
        let rid = rules::request_id(obj, &mut errors);
        let mut f = rules::fields(obj, Kind::Update, limits.service_types, &mut errors);
        if obj.contains_key("id") && obj.get("id").and_then(Value::as_u64) != Some(id) {
            errors.push(FieldError::new(
                rules::NOT_SUPPORTED_CHOICE,
                "id",
                "id in the body must match the id in the path",
            ));
        }
        if let Some(e) = external_id_change(current, &f) {
            errors.push(e);
        }
        if !errors.is_empty() {
            return Err(OpError::Items(vec![ItemErrors {
                request_id: rid.unwrap_or_else(|| "0".into()),
                errors,
            }]));
        }
        f.external_id = None;
        apply(integration, id, f);
        Ok(find(integration, id).clone())
    }
}

fn external_id_change(current: &Source, f: &rules::Fields) -> Option<FieldError> {
    match &f.external_id {
        Some(ext) if *ext != current.external_id => Some(FieldError::new(
            rules::NOT_SUPPORTED_CHOICE,
            "external_id",
            "external_id cannot be changed",
        )),
        _ => None,
    }
}

fn find(integration: &Integration, id: u64) -> &Source {
    integration
        .sources
        .iter()
        .find(|s| s.id == id)
        .expect("caller checked the id")
}

fn apply(integration: &mut Integration, id: u64, f: rules::Fields) {
    if f.default == Some(true) {
        clear_default(integration);
    }
    let s = integration
        .sources
        .iter_mut()
        .find(|s| s.id == id)
        .expect("caller checked the id");
    if let Some(v) = f.name {
        s.name = v;
    }
    if let Some(v) = f.pipeline_id {
        s.pipeline_id = v;
    }
    if let Some(v) = f.default {
        s.default = Some(v);
    }
    if let Some(v) = f.origin_code {
        s.origin_code = Some(v);
    }
    if let Some(v) = f.services {
        s.services = Some(v);
    }
}
