//! Export to a file, and import from one: reading it, the plan's dialog, and its creates
//! and updates.

use super::*;
use crate::app::action::Action;
use crate::app::import;
use crate::i18n::T;
use crate::model::Source;

/// Offers every saved source as a file.
pub(super) fn export(s: &State, fx: &mut Vec<Effect>) {
    fx.push(Effect::Download(import::export_json(s)));
}

/// In the preview, the items of the file's pipeline `from` go to `to` (0: skipped).
pub(super) fn map_pipeline(s: &mut State, from: u64, to: u64) {
    let Some(Dialog::Import(plan)) = &s.dialog else {
        return;
    };
    match import::remap(s, plan, from, (to != 0).then_some(to)) {
        Ok(plan) => s.dialog = Some(Dialog::Import(plan)),
        // As a file refused on reading: the bar says why.
        Err(e) => {
            s.dialog = None;
            s.import_error = Some(e);
        }
    }
}

/// Reads an import file: its plan opens in a dialog, or the error is shown.
pub(super) fn read(s: &mut State, text: &str, fx: &mut Vec<Effect>) {
    match import::plan(s, text) {
        Ok(plan) => {
            s.import_error = None;
            s.focus_back = Some(Action::Import.selector());
            s.dialog = Some(Dialog::Import(plan));
            focus(fx, "[data-first]");
        }
        Err(e) => s.import_error = Some(e),
    }
}

/// The chosen file is too big to read.
pub(super) fn too_big(s: &mut State) {
    s.import_error = Some(import::ImportError::new(T::ImportTooBig));
}

/// Applies the plan in the dialog: its creates first, then its updates.
pub(super) fn apply(s: &mut State, fx: &mut Vec<Effect>) {
    if s.saving() {
        return;
    }
    if let Some(Dialog::Import(plan)) = s.dialog.take() {
        if !plan.create.is_empty() {
            let call = Call::Create(plan.create.clone());
            s.importing = Some(plan);
            send(s, fx, Job::ImportCreate, call);
        } else if !plan.update.is_empty() {
            let call = Call::Update(plan.update.clone());
            s.importing = Some(plan);
            send(s, fx, Job::ImportUpdate, call);
        }
    }
}

/// The import's creates came back.
pub(super) fn created(s: &mut State, list: Vec<Source>, fx: &mut Vec<Effect>) {
    add_imported(s, list);
    import_updates(s, fx);
}

/// After a lost create answer: the sources found are shown, the missing ones created again.
pub(super) fn reconciled(s: &mut State, call: &Call, found: Vec<Source>, fx: &mut Vec<Effect>) {
    // Plain loops over external ids folded once: the iterator chains cost the
    // bundle twice the code.
    let mut asked = Vec::new();
    if let Call::Find(ids) = call {
        for i in ids {
            asked.push(fold(i.trim()));
        }
    }
    let mut found_ext = Vec::new();
    let mut fresh = Vec::new();
    for f in found {
        let ext = fold(&f.external_id);
        if asked.contains(&ext) {
            if s.rows.iter().all(|r| r.key != RowKey::Saved(f.id)) {
                fresh.push(f);
            }
            found_ext.push(ext);
        }
    }
    // Only what this round asked about: earlier rounds' items were created.
    let mut missing = Vec::new();
    for n in s.importing.iter().flat_map(|p| &p.create) {
        let ext = fold(n.external_id.trim());
        if asked.contains(&ext) && !found_ext.contains(&ext) {
            missing.push(n.clone());
        }
    }
    add_imported(s, fresh);
    if missing.is_empty() {
        import_updates(s, fx);
    } else {
        send(s, fx, Job::ImportCreate, Call::Create(missing));
    }
}

/// The import's updates came back: it is applied.
pub(super) fn updated(s: &mut State, list: Vec<Source>) {
    save::absorb(s, list);
    s.importing = None;
    s.status = Some((T::ImportDone, 0));
}

/// Shows sources an import created.
fn add_imported(s: &mut State, list: Vec<Source>) {
    for src in list {
        if src.is_default() {
            save::clear_other_defaults(s, src.id);
        }
        s.rows.push(Row::saved(src));
    }
}

/// After the import's creates: sends its updates, or reports it applied.
fn import_updates(s: &mut State, fx: &mut Vec<Effect>) {
    match s.importing.as_ref().map(|p| p.update.clone()) {
        Some(u) if !u.is_empty() => send(s, fx, Job::ImportUpdate, Call::Update(u)),
        _ => {
            s.importing = None;
            s.status = Some((T::ImportDone, 0));
        }
    }
}
