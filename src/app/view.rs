//! The wanted DOM for a state: pure, so it is built and checked natively.
//!
//! Every user or server string goes into a text node or an attribute value, never markup.

use super::check;
use super::event::key_str;
use super::node::{el, text, El, Node};
use super::state::*;
use crate::i18n::{Lang, T};
use crate::model::Source;

fn num(n: usize) -> String {
    dec(n as u64)
}

/// Decimal digits of `n` without the formatting machinery: a render of the list writes
/// hundreds of numbers (ids in every pipeline picker), and this is several times faster.
fn dec(mut n: u64) -> String {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf[i..].iter().map(|&b| char::from(b)).collect()
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
            (p.id, dec(p.id), label)
        })
        .collect()
}

fn btn(l: Lang, act: &'static str, label: T) -> El {
    el("button")
        .attr("type", "button")
        .class("ksm-btn")
        .act(act)
        .txt(l.t(label))
}

fn small(l: Lang, act: &'static str, label: T) -> El {
    el("button")
        .attr("type", "button")
        .class("ksm-btn ksm-btn--s")
        .act(act)
        .txt(l.t(label))
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
                    .txt(l.t(T::Loading))
                    .into()]
            } else if s.dialog.is_none() {
                vec![btn(l, "add", T::Add)
                    .key("add")
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
    el("div")
        .class("ksm-app")
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
        p = p.txt(l.t(T::Saving));
    } else if let Some((m, n)) = s.status {
        p = p.txt(l.t(m));
        if n > 0 {
            p = p.txt(" ").txt(num(n));
        }
    }
    p.into()
}

