//! Small builders every part of the view shares: buttons, error text, the quota bar, a
//! pipeline's label and the dialogs' shell.

use crate::app::action::Action;
use crate::app::check;
use crate::app::event::key_str;
use crate::app::node::{el, elc, kept, text, El, Node};
use crate::app::state::*;
use crate::i18n::{fill, Lang, T};

/// `names` joined by ", " (`[String]::join` brings a generic copier of about 1 KB of wasm).
pub(super) fn list_of(names: &[String]) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
    }
    out
}

/// A button with a translated label.
pub(super) fn btn(l: Lang, act: Action, label: T) -> El {
    el("button")
        .attr("type", "button")
        .class("ksm-btn")
        .act(act)
        .tr(l, label)
}

/// A small button with a translated label.
pub(super) fn small(l: Lang, act: Action, label: T) -> El {
    el("button")
        .attr("type", "button")
        .class("ksm-btn ksm-btn--s")
        .act(act)
        .tr(l, label)
}

/// Marks a button busy (in flight) and disabled.
pub(super) fn busy(b: El, on: bool) -> El {
    b.flag("disabled", on)
        .attr("aria-busy", if on { "true" } else { "false" })
}

/// `parts`, disabled as a whole (one `fieldset`) while an error no retry can fix stands, so
/// that what was typed stays in view but nothing offers a change that must fail.
pub(super) fn guarded(s: &State, parts: Vec<Node>) -> Vec<Node> {
    if s.blocked.is_none() {
        return parts;
    }
    vec![el("fieldset")
        .key("fs")
        .class("ksm-fs")
        .attr("disabled", "")
        .kids(parts)
        .into()]
}

/// A field error in the user's language (its field's limit where it says `{n}`), with the
/// server's words after it.
pub(super) fn localize_err(l: Lang, e: &FieldError) -> Node {
    let msg = l.t(e.msg);
    let mut s = elc("span", "ksm-err").attr("role", "alert");
    s = match check::max_len(e.field) {
        Some(n) if msg.contains("{n}") => s.txt(fill(msg, &[("n", &n.to_string())])),
        _ => s.txt(msg),
    };
    if let Some(d) = &e.detail {
        s = s.txt(" ").txt(d.clone());
    }
    s.into()
}

/// The id of the error on field `f` of row `k`, which the field names in `aria-describedby`.
pub(super) fn err_id(k: RowKey, f: Field) -> String {
    let field = match f {
        Field::Name => String::from("name"),
        Field::ExternalId => String::from("ext"),
        Field::Pipeline => String::from("pipe"),
        Field::OriginCode => String::from("origin"),
        Field::Default => String::from("default"),
        Field::PageName(i) => format!("pname{i}"),
        Field::PageId(i) => format!("pid{i}"),
        Field::PageLink(i) => format!("plink{i}"),
        Field::Row => String::from("row"),
    };
    String::from("ksm-e-") + &key_str(k) + "-" + &field
}

/// `control` and its error (if any) linked: the error gets its id, the control points at it
/// with `aria-describedby`, so the reason is read with the field.
pub(super) fn with_error(
    l: Lang,
    control: El,
    k: RowKey,
    e: Option<&FieldError>,
) -> (El, Option<Node>) {
    match e {
        Some(e) => {
            let id = err_id(k, e.field);
            let msg = match localize_err(l, e) {
                Node::El(span) => span.attr("id", id.clone()).into(),
                other => other,
            };
            (control.attr("aria-describedby", id), Some(msg))
        }
        None => (control, None),
    }
}

/// `input` with the `maxlength` of field `f`, so that the browser stops typing at the limit.
pub(super) fn limited(input: El, f: Field) -> El {
    match check::max_len(f) {
        Some(n) => input.attr("maxlength", kept(n.to_string())),
        None => input,
    }
}

