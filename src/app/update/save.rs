//! Saving rows: checks, the create or PATCH request, the default flag, and taking in what
//! the server answered.

use super::*;
use crate::app::check;
use crate::i18n::T;
use crate::model::Source;

/// Saves every new row (`create`) or every edited saved row.
pub(super) fn all(s: &mut State, create: bool, fx: &mut Vec<Effect>) {
    let mut keys = Vec::new();
    for r in &s.rows {
        if r.key_is_new() == create && (create || r.dirty()) {
            keys.push(r.key);
        }
    }
    save(s, keys, fx)
}

/// Validates rows `keys` and sends one request for them: a create for drafts, a
/// single or batch PATCH for saved rows.
pub(super) fn save(s: &mut State, keys: Vec<RowKey>, fx: &mut Vec<Effect>) {
    if keys.is_empty() || s.saving() {
        return;
    }
    let mut bad = false;
    let mut new = Vec::new();
    for k in &keys {
        if matches!(k, RowKey::New(_)) {
            new.push(*k);
        }
        let Some(r) = s.row(*k) else { continue };
        let errs = check::row(s, r);
        bad |= !errs.is_empty();
        if let Some(r) = s.row_mut(*k) {
            r.errors = errs;
        }
    }
    if bad {
        s.status = Some((T::ErrFix, 0));
        focus_first_error(s, fx);
        return;
    }
    // Plain loops below: each iterator chain with `collect` costs the bundle its own code.
    let mut sent = Vec::new();
    if !new.is_empty() {
        let mut drafts = Vec::new();
        for k in &new {
            if let Some(r) = s.row(*k) {
                drafts.push(r);
            }
        }
        if let Some(e) = check::batch(s, &drafts) {
            s.banner = error::error_banner(e, None, false);
            return;
        }
        let mut items = Vec::new();
        for r in &drafts {
            items.push(r.draft.to_new());
            sent.push((r.key, r.draft.clone()));
        }
        s.sent = sent;
        send(s, fx, Job::Create(new), Call::Create(items));
        return;
    }
    let mut patches = Vec::new();
    let mut saved = Vec::new();
    for k in keys {
        if let Some(r) = s.row(k) {
            if let Some(p) = r.patch() {
                patches.push(p);
                sent.push((k, r.draft.clone()));
                saved.push(k);
            }
        }
    }
    let call = if patches.len() > 1 {
        Call::Update(patches)
    } else if let Some(one) = patches.pop() {
        Call::UpdateOne(one)
    } else {
        return;
    };
    s.sent = sent;
    send(s, fx, Job::Save(saved), call);
}

/// Sets or clears the default flag: on a draft at once, on a saved source by a PATCH.
pub(super) fn make_default(s: &mut State, k: RowKey, on: bool, fx: &mut Vec<Effect>) {
    match k {
        RowKey::New(_) => {
            // A draft's flag goes out with its create.
            for r in s.rows.iter_mut().filter(|r| r.key_is_new()) {
                r.draft.default = false;
            }
            if let Some(r) = s.row_mut(k) {
                r.draft.default = on;
            }
        }
        RowKey::Saved(id) => {
            if s.saving() {
                return;
            }
            let mut p = crate::model::SourcePatch::new(id);
            p.default = Some(on);
            send(s, fx, Job::Default(k), Call::UpdateOne(p));
        }
    }
}

/// After a lost create answer: drafts the server has now become saved rows; the rest are
/// created again.
pub(super) fn reconciled(
    s: &mut State,
    keys: Vec<RowKey>,
    found: Vec<Source>,
    fx: &mut Vec<Effect>,
) {
    let mut created = 0;
    for k in &keys {
        let Some(i) = s.rows.iter().position(|r| r.key == *k) else {
            continue;
        };
        let ext = fold(s.rows[i].draft.external_id.trim());
        if let Some(src) = found.iter().find(|f| fold(&f.external_id) == ext) {
            if s.rows.iter().all(|r| r.key != RowKey::Saved(src.id)) {
                s.rows[i] = Row::saved(src.clone());
                s.just_saved.push(RowKey::Saved(src.id));
                created += 1;
            }
        }
    }
    let mut rest = Vec::new();
    for k in keys {
        if s.row(k).is_some() {
            rest.push(k);
        }
    }
    if rest.is_empty() {
        s.status = Some((T::CreatedN_other, created));
        add::add_done(s, fx);
    } else {
        save(s, rest, fx);
    }
}

