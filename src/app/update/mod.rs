//! The reducer: every message's effect on the state, and the requests and timers it asks for.
//!
//! [`update`] hands each message to the flow it belongs to; the helpers here serve them all.

mod add;
mod delete;
mod dialog;
mod edit;
mod error;
mod history;
mod import;
mod list;
mod pipeline;
mod refocus;
mod reread;
mod retry;
mod save;
mod snippet;
mod traffic;

use super::*;
use crate::api::ApiError;

/// Seconds a confirmed delete waits for an "undo" before it is sent.
pub(in crate::app) const UNDO_SECONDS: u32 = 5;

/// Applies `msg` to `s` and returns what must happen outside the state.
pub fn update(s: &mut State, msg: Msg) -> Vec<Effect> {
    let fx = apply(s, msg);
    s.traffic
        .settle(s.rows.iter().filter_map(|r| r.orig.as_ref()));
    fx
}

fn apply(s: &mut State, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Start => list::start(s, &mut fx),
        Msg::Refresh => list::refresh(s, &mut fx),
        Msg::Test => list::test(s, &mut fx),
        Msg::Reply(job, res) => reply(s, job, res, &mut fx),
        Msg::Tick(t) => tick(s, t, &mut fx),
        Msg::Search(q) => s.search = q,
        Msg::Sort(by) => list::sort(s, by),
        Msg::LookupText(q) => list::lookup_text(s, q),
        Msg::LookupGo => list::lookup(s, &mut fx),
        Msg::ShowFound(id) => list::show_found(s, id, &mut fx),
        Msg::Edit(k, e) => edit::edit(s, k, e),
        Msg::ToggleWa(k) => edit::toggle_wa(s, k),
        Msg::Select(k, on) => list::select(s, k, on),
        Msg::SelectAll(on) => list::select_all(s, on),
        Msg::AddDraft if s.mode == Mode::Pipeline => add::reopen(s, &mut fx),
        Msg::AddDraft => edit::add_row(s, &mut fx),
        Msg::Save(k) => save::save(s, vec![k], &mut fx),
        Msg::CreateAll | Msg::SaveAll => save::all(s, matches!(msg, Msg::CreateAll), &mut fx),
        Msg::Revert(k) => edit::revert(s, k),
        Msg::Default(k, on) => save::make_default(s, k, on, &mut fx),
        Msg::AskDelete(k) => delete::ask_row(s, k, &mut fx),
        Msg::AskDeleteSelected => delete::ask_selected(s, &mut fx),
        Msg::ConfirmDelete => delete::confirm(s, &mut fx),
        Msg::Undo => delete::undo(s, &mut fx),
        Msg::Escape if s.dialog.is_none() && s.pending.is_some() => {
            return apply(s, Msg::Undo);
        }
        Msg::Escape | Msg::ClosePanel if s.mode == Mode::Pipeline && s.dialog.is_none() => {
            pipeline::close(s, &mut fx)
        }
        Msg::ClosePanel => {
            dialog::close_dialog(s, &mut fx);
            pipeline::close(s, &mut fx)
        }
        Msg::Discard => pipeline::discard(s, &mut fx),
        Msg::SaveSettings(saved) => list::save_settings(s, &saved, &mut fx),
        Msg::TokenEdited => list::token_edited(s),
        Msg::CloseDialog | Msg::Escape => dialog::close_dialog(s, &mut fx),
        Msg::Retry => retry::run(s, &mut fx),
        Msg::Copy(k) => snippet::open(s, k, &mut fx),
        Msg::CopySnippet(snip) => snippet::copy(s, snip, &mut fx),
        Msg::Copied(ok) => snippet::copied(s, ok, &mut fx),
        Msg::SendTestLead => snippet::send_test(s, &mut fx),
        Msg::TrafficLoad => traffic::load(s, &mut fx),
        Msg::TrafficCancel => traffic::cancel(s),
        Msg::TrafficResume => traffic::resume(s, &mut fx),
        Msg::Period(p) => s.traffic.period = p,
        Msg::ShowLeads(id) => traffic::show_leads(s, id),
        Msg::GoTraffic => focus(&mut fx, &view::traffic_heading()),
        Msg::Export => import::export(s, &mut fx),
        Msg::ImportText(text) => import::read(s, &text, &mut fx),
        Msg::ImportTooBig => import::too_big(s),
        Msg::ImportApply => import::apply(s, &mut fx),
        Msg::ImportPipeline(from, to) => import::map_pipeline(s, from, to),
        Msg::AddAsSource(pid) => {
            pipeline::show(s, pid, &mut fx);
            add::open_add(s, pid, &mut fx)
        }
        Msg::ShowPipeline(pid) => pipeline::show(s, pid, &mut fx),
        Msg::ChooseMove(id) => add::choose_move(s, id),
        Msg::Move => add::move_here(s, &mut fx),
        Msg::HistoryLoad => history::load(s, &mut fx),
        Msg::HistoryMore => history::more(s, &mut fx),
        Msg::HistorySource(id) => history::by_source(s, id, &mut fx),
        Msg::HistoryUser(id) => history::by_user(s, id, &mut fx),
        Msg::HistoryOf(k) => history::of_row(s, k, &mut fx),
        Msg::Restore(i) => history::restore(s, i, &mut fx),
        Msg::RevertChange(i) => history::revert(s, i, &mut fx),
        Msg::ConfirmRevert => history::confirm(s, &mut fx),
    }
    fx
}

