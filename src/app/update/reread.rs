//! Re-reading sources after a conflict: a save, default or delete refused because a source
//! changed or went away elsewhere is checked with `GET /sources/{id}`, not a reload of the
//! whole list, and the row says what happened to it.

use super::*;
use crate::app::changes;
use crate::i18n::T;
use crate::model::Source;

/// Most sources re-read one by one after one conflict; past that, one list read is cheaper
/// than the requests (and the rate limit) one read each would take.
const MAX_REREADS: usize = 5;

/// Re-reads the sources `ids`, one by one, or the list when there are many.
pub(super) fn check(s: &mut State, ids: &[u64], fx: &mut Vec<Effect>) {
    if ids.len() > MAX_REREADS {
        if !s.running(|j| *j == Job::Sources) {
            send(s, fx, Job::Sources, Call::ListSources);
        }
        return;
    }
    for &id in ids {
        let job = Job::Reread(RowKey::Saved(id));
        if !s.running(|j| *j == job) {
            send(s, fx, job, Call::GetOne(id));
        }
    }
}

/// A re-read came back: the source as the server has it now, or `None` when it is gone.
pub(super) fn reread(s: &mut State, k: RowKey, one: Option<Source>) {
    // A save of this source that was refused as not found, waiting for this answer.
    let refused = matches!(&s.retry, Some((_, Call::UpdateOne(p))) if RowKey::Saved(p.id) == k);
    let Some(src) = one else {
        if refused {
            s.retry = None;
        }
        return gone(s, k);
    };
    if refused {
        s.banner = error::error_banner(T::ErrNotFoundStill, None, true);
    }
    if src.is_default() {
        save::clear_other_defaults(s, src.id);
    }
    let Some(r) = s.rows.iter().position(|r| r.key == k) else {
        s.rows.push(Row::saved(src));
        return;
    };
    let what = s.rows[r]
        .orig
        .as_ref()
        .map(|o| changes::line(s.lang, &changes::between(s, o, &src)))
        .unwrap_or_default();
    let r = &mut s.rows[r];
    if r.patch().is_none() {
        r.draft = Draft::of(&src);
    }
    r.orig = Some(src);
    r.errors.retain(|e| e.msg != T::ErrGone);
    if !what.is_empty() {
        r.errors = vec![FieldError {
            field: Field::Row,
            msg: T::ChangedElsewhere,
            detail: Some(what),
        }];
    }
}

/// The source is gone: an edited row stays with a note, so nothing typed is lost; a clean
/// one leaves the list.
fn gone(s: &mut State, k: RowKey) {
    let Some(i) = s.rows.iter().position(|r| r.key == k) else {
        return;
    };
    if s.rows[i].patch().is_some() {
        s.rows[i].errors = vec![error::gone_error()];
    } else {
        s.rows.remove(i);
        s.status = Some((T::DeletedElsewhere, 0));
    }
}
