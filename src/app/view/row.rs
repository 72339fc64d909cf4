//! One row of the table: its inputs, pipeline picker, default flag and actions.

use super::parts::{busy, install_tag, limited, localize_err, small, with_error};
use crate::app::action::{Action, Action as A};
use crate::app::event::{idx_str, key_str};
use crate::app::node::{el, elc, kept, El, Node, Str};
use crate::app::state::*;
use crate::i18n::{Lang, T};
use crate::traffic::SourceTraffic;

/// What every row's pipeline picker offers, worked out once per render: (id, value, label).
pub(super) type PipeOpts = Vec<(u64, Str, Str)>;

/// Works out the pipeline picker's options.
pub(super) fn pipe_opts(s: &State) -> PipeOpts {
    let l = s.lang;
    s.pipelines
        .iter()
        .map(|p| {
            let mut label = p.name.clone();
            if p.is_archive {
                label.push_str(" (");
                label.push_str(l.t(T::Archived));
                label.push(')');
            }
            (p.id, kept(p.id.to_string()), kept(label))
        })
        .collect()
}

/// The accessible name of a row's control: what it is, then the saved source's name, so
/// that 50 rows do not offer 50 controls of one name (a new row has no name yet).
pub(super) fn named(l: Lang, what: T, r: &Row) -> String {
    let mut s = String::from(l.t(what));
    if let Some(o) = &r.orig {
        s.push(' ');
        s.push_str(&o.name);
    }
    s
}

/// A labelled text input for a row field, with its error under it.
pub(super) fn field_input(
    l: Lang,
    r: &Row,
    act: Action,
    label: String,
    value: &str,
    f: Field,
    idx: Option<usize>,
) -> El {
    let e = r.error(f);
    let mut input = limited(elc("input", "ksm-in ksm-in--s"), f)
        .attr("type", "text")
        .act(act)
        .attr("aria-label", label)
        .attr("value", value.to_owned())
        .attr("aria-invalid", if e.is_some() { "true" } else { "false" });
    if let Some(i) = idx {
        input = input.attr("data-i", idx_str(i));
    }
    let (input, err) = with_error(l, input, r.key, e);
    el("label").kid(input).opt(err)
}

