//! The add-source dialog (Digital Pipeline): a prefilled draft, or moving an existing
//! source into the pipeline.

use super::*;

/// "Add" again in the add-source mode: a fresh dialog for the same pipeline.
pub(super) fn reopen(s: &mut State, fx: &mut Vec<Effect>) {
    let pid = s.pipeline.unwrap_or(0);
    open_add(s, pid, fx);
}

/// Opens the add-source dialog for pipeline `pid` with a new prefilled draft.
pub(super) fn open_add(s: &mut State, pid: u64, fx: &mut Vec<Effect>) {
    // Reuse an untouched draft from an earlier open instead of piling them up.
    if let Some(Dialog::AddSource { draft, .. }) = s.dialog.take() {
        if s.row(draft).is_some_and(|r| r.orig.is_none()) {
            edit::revert(s, draft);
        }
    }
    let draft = edit::add_draft(s, pid);
    prefill(s, draft, pid);
    s.dialog = Some(Dialog::AddSource {
        pipeline_id: pid,
        move_id: 0,
        draft,
        done: false,
    });
    focus(fx, "[data-first]");
}

/// Suggests a name (the pipeline's) and a free external id (`<pipeline-slug>-<id>`) for a
/// source added from Digital Pipeline; fields the user already typed are left alone.
pub(super) fn prefill(s: &mut State, draft: RowKey, pid: u64) {
    let Some(name) = s.pipeline(pid).map(|p| p.name.clone()) else {
        return;
    };
    let mut slug = String::new();
    for c in fold(&name).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.truncate(24);
    let mut base = slug.trim_end_matches('-').to_owned();
    if !base.is_empty() {
        base.push('-');
    }
    base.push_str(&pid.to_string());
    let taken = |x: &str| {
        s.rows.iter().any(|r| {
            r.key != draft
                && r.orig
                    .as_ref()
                    .map_or(&r.draft.external_id, |o| &o.external_id)
                    .eq_ignore_ascii_case(x)
        })
    };
    let mut ext = base.clone();
    let mut n = 2;
    while taken(&ext) {
        ext = base.clone() + "-" + &n.to_string();
        n += 1;
    }
    if let Some(r) = s.row_mut(draft) {
        if r.draft.name.is_empty() {
            r.draft.name = name;
        }
        if r.draft.external_id.is_empty() {
            r.draft.external_id = ext;
        }
    }
}

/// Picks the existing source to move into the dialog's pipeline (0 for none).
pub(super) fn choose_move(s: &mut State, id: u64) {
    if let Some(Dialog::AddSource { move_id, .. }) = &mut s.dialog {
        *move_id = id;
    }
}

/// Moves the chosen source into the dialog's pipeline by saving it there.
pub(super) fn move_here(s: &mut State, fx: &mut Vec<Effect>) {
    if let Some(Dialog::AddSource {
        pipeline_id,
        move_id,
        ..
    }) = s.dialog.clone()
    {
        if move_id != 0 && !s.saving() {
            if let Some(r) = s.row_mut(RowKey::Saved(move_id)) {
                r.draft.pipeline_id = pipeline_id;
            }
            save::save(s, vec![RowKey::Saved(move_id)], fx);
        }
    }
}

/// After a save: marks the dialog done once its draft was created or its source moved.
pub(super) fn add_done(s: &mut State, fx: &mut Vec<Effect>) {
    if let Some(Dialog::AddSource {
        pipeline_id,
        draft,
        move_id,
        done,
    }) = &mut s.dialog
    {
        let created = !s.rows.iter().any(|r| r.key == *draft);
        let moved = *move_id != 0
            && s.rows.iter().any(|r| {
                r.key == RowKey::Saved(*move_id)
                    && r.orig
                        .as_ref()
                        .is_some_and(|o| o.pipeline_id == *pipeline_id)
            });
        if created || moved {
            *done = true;
            focus(fx, "[data-first]");
        }
    }
}
