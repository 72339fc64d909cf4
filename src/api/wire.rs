//! Request bodies as serde values: batch items carry their `request_id`, a single update
//! carries only what changes, a batch delete is exactly `[{"id": N}, ...]`.

use crate::lead::{ComplexLead, SourceRef};
use crate::model::{DeleteRef, NewSource, SourcePatch};
use serde::Serialize;

/// One item of a batch create, tagged with its position as `request_id`.
#[derive(Serialize)]
struct Create<'a> {
    #[serde(flatten)]
    item: &'a NewSource,
    request_id: String,
}

/// One item of a batch update: the id, the changed fields and the `request_id`.
#[derive(Serialize)]
struct Update<'a> {
    id: u64,
    #[serde(flatten)]
    patch: &'a SourcePatch,
    request_id: String,
}

/// JSON text of `value`; the request types have no maps with non-string keys and no
/// floats, so serialising cannot fail.
fn text<T: Serialize + ?Sized>(value: &T) -> String {
    crate::json::to_string(value)
}

/// The body of a batch create: every item with `request_id` `"i"`.
pub fn new_sources_body(items: &[NewSource]) -> String {
    let items: Vec<Create> = items
        .iter()
        .enumerate()
        .map(|(i, item)| Create {
            item,
            request_id: super::request_id(i),
        })
        .collect();
    text(&items)
}

/// The body of a batch update: every item with its `id` and `request_id` `"i"`.
pub fn patches_body(patches: &[SourcePatch]) -> String {
    let items: Vec<Update> = patches
        .iter()
        .enumerate()
        .map(|(i, patch)| Update {
            id: patch.id,
            patch,
            request_id: super::request_id(i),
        })
        .collect();
    text(&items)
}

/// The body of a single update: the changed fields only (the id is in the path).
pub fn patch_body(patch: &SourcePatch) -> String {
    text(patch)
}

/// The body of a batch delete: `[{"id":N},...]`.
pub fn delete_body(ids: &[u64]) -> String {
    let refs: Vec<DeleteRef> = ids.iter().map(|&id| DeleteRef { id }).collect();
    text(&refs)
}

/// The `_embedded.source` object that creates a lead from source `external_id` through
/// the API: `{"external_id":"...","type":"widget"}`.
pub fn lead_source_json(external_id: &str) -> String {
    pretty(&SourceRef::new(external_id))
}

/// The body of `POST /api/v4/leads/complex`, laid out for people: it is shown to be copied
/// and sent as it is shown.
pub fn complex_leads_body(leads: &[ComplexLead]) -> String {
    pretty(leads)
}

/// JSON text of `value`, indented.
fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
    crate::json::to_string_pretty(value)
}
