//! The History section (relay mode): reading the relay's pages under their filters, and
//! undoing an entry, a deletion by Restore and an edit by Revert (asking first when the
//! source changed again since).

use super::*;
use crate::app::action::Action as A;
use crate::app::history::{conflicts, restore_item, revert_patch, Entry, EntryRef, HistoryLoad};
use crate::app::view::history_heading;
use crate::i18n::T;
use crate::model::Source;
use crate::rules::same_external_id;
use relay_contract::{Action as Did, HistoryPage};

/// Reads the first page under the current filters; an older read's page is dropped.
pub(super) fn load(s: &mut State, fx: &mut Vec<Effect>) {
    if !s.relay {
        return;
    }
    let h = &mut s.history;
    h.gen += 1;
    h.entries.clear();
    h.next = None;
    h.note = None;
    h.load = HistoryLoad::Loading;
    let (job, call) = (Job::History(h.gen), Call::History(h.query()));
    send(s, fx, job, call);
}

/// A change made from the list went through: an open history is read again, so that it
/// shows the change.
pub(super) fn follow(s: &mut State, fx: &mut Vec<Effect>) {
    if s.history.load != HistoryLoad::Idle {
        load(s, fx);
    }
}

/// Reads the next, older page, unless a read runs or there is none.
pub(super) fn more(s: &mut State, fx: &mut Vec<Effect>) {
    let h = &s.history;
    let Some(cursor) = h.next.clone() else { return };
    if h.load == HistoryLoad::Loading || !s.relay {
        return;
    }
    let mut q = h.query();
    q.cursor = Some(cursor);
    s.history.load = HistoryLoad::Loading;
    send(s, fx, Job::History(s.history.gen), Call::History(q));
}

/// Filters by source (or not) and reads again.
pub(super) fn by_source(s: &mut State, id: Option<u64>, fx: &mut Vec<Effect>) {
    s.history.source = id;
    load(s, fx);
}

/// Filters by user (or not) and reads again.
pub(super) fn by_user(s: &mut State, id: Option<i64>, fx: &mut Vec<Effect>) {
    s.history.user = id;
    load(s, fx);
}

/// A row's "History": that source's changes, by anyone, with the section in view.
pub(super) fn of_row(s: &mut State, k: RowKey, fx: &mut Vec<Effect>) {
    let RowKey::Saved(id) = k else { return };
    s.history.source = Some(id);
    s.history.user = None;
    load(s, fx);
    focus(fx, &history_heading());
}

/// A page came: kept when it belongs to the current read. The button that asked for it was
/// disabled meanwhile, so focus goes back to it, or to the heading once "Load more" is gone.
pub(super) fn page(s: &mut State, gen: u32, call: &Call, page: HistoryPage, fx: &mut Vec<Effect>) {
    if gen != s.history.gen {
        return;
    }
    s.history.absorb(page.changes, page.next);
    let more = matches!(call, Call::History(q) if q.cursor.is_some());
    fx.push(Effect::Refocus(match (more, s.history.next.is_some()) {
        (false, _) => A::HistoryLoad.selector(),
        (true, true) => A::HistoryMore.selector(),
        (true, false) => history_heading(),
    }));
}

/// The entry `at` names, when it is a change of kind `did` that Kommo made.
fn entry(s: &State, at: EntryRef, did: Did) -> Option<&Entry> {
    s.history
        .entry(at)
        .filter(|c| c.action == did && !c.refused())
}

/// Says `msg` (with the server's `detail`) on entry `at`, unless the history was read again.
fn note(s: &mut State, at: EntryRef, msg: T, detail: Option<String>) {
    if at.gen == s.history.gen {
        s.history.note = Some((at.index, msg, detail));
    }
}

/// Creates again the source entry `i` deleted, unless its external id is taken by now or
/// the limit is reached, which is said on the entry without a request.
pub(super) fn restore(s: &mut State, i: usize, fx: &mut Vec<Effect>) {
    let at = s.history.at(i);
    if s.saving() {
        return;
    }
    let Some(item) = entry(s, at, Did::Delete).and_then(restore_item) else {
        return;
    };
    let taken = s
        .rows
        .iter()
        .filter_map(|r| r.orig.as_ref())
        .any(|o| same_external_id(&o.external_id, item.external_id.trim()));
    if taken {
        return note(s, at, T::HistTaken, None);
    }
    if s.saved_count() >= s.limit {
        return note(s, at, T::HistLimit, None);
    }
    s.history.note = None;
    send(s, fx, Job::Restore(at), Call::Create(vec![item]));
}