fn banner(s: &State) -> Option<Node> {
    let l = s.lang;
    let b = s.banner.as_ref()?;
    let mut p = el("p").txt(l.t(b.msg));
    if s.countdown > 0 {
        p = p.txt(" ").kid(
            el("strong")
                .attr("data-countdown", "")
                .txt(num(s.countdown as usize)),
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
        div = div.kid(btn(l, "retry", T::Retry).class("ksm-btn ksm-btn--p"));
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
            .txt(l.t(T::Quota))
            .kid(
                el("meter")
                    .attr("min", "0")
                    .attr("max", num(s.limit))
                    .attr("value", num(n))
                    .attr("aria-hidden", "true"),
            )
            .kid(el("strong").txt(num(n) + " / " + &num(s.limit)))
            .opt(full.then(|| el("span").class("ksm-sr").txt(l.t(T::QuotaFull)).into()))
            .into(),
    )
}

fn settings(s: &State) -> Vec<Node> {
    let l = s.lang;
    let testing = s.running(|j| *j == Job::Test);
    let result = match &s.conn {
        Conn::Unknown => None,
        Conn::Ok(n) => Some(
            el("span")
                .class("ksm-ok")
                .attr("data-conn", "ok")
                .txt(l.t(T::ConnOk))
                .txt(" ")
                .txt(num(*n))
                .into(),
        ),
        Conn::Failed(m) => Some(
            el("span")
                .class("ksm-err")
                .attr("data-conn", "failed")
                .txt(l.t(*m))
                .into(),
        ),
    };
    let mut list = el("ul")
        .class("ksm-compact")
        .attr("aria-label", l.t(T::Title));
    for r in s.rows.iter().filter(|r| r.orig.is_some()) {
        let o = r.orig.as_ref().map_or(&r.draft.name, |o| &o.name);
        let ext = r
            .orig
            .as_ref()
            .map_or(&r.draft.external_id, |o| &o.external_id);
        let mut li = el("li")
            .key(key_str(r.key))
            .kid(el("span").txt(o.clone()))
            .kid(el("span").class("ksm-code").txt(ext.clone()))
            .kid(
                el("span")
                    .class("ksm-note")
                    .kids(pipeline_label(s, r.draft.pipeline_id)),
            );
        if r.orig.as_ref().is_some_and(Source::is_default) {
            li = li.kid(el("span").class("ksm-tag").txt(l.t(T::IsDefault)));
        }
        list = list.kid(li);
    }
    vec![
        el("p")
            .key("s0")
            .class("ksm-note")
            .txt(l.t(T::ConnHint))
            .into(),
        el("div")
            .key("s1")
            .class("ksm-bar")
            .kid(busy(
                btn(l, "test", T::Test).class("ksm-btn ksm-btn--p"),
                testing,
            ))
            .opt(result)
            .into(),
        el("div").key("s2").class("ksm-bar").opt(quota(s)).into(),
        list.key("s3").into(),
        el("p")
            .key("s4")
            .class("ksm-note")
            .txt(l.t(T::ManageHint))
            .into(),
    ]
}

fn pipeline_label(s: &State, id: u64) -> Vec<Node> {
    let l = s.lang;
    match s.pipeline(id) {
        Some(p) if p.is_archive => vec![
            text(p.name.clone()),
            el("span")
                .class("ksm-tag ksm-tag--w")
                .txt(l.t(T::Archived))
                .into(),
        ],
        Some(p) => vec![text(p.name.clone())],
        None if !s.pipelines_ready => vec![],
        None => vec![text(l.t(T::UnknownPipeline))],
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

    let search = el("input")
        .class("ksm-in")
        .attr("type", "search")
        .act("search")
        .attr("aria-label", l.t(T::Search))
        .attr("placeholder", l.t(T::Search))
        .attr("value", s.search.clone());
    let lookup = el("input")
        .class("ksm-in")
        .attr("type", "search")
        .act("lookup")
        .attr("aria-label", l.t(T::Lookup))
        .attr("placeholder", l.t(T::Lookup))
        .attr("value", s.lookup.clone());
    let looking = s.running(|j| *j == Job::Lookup);
    let top = el("div")
        .key("top")
        .class("ksm-bar")
        .kid(el("div").class("ksm-grow").kid(search))
        .kid(el("div").class("ksm-grow").kid(lookup))
        .kid(busy(btn(l, "lookup-go", T::LookupGo), looking))
        .opt(quota(s));

    // Keyed by action: a button appearing before the others must not shift their roles.
    let mut actions = el("div").key("acts").class("ksm-bar").kid(
        btn(l, "add", T::Add)
            .key("add")
            .class("ksm-btn ksm-btn--p")
            .flag("disabled", full),
    );
    if drafts > 0 {
        actions = actions.kid(
            busy(
                btn(l, "createall", T::CreateN)
                    .key("createall")
                    .txt(" (")
                    .txt(num(drafts))
                    .txt(")"),
                creating,
            )
            .flag("disabled", saving && !creating),
        );
    }
    if dirty > 0 {
        actions = actions.kid(
            busy(
                btn(l, "saveall", T::SaveN)
                    .key("saveall")
                    .txt(" (")
                    .txt(num(dirty))
                    .txt(")"),
                saving_rows,
            )
            .flag("disabled", saving && !saving_rows),
        );
    }
    if selected > 0 {
        actions = actions.kid(busy(
            btn(l, "delsel", T::DeleteSel)
                .key("delsel")
                .class("ksm-btn ksm-btn--d")
                .txt(" (")
                .txt(num(selected))
                .txt(")"),
            deleting || saving,
        ));
    }
    let file = el("input")
        .attr("type", "file")
        .attr("accept", "application/json,.json")
        .class("ksm-sr")
        .act("import");
    actions = actions
        .kid(el("span").key("grow").class("ksm-grow"))
        // A refresh is harmless to repeat (a second click while one runs is ignored), so it
        // shows no busy state: an unchanged refresh leaves the DOM untouched.
        .kid(btn(l, "refresh", T::Refresh).key("refresh"))
        .kid(
            btn(l, "export", T::Export)
                .key("export")
                .flag("disabled", s.load != Load::Ready),
        )
        .kid(
            el("label")
                .key("import")
                .class("ksm-btn")
                .attr("aria-disabled", if saving { "true" } else { "false" })
                .kid(file)
                .txt(l.t(T::Import)),
        );

    let mut out: Vec<Node> = vec![top.into(), actions.into()];
    if let Some(e) = &s.import_error {
        let mut p = el("p")
            .key("ierr")
            .class("ksm-err")
            .attr("role", "alert")
            .attr("data-import-error", "")
            .txt(l.t(e.msg));
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
            LookupResult::Missing => p = p.kid(el("p").txt(l.t(T::LookupMissing))),
            LookupResult::Found(list) => {
                let mut ul = el("p").txt(l.t(T::LookupFound));
                for x in list {
                    ul = ul
                        .txt(" ")
                        .kid(el("strong").txt(x.name.clone()))
                        .txt(" · ")
                        .kid(el("span").class("ksm-code").txt(x.external_id.clone()))
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
                .txt(l.t(T::Loading))
                .into(),
        );
        return out;
    }
    out.push(table(s));
    out
}

fn sort_btn(s: &State, act: &'static str, by: SortBy, label: T) -> Node {
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
                        .act("selall")
                        .attr("aria-label", l.t(T::SelectAll))
                        .flag("checked", all_sel),
                ),
            )
            .kid(el("th").kid(sort_btn(s, "sort-name", SortBy::Name, T::ColName)))
            .kid(el("th").kid(sort_btn(s, "sort-ext", SortBy::ExternalId, T::ColExt)))
            .kid(el("th").txt(l.t(T::ColPipeline)))
            .kid(el("th").txt(l.t(T::ColDefault)))
            .kid(el("th").txt(l.t(T::ColOrigin)))
            .kid(el("th").txt(l.t(T::ColWa)))
            .kid(el("th").txt(l.t(T::ColActions))),
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
        el("table")
            .class("ksm-table")
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
        wrap = wrap.kid(el("p").class("ksm-empty").txt(l.t(m)));
    }
    wrap.into()
}