/// A create came back: the drafts `keys`, sent as `call`, become the created sources.
pub(super) fn created(
    s: &mut State,
    keys: Vec<RowKey>,
    call: &Call,
    list: Vec<Source>,
    fx: &mut Vec<Effect>,
) {
    let n = list.len();
    let sent = match call {
        Call::Create(items) => &items[..],
        _ => &[],
    };
    let (slots, unmatched) = crate::api::match_created(sent, list);
    let placed = keys
        .iter()
        .zip(slots)
        .filter_map(|(k, src)| Some((Some(*k), src?)));
    let rest = unmatched.into_iter().map(|src| (None, src));
    for (key, src) in placed.chain(rest).collect::<Vec<_>>() {
        if src.is_default() {
            clear_other_defaults(s, src.id);
        }
        // A result that matches no draft is still a source of the integration: show it.
        s.just_saved.push(RowKey::Saved(src.id));
        match s
            .rows
            .iter()
            .position(|r| Some(r.key) == key || r.key == RowKey::Saved(src.id))
        {
            Some(i) => s.rows[i] = Row::saved(src),
            None => s.rows.push(Row::saved(src)),
        }
    }
    s.sent.clear();
    s.status = Some((T::CreatedN_other, n));
    add::add_done(s, fx);
}

/// A batch PATCH came back.
pub(super) fn saved(s: &mut State, list: Vec<Source>, fx: &mut Vec<Effect>) {
    let n = list.len();
    for src in &list {
        s.just_saved.push(RowKey::Saved(src.id));
    }
    absorb(s, list);
    s.sent.clear();
    s.status = Some((T::SavedN_other, n));
    add::add_done(s, fx);
}

/// A single PATCH came back, with the source or (204) without it.
pub(super) fn saved_one(s: &mut State, one: Option<Source>, call: Call, fx: &mut Vec<Effect>) {
    match one {
        Some(src) => {
            s.just_saved.push(RowKey::Saved(src.id));
            absorb(s, vec![src]);
            s.status = Some((T::Saved, 0));
            add::add_done(s, fx);
        }
        // A single PATCH answered without the source (a gone source gets 404).
        None => return error::unreadable(s, (Job::Save(keys_of(&call)), call)),
    }
    s.sent.clear();
}

/// The default flag's PATCH came back.
pub(super) fn defaulted(s: &mut State, k: RowKey, one: Option<Source>, call: Call) {
    match one {
        Some(src) => {
            let on = src.is_default();
            if on {
                clear_other_defaults(s, src.id);
            }
            if let Some(r) = s.row_mut(k) {
                r.draft.default = on;
                r.orig = Some(src);
            }
            s.just_saved.push(k);
            s.status = Some((T::Saved, 0));
        }
        None => error::unreadable(s, (Job::Default(k), call)),
    }
}

/// The row keys a single-source call concerns.
fn keys_of(call: &Call) -> Vec<RowKey> {
    match call {
        Call::UpdateOne(p) => vec![RowKey::Saved(p.id)],
        _ => Vec::new(),
    }
}

/// Replaces the server copy of saved rows with `fresh`; drafts the user has not touched
/// since they were sent follow the server, edited ones keep what was typed.
pub(super) fn absorb(s: &mut State, fresh: Vec<Source>) {
    for src in fresh {
        let key = RowKey::Saved(src.id);
        let sent = s
            .sent
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, d)| d.clone());
        if src.is_default() {
            clear_other_defaults(s, src.id);
        }
        match s.row_mut(key) {
            Some(r) => {
                let follow = match &sent {
                    Some(d) => *d == r.draft,
                    None => r.patch().is_none(),
                };
                if follow {
                    r.draft = Draft::of(&src);
                    r.errors.clear();
                }
                r.orig = Some(src);
            }
            None => s.rows.push(Row::saved(src)),
        }
    }
}

/// Only one source is the default: every other one loses the flag.
pub(super) fn clear_other_defaults(s: &mut State, keep: u64) {
    for r in s.rows.iter_mut() {
        let Some(o) = &mut r.orig else { continue };
        if o.id != keep && o.is_default() {
            let was_clean = r.draft.default;
            o.default = Some(false);
            if was_clean {
                r.draft.default = false;
            }
        }
    }
}