/// The quota bar, only once the list was read: before that a count of 0 would be a guess.
pub(super) fn quota(s: &State) -> Option<Node> {
    if s.load != Load::Ready {
        return None;
    }
    let l = s.lang;
    let n = s.saved_count();
    let full = n >= s.limit;
    Some(
        el("span")
            .key("quota")
            .class(if full {
                "ksm-quota ksm-quota--full"
            } else {
                "ksm-quota"
            })
            .attr("data-quota", "")
            .tr(l, T::Quota)
            .kid(
                // Fewer is better: the meter turns amber near the limit and red at it.
                el("meter")
                    .attr("min", "0")
                    .attr("max", s.limit.to_string())
                    .attr("low", (s.limit * 4 / 5).to_string())
                    .attr("high", s.limit.saturating_sub(1).to_string())
                    .attr("optimum", "0")
                    .attr("value", n.to_string())
                    .attr("aria-hidden", "true"),
            )
            .kid(el("strong").txt(n.to_string() + " / " + &s.limit.to_string()))
            // Where there is an Add button, the reason stands beside it (`full_reason`).
            .opt(
                (full && s.mode == Mode::Settings)
                    .then(|| elc("span", "ksm-why").tr(l, T::QuotaFull).into()),
            )
            .into(),
    )
}

/// The id of the reason a full quota gives, which the disabled Add names.
pub(super) const FULL_ID: &str = "ksm-full";

/// "Add source", disabled with its reason in view beside it when the limit is reached.
pub(super) fn add_button(l: Lang, full: bool) -> Vec<Node> {
    let mut add = btn(l, Action::Add, T::Add)
        .key(Action::Add.as_str())
        .class("ksm-btn ksm-btn--p")
        .flag("disabled", full);
    if !full {
        return vec![add.into()];
    }
    add = add.attr("aria-describedby", FULL_ID);
    vec![
        add.into(),
        el("span")
            .key("why")
            .class("ksm-why")
            .attr("id", FULL_ID)
            .tr(l, T::QuotaFull)
            .into(),
    ]
}

/// The tag of the source Kommo created at install, with what that means on hover.
pub(super) fn install_tag(l: Lang) -> Node {
    elc("span", "ksm-tag")
        .attr("data-install", "")
        .attr("title", l.t(T::InstallSourceNote))
        .tr(l, T::InstallSource)
        .into()
}

/// A pipeline's name (tagged when archived), or its id when the account does not have it.
pub(super) fn pipeline_label(s: &State, id: u64) -> Vec<Node> {
    let l = s.lang;
    match s.pipeline(id) {
        Some(p) if p.is_archive => vec![
            text(p.name.clone()),
            elc("span", "ksm-tag ksm-tag--w").tr(l, T::Archived).into(),
        ],
        Some(p) => vec![text(p.name.clone())],
        None if !s.pipelines_ready => vec![],
        // The id too: "pipeline unknown pipeline" says nothing, "pipeline 42 (unknown
        // pipeline)" says which one the account does not have.
        None => vec![
            text(id.to_string()),
            text(" ("),
            text(l.t(T::UnknownPipeline)),
            text(")"),
        ],
    }
}

/// A modal dialog titled `title`; in the Digital Pipeline panel, which is the modal layer
/// there, a region of the panel.
pub(super) fn dialog_shell(s: &State, title: Vec<Node>, body: Vec<Node>) -> Node {
    let inline = s.mode == Mode::Pipeline;
    let label = title.iter().map(Node::text_content).collect::<String>();
    let mut shell = el("div");
    if inline {
        shell = shell.attr("role", "region");
    } else {
        shell = shell.attr("role", "dialog").attr("aria-modal", "true");
    }
    el("div")
        .key("dl")
        .class(if inline { "ksm-panel" } else { "ksm-dlg" })
        .kid(
            shell
                .attr("aria-label", label)
                .kid(el(if inline { "h3" } else { "h2" }).kids(title))
                .kids(body),
        )
        .into()
}
