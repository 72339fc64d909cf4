//! Loading and reloading the list, the connection test, sort, selection and the lookup by
//! external id.

use super::*;
use crate::app::event::row_selector;
use crate::app::settings_save::{self, SavedSettings, Setting};
use crate::i18n::T;
use crate::model::{Pipeline, Source};
use crate::rules::same_external_id;
use crate::rules::MAX_BATCH;

/// The first load: sources and pipelines; the Digital Pipeline panel takes focus at once.
pub(super) fn start(s: &mut State, fx: &mut Vec<Effect>) {
    send(s, fx, Job::Sources, Call::ListSources);
    send(s, fx, Job::Pipelines, Call::ListPipelines);
    if s.mode == Mode::Pipeline {
        focus(fx, pipeline::TITLE);
    }
}

/// Reloads the sources unless a load is already running.
pub(super) fn refresh(s: &mut State, fx: &mut Vec<Effect>) {
    if !s.running(|j| *j == Job::Sources) {
        send(s, fx, Job::Sources, Call::ListSources);
    }
}

/// Tests the connection by reading the sources (and the pipelines if still missing).
pub(super) fn test(s: &mut State, fx: &mut Vec<Effect>) {
    if !s.running(|j| *j == Job::Test) {
        s.conn = Conn::Unknown;
        send(s, fx, Job::Test, Call::ListSources);
        if !s.pipelines_ready && !s.running(|j| *j == Job::Pipelines) {
            send(s, fx, Job::Pipelines, Call::ListPipelines);
        }
    }
}

/// The settings modal's Save: refused on its field, or, for a token not tested as it is
/// now, answered by a connection test (started here unless one runs).
pub(super) fn save_settings(s: &mut State, saved: &SavedSettings, fx: &mut Vec<Effect>) {
    s.refusal = settings_save::refusal(s, saved);
    if s.refusal == Some((Setting::Token, T::SaveTokenUntested)) {
        s.refusal = None;
        if !s.testing() {
            test(s, fx);
        }
    }
}

/// The settings modal's token changed: the last test's result was of another token, and a
/// refusal of the token is answered by the edit.
pub(super) fn token_edited(s: &mut State) {
    if s.mode != Mode::Settings {
        return;
    }
    if !s.running(|j| *j == Job::Test) {
        s.conn = Conn::Unknown;
    }
    if s.refusal.is_some_and(|(field, _)| field == Setting::Token) {
        s.refusal = None;
    }
}

/// Sorts by `by`, or flips the order when already sorted by it.
pub(super) fn sort(s: &mut State, by: SortBy) {
    if s.sort == by {
        s.sort_desc = !s.sort_desc;
    } else {
        s.sort = by;
        s.sort_desc = false;
    }
}

/// Takes the lookup's text; an earlier result no longer answers it.
pub(super) fn lookup_text(s: &mut State, q: String) {
    s.lookup = q;
    s.lookup_result = None;
}

/// Asks the server for the external ids of the lookup, one per line (an external id may
/// hold a comma, never a line break); a repeated id is asked for once.
pub(super) fn lookup(s: &mut State, fx: &mut Vec<Effect>) {
    let mut ids: Vec<String> = Vec::new();
    for x in s.lookup.lines() {
        let x = x.trim();
        if !x.is_empty() && !ids.iter().any(|i| same_external_id(i, x)) {
            ids.push(x.to_owned());
        }
    }
    if ids.is_empty() || s.running(|j| *j == Job::Lookup) {
        return;
    }
    if ids.len() > MAX_BATCH {
        s.lookup_result = Some(LookupResult::TooMany);
        return;
    }
    s.lookup_result = None;
    send(s, fx, Job::Lookup, Call::Find(ids));
}

/// Selects or unselects one saved row.
pub(super) fn select(s: &mut State, k: RowKey, on: bool) {
    if let Some(r) = s.row_mut(k) {
        r.selected = on && r.orig.is_some();
    }
}

/// Selects or unselects every visible saved row.
pub(super) fn select_all(s: &mut State, on: bool) {
    let mut keys = Vec::new();
    for r in s.visible() {
        keys.push(r.key);
    }
    for r in s.rows.iter_mut() {
        if keys.contains(&r.key) {
            r.selected = on && r.orig.is_some();
        }
    }
}

/// Most pages one list read follows: far beyond any integration's limit at the API's page
/// size, so only a server that links pages without end is cut short.
const MAX_PAGES: usize = 20;