/// Records the job and asks for the call.
fn send(s: &mut State, fx: &mut Vec<Effect>, job: Job, call: Call) {
    if job.mutating() {
        // A new change starts: old outcomes no longer describe what is on screen.
        s.status = None;
        s.just_saved.clear();
        if s.countdown == 0 {
            s.banner = None;
            s.retry = None;
        }
    }
    s.in_flight.push((job.clone(), call.clone()));
    fx.push(Effect::Call(job, call));
}

fn finish(s: &mut State, job: &Job) -> Option<Call> {
    let i = s.in_flight.iter().position(|(j, _)| j == job)?;
    Some(s.in_flight.remove(i).1)
}

/// Asks for focus on the first element matching `sel`.
fn focus(fx: &mut Vec<Effect>, sel: &str) {
    fx.push(Effect::Focus(String::from(sel)));
}

fn focus_first_error(s: &State, fx: &mut Vec<Effect>) {
    let _ = s;
    focus(fx, "[aria-invalid=true]");
}

/// The external ids a batch create sent.
fn external_ids(call: &Call) -> Vec<String> {
    match call {
        Call::Create(items) => {
            let mut ids = Vec::new();
            for n in items {
                ids.push(n.external_id.clone());
            }
            ids
        }
        _ => Vec::new(),
    }
}

fn tick(s: &mut State, t: Timer, fx: &mut Vec<Effect>) {
    match t {
        Timer::Undo(g) if g == s.timer_gen => delete::tick(s, g, fx),
        Timer::Countdown(g) if g == s.timer_gen && s.countdown > 0 => retry::tick(s, g, fx),
        _ => {}
    }
}

/// Hands an answer to the flow that sent its call, then gives focus back if it was lost.
fn reply(s: &mut State, job: Job, res: Result<Reply, ApiError>, fx: &mut Vec<Effect>) {
    let Some(call) = finish(s, &job) else { return };
    let back = refocus::Back::of(&job, &call);
    answer(s, job, call, res, fx);
    back.apply(s, fx);
}

