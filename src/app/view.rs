//! The wanted DOM for a state: pure, so it is built and checked natively.
//!
//! Every user or server string goes into a text node or an attribute value, never markup.

use super::action::{Action, Action as A};
use super::check;
use super::event::{idx_str, key_str};
use super::node::{el, elc, text, El, Node};
use super::state::*;
use crate::i18n::{Lang, T};
use crate::model::Source;

/// `names` joined by ", " (`[String]::join` brings a generic copier of about 1 KB of wasm).
fn list_of(names: &[String]) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
    }
    out
}

/// What every row's pipeline picker offers, worked out once per render: (id, value, label).
type PipeOpts = Vec<(u64, String, String)>;

fn pipe_opts(s: &State) -> PipeOpts {
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
            (p.id, p.id.to_string(), label)
        })
        .collect()
}

fn btn(l: Lang, act: Action, label: T) -> El {
    el("button")
        .attr("type", "button")
        .class("ksm-btn")
        .act(act)
        .tr(l, label)
}

fn small(l: Lang, act: Action, label: T) -> El {
    el("button")
        .attr("type", "button")
        .class("ksm-btn ksm-btn--s")
        .act(act)
        .tr(l, label)
}

/// Marks a button busy (in flight) and disabled.
fn busy(b: El, on: bool) -> El {
    b.flag("disabled", on)
        .attr("aria-busy", if on { "true" } else { "false" })
}

/// The whole widget for `s`.
pub fn view(s: &State) -> Node {
    let l = s.lang;
    let body = match s.mode {
        Mode::Settings => settings(s),
        Mode::Advanced => manager(s),
        Mode::AddSource => {
            if s.load == Load::Loading {
                vec![el("p")
                    .key("load")
                    .class("ksm-note")
                    .tr(l, T::Loading)
                    .into()]
            } else if s.dialog.is_none() {
                vec![btn(l, A::Add, T::Add)
                    .key(A::Add.as_str())
                    .class("ksm-btn ksm-btn--p")
                    .into()]
            } else {
                Vec::new()
            }
        }
    };
    // Keyed parts: a banner or a loading note coming or going must not rebuild (and so
    // unfocus) the parts after it, such as an open dialog.
    // Every part builds itself with its key.
    elc("div", "ksm-app")
        .kid(live_status(s))
        .opt(banner(s))
        .kids(body)
        .opt(toast(s))
        .opt(dialog(s))
        .into()
}

fn live_status(s: &State) -> Node {
    let l = s.lang;
    let mut p = el("p")
        .key("st")
        .class("ksm-note")
        .attr("aria-live", "polite")
        .attr("data-status", "");
    if s.saving() && s.countdown == 0 && s.pending.is_none() {
        p = p.tr(l, T::Saving);
    } else if let Some((m, n)) = s.status {
        p = p.tr(l, m);
        if n > 0 {
            p = p.txt(" ").txt(n.to_string());
        }
    }
    p.into()
}

fn banner(s: &State) -> Option<Node> {
    let l = s.lang;
    let b = s.banner.as_ref()?;
    let mut p = el("p").tr(l, b.msg);
    if s.countdown > 0 {
        p = p.txt(" ").kid(
            el("strong")
                .attr("data-countdown", "")
                .txt(s.countdown.to_string()),
        );
    }
    if let Some(d) = &b.detail {
        p = p.txt(" (").txt(d.clone()).txt(")");
    }
    let mut div = el("div")
        .key("bn")
        .class(if b.error {
            "ksm-banner ksm-banner--e"
        } else {
            "ksm-banner"
        })
        .attr("role", "alert")
        .kid(p);
    if b.retry && s.retry.is_some() {
        div = div.kid(btn(l, A::Retry, T::Retry).class("ksm-btn ksm-btn--p"));
    }
    Some(div.into())
}