/// The table row of `r`, with its selection box when the table has bulk actions.
pub(super) fn row(
    s: &State,
    r: &Row,
    opts: &PipeOpts,
    bulk: bool,
    traffic: Option<&SourceTraffic>,
) -> Node {
    let l = s.lang;
    let k = key_str(r.key);
    let new = r.key_is_new();
    let dirty = r.dirty();
    let in_flight = s.running(|j| match j {
        Job::Create(ks) | Job::Save(ks) | Job::Reconcile(ks) => ks.contains(&r.key),
        Job::Default(x) => *x == r.key,
        Job::Delete(ids) => matches!(r.key, RowKey::Saved(id) if ids.contains(&id)),
        _ => false,
    });
    let pending = s
        .pending
        .as_ref()
        .is_some_and(|p| matches!(r.key, RowKey::Saved(id) if p.ids.contains(&id)));
    // Only this row's own request (or a 429 wait) locks its controls, so a save elsewhere
    // leaves this row's DOM alone; `update` still refuses a second change while one runs.
    let locked = in_flight || pending || s.countdown > 0;
    // Static texts, so that a row's template carries its class.
    let class = match (new, dirty, in_flight || pending) {
        (true, _, false) => "ksm-new",
        (true, _, true) => "ksm-new ksm-busy",
        (false, true, false) => "ksm-dirty",
        (false, true, true) => "ksm-dirty ksm-busy",
        (false, false, true) => "ksm-busy",
        (false, false, false) => "",
    };
    let name_label = r.draft.name.clone();

    let sel = el("td").kid(
        el("input")
            .attr("type", "checkbox")
            .class("ksm-chk")
            .act(A::Select)
            .attr(
                "aria-label",
                String::from(l.t(T::ColSelect)) + " " + &name_label,
            )
            .flag("checked", r.selected)
            .flag("disabled", new),
    );
    let name = el("td").kid(field_input(
        l,
        r,
        A::Name,
        named(l, T::ColName, r),
        &r.draft.name,
        Field::Name,
        None,
    ));
    let ext = if new {
        el("td").kid(field_input(
            l,
            r,
            A::Ext,
            named(l, T::ColExt, r),
            &r.draft.external_id,
            Field::ExternalId,
            None,
        ))
    } else {
        let install = r.orig.as_ref().is_some_and(|o| s.is_install_source(o));
        el("td")
            .kid(elc("span", "ksm-code").txt(r.draft.external_id.clone()))
            .opt(install.then(|| install_tag(l)))
    };
    // The Digital Pipeline panel is narrow: its rows keep name, external id, default and
    // actions, and the rest opens under the row ("Details").
    let compact = s.mode == Mode::Pipeline;
    let tline = traffic.map(|t| super::traffic::line(s, t));
    let (ext, tline) = if compact {
        (ext.opt(tline), None)
    } else {
        (ext, tline)
    };
    let pipe = el("td").kid(pipeline_select(s, r, opts)).opt(tline);
    let on = s.shown_default(r);
    let def = el("td").kid(
        el("input")
            .attr("type", "checkbox")
            .class("ksm-chk")
            .act(A::Default)
            .attr("aria-label", named(l, T::IsDefault, r))
            .attr(
                "title",
                l.t(if on { T::ClearDefault } else { T::MakeDefault }),
            )
            .flag("checked", on)
            .flag("disabled", !new && locked),
    );
    let origin = el("td").kid(field_input(
        l,
        r,
        A::Origin,
        named(l, T::ColOrigin, r),
        &r.draft.origin_code,
        Field::OriginCode,
        None,
    ));
    let pages_bad = r.errors.iter().any(|e| is_page(e.field));
    // One text node, not four: every node of a row is paid for 50 times on the first render.
    let wa = el("td").kid(
        el("button")
            .attr("type", "button")
            .class(if pages_bad {
                "ksm-btn ksm-btn--s ksm-btn--d"
            } else {
                "ksm-btn ksm-btn--s"
            })
            .act(A::Wa)
            .txt({
                let mut t = String::from(l.t(T::Pages));
                t.push_str(" (");
                t.push_str(&r.draft.pages.len().to_string());
                t.push(')');
                t
            })
            .attr("aria-expanded", if r.wa_open { "true" } else { "false" }),
    );
    let mut acts = elc("div", "ksm-acts");
    if compact {
        let bad = r.errors.iter().any(|e| in_details(e.field));
        acts = acts.kid(
            small(l, A::Wa, T::Details)
                .attr("aria-label", named(l, T::Details, r))
                .class(if bad {
                    "ksm-btn ksm-btn--s ksm-btn--d"
                } else {
                    "ksm-btn ksm-btn--s"
                })
                .attr(
                    "aria-expanded",
                    if details_shown(s, r) { "true" } else { "false" },
                ),
        );
    }
    if dirty {
        acts = acts.kid(busy(
            small(l, A::Save, if new { T::Create } else { T::Save })
                .attr(
                    "aria-label",
                    named(l, if new { T::Create } else { T::Save }, r),
                )
                .class("ksm-btn ksm-btn--s ksm-btn--p"),
            in_flight || s.saving(),
        ));
        if !new {
            acts =
                acts.kid(small(l, A::Revert, T::Revert).attr("aria-label", named(l, T::Revert, r)));
        }
    }
    if !new {
        acts = acts.kid(small(l, A::Copy, T::Snippet).attr("aria-label", named(l, T::Snippet, r)));
    }
    if !new && s.relay && s.mode == Mode::Advanced {
        acts = acts
            .kid(small(l, A::History, T::HistTitle).attr("aria-label", named(l, T::HistTitle, r)));
    }
    acts = acts.kid(
        small(l, A::Delete, if new { T::Remove } else { T::Delete })
            .attr(
                "aria-label",
                named(l, if new { T::Remove } else { T::Delete }, r),
            )
            .class("ksm-btn ksm-btn--s ksm-btn--d")
            .flag("disabled", !new && locked),
    );
    // Said on the row as well: the status line may be far from a row low on the page.
    if !dirty && s.just_saved.contains(&r.key) {
        acts = acts.kid(
            elc("span", "ksm-ok ksm-saved")
                .attr("data-saved", "")
                .tr(l, T::RowSaved),
        );
    }
    let mut acts_td = el("td").kid(acts);
    if let Some(e) = r.error(Field::Row) {
        acts_td = acts_td.kid(localize_err(l, e));
    }
    if let Some(e) = r.error(Field::Default) {
        acts_td = acts_td.kid(localize_err(l, e));
    }
    el("tr")
        .key(k.clone())
        .attr("data-k", k)
        .class(class)
        .opt(bulk.then(|| sel.into()))
        .kid(name)
        .kid(ext)
        .kids((!compact).then(|| pipe.into()))
        .kid(def)
        .kids((!compact).then(|| origin.into()))
        .kids((!compact).then(|| wa.into()))
        .kid(acts_td)
        .into()
}