/// Reverts the edit of entry `i`: first reads the source as it is now.
pub(super) fn revert(s: &mut State, i: usize, fx: &mut Vec<Effect>) {
    let at = s.history.at(i);
    if s.saving() || s.running(|j| matches!(j, Job::RevertCheck(_))) {
        return;
    }
    let Some(patch) = entry(s, at, Did::Update).and_then(revert_patch) else {
        return;
    };
    s.history.note = None;
    send(s, fx, Job::RevertCheck(at), Call::GetOne(patch.id));
}

/// The source of entry `at` as it is now: reverted at once when the fields the edit changed
/// still hold what it left, else the conflict dialog shows them and asks.
pub(super) fn checked(s: &mut State, at: EntryRef, now: Option<Source>, fx: &mut Vec<Effect>) {
    let Some(now) = now else {
        return note(s, at, T::ErrGone, None);
    };
    save::absorb(s, vec![now.clone()]);
    let Some(c) = entry(s, at, Did::Update) else {
        return;
    };
    if conflicts(c, &now).is_empty() {
        return send_revert(s, at, fx);
    }
    s.focus_back = Some(entry_selector(A::RevertChange, at.index));
    s.dialog = Some(Dialog::RevertConflict {
        entry: at,
        current: now,
    });
    focus(fx, "[data-first]");
}

/// The conflict dialog's "Revert anyway".
pub(super) fn confirm(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(Dialog::RevertConflict { entry, .. }) = s.dialog else {
        return;
    };
    s.dialog = None;
    s.focus_back = None;
    send_revert(s, entry, fx);
}

fn send_revert(s: &mut State, at: EntryRef, fx: &mut Vec<Effect>) {
    if let Some(p) = entry(s, at, Did::Update).and_then(revert_patch) {
        send(s, fx, Job::RevertChange(at), Call::UpdateOne(p));
    }
}

/// A restore or revert went through: the list takes the source, the status says so, and
/// the history is read again so that the new entry shows.
pub(super) fn done(s: &mut State, got: Vec<Source>, msg: T, fx: &mut Vec<Effect>) {
    if got.is_empty() {
        // A success without the source: what Kommo has now is read with the list.
        list::refresh(s, fx);
    }
    save::absorb(s, got);
    s.status = Some((msg, 0));
    load(s, fx);
    fx.push(Effect::Refocus(history_heading()));
}

/// A history read, a restore or a revert failed: a read is retried from the banner as any
/// read; an undo says why on its entry, in the words the list uses for a refused create.
pub(super) fn failed(s: &mut State, job: Job, call: Call, e: ApiError, fx: &mut Vec<Effect>) {
    let at = match job {
        Job::History(gen) => {
            if gen == s.history.gen {
                s.history.load = HistoryLoad::Failed;
            }
            return read_failed(s, job, call, e, fx);
        }
        Job::Restore(at) | Job::RevertCheck(at) | Job::RevertChange(at) => at,
        _ => return,
    };
    if error::dead_end(&e) {
        return error::failed(s, job, call, e, fx);
    }
    let (msg, detail) = match (&job, &e) {
        (Job::Restore(_), ApiError::Validation { problem, items }) => {
            let errs = || items.iter().flat_map(|it| &it.errors);
            let limit = |t: &str| t.to_ascii_lowercase().contains("limit");
            if errs().any(|fe| crate::app::check::field_of_path(&fe.path) == Field::ExternalId) {
                (T::HistTaken, None)
            } else if errs().any(|fe| limit(&fe.code) || limit(&fe.detail)) {
                (T::HistLimit, None)
            } else {
                (T::VServer, problem.detail.clone())
            }
        }
        (_, ApiError::NotFound) => (T::ErrGone, None),
        _ => (error::message(&e), error::detail(&e)),
    };
    note(s, at, msg, detail);
    let act = if matches!(job, Job::Restore(_)) {
        A::Restore
    } else {
        A::RevertChange
    };
    fx.push(Effect::Refocus(entry_selector(act, at.index)));
}

/// A failed history read: the banner says so in a read's words, with a retry.
fn read_failed(s: &mut State, job: Job, call: Call, e: ApiError, fx: &mut Vec<Effect>) {
    if error::dead_end(&e) || matches!(e, ApiError::RateLimited { .. }) {
        return error::failed(s, job, call, e, fx);
    }
    s.banner = error::error_banner(error::read_message(&e), error::detail(&e), true);
    s.retry = Some((job, call));
}

/// A selector of entry `i`'s control with action `a`.
pub(in crate::app) fn entry_selector(a: A, i: usize) -> String {
    a.selector() + "[data-i=\"" + &i.to_string() + "\"]"
}
