//! Creating sources: a POST body's items, all or none.

use super::items::{as_item, check_batch, group, second_default};
use super::{clear_default, Limits, Store};
use crate::model::{Source, MAIN_PIPELINE_ID};
use crate::rules::{self, FieldError, Kind, OpError};
use serde_json::Value;
use std::collections::HashSet;

impl Store {
    /// Creates the items of a POST body; returns the new sources with their request_ids.
    pub fn create(
        &mut self,
        key: &str,
        items: &[Value],
        limits: Limits,
    ) -> Result<Vec<(Source, Option<String>)>, OpError> {
        let max_sources = limits.max_sources;
        check_batch(items)?;
        let live = self.integration(key).sources.len();
        let existing: HashSet<String> = self
            .integration(key)
            .sources
            .iter()
            .map(|s| s.external_id.clone())
            .collect();
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
            // The reference's own example posts items without request_id and gets "0", "1".
            let rid = rules::request_id(obj, &mut errors).or_else(|| Some(i.to_string()));
            let f = rules::fields(obj, Kind::Create, limits.service_types, &mut errors);
            if let Some(ext) = &f.external_id {
                if existing.contains(ext) {
                    errors.push(FieldError::new(
                        rules::DUPLICATE,
                        "external_id",
                        format!("a source with external_id {ext:?} already exists"),
                    ));
                } else if !seen.insert(ext.clone()) {
                    errors.push(FieldError::new(
                        rules::DUPLICATE,
                        "external_id",
                        format!("external_id {ext:?} appears twice in this request"),
                    ));
                }
            }
            if f.default == Some(true) {
                defaults += 1;
                if defaults > 1 {
                    errors.push(second_default());
                }
            }
            if live + i >= max_sources {
                errors.push(FieldError::new(
                    rules::LIMIT_EXCEEDED,
                    "",
                    format!("an integration may have at most {max_sources} sources"),
                ));
            }
            if errors.is_empty() {
                parsed.push((f, rid));
            } else {
                all_errors.push(group(i, rid, errors));
            }
        }
        if !all_errors.is_empty() {
            return Err(OpError::Items(all_errors));
        }
        let mut out = Vec::new();
        for (f, rid) in parsed {
            let external_id = f.external_id.expect("checked by rules");
            let id = match self.integration(key).tombstones.remove(&external_id) {
                Some(id) => id,
                None => self.alloc_id(),
            };
            let source = Source {
                id,
                name: f.name.expect("checked by rules"),
                pipeline_id: f.pipeline_id.unwrap_or(MAIN_PIPELINE_ID),
                external_id,
                services: Some(f.services.unwrap_or_default()),
                default: f.default,
                origin_code: f.origin_code,
                extra: Default::default(),
            };
            let integration = self.integration(key);
            if source.default == Some(true) {
                clear_default(integration);
            }
            integration.sources.push(source.clone());
            out.push((source, rid));
        }
        self.integration(key).sources.sort_by_key(|s| s.id);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::store::tests::store;
    use serde_json::json;

    #[test]
    fn recreating_a_deleted_external_id_brings_back_its_id() {
        let (mut s, k) = store();
        let config = Config::default();
        let made = s
            .create(
                &k,
                &[json!({"name":"a","external_id":"X"})],
                config.limits(),
            )
            .unwrap();
        let id = made[0].0.id;
        s.delete_one(&k, id).unwrap();
        let again = s
            .create(
                &k,
                &[json!({"name":"b","external_id":"x"})],
                config.limits(),
            )
            .unwrap();
        assert_eq!(again[0].0.id, id);
    }

    #[test]
    fn a_failing_item_changes_nothing() {
        let (mut s, k) = store();
        let config = Config::default();
        let before = s.clone();
        let err = s
            .create(
                &k,
                &[
                    json!({"name":"a","external_id":"a"}),
                    json!({"name":"","external_id":"b","request_id":"r1"}),
                ],
                config.limits(),
            )
            .unwrap_err();
        let OpError::Items(items) = err else { panic!() };
        assert_eq!(items[0].request_id, "r1");
        assert_eq!(s, before);
    }

    #[test]
    fn default_moves_and_limit_holds() {
        let (mut s, k) = store();
        let config = Config::default();
        s.create(
            &k,
            &[
                json!({"name":"a","external_id":"a","default":true}),
                json!({"name":"b","external_id":"b"}),
            ],
            Limits {
                max_sources: 2,
                ..config.limits()
            },
        )
        .unwrap();
        let b = s.integration(&k).sources[1].id;
        s.update_one(&k, b, &json!({"default": true}), config.limits())
            .unwrap();
        let defaults: Vec<Option<bool>> = s
            .integration(&k)
            .sources
            .iter()
            .map(|s| s.default)
            .collect();
        assert_eq!(defaults, [Some(false), Some(true)]);
        assert!(s
            .create(
                &k,
                &[json!({"name":"c","external_id":"c"})],
                Limits {
                    max_sources: 2,
                    ..config.limits()
                }
            )
            .is_err());
    }
}
