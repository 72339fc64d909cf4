//! The sources of every integration and the account's leads, and the all-or-nothing
//! operations on sources: `create`, `update` and `delete` (those on leads are in
//! `crate::leads`), with what they share in `items`.

use crate::leads::{demo, Lead};
use crate::model::{demo_sources, install_source, Source};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod create;
mod delete;
mod items;
mod update;

pub(crate) use items::{as_item, check_batch, group};

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
}

/// The default moves: the source that had it now says `false`; `null`s stay as they are.
fn clear_default(integration: &mut Integration) {
    for s in integration.sources.iter_mut() {
        if s.default == Some(true) {
            s.default = Some(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store with one empty integration, and its key.
    pub(super) fn store() -> (Store, String) {
        let token = "t".to_string();
        (
            Store::initial(std::slice::from_ref(&token), Seed::default()),
            fingerprint(&token),
        )
    }

    #[test]
    fn fingerprints_differ_and_hide_the_token() {
        assert_ne!(fingerprint("a"), fingerprint("b"));
        assert!(!fingerprint("secret").contains("secret"));
    }
}
