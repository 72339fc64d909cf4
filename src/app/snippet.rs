//! The texts of the lead snippet dialog, built from a row's source: what the dialog shows
//! is what a copy puts on the clipboard and what the test lead sends.

use super::state::{RowKey, State};
use super::traffic::Snip;
use crate::lead::ComplexLead;

/// The name of the lead in the snippet's body (and so of the test lead).
fn lead_name(source_name: &str) -> String {
    String::from("Test lead: ") + source_name.trim()
}

/// The leads the snippet's body creates: one from the source of row `k`.
pub(super) fn leads_of(s: &State, k: RowKey) -> Option<Vec<ComplexLead>> {
    let o = s.row(k)?.orig.as_ref()?;
    Some(vec![ComplexLead::from_source(
        &lead_name(&o.name),
        &o.external_id,
    )])
}

/// The text of `snip` for row `k`.
pub(super) fn text(s: &State, k: RowKey, snip: Snip) -> Option<String> {
    let o = s.row(k)?.orig.as_ref()?;
    Some(match snip {
        Snip::Source => crate::api::wire::lead_source_json(&o.external_id),
        Snip::Body => crate::api::wire::complex_leads_body(&leads_of(s, k)?),
    })
}

/// Where the test lead of row `k` lands: the source decides the pipeline (the body names
/// none), and a lead given no stage enters its pipeline's first one. The pipeline's name
/// (its id when the account does not list it) and that stage's name, when known.
pub(super) fn landing(s: &State, k: RowKey) -> Option<(String, Option<String>)> {
    let o = s.row(k)?.orig.as_ref()?;
    let p = s.pipeline(o.pipeline_id);
    let name = p.map_or_else(|| o.pipeline_id.to_string(), |p| p.name.clone());
    let stage = p.and_then(|p| p.statuses.first()).map(|st| st.name.clone());
    Some((name, stage))
}
