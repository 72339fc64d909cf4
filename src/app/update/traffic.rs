//! Reading the leads for the traffic report: page after page of
//! `GET /leads?with=source_id,source`, one at a time (the client keeps them within the rate limit),
//! cancellable, and resumable from the page that failed.

use super::*;
use crate::app::traffic::{Span, TrafficLoad, MAX_PAGES};
use crate::lead::Lead;
use crate::traffic::{dedup, Period};

/// On the advanced settings page and in the Digital Pipeline panel the read starts by itself
/// once the list is shown, so that the list never waits for it; a read kept from an earlier
/// mount serves when it covers what this one shows.
pub(super) fn auto_start(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(need) = need(s) else { return };
    let t = &s.traffic;
    let stale = t.load == TrafficLoad::Ready && !t.span.covers(need);
    if s.load == Load::Ready && s.blocked.is_none() && (t.load == TrafficLoad::Idle || stale) {
        load(s, fx);
    }
}

/// What this mount shows traffic for: nothing in the settings modal.
fn need(s: &State) -> Option<Span> {
    match s.mode {
        Mode::Advanced => Some(Span::ALL),
        Mode::Pipeline => s.pipeline.map(Span::panel),
        Mode::Settings => None,
    }
}

/// Starts a fresh read of what this mount shows, dropping any read in progress.
pub(super) fn load(s: &mut State, fx: &mut Vec<Effect>) {
    let span = need(s).unwrap_or(Span::ALL);
    let t = &mut s.traffic;
    t.reading_span = span;
    // A shorter read cannot show the longer period.
    if span.period == Period::Week {
        t.period = Period::Week;
    }
    t.gen = t.gen.wrapping_add(1);
    t.load = TrafficLoad::Loading;
    t.reading = Vec::new();
    t.pages = 0;
    t.started_at = s.now;
    t.resume = None;
    let job = Job::Traffic(t.gen);
    send(s, fx, job, Call::Leads(span.query(s.now)));
}

/// Stops the read: its answers are dropped, and the last complete read stays shown.
pub(super) fn cancel(s: &mut State) {
    let t = &mut s.traffic;
    if !t.loading() {
        return;
    }
    t.gen = t.gen.wrapping_add(1);
    t.reading = Vec::new();
    t.resume = None;
    t.load = if t.read_at.is_some() {
        TrafficLoad::Ready
    } else {
        TrafficLoad::Cancelled
    };
    let stale = |j: &Job| matches!(j, Job::Traffic(_));
    s.in_flight.retain(|(j, _)| !stale(j));
}

/// Asks again for the page that failed, keeping what was read before it.
pub(super) fn resume(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(call) = s.traffic.resume.take() else {
        return load(s, fx);
    };
    s.traffic.load = TrafficLoad::Loading;
    let job = Job::Traffic(s.traffic.gen);
    send(s, fx, job, call);
}

/// A page came back: keep its leads, then ask for the next one or finish.
pub(super) fn page(
    s: &mut State,
    gen: u32,
    leads: Vec<Lead>,
    next: Option<String>,
    fx: &mut Vec<Effect>,
) {
    let t = &mut s.traffic;
    if gen != t.gen || !t.loading() {
        return;
    }
    t.pages += 1;
    let brought = !leads.is_empty();
    t.reading.extend(leads);
    // A page with nothing in it would be followed by nothing either.
    match next.filter(|_| brought) {
        Some(path) if t.pages < MAX_PAGES => {
            let job = Job::Traffic(gen);
            send(s, fx, job, Call::LeadsPage(path));
        }
        more => {
            t.truncated = more.is_some();
            t.leads = dedup(std::mem::take(&mut t.reading));
            t.basis = None;
            t.span = t.reading_span;
            t.read_at = Some(t.started_at);
            t.load = TrafficLoad::Ready;
        }
    }
}

/// A page failed (the client has already retried what is safe to retry): say why, and keep
/// the page to resume from.
pub(super) fn failed(s: &mut State, gen: u32, call: Call, e: &ApiError) {
    let t = &mut s.traffic;
    if gen != t.gen || !t.loading() {
        return;
    }
    t.load = TrafficLoad::Failed {
        msg: error::read_message(e),
        detail: error::detail(e),
    };
    t.resume = Some(call);
}

/// Shows the latest leads of source `id`, or hides them when they are shown.
pub(super) fn show_leads(s: &mut State, id: u64) {
    let t = &mut s.traffic;
    t.open = if t.open == Some(id) { None } else { Some(id) };
}

/// A lead read from the server outside a read (the test lead) joins the last read, so the
/// report shows it without reading every page again.
pub(super) fn add_lead(s: &mut State, lead: Lead) {
    let t = &mut s.traffic;
    if t.read_at.is_none() {
        return;
    }
    t.leads.retain(|l| l.id != lead.id);
    t.leads.insert(0, lead);
    t.basis = None;
}