/// Whether `f` is a field of a WhatsApp page.
fn is_page(f: Field) -> bool {
    matches!(
        f,
        Field::PageName(_) | Field::PageId(_) | Field::PageLink(_)
    )
}

/// Whether `f` is shown under the row in the panel rather than in it.
fn in_details(f: Field) -> bool {
    is_page(f) || matches!(f, Field::Pipeline | Field::OriginCode)
}

/// Whether the part under row `r` is shown: opened by the admin, or, in the panel, holding
/// an error that must be seen to be fixed.
pub(super) fn details_shown(s: &State, r: &Row) -> bool {
    r.wa_open || (s.mode == Mode::Pipeline && r.errors.iter().any(|e| in_details(e.field)))
}

/// The row's pipeline picker; busy while the pipelines load.
pub(super) fn pipeline_select(s: &State, r: &Row, opts: &PipeOpts) -> El {
    let l = s.lang;
    let mut sel = elc("select", "ksm-in ksm-in--s")
        .act(A::Pipe)
        .attr("aria-label", named(l, T::ColPipeline, r));
    if !s.pipelines_ready && s.running(|j| *j == Job::Pipelines) {
        // Names still loading: nothing to pick yet, and "unknown pipeline" would be wrong.
        let current = r.draft.pipeline_id.to_string();
        return el("label").kid(
            busy(
                sel.kid(el("option").attr("value", current.clone()).txt("…")),
                true,
            )
            .attr("value", current),
        );
    }
    let mut known = false;
    for (id, value, label) in opts {
        known |= *id == r.draft.pipeline_id;
        sel = sel.kid(el("option").attr("value", value.clone()).txt(label.clone()));
    }
    let current = r.draft.pipeline_id.to_string();
    if !known {
        // Named by its id, as in `pipeline_label`, so the admin can tell which one is gone.
        let label = format!("{current} ({})", l.t(T::UnknownPipeline));
        sel = sel.kid(el("option").attr("value", current.clone()).txt(label));
    }
    let e = r.error(Field::Pipeline);
    sel = sel
        .attr("value", current)
        .attr("aria-invalid", if e.is_some() { "true" } else { "false" });
    let (sel, err) = with_error(l, sel, r.key, e);
    let archived = s
        .pipeline(r.draft.pipeline_id)
        .is_some_and(|p| p.is_archive);
    el("label")
        .kid(sel)
        .opt(archived.then(|| elc("span", "ksm-tag ksm-tag--w").tr(l, T::Archived).into()))
        .opt(err)
}
