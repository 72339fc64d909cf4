//! The add-source dialog (Digital Pipeline): a new source's form, or moving an existing
//! source into the pipeline.

use super::parts::{btn, busy, dialog_shell, limited, localize_err, pipeline_label, with_error};
use crate::app::action::Action as A;
use crate::app::event::key_str;
use crate::app::node::{el, elc, text, Node};
use crate::app::state::*;
use crate::i18n::T;
use crate::model::Source;

/// The add-source dialog for `pipeline_id`, or its "done" note.
pub(super) fn add_source(
    s: &State,
    pipeline_id: u64,
    move_id: u64,
    draft: RowKey,
    done: bool,
) -> Node {
    let l = s.lang;
    let pname: Vec<Node> = pipeline_label(s, pipeline_id);
    let mut title = vec![text(l.t(T::AddTitle)), text(" ")];
    title.extend(pname.clone());
    if done {
        let mut p = elc("p", "ksm-ok")
            .attr("data-done", "")
            .tr(l, T::AddDone)
            .txt(" ");
        p = p.kids(pname);
        return dialog_shell(
            s,
            title,
            vec![
                p.into(),
                elc("div", "ksm-bar")
                    .kid(
                        btn(l, A::Close, T::Close)
                            .class("ksm-btn ksm-btn--p")
                            .attr("data-first", ""),
                    )
                    .into(),
            ],
        );
    }
    let saving = s.saving();
    let mut body = Vec::new();
    if let Some(r) = s.row(draft) {
        let field = |act, label: T, v: &str, f: Field, first: bool| -> Node {
            let e = r.error(f);
            let mut input = limited(elc("input", "ksm-in"), f)
                .attr("type", "text")
                .act(act)
                .attr("value", v.to_owned())
                .attr("aria-invalid", if e.is_some() { "true" } else { "false" });
            if first {
                input = input.attr("data-first", "");
            }
            let (input, err) = with_error(l, input, draft, e);
            elc("label", "ksm-field")
                .kid(el("span").tr(l, label))
                .kid(input)
                .opt(err)
                .into()
        };
        let mut form = el("div")
            .attr("data-k", key_str(draft))
            .kid(elc("h3", "ksm-note").tr(l, T::AddNew))
            .kid(field(A::Name, T::ColName, &r.draft.name, Field::Name, true))
            .kid(field(
                A::Ext,
                T::ColExt,
                &r.draft.external_id,
                Field::ExternalId,
                false,
            ))
            .kid(field(
                A::Origin,
                T::ColOrigin,
                &r.draft.origin_code,
                Field::OriginCode,
                false,
            ));
        if let Some(e) = r.error(Field::Row) {
            form = form.kid(localize_err(l, e));
        }
        // The form's buttons side by side, as in the host's own dialogs.
        form = form.kid(
            elc("div", "ksm-bar ksm-bar--end")
                .kid(busy(
                    btn(l, A::Save, T::Create).class("ksm-btn ksm-btn--p"),
                    saving,
                ))
                .kid(btn(l, A::Close, T::Cancel)),
        );
        body.push(form.into());
    }
    let movable: Vec<&Source> = s
        .rows
        .iter()
        .filter_map(|r| r.orig.as_ref())
        .filter(|o| o.pipeline_id != pipeline_id)
        .collect();
    if !movable.is_empty() {
        let mut sel = elc("select", "ksm-in")
            .act(A::Choose)
            .kid(el("option").attr("value", "0").tr(l, T::ChooseSource));
        for o in movable {
            sel = sel.kid(
                el("option")
                    .attr("value", o.id.to_string())
                    .txt(o.name.clone() + " · " + &o.external_id),
            );
        }
        sel = sel.attr("value", move_id.to_string());
        // The picker and its button on one line.
        body.push(
            elc("div", "ksm-bar ksm-move")
                .kid(
                    elc("label", "ksm-field ksm-grow")
                        .kid(el("span").tr(l, T::AddMove))
                        .kid(sel),
                )
                .kid(
                    busy(btn(l, A::Move, T::MoveBtn), saving)
                        .flag("disabled", move_id == 0 || saving),
                )
                .into(),
        );
    }
    if s.row(draft).is_none() {
        body.push(
            elc("div", "ksm-bar")
                .kid(btn(l, A::Close, T::Cancel))
                .into(),
        );
    }
    dialog_shell(s, title, body)
}
