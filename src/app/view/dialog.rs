//! The dialogs: the delete confirmation and the import plan, and which one is open.

use super::add::add_source;
use super::parts::{btn, dialog_shell, install_tag};
use crate::app::action::Action as A;
use crate::app::changes;
use crate::app::import::PipelineMap;
use crate::app::node::{el, elc, text, Node};
use crate::app::state::*;
use crate::i18n::{fill, Plural, T};

/// The open dialog, if any.
pub(super) fn dialog(s: &State) -> Option<Node> {
    Some(match s.dialog.as_ref()? {
        Dialog::ConfirmDelete(ids) => confirm_delete(s, ids),
        Dialog::Import(plan) => import(s, plan),
        Dialog::AddSource {
            pipeline_id,
            move_id,
            draft,
            done,
        } => add_source(s, *pipeline_id, *move_id, *draft, *done),
        Dialog::Snippet { key, copied, test } => super::snippet::snippet(s, *key, copied, test),
        Dialog::Discard => discard(s),
        Dialog::RevertConflict { entry, current } => {
            super::history_fields::conflict(s, *entry, current)
        }
    })
}

/// Asks to confirm deleting `ids`, listing them.
fn confirm_delete(s: &State, ids: &[u64]) -> Node {
    let l = s.lang;
    let mut ul = el("ul");
    let mut install = false;
    for id in ids {
        if let Some(o) = s.row(RowKey::Saved(*id)).and_then(|r| r.orig.as_ref()) {
            let is_install = s.is_install_source(o);
            install |= is_install;
            ul = ul.kid(
                el("li")
                    .txt(o.name.clone())
                    .txt(" · ")
                    .kid(elc("span", "ksm-code").txt(o.external_id.clone()))
                    .opt(is_install.then(|| install_tag(l))),
            );
        }
    }
    let mut body: Vec<Node> = vec![
        ul.into(),
        elc("p", "ksm-note").tr(l, T::ConfirmDeleteNote).into(),
    ];
    if install {
        body.push(elc("p", "ksm-note").tr(l, T::InstallSourceNote).into());
    }
    body.push(
        elc("div", "ksm-bar")
            .kid(
                btn(l, A::Confirm, T::Delete)
                    .class("ksm-btn ksm-btn--p")
                    .attr("data-first", ""),
            )
            .kid(btn(l, A::Close, T::Cancel))
            .into(),
    );
    let confirm = Plural {
        one: T::ConfirmDelete_one,
        other: T::ConfirmDelete_other,
    };
    let title = l.count(confirm, ids.len());
    dialog_shell(s, vec![text(title)], body)
}

/// Asks before the panel closes on unsaved changes; keeping them is the first choice.
fn discard(s: &State) -> Node {
    let l = s.lang;
    let body = vec![
        elc("p", "ksm-note").tr(l, T::DiscardNote).into(),
        elc("div", "ksm-bar")
            .kid(
                btn(l, A::Close, T::KeepEditing)
                    .class("ksm-btn ksm-btn--p")
                    .attr("data-first", ""),
            )
            .kid(btn(l, A::Discard, T::Discard).class("ksm-btn ksm-btn--d"))
            .into(),
    ];
    dialog_shell(s, vec![text(l.t(T::DiscardTitle))], body)
}