/// Hands an answer to the flow that sent its call.
fn answer(s: &mut State, job: Job, call: Call, res: Result<Reply, ApiError>, fx: &mut Vec<Effect>) {
    let saved = match &job {
        Job::Save(keys) => keys.clone(),
        _ => Vec::new(),
    };
    let res = match (res, &job) {
        (Ok(r), _) => r,
        (Err(e), Job::Traffic(gen)) => return traffic::failed(s, *gen, call, &e),
        (Err(e), Job::TestLead | Job::CheckLead) => return snippet::failed(s, &e),
        (
            Err(e),
            Job::History(_) | Job::Restore(_) | Job::RevertCheck(_) | Job::RevertChange(_),
        ) => return history::failed(s, job, call, e, fx),
        (Err(e), _) => {
            pipeline::close_failed(s);
            return error::failed(s, job, call, e, fx);
        }
    };
    if job.mutating() {
        s.banner = None;
    }
    let changed_sources = matches!(
        job,
        Job::Create(_)
            | Job::Save(_)
            | Job::Default(_)
            | Job::Delete(_)
            | Job::ImportCreate
            | Job::ImportUpdate
    );
    match (job, res) {
        (job @ (Job::Sources | Job::Test), Reply::Page(list, next)) => {
            list::page(s, job, &call, list, next, fx)
        }
        (Job::Pipelines, Reply::Pipelines(p)) => list::pipelines(s, p),
        (Job::Reconcile(keys), Reply::Sources(found)) => save::reconciled(s, keys, found, fx),
        (Job::Reread(k), Reply::One(one)) => reread::reread(s, k, one),
        (Job::Lookup, Reply::Sources(list)) => list::looked_up(s, &call, list),
        (Job::Create(keys), Reply::Sources(list)) if list.is_empty() => {
            // A success without the created sources (e.g. 204): whether they exist is
            // unknown, so the retry first asks the server, as after a lost answer.
            error::unreadable(s, (Job::Reconcile(keys), Call::Find(external_ids(&call))));
        }
        (job @ Job::Save(_), Reply::Sources(list)) if list.is_empty() => {
            error::unreadable(s, (job, call))
        }
        (Job::Create(keys), Reply::Sources(list)) => save::created(s, keys, &call, list, fx),
        (Job::Save(_), Reply::Sources(list)) => save::saved(s, list, fx),
        (Job::Save(_), Reply::One(one)) => save::saved_one(s, one, call, fx),
        (Job::Default(k), Reply::One(one)) => save::defaulted(s, k, one, call),
        (Job::Delete(ids), Reply::Deleted) => delete::deleted(s, ids, fx),
        (Job::ImportCreate, Reply::Sources(list)) if list.is_empty() => {
            // A success without the created sources (e.g. 204): whether they exist is
            // unknown, so the retry first asks the server, as after a lost answer.
            error::unreadable(s, (Job::ImportReconcile, Call::Find(external_ids(&call))));
        }
        (Job::ImportCreate, Reply::Sources(list)) => import::created(s, list, fx),
        (Job::ImportReconcile, Reply::Sources(found)) => import::reconciled(s, &call, found, fx),
        (Job::ImportUpdate, Reply::Sources(list)) => import::updated(s, list),
        (Job::Traffic(gen), Reply::Leads(leads, next)) => traffic::page(s, gen, leads, next, fx),
        (Job::TestLead, Reply::LeadsCreated(ids)) => snippet::created(s, ids, fx),
        (Job::CheckLead, Reply::Lead(lead)) => snippet::checked(s, lead),
        (Job::History(gen), Reply::History(page)) => history::page(s, gen, &call, page, fx),
        (Job::Restore(_), Reply::Sources(got)) => {
            history::done(s, got, crate::i18n::T::HistRestored, fx)
        }
        (Job::RevertCheck(i), Reply::One(now)) => history::checked(s, i, now, fx),
        (Job::RevertChange(_), Reply::One(got)) => history::done(
            s,
            got.into_iter().collect(),
            crate::i18n::T::HistReverted,
            fx,
        ),
        _ => {}
    }
    if changed_sources {
        history::follow(s, fx);
    }
    pipeline::saved(s, &saved, fx);
    pipeline::close_when_saved(s, fx);
    traffic::auto_start(s, fx);
}
