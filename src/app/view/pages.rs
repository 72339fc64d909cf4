//! A row's WhatsApp panel: its pages (name, id, link with a preview) and its flags.

use super::parts::{small, with_error};
use super::row::{field_input, named, pipeline_select, PipeOpts};
use crate::app::action::Action as A;
use crate::app::check;
use crate::app::event::{idx_str, key_str};
use crate::app::node::{el, elc, El, Node};
use crate::app::state::*;
use crate::i18n::T;

/// The table row under `r` with its WhatsApp pages, spanning the table's `cols` columns;
/// in the Digital Pipeline panel also the pipeline picker and origin code the row leaves out.
pub(super) fn wa_row(s: &State, r: &Row, cols: &'static str, opts: &PipeOpts) -> Node {
    let l = s.lang;
    let k = key_str(r.key);
    let mut grid = elc("div", "ksm-pages");
    if !r.draft.pages.is_empty() {
        for t in [T::PageName, T::PageId, T::PageLink] {
            grid = grid.kid(elc("span", "ksm-note").attr("aria-hidden", "true").tr(l, t));
        }
        grid = grid.kid(el("span"));
    }
    for (i, p) in r.draft.pages.iter().enumerate() {
        let f = |act, label, v: &str, f| {
            let e = r.error(f);
            let input = elc("input", "ksm-in ksm-in--s")
                .attr("type", "text")
                .act(act)
                .attr("data-i", idx_str(i))
                .attr("aria-label", label)
                .attr("placeholder", label)
                .attr("value", v.to_owned())
                .attr("aria-invalid", if e.is_some() { "true" } else { "false" });
            let (input, err) = with_error(l, input, r.key, e);
            el("label").kid(input).opt(err)
        };
        let preview = check::wa_link(&p.link);
        grid = grid
            .kid(f(
                A::PageName,
                l.t(T::PageName),
                &p.name,
                Field::PageName(i),
            ))
            .kid(f(A::PageId, l.t(T::PageId), &p.id, Field::PageId(i)))
            .kid(
                f(A::PageLink, l.t(T::PageLink), &p.link, Field::PageLink(i)).opt(preview.map(
                    |u| {
                        elc("span", "ksm-note ksm-code")
                            .attr("data-wa", "")
                            .tr(l, T::WaPreview)
                            .txt(" ")
                            .txt(u)
                            .into()
                    },
                )),
            )
            .kid(
                small(l, A::RemovePage, T::Remove)
                    .attr("data-i", idx_str(i))
                    .class("ksm-btn ksm-btn--s ksm-btn--d"),
            );
    }
    let flags = elc("div", "ksm-bar")
        .kid(small(l, A::AddPage, T::AddPage))
        .kid(
            el("label")
                .kid(
                    el("input")
                        .attr("type", "checkbox")
                        .act(A::Waba)
                        .flag("checked", r.draft.waba),
                )
                .txt(" ")
                .tr(l, T::Waba),
        )
        .kid(
            el("label")
                .kid(
                    el("input")
                        .attr("type", "checkbox")
                        .act(A::ListMsg)
                        .flag("checked", r.draft.list_message),
                )
                .txt(" ")
                .tr(l, T::ListMsg),
        );
    let wk = String::from("w") + &k;
    let details = (s.mode == Mode::Pipeline).then(|| {
        // Visible names, read by sight; the controls carry their own accessible names.
        let labelled = |t: T, control: El| -> Node {
            elc("div", "ksm-field")
                .kid(el("span").attr("aria-hidden", "true").tr(l, t))
                .kid(control)
                .into()
        };
        elc("div", "ksm-details")
            .kid(labelled(T::ColPipeline, pipeline_select(s, r, opts)))
            .kid(labelled(
                T::ColOrigin,
                field_input(
                    l,
                    r,
                    A::Origin,
                    named(l, T::ColOrigin, r),
                    &r.draft.origin_code,
                    Field::OriginCode,
                    None,
                ),
            ))
            .into()
    });
    el("tr")
        .key(wk)
        .class("ksm-wa")
        .attr("data-k", k)
        .kid(
            el("td")
                .attr("colspan", cols)
                .opt(details)
                .kid(
                    el("strong")
                        .tr(l, T::ColWa)
                        .txt(" · ")
                        .txt(r.draft.name.clone()),
                )
                .kid(grid)
                .kid(flags),
        )
        .into()
}
