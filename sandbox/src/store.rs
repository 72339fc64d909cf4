//! The sources of every integration and the account's leads, and the all-or-nothing
//! operations on sources (those on leads are in `crate::leads`).

use crate::leads::{demo, Lead};
use crate::model::{demo_sources, install_source, Source, MAIN_PIPELINE_ID};
use crate::rules::{self, FieldError, ItemErrors, Kind, OpError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

/// Most items one batch request may carry.
pub const MAX_BATCH: usize = 50;

/// First id handed out, so ids look like Kommo's.
const FIRST_ID: u64 = 17619939;

/// One integration's sources.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Integration {
    /// Live sources, ordered by id.
    pub sources: Vec<Source>,
    /// Deleted sources: lower-cased external_id -> id, so re-creating brings the id back.
    pub tombstones: BTreeMap<String, u64>,
}

/// Everything the sandbox persists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Store {
    /// Format version of the state file.
    pub version: u32,
    /// Next id to hand out (shared by all integrations, as in Kommo).
    pub next_id: u64,
    /// Integrations keyed by the fingerprint of their token (the file never holds tokens).
    pub integrations: BTreeMap<String, Integration>,
    /// The account's leads, ordered by id; account-wide, as in Kommo. State files written
    /// before leads existed have none.
    #[serde(default)]
    pub leads: Vec<Lead>,
    /// Next lead id to hand out.
    #[serde(default = "crate::leads::store::first_lead_id")]
    pub next_lead_id: u64,
}

/// Seconds since the Unix epoch, now.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A stable fingerprint (FNV-1a, 64 bits) of a token, used as its key so tokens stay out of files.
pub fn fingerprint(token: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in token.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// The limits the source operations check against: what the command line set.
#[derive(Clone, Copy, Debug)]
pub struct Limits<'a> {
    /// Sources allowed per integration.
    pub max_sources: usize,
    /// Service types a source may have.
    pub service_types: &'a [String],
}

/// What a new integration starts with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seed {
    /// The demo sources.
    pub demo: bool,
    /// The source Kommo creates at install when the integration lacks the Multiple sources
    /// flag; it comes first, as it is older than anything the integration made.
    pub install_source: bool,
}

impl Store {
    /// A store with an integration for each token, each started as `seed` says.
    pub fn initial(tokens: &[String], seed: Seed) -> Store {
        let mut store = Store {
            version: 1,
            next_id: FIRST_ID,
            integrations: BTreeMap::new(),
            leads: Vec::new(),
            next_lead_id: crate::leads::store::FIRST_LEAD_ID,
        };
        store.ensure(tokens, seed);
        store
    }

    /// Adds an integration for every token that has none yet; with demo sources come their
    /// demo leads, dated in the three weeks before now.
    pub fn ensure(&mut self, tokens: &[String], seed: Seed) {
        let now = now();
        for token in tokens {
            let key = fingerprint(token);
            if self.integrations.contains_key(&key) {
                continue;
            }
            let mut integration = Integration::default();
            if seed.install_source {
                let mut s = install_source();
                s.id = self.alloc_id();
                integration.sources.push(s);
            }
            let mut demo = if seed.demo {
                demo_sources()
            } else {
                Vec::new()
            };
            for s in &mut demo {
                s.id = self.alloc_id();
            }
            integration.sources.extend(demo.iter().cloned());
            self.integrations.insert(key, integration);
            for lead in demo::leads(&demo, now) {
                self.add_lead(lead);
            }
        }
    }

    fn alloc_id(&mut self) -> u64 {
        let id = self.next_id;
        // Kommo's ids are not consecutive; a step of 4 keeps them looking alike.
        self.next_id += 4;
        id
    }

    /// The live source with this id, in whichever integration has it (ids are unique across
    /// integrations).
    pub fn live_source(&self, id: u64) -> Option<&Source> {
        self.integrations
            .values()
            .flat_map(|i| i.sources.iter())
            .find(|s| s.id == id)
    }

    /// The integration of a token key (created empty if missing, which only a bad state file causes).
    pub fn integration(&mut self, key: &str) -> &mut Integration {
        self.integrations.entry(key.to_string()).or_default()
    }

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

/// Refuses an empty batch and one over [`MAX_BATCH`] items, as a whole.
pub(crate) fn check_batch(items: &[Value]) -> Result<(), OpError> {
    if items.is_empty() {
        return Err(OpError::Request("Request data can not be empty".into()));
    }
    if items.len() > MAX_BATCH {
        return Err(OpError::Request(format!(
            "At most {MAX_BATCH} items per request, got {}",
            items.len()
        )));
    }
    Ok(())
}

/// The item as an object, or an `InvalidType` error on it.
pub(crate) fn as_item<'a>(
    item: &'a Value,
    errors: &mut Vec<FieldError>,
) -> Option<&'a Map<String, Value>> {
    match item {
        Value::Object(obj) => Some(obj),
        _ => {
            errors.push(FieldError::new(
                rules::INVALID_TYPE,
                "",
                "each item must be a JSON object",
            ));
            None
        }
    }
}

/// The errors of item `index`, under its request_id or its position.
pub(crate) fn group(
    index: usize,
    request_id: Option<String>,
    errors: Vec<FieldError>,
) -> ItemErrors {
    ItemErrors {
        request_id: request_id.unwrap_or_else(|| index.to_string()),
        errors,
    }
}

fn second_default() -> FieldError {
    FieldError::new(
        rules::DUPLICATE,
        "default",
        "only one source in a request may be made the default",
    )
}

fn not_found(id: u64) -> FieldError {
    FieldError::new(rules::NOT_FOUND, "id", format!("source {id} not found"))
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

/// The default moves: the source that had it now says `false`; `null`s stay as they are.
fn clear_default(integration: &mut Integration) {
    for s in integration.sources.iter_mut() {
        if s.default == Some(true) {
            s.default = Some(false);
        }
    }
}

fn remove(integration: &mut Integration, id: u64) {
    if let Some(pos) = integration.sources.iter().position(|s| s.id == id) {
        let s = integration.sources.remove(pos);
        integration.tombstones.insert(s.external_id, s.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use serde_json::json;

    fn store() -> (Store, String) {
        let token = "t".to_string();
        (
            Store::initial(std::slice::from_ref(&token), Seed::default()),
            fingerprint(&token),
        )
    }

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

    #[test]
    fn fingerprints_differ_and_hide_the_token() {
        assert_ne!(fingerprint("a"), fingerprint("b"));
        assert!(!fingerprint("secret").contains("secret"));
    }
}
