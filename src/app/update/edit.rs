//! The rows themselves: new drafts, typing into them (checked as typed), reverting, the
//! WhatsApp panel.

use super::*;
use crate::app::action::Action;
use crate::app::check;
use crate::app::event::row_selector;
use crate::i18n::T;

/// Adds a draft row to the list and focuses its name.
pub(super) fn add_row(s: &mut State, fx: &mut Vec<Effect>) {
    // By key, not position: the row's first input is its (disabled) select box.
    let k = add_draft(s, 0);
    fx.push(Effect::Focus(row_selector(k, Action::Name)));
}

/// Adds a draft row in `pipeline_id` (the main pipeline for 0) and returns its key.
pub(super) fn add_draft(s: &mut State, pipeline_id: u64) -> RowKey {
    let key = RowKey::New(s.next_new);
    s.next_new += 1;
    let pipeline_id = if pipeline_id == 0 {
        s.main_pipeline()
    } else {
        pipeline_id
    };
    s.rows.push(Row {
        key,
        orig: None,
        draft: Draft {
            pipeline_id,
            ..Draft::default()
        },
        errors: Vec::new(),
        selected: false,
        wa_open: false,
    });
    key
}

/// Applies one edit to row `k`'s draft and refreshes its errors.
pub(super) fn edit(s: &mut State, k: RowKey, e: Edit) {
    let Some(i) = s.rows.iter().position(|r| r.key == k) else {
        return;
    };
    let d = &mut s.rows[i].draft;
    let field = match e {
        Edit::Name(v) => {
            d.name = v;
            Field::Name
        }
        Edit::ExternalId(v) => {
            d.external_id = v;
            Field::ExternalId
        }
        Edit::Pipeline(v) => {
            d.pipeline_id = v;
            Field::Pipeline
        }
        Edit::Origin(v) => {
            d.origin_code = v;
            Field::OriginCode
        }
        Edit::PageName(p, v) => match d.pages.get_mut(p) {
            Some(page) => {
                page.name = v;
                Field::PageName(p)
            }
            None => return,
        },
        Edit::PageId(p, v) => match d.pages.get_mut(p) {
            Some(page) => {
                page.id = v;
                Field::PageId(p)
            }
            None => return,
        },
        Edit::PageLink(p, v) => match d.pages.get_mut(p) {
            Some(page) => {
                page.link = v;
                Field::PageLink(p)
            }
            None => return,
        },
        Edit::Waba(v) => {
            d.waba = v;
            Field::Row
        }
        Edit::ListMessage(v) => {
            d.list_message = v;
            Field::Row
        }
        Edit::AddPage => {
            d.pages.push(PageDraft::default());
            Field::Row
        }
        Edit::RemovePage(p) => {
            if p < d.pages.len() {
                d.pages.remove(p);
            }
            // Indexes moved: page errors no longer point at the right page.
            s.rows[i].errors.retain(|e| {
                !matches!(
                    e.field,
                    Field::PageName(_) | Field::PageId(_) | Field::PageLink(_)
                )
            });
            Field::Row
        }
    };
    // Validate as the user types: refresh the errors of the edited field and of fields
    // that already show one; untouched fields of a new row stay quiet until a save.
    let mut fresh = check::row(s, &s.rows[i]);
    let row = &mut s.rows[i];
    fresh.retain(|e| e.field == field || row.error(e.field).is_some());
    row.errors = fresh;
    edited(s, k);
}

/// After row `k` changed by hand: its "Saved" mark and the last outcome no longer describe
/// what is on screen, and "fix the marked fields" goes once no field is marked.
fn edited(s: &mut State, k: RowKey) {
    s.just_saved.retain(|x| *x != k);
    let stale = match s.status {
        Some((T::ErrFix, _)) => s.rows.iter().all(|r| r.errors.is_empty()),
        // The panel says it closes after the running save; that still holds.
        Some((T::ClosingAfterSave, _)) => false,
        Some(_) => true,
        None => false,
    };
    if stale {
        s.status = None;
    }
}

/// Drops a draft (or a row deleted elsewhere), or puts a saved row back as the server has it.
pub(super) fn revert(s: &mut State, k: RowKey) {
    let Some(i) = s.rows.iter().position(|r| r.key == k) else {
        return;
    };
    // A source known to be deleted elsewhere has no server copy to go back to.
    let gone = s.rows[i].errors.iter().any(|e| e.msg == T::ErrGone);
    match &s.rows[i].orig {
        None => {
            s.rows.remove(i);
        }
        Some(_) if gone => {
            s.rows.remove(i);
        }
        Some(o) => {
            let d = Draft::of(o);
            let r = &mut s.rows[i];
            r.draft = d;
            r.errors.clear();
        }
    }
    edited(s, k);
}

/// Opens or closes row `k`'s WhatsApp panel.
pub(super) fn toggle_wa(s: &mut State, k: RowKey) {
    if let Some(r) = s.row_mut(k) {
        r.wa_open = !r.wa_open;
    }
}