/// The quota bar, only once the list was read: before that a count of 0 would be a guess.
fn quota(s: &State) -> Option<Node> {
    if s.load != Load::Ready {
        return None;
    }
    let l = s.lang;
    let n = s.saved_count();
    let full = n >= s.limit;
    Some(
        el("span")
            .class(if full {
                "ksm-quota ksm-quota--full"
            } else {
                "ksm-quota"
            })
            .attr("data-quota", "")
            .tr(l, T::Quota)
            .kid(
                el("meter")
                    .attr("min", "0")
                    .attr("max", s.limit.to_string())
                    .attr("value", n.to_string())
                    .attr("aria-hidden", "true"),
            )
            .kid(el("strong").txt(n.to_string() + " / " + &s.limit.to_string()))
            .opt(full.then(|| elc("span", "ksm-sr").tr(l, T::QuotaFull).into()))
            .into(),
    )
}

fn settings(s: &State) -> Vec<Node> {
    let l = s.lang;
    let testing = s.running(|j| *j == Job::Test);
    let result = match &s.conn {
        Conn::Unknown => None,
        Conn::Ok(n) => Some(
            elc("span", "ksm-ok")
                .attr("data-conn", "ok")
                .tr(l, T::ConnOk)
                .txt(" ")
                .txt(n.to_string())
                .into(),
        ),
        Conn::Failed(m) => Some(
            elc("span", "ksm-err")
                .attr("data-conn", "failed")
                .tr(l, *m)
                .into(),
        ),
    };
    let mut list = elc("ul", "ksm-compact").attr("aria-label", l.t(T::Title));
    for r in s.rows.iter().filter(|r| r.orig.is_some()) {
        let o = r.orig.as_ref().map_or(&r.draft.name, |o| &o.name);
        let ext = r
            .orig
            .as_ref()
            .map_or(&r.draft.external_id, |o| &o.external_id);
        let mut li = el("li")
            .key(key_str(r.key))
            .kid(el("span").txt(o.clone()))
            .kid(elc("span", "ksm-code").txt(ext.clone()))
            .kid(elc("span", "ksm-note").kids(pipeline_label(s, r.draft.pipeline_id)));
        if r.orig.as_ref().is_some_and(Source::is_default) {
            li = li.kid(elc("span", "ksm-tag").tr(l, T::IsDefault));
        }
        list = list.kid(li);
    }
    vec![
        el("p")
            .key("s0")
            .class("ksm-note")
            .tr(l, T::ConnHint)
            .into(),
        el("div")
            .key("s1")
            .class("ksm-bar")
            .kid(busy(
                btn(l, A::Test, T::Test).class("ksm-btn ksm-btn--p"),
                testing,
            ))
            .opt(result)
            .into(),
        el("div").key("s2").class("ksm-bar").opt(quota(s)).into(),
        list.key("s3").into(),
        el("p")
            .key("s4")
            .class("ksm-note")
            .tr(l, T::ManageHint)
            .into(),
    ]
}