/// A page of a list read (a load or a connection test) came back: ask for the next one
/// when the server links one, else take the whole list.
pub(super) fn page(
    s: &mut State,
    job: Job,
    call: &Call,
    list: Vec<Source>,
    next: Option<String>,
    fx: &mut Vec<Effect>,
) {
    let at = s.paging.iter().position(|(j, _, _)| *j == job);
    let (mut got, mut pages) = match at.map(|i| s.paging.remove(i)) {
        // A read from the first page starts afresh; a later page (also when sent again
        // after a failure) adds to what came before it.
        Some((_, got, pages)) if *call != Call::ListSources => (got, pages),
        _ => (Vec::new(), 0),
    };
    pages += 1;
    let before = got.len();
    for src in list {
        if !got.iter().any(|g| g.id == src.id) {
            got.push(src);
        }
    }
    // A page that brings nothing new would bring nothing new again.
    match next.filter(|_| got.len() > before && pages < MAX_PAGES) {
        Some(path) => {
            s.paging.push((job.clone(), got, pages));
            send(s, fx, job, Call::ListPage(path));
        }
        None => loaded(s, got),
    }
}

/// A whole list read (a load or a connection test) came back.
fn loaded(s: &mut State, list: Vec<Source>) {
    if matches!(s.banner, Some(Banner { retry: true, .. })) {
        s.banner = None;
    }
    if s.running(|j| *j == Job::Test) || s.conn != Conn::Unknown || s.mode == Mode::Settings {
        s.conn = Conn::Ok(list.len());
    }
    merge_list(s, list);
    s.load = Load::Ready;
}

/// The pipelines came back: sorted, given to drafts without one and to the add dialog.
pub(super) fn pipelines(s: &mut State, mut p: Vec<Pipeline>) {
    crate::sort::stable_by_key(&mut p, |x| (x.sort, x.id));
    s.pipelines = p;
    s.pipelines_ready = true;
    let main = s.main_pipeline();
    for r in s.rows.iter_mut().filter(|r| r.orig.is_none()) {
        if r.draft.pipeline_id == 0 {
            r.draft.pipeline_id = main;
        }
    }
    if let Some(Dialog::AddSource {
        pipeline_id, draft, ..
    }) = s.dialog.clone()
    {
        add::prefill(s, draft, pipeline_id);
    }
}

/// The lookup's answer came back: what was found, and which ids asked for none has.
pub(super) fn looked_up(s: &mut State, call: &Call, list: Vec<Source>) {
    let asked = match call {
        Call::Find(ids) => &ids[..],
        _ => &[],
    };
    let mut missing = Vec::new();
    for id in asked {
        if !list.iter().any(|x| same_external_id(id, &x.external_id)) {
            missing.push(id.clone());
        }
    }
    s.lookup_result = Some(if list.is_empty() {
        LookupResult::Missing
    } else {
        LookupResult::Found(list, missing)
    });
}

/// Brings a source the lookup found into view: one added elsewhere since the list was read
/// joins it, the search that would hide it is cleared, and focus goes to its name.
pub(super) fn show_found(s: &mut State, id: u64, fx: &mut Vec<Effect>) {
    let Some(LookupResult::Found(found, _)) = &s.lookup_result else {
        return;
    };
    let Some(source) = found.iter().find(|x| x.id == id).cloned() else {
        return;
    };
    let key = RowKey::Saved(id);
    if s.row(key).is_none() {
        s.rows.push(Row::saved(source));
    }
    if !s.visible().iter().any(|r| r.key == key) {
        s.search.clear();
    }
    focus(fx, &row_selector(key, crate::app::action::Action::Name));
}

/// Takes a fresh list from the server without losing anything typed.
fn merge_list(s: &mut State, list: Vec<Source>) {
    let mut ids = Vec::new();
    for x in &list {
        ids.push(x.id);
    }
    // Rows the server no longer has: drop clean ones, keep edited ones with a note.
    s.rows.retain_mut(|r| match r.key {
        RowKey::New(_) => true,
        RowKey::Saved(id) if ids.contains(&id) => true,
        RowKey::Saved(_) => {
            let edited = r.patch().is_some();
            if edited {
                r.errors = vec![error::gone_error()];
            }
            edited
        }
    });
    let drafts_at = s
        .rows
        .iter()
        .position(|r| r.key_is_new())
        .unwrap_or(s.rows.len());
    let mut drafts = s.rows.split_off(drafts_at);
    // Rows move from `old` to the new list, in the server's order; no row is copied.
    let mut old = core::mem::take(&mut s.rows);
    for src in list {
        let key = RowKey::Saved(src.id);
        let row = match old.iter().position(|r| r.key == key) {
            Some(i) => {
                let mut r = old.remove(i);
                if r.orig.as_ref() != Some(&src) {
                    if r.patch().is_none() {
                        r.draft = Draft::of(&src);
                    }
                    r.orig = Some(src);
                }
                r
            }
            None => Row::saved(src),
        };
        s.rows.push(row);
    }
    // Edited rows that vanished on the server stay, after the fresh ones.
    s.rows.append(&mut old);
    s.rows.append(&mut drafts);
}
