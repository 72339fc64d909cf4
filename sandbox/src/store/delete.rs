//! Deleting sources: a batch DELETE body's ids, all or none, or one source by its id.
//! A deleted source leaves a tombstone, so re-creating its external_id brings its id back.

use super::items::{as_item, check_batch, group, not_found};
use super::{Integration, Store};
use crate::rules::{self, FieldError, OpError};
use serde_json::Value;
use std::collections::HashSet;

impl Store {
    /// Deletes the sources of a batch DELETE body, exactly `[{"id": N}, ...]`.
    pub fn delete(&mut self, key: &str, items: &[Value]) -> Result<(), OpError> {
        check_batch(items)?;
        let integration = self.integration(key);
        let mut seen = HashSet::new();
        let mut all_errors = Vec::new();
        let mut ids = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let mut errors = Vec::new();
            let Some(obj) = as_item(item, &mut errors) else {
                all_errors.push(group(i, None, errors));
                continue;
            };
            for k in obj.keys().filter(|k| k.as_str() != "id") {
                errors.push(FieldError::new(
                    rules::NOT_SUPPORTED_CHOICE,
                    k.clone(),
                    "a delete item carries only id",
                ));
            }
            if let Some(id) = rules::id_field(obj, &mut errors) {
                if !integration.sources.iter().any(|s| s.id == id) {
                    errors.push(not_found(id));
                } else if !seen.insert(id) {
                    errors.push(FieldError::new(
                        rules::DUPLICATE,
                        "id",
                        format!("source {id} appears twice in this request"),
                    ));
                }
                ids.push(id);
            }
            if !errors.is_empty() {
                all_errors.push(group(i, None, errors));
            }
        }
        if !all_errors.is_empty() {
            return Err(OpError::Items(all_errors));
        }
        for id in ids {
            remove(integration, id);
        }
        Ok(())
    }

    /// Deletes one source.
    pub fn delete_one(&mut self, key: &str, id: u64) -> Result<(), OpError> {
        let integration = self.integration(key);
        if !integration.sources.iter().any(|s| s.id == id) {
            return Err(OpError::NotFound);
        }
        remove(integration, id);
        Ok(())
    }
}

fn remove(integration: &mut Integration, id: u64) {
    if let Some(pos) = integration.sources.iter().position(|s| s.id == id) {
        let s = integration.sources.remove(pos);
        integration.tombstones.insert(s.external_id, s.id);
    }
}