/// What an import would create and update, with its apply button.
fn import(s: &State, plan: &ImportPlan) -> Node {
    let l = s.lang;
    let mut body = Vec::new();
    if !plan.maps.is_empty() {
        let mut ul = elc("ul", "ksm-pipemap").attr("data-pipe-maps", "");
        for m in &plan.maps {
            ul = ul.kid(pipeline_map(s, m));
        }
        body.push(ul.into());
    }
    if plan.create.is_empty() && plan.update.is_empty() && plan.skipped.is_empty() {
        body.push(el("p").tr(l, T::ImportNothing).into());
    }
    if !plan.create.is_empty() {
        let mut ul = el("ul").attr("data-create", "");
        for n in &plan.create {
            ul = ul.kid(
                el("li")
                    .txt(n.name.clone())
                    .txt(" · ")
                    .kid(elc("span", "ksm-code").txt(n.external_id.clone())),
            );
        }
        body.push(
            el("p")
                .tr(l, T::ImportCreate)
                .txt(" ")
                .txt(plan.create.len().to_string())
                .into(),
        );
        body.push(ul.into());
    }
    if !plan.update.is_empty() {
        // Each update field by field, old → new, as it will be sent.
        let mut ul = el("ul").attr("data-update", "");
        for (o, p) in plan.update_from.iter().zip(&plan.update) {
            let mut fields = elc("ul", "ksm-changes");
            for c in changes::between(s, o, &p.apply(o)) {
                fields = fields.kid(
                    el("li")
                        .txt(l.t(c.field))
                        .txt(": ")
                        .kid(elc("span", "ksm-was").txt(c.was))
                        .txt(" → ")
                        .kid(el("strong").txt(c.now)),
                );
            }
            ul = ul.kid(el("li").kid(el("strong").txt(o.name.clone())).kid(fields));
        }
        body.push(
            el("p")
                .tr(l, T::ImportUpdate)
                .txt(" ")
                .txt(plan.update.len().to_string())
                .into(),
        );
        body.push(ul.into());
    }
    if !plan.skipped.is_empty() {
        body.push(
            elc("p", "ksm-note")
                .attr("data-skipped", "")
                .tr(l, T::ImportSkipped)
                .txt(" ")
                .txt(plan.skipped.join(", "))
                .into(),
        );
    }
    body.push(
        elc("p", "ksm-note")
            .tr(l, T::ImportSame)
            .txt(" ")
            .txt(plan.unchanged.to_string())
            .into(),
    );
    let nothing = plan.create.is_empty() && plan.update.is_empty();
    body.push(
        elc("div", "ksm-bar")
            .kid(
                btn(l, A::Apply, T::ImportApply)
                    .class("ksm-btn ksm-btn--p")
                    .attr("data-first", "")
                    .flag("disabled", nothing || s.saving()),
            )
            .kid(btn(l, A::Close, T::Cancel))
            .into(),
    );
    dialog_shell(s, vec![text(l.t(T::ImportTitle))], body)
}

/// A pipeline of the file that this account does not have: where its items go, matched by
/// name or picked here, or that they are skipped.
fn pipeline_map(s: &State, m: &PipelineMap) -> Node {
    let l = s.lang;
    let from = m.from.to_string();
    let id = String::from("ksm-imp-pipe-") + &from;
    let said = match &m.name {
        Some(name) => fill(l.t(T::ImportPipeNamed), &[("id", &from), ("name", name)]),
        None => fill(l.t(T::ImportPipeFrom), &[("id", &from)]),
    };
    let skip = fill(l.t(T::ImportPipeSkip), &[("n", &m.items.to_string())]);
    let mut sel = elc("select", "ksm-in ksm-in--s")
        .attr("id", id.clone())
        .act(A::ImportPipe)
        .attr("data-i", from.clone())
        .kid(el("option").attr("value", "0").txt(skip));
    for p in s
        .pipelines
        .iter()
        .filter(|p| !p.is_archive || m.to == Some(p.id))
    {
        sel = sel.kid(
            el("option")
                .attr("value", p.id.to_string())
                .txt(p.name.clone() + " (" + &p.id.to_string() + ")"),
        );
    }
    sel = sel.attr("value", m.to.unwrap_or(0).to_string());
    let note = match m.to.and_then(|to| s.pipeline(to)) {
        Some(p) if m.name.as_deref().map(|n| fold(n.trim())) == Some(fold(p.name.trim())) => {
            Some(elc("span", "ksm-note").tr(l, T::ImportPipeByName))
        }
        Some(_) => None,
        None => Some(
            elc("span", "ksm-err")
                .attr("data-pipe-missing", "")
                .txt(fill(l.t(T::ImportPipeMissing), &[("id", &from)])),
        ),
    };
    el("li")
        .attr("data-pipe-map", from)
        .kid(el("label").attr("for", id).txt(said))
        .txt(" ")
        .kid(sel)
        .txt(" ")
        .opt(note.map(Node::from))
        .into()
}