/// A labelled text input for a row field, with its error under it.
fn field_input(
    l: Lang,
    r: &Row,
    act: &'static str,
    label: &'static str,
    value: &str,
    f: Field,
    idx: Option<usize>,
) -> El {
    let e = r.error(f);
    let mut input = el("input")
        .class("ksm-in ksm-in--s")
        .attr("type", "text")
        .act(act)
        .attr("aria-label", label)
        .attr("value", value.to_owned())
        .attr("aria-invalid", if e.is_some() { "true" } else { "false" });
    if let Some(i) = idx {
        input = input.attr("data-i", num(i));
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
            .act("sel")
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
        "name",
        l.t(T::ColName),
        &r.draft.name,
        Field::Name,
        None,
    ));
    let ext = if new {
        el("td").kid(field_input(
            l,
            r,
            "ext",
            l.t(T::ColExt),
            &r.draft.external_id,
            Field::ExternalId,
            None,
        ))
    } else {
        el("td").kid(
            el("span")
                .class("ksm-code")
                .txt(r.draft.external_id.clone()),
        )
    };
    let pipe = el("td").kid(pipeline_select(s, r, opts));
    let on = s.shown_default(r);
    let def = el("td").kid(
        el("input")
            .attr("type", "checkbox")
            .class("ksm-chk")
            .act("default")
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
        "origin",
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
            .act("wa")
            .txt(format!("{} ({})", l.t(T::Pages), r.draft.pages.len()))
            .attr("aria-expanded", if r.wa_open { "true" } else { "false" }),
    );
    let mut acts = el("div").class("ksm-acts");
    if dirty {
        acts = acts.kid(busy(
            small(l, "save", if new { T::Create } else { T::Save })
                .class("ksm-btn ksm-btn--s ksm-btn--p"),
            in_flight || s.saving(),
        ));
        if !new {
            acts = acts.kid(small(l, "revert", T::Revert));
        }
    }
    if !new {
        acts = acts.kid(small(l, "copy", T::CopyJson));
    }
    acts = acts.kid(
        small(l, "del", if new { T::Remove } else { T::Delete })
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
    let mut s = el("span")
        .class("ksm-err")
        .attr("role", "alert")
        .txt(l.t(e.msg));
    if let Some(d) = &e.detail {
        s = s.txt(" ").txt(d.clone());
    }
    s.into()
}