fn pipeline_label(s: &State, id: u64) -> Vec<Node> {
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

fn manager(s: &State) -> Vec<Node> {
    let l = s.lang;
    let saving = s.saving();
    let drafts = s.rows.iter().filter(|r| r.key_is_new()).count();
    let dirty = s
        .rows
        .iter()
        .filter(|r| !r.key_is_new() && r.dirty())
        .count();
    let selected = s.rows.iter().filter(|r| r.selected).count();
    let full = s.saved_count() + drafts >= s.limit;
    let creating = s.running(|j| matches!(j, Job::Create(_)));
    let saving_rows = s.running(|j| matches!(j, Job::Save(_)));
    let deleting = s.running(|j| matches!(j, Job::Delete(_)));

    let search = elc("input", "ksm-in")
        .attr("type", "search")
        .act(A::Search)
        .attr("aria-label", l.t(T::Search))
        .attr("placeholder", l.t(T::Search))
        .attr("value", s.search.clone());
    let lookup = elc("input", "ksm-in")
        .attr("type", "search")
        .act(A::Lookup)
        .attr("aria-label", l.t(T::Lookup))
        .attr("placeholder", l.t(T::Lookup))
        .attr("value", s.lookup.clone());
    let looking = s.running(|j| *j == Job::Lookup);
    let top = el("div")
        .key("top")
        .class("ksm-bar")
        .kid(elc("div", "ksm-grow").kid(search))
        .kid(elc("div", "ksm-grow").kid(lookup))
        .kid(busy(btn(l, A::LookupGo, T::LookupGo), looking))
        .opt(quota(s));

    // Keyed by action: a button appearing before the others must not shift their roles.
    let mut actions = el("div").key("acts").class("ksm-bar").kid(
        btn(l, A::Add, T::Add)
            .key(A::Add.as_str())
            .class("ksm-btn ksm-btn--p")
            .flag("disabled", full),
    );
    if drafts > 0 {
        actions = actions.kid(
            busy(
                btn(l, A::CreateAll, T::CreateN)
                    .key(A::CreateAll.as_str())
                    .txt(" (")
                    .txt(drafts.to_string())
                    .txt(")"),
                creating,
            )
            .flag("disabled", saving && !creating),
        );
    }
    if dirty > 0 {
        actions = actions.kid(
            busy(
                btn(l, A::SaveAll, T::SaveN)
                    .key(A::SaveAll.as_str())
                    .txt(" (")
                    .txt(dirty.to_string())
                    .txt(")"),
                saving_rows,
            )
            .flag("disabled", saving && !saving_rows),
        );
    }
    if selected > 0 {
        actions = actions.kid(busy(
            btn(l, A::DeleteSelected, T::DeleteSel)
                .key(A::DeleteSelected.as_str())
                .class("ksm-btn ksm-btn--d")
                .txt(" (")
                .txt(selected.to_string())
                .txt(")"),
            deleting || saving,
        ));
    }
    let file = el("input")
        .attr("type", "file")
        .attr("accept", "application/json,.json")
        .class("ksm-sr")
        .act(A::Import);
    actions = actions
        .kid(el("span").key("grow").class("ksm-grow"))
        // A refresh is harmless to repeat (a second click while one runs is ignored), so it
        // shows no busy state: an unchanged refresh leaves the DOM untouched.
        .kid(btn(l, A::Refresh, T::Refresh).key(A::Refresh.as_str()))
        .kid(
            btn(l, A::Export, T::Export)
                .key(A::Export.as_str())
                .flag("disabled", s.load != Load::Ready),
        )
        .kid(
            el("label")
                .key(A::Import.as_str())
                .class("ksm-btn")
                .attr("aria-disabled", if saving { "true" } else { "false" })
                .kid(file)
                .tr(l, T::Import),
        );

    let mut out: Vec<Node> = vec![top.into(), actions.into()];
    if let Some(e) = &s.import_error {
        let mut p = el("p")
            .key("ierr")
            .class("ksm-err")
            .attr("role", "alert")
            .attr("data-import-error", "")
            .tr(l, e.msg);
        if let Some(d) = &e.detail {
            p = p.txt(" ").txt(d.clone());
        }
        out.push(p.into());
    }
    if let Some(r) = &s.lookup_result {
        let mut p = el("div")
            .key("look")
            .class("ksm-banner")
            .attr("data-lookup", "");
        match r {
            LookupResult::Missing => p = p.kid(el("p").tr(l, T::LookupMissing)),
            LookupResult::Found(list) => {
                let mut ul = el("p").tr(l, T::LookupFound);
                for x in list {
                    ul = ul
                        .txt(" ")
                        .kid(el("strong").txt(x.name.clone()))
                        .txt(" · ")
                        .kid(elc("span", "ksm-code").txt(x.external_id.clone()))
                        .txt(" · #")
                        .txt(x.id.to_string());
                }
                p = p.kid(ul);
            }
        }
        out.push(p.into());
    }
    // The list does not wait for the pipelines: until their names are in, each picker
    // holds only the row's own pipeline, disabled and marked busy (see `pipeline_select`).
    if s.load == Load::Loading {
        out.push(
            el("p")
                .key("load")
                .class("ksm-note")
                .tr(l, T::Loading)
                .into(),
        );
        return out;
    }
    out.push(table(s));
    out
}

fn sort_btn(s: &State, act: Action, by: SortBy, label: T) -> Node {
    let dir = match (s.sort == by, s.sort_desc) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    el("button")
        .attr("type", "button")
        .class("ksm-sort")
        .act(act)
        .attr("aria-sort", dir)
        .txt(s.lang.t(label))
        .into()
}

fn table(s: &State) -> Node {
    let l = s.lang;
    let rows = s.visible();
    let saved_visible: Vec<&&Row> = rows.iter().filter(|r| r.orig.is_some()).collect();
    let all_sel = !saved_visible.is_empty() && saved_visible.iter().all(|r| r.selected);
    let head = el("thead").kid(
        el("tr")
            .kid(
                el("th").kid(
                    el("input")
                        .attr("type", "checkbox")
                        .class("ksm-chk")
                        .act(A::SelectAll)
                        .attr("aria-label", l.t(T::SelectAll))
                        .flag("checked", all_sel),
                ),
            )
            .kid(el("th").kid(sort_btn(s, A::SortName, SortBy::Name, T::ColName)))
            .kid(el("th").kid(sort_btn(s, A::SortExt, SortBy::ExternalId, T::ColExt)))
            .kid(el("th").tr(l, T::ColPipeline))
            .kid(el("th").tr(l, T::ColDefault))
            .kid(el("th").tr(l, T::ColOrigin))
            .kid(el("th").tr(l, T::ColWa))
            .kid(el("th").tr(l, T::ColActions)),
    );
    let opts = pipe_opts(s);
    let mut body = el("tbody");
    for r in &rows {
        body = body.kid(row(s, r, &opts));
        if r.wa_open {
            body = body.kid(wa_row(s, r));
        }
    }
    let mut wrap = el("div").key("tbl").class("ksm-wrap").kid(
        elc("table", "ksm-table")
            .attr("aria-label", l.t(T::Title))
            .kid(head)
            .kid(body),
    );
    // After a failed first load the list is unknown, not empty: the banner says why.
    if rows.is_empty() && s.load == Load::Ready {
        let m = if s.rows.is_empty() {
            T::Empty
        } else {
            T::NoMatch
        };
        wrap = wrap.kid(elc("p", "ksm-empty").tr(l, m));
    }
    wrap.into()
}

/// A labelled text input for a row field, with its error under it.
fn field_input(
    l: Lang,
    r: &Row,
    act: Action,
    label: &'static str,
    value: &str,
    f: Field,
    idx: Option<usize>,
) -> El {
    let e = r.error(f);
    let mut input = elc("input", "ksm-in ksm-in--s")
        .attr("type", "text")
        .act(act)
        .attr("aria-label", label)
        .attr("value", value.to_owned())
        .attr("aria-invalid", if e.is_some() { "true" } else { "false" });
    if let Some(i) = idx {
        input = input.attr("data-i", idx_str(i));
    }
    el("label").kid(input).opt(e.map(|e| localize_err(l, e)))
}

fn row(s: &State, r: &Row, opts: &PipeOpts) -> Node {
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
    let mut class = String::new();
    if new {
        class.push_str("ksm-new ");
    } else if dirty {
        class.push_str("ksm-dirty ");
    }
    if in_flight || pending {
        class.push_str("ksm-busy");
    }
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
        l.t(T::ColName),
        &r.draft.name,
        Field::Name,
        None,
    ));
    let ext = if new {
        el("td").kid(field_input(
            l,
            r,
            A::Ext,
            l.t(T::ColExt),
            &r.draft.external_id,
            Field::ExternalId,
            None,
        ))
    } else {
        el("td").kid(elc("span", "ksm-code").txt(r.draft.external_id.clone()))
    };
    let pipe = el("td").kid(pipeline_select(s, r, opts));
    let on = s.shown_default(r);
    let def = el("td").kid(
        el("input")
            .attr("type", "checkbox")
            .class("ksm-chk")
            .act(A::Default)
            .attr("aria-label", l.t(T::IsDefault))
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
        l.t(T::ColOrigin),
        &r.draft.origin_code,
        Field::OriginCode,
        None,
    ));
    let pages_bad = r.errors.iter().any(|e| {
        matches!(
            e.field,
            Field::PageName(_) | Field::PageId(_) | Field::PageLink(_)
        )
    });
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
    if dirty {
        acts = acts.kid(busy(
            small(l, A::Save, if new { T::Create } else { T::Save })
                .class("ksm-btn ksm-btn--s ksm-btn--p"),
            in_flight || s.saving(),
        ));
        if !new {
            acts = acts.kid(small(l, A::Revert, T::Revert));
        }
    }
    if !new {
        acts = acts.kid(small(l, A::Copy, T::CopyJson));
    }
    acts = acts.kid(
        small(l, A::Delete, if new { T::Remove } else { T::Delete })
            .class("ksm-btn ksm-btn--s ksm-btn--d")
            .flag("disabled", !new && locked),
    );
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
        .class(class.trim_end().to_owned())
        .kid(sel)
        .kid(name)
        .kid(ext)
        .kid(pipe)
        .kid(def)
        .kid(origin)
        .kid(wa)
        .kid(acts_td)
        .into()
}