fn pipeline_select(s: &State, r: &Row, opts: &PipeOpts) -> El {
    let l = s.lang;
    let mut sel = el("select")
        .class("ksm-in ksm-in--s")
        .act("pipe")
        .attr("aria-label", l.t(T::ColPipeline));
    if !s.pipelines_ready && s.running(|j| *j == Job::Pipelines) {
        // Names still loading: nothing to pick yet, and "unknown pipeline" would be wrong.
        let current = dec(r.draft.pipeline_id);
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
    let current = dec(r.draft.pipeline_id);
    if !known {
        sel = sel.kid(
            el("option")
                .attr("value", current.clone())
                .txt(l.t(T::UnknownPipeline)),
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
        .opt(archived.then(|| {
            el("span")
                .class("ksm-tag ksm-tag--w")
                .txt(l.t(T::Archived))
                .into()
        }))
        .opt(e.map(|e| localize_err(l, e)))
}

fn wa_row(s: &State, r: &Row) -> Node {
    let l = s.lang;
    let k = key_str(r.key);
    let mut grid = el("div").class("ksm-pages");
    if !r.draft.pages.is_empty() {
        for t in [T::PageName, T::PageId, T::PageLink] {
            grid = grid.kid(
                el("span")
                    .class("ksm-note")
                    .attr("aria-hidden", "true")
                    .txt(l.t(t)),
            );
        }
        grid = grid.kid(el("span"));
    }
    for (i, p) in r.draft.pages.iter().enumerate() {
        let f = |act, label, v: &str, f| {
            let e = r.error(f);
            let input = el("input")
                .class("ksm-in ksm-in--s")
                .attr("type", "text")
                .act(act)
                .attr("data-i", num(i))
                .attr("aria-label", label)
                .attr("placeholder", label)
                .attr("value", v.to_owned())
                .attr("aria-invalid", if e.is_some() { "true" } else { "false" });
            el("label").kid(input).opt(e.map(|e| localize_err(l, e)))
        };
        let preview = check::wa_link(&p.link);
        grid = grid
            .kid(f("pname", l.t(T::PageName), &p.name, Field::PageName(i)))
            .kid(f("pid", l.t(T::PageId), &p.id, Field::PageId(i)))
            .kid(
                f("plink", l.t(T::PageLink), &p.link, Field::PageLink(i)).opt(preview.map(|u| {
                    el("span")
                        .class("ksm-note ksm-code")
                        .attr("data-wa", "")
                        .txt(l.t(T::WaPreview))
                        .txt(" ")
                        .txt(u)
                        .into()
                })),
            )
            .kid(
                small(l, "rmpage", T::Remove)
                    .attr("data-i", num(i))
                    .class("ksm-btn ksm-btn--s ksm-btn--d"),
            );
    }
    let flags = el("div")
        .class("ksm-bar")
        .kid(small(l, "addpage", T::AddPage))
        .kid(
            el("label")
                .kid(
                    el("input")
                        .attr("type", "checkbox")
                        .act("waba")
                        .flag("checked", r.draft.waba),
                )
                .txt(" ")
                .txt(l.t(T::Waba)),
        )
        .kid(
            el("label")
                .kid(
                    el("input")
                        .attr("type", "checkbox")
                        .act("listmsg")
                        .flag("checked", r.draft.list_message),
                )
                .txt(" ")
                .txt(l.t(T::ListMsg)),
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
                        .txt(l.t(T::ColWa))
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
                    .txt(l.t(T::DeletingIn))
                    .txt(" ")
                    .kid(
                        el("strong")
                            .attr("data-undo-left", "")
                            .txt(num(p.left as usize)),
                    )
                    .txt(" · ")
                    .txt(p.names.join(", ")),
            )
            .kid(btn(l, "undo", T::Undo))
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
                            .kid(el("span").class("ksm-code").txt(o.external_id.clone())),
                    );
                }
            }
            dialog_shell(
                s,
                vec![text(l.t(T::ConfirmDeleteTitle))],
                vec![
                    ul.into(),
                    el("p")
                        .class("ksm-note")
                        .txt(l.t(T::ConfirmDeleteNote))
                        .into(),
                    el("div")
                        .class("ksm-bar")
                        .kid(
                            btn(l, "confirm", T::Delete)
                                .class("ksm-btn ksm-btn--p")
                                .attr("data-first", ""),
                        )
                        .kid(btn(l, "close", T::Cancel))
                        .into(),
                ],
            )
        }
        Dialog::Import(plan) => {
            let mut body = Vec::new();
            if plan.create.is_empty() && plan.update.is_empty() {
                body.push(el("p").txt(l.t(T::ImportNothing)).into());
            }
            if !plan.create.is_empty() {
                let mut ul = el("ul").attr("data-create", "");
                for n in &plan.create {
                    ul = ul.kid(
                        el("li")
                            .txt(n.name.clone())
                            .txt(" · ")
                            .kid(el("span").class("ksm-code").txt(n.external_id.clone())),
                    );
                }
                body.push(
                    el("p")
                        .txt(l.t(T::ImportCreate))
                        .txt(" ")
                        .txt(num(plan.create.len()))
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
                        .txt(l.t(T::ImportUpdate))
                        .txt(" ")
                        .txt(num(plan.update.len()))
                        .into(),
                );
                body.push(ul.into());
            }
            body.push(
                el("p")
                    .class("ksm-note")
                    .txt(l.t(T::ImportSame))
                    .txt(" ")
                    .txt(num(plan.unchanged))
                    .into(),
            );
            let nothing = plan.create.is_empty() && plan.update.is_empty();
            body.push(
                el("div")
                    .class("ksm-bar")
                    .kid(
                        btn(l, "apply", T::ImportApply)
                            .class("ksm-btn ksm-btn--p")
                            .attr("data-first", "")
                            .flag("disabled", nothing || s.saving()),
                    )
                    .kid(btn(l, "close", T::Cancel))
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
                let mut p = el("p")
                    .class("ksm-ok")
                    .attr("data-done", "")
                    .txt(l.t(T::AddDone))
                    .txt(" ");
                p = p.kids(pname);
                return Some(dialog_shell(
                    s,
                    title,
                    vec![
                        p.into(),
                        el("div")
                            .class("ksm-bar")
                            .kid(
                                btn(l, "close", T::Close)
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
                    let mut input = el("input")
                        .class("ksm-in")
                        .attr("type", "text")
                        .act(act)
                        .attr("value", v.to_owned())
                        .attr("aria-invalid", if e.is_some() { "true" } else { "false" });
                    if first {
                        input = input.attr("data-first", "");
                    }
                    el("label")
                        .class("ksm-field")
                        .kid(el("span").txt(l.t(label)))
                        .kid(input)
                        .opt(e.map(|e| localize_err(l, e)))
                        .into()
                };
                let mut form = el("div")
                    .attr("data-k", key_str(*draft))
                    .kid(el("h3").class("ksm-note").txt(l.t(T::AddNew)))
                    .kid(field("name", T::ColName, &r.draft.name, Field::Name, true))
                    .kid(field(
                        "ext",
                        T::ColExt,
                        &r.draft.external_id,
                        Field::ExternalId,
                        false,
                    ))
                    .kid(field(
                        "origin",
                        T::ColOrigin,
                        &r.draft.origin_code,
                        Field::OriginCode,
                        false,
                    ));
                if let Some(e) = r.error(Field::Row) {
                    form = form.kid(localize_err(l, e));
                }
                form = form.kid(el("div").class("ksm-bar").kid(busy(
                    btn(l, "save", T::Create).class("ksm-btn ksm-btn--p"),
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
                let mut sel = el("select")
                    .class("ksm-in")
                    .act("choose")
                    .kid(el("option").attr("value", "0").txt(l.t(T::ChooseSource)));
                for o in movable {
                    sel = sel.kid(
                        el("option")
                            .attr("value", o.id.to_string())
                            .txt(o.name.clone() + " · " + &o.external_id),
                    );
                }
                sel = sel.attr("value", move_id.to_string());
                body.push(
                    el("label")
                        .class("ksm-field")
                        .kid(el("span").txt(l.t(T::AddMove)))
                        .kid(sel)
                        .into(),
                );
                body.push(
                    el("div")
                        .class("ksm-bar")
                        .kid(
                            busy(btn(l, "move", T::MoveBtn), saving)
                                .flag("disabled", *move_id == 0 || saving),
                        )
                        .into(),
                );
            }
            body.push(
                el("div")
                    .class("ksm-bar")
                    .kid(btn(l, "close", T::Cancel))
                    .into(),
            );
            dialog_shell(s, title, body)
        }
    })
}