fn localize_err(l: Lang, e: &FieldError) -> Node {
    let mut s = elc("span", "ksm-err").attr("role", "alert").tr(l, e.msg);
    if let Some(d) = &e.detail {
        s = s.txt(" ").txt(d.clone());
    }
    s.into()
}

fn pipeline_select(s: &State, r: &Row, opts: &PipeOpts) -> El {
    let l = s.lang;
    let mut sel = elc("select", "ksm-in ksm-in--s")
        .act(A::Pipe)
        .attr("aria-label", l.t(T::ColPipeline));
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
        sel = sel.kid(
            el("option")
                .attr("value", current.clone())
                .tr(l, T::UnknownPipeline),
        );
    }
    let e = r.error(Field::Pipeline);
    sel = sel
        .attr("value", current)
        .attr("aria-invalid", if e.is_some() { "true" } else { "false" });
    let archived = s
        .pipeline(r.draft.pipeline_id)
        .is_some_and(|p| p.is_archive);
    el("label")
        .kid(sel)
        .opt(archived.then(|| elc("span", "ksm-tag ksm-tag--w").tr(l, T::Archived).into()))
        .opt(e.map(|e| localize_err(l, e)))
}

fn wa_row(s: &State, r: &Row) -> Node {
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
            el("label").kid(input).opt(e.map(|e| localize_err(l, e)))
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
    el("tr")
        .key(wk)
        .class("ksm-wa")
        .attr("data-k", k)
        .kid(
            el("td")
                .attr("colspan", "8")
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

fn toast(s: &State) -> Option<Node> {
    let l = s.lang;
    let p = s.pending.as_ref()?;
    Some(
        el("div")
            .key("to")
            .class("ksm-toast")
            .attr("role", "status")
            .kid(
                el("p")
                    .tr(l, T::DeletingIn)
                    .txt(" ")
                    .kid(
                        el("strong")
                            .attr("data-undo-left", "")
                            .txt(p.left.to_string()),
                    )
                    .txt(" · ")
                    .txt(list_of(&p.names)),
            )
            .kid(btn(l, A::Undo, T::Undo))
            .into(),
    )
}

fn dialog_shell(s: &State, title: Vec<Node>, body: Vec<Node>) -> Node {
    // Digital Pipeline gives the widget its own panel: the dialog is the content there.
    let inline = s.mode == Mode::AddSource;
    el("div")
        .key("dl")
        .class(if inline { "ksm-panel" } else { "ksm-dlg" })
        .kid(
            el("div")
                .attr("role", "dialog")
                .attr("aria-modal", "true")
                .attr(
                    "aria-label",
                    title.iter().map(Node::text_content).collect::<String>(),
                )
                .kid(el("h2").kids(title))
                .kids(body),
        )
        .into()
}

fn dialog(s: &State) -> Option<Node> {
    let l = s.lang;
    Some(match s.dialog.as_ref()? {
        Dialog::ConfirmDelete(ids) => {
            let mut ul = el("ul");
            for id in ids {
                if let Some(o) = s.row(RowKey::Saved(*id)).and_then(|r| r.orig.as_ref()) {
                    ul = ul.kid(
                        el("li")
                            .txt(o.name.clone())
                            .txt(" · ")
                            .kid(elc("span", "ksm-code").txt(o.external_id.clone())),
                    );
                }
            }
            dialog_shell(
                s,
                vec![text(l.t(T::ConfirmDeleteTitle))],
                vec![
                    ul.into(),
                    elc("p", "ksm-note").tr(l, T::ConfirmDeleteNote).into(),
                    elc("div", "ksm-bar")
                        .kid(
                            btn(l, A::Confirm, T::Delete)
                                .class("ksm-btn ksm-btn--p")
                                .attr("data-first", ""),
                        )
                        .kid(btn(l, A::Close, T::Cancel))
                        .into(),
                ],
            )
        }
        Dialog::Import(plan) => {
            let mut body = Vec::new();
            if plan.create.is_empty() && plan.update.is_empty() {
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
                let mut ul = el("ul").attr("data-update", "");
                for n in &plan.update_names {
                    ul = ul.kid(el("li").txt(n.clone()));
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
        Dialog::AddSource {
            pipeline_id,
            move_id,
            draft,
            done,
        } => {
            let pname: Vec<Node> = pipeline_label(s, *pipeline_id);
            let mut title = vec![text(l.t(T::AddTitle)), text(" ")];
            title.extend(pname.clone());
            if *done {
                let mut p = elc("p", "ksm-ok")
                    .attr("data-done", "")
                    .tr(l, T::AddDone)
                    .txt(" ");
                p = p.kids(pname);
                return Some(dialog_shell(
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
                ));
            }
            let saving = s.saving();
            let mut body = Vec::new();
            if let Some(r) = s.row(*draft) {
                let field = |act, label: T, v: &str, f: Field, first: bool| -> Node {
                    let e = r.error(f);
                    let mut input = elc("input", "ksm-in")
                        .attr("type", "text")
                        .act(act)
                        .attr("value", v.to_owned())
                        .attr("aria-invalid", if e.is_some() { "true" } else { "false" });
                    if first {
                        input = input.attr("data-first", "");
                    }
                    elc("label", "ksm-field")
                        .kid(el("span").tr(l, label))
                        .kid(input)
                        .opt(e.map(|e| localize_err(l, e)))
                        .into()
                };
                let mut form = el("div")
                    .attr("data-k", key_str(*draft))
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
                form = form.kid(elc("div", "ksm-bar").kid(busy(
                    btn(l, A::Save, T::Create).class("ksm-btn ksm-btn--p"),
                    saving,
                )));
                body.push(form.into());
            }
            let movable: Vec<&Source> = s
                .rows
                .iter()
                .filter_map(|r| r.orig.as_ref())
                .filter(|o| o.pipeline_id != *pipeline_id)
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
                body.push(
                    elc("label", "ksm-field")
                        .kid(el("span").tr(l, T::AddMove))
                        .kid(sel)
                        .into(),
                );
                body.push(
                    elc("div", "ksm-bar")
                        .kid(
                            busy(btn(l, A::Move, T::MoveBtn), saving)
                                .flag("disabled", *move_id == 0 || saving),
                        )
                        .into(),
                );
            }
            body.push(
                elc("div", "ksm-bar")
                    .kid(btn(l, A::Close, T::Cancel))
                    .into(),
            );
            dialog_shell(s, title, body)
        }
    })
}
