//! The reducer: every message's effect on the state, and the requests and timers it asks for.

use super::action::Action;
use super::check;
use super::event::row_selector;
use super::import;
use super::*;
use crate::api::ApiError;
use crate::i18n::T;
use crate::model::Source;

/// Seconds a confirmed delete waits for an "undo" before it is sent.
pub(crate) const UNDO_SECONDS: u32 = 5;
/// Wait after a 429 that did not say how long.
const DEFAULT_WAIT: u32 = 5;

/// Applies `msg` to `s` and returns what must happen outside the state.
pub fn update(s: &mut State, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Start => {
            send(s, &mut fx, Job::Sources, Call::ListSources);
            send(s, &mut fx, Job::Pipelines, Call::ListPipelines);
            if let Some(pid) = s.add_pipeline {
                open_add(s, pid, &mut fx);
            }
        }
        Msg::Refresh => {
            if !s.running(|j| *j == Job::Sources) {
                send(s, &mut fx, Job::Sources, Call::ListSources);
            }
        }
        Msg::Test => {
            if !s.running(|j| *j == Job::Test) {
                s.conn = Conn::Unknown;
                send(s, &mut fx, Job::Test, Call::ListSources);
                if !s.pipelines_ready && !s.running(|j| *j == Job::Pipelines) {
                    send(s, &mut fx, Job::Pipelines, Call::ListPipelines);
                }
            }
        }
        Msg::Reply(job, res) => reply(s, job, res, &mut fx),
        Msg::Tick(t) => tick(s, t, &mut fx),
        Msg::Search(q) => s.search = q,
        Msg::Sort(by) => {
            if s.sort == by {
                s.sort_desc = !s.sort_desc;
            } else {
                s.sort = by;
                s.sort_desc = false;
            }
        }
        Msg::LookupText(q) => {
            s.lookup = q;
            s.lookup_result = None;
        }
        Msg::LookupGo => {
            let mut ids = Vec::new();
            for x in s.lookup.split(',') {
                let x = x.trim();
                if !x.is_empty() {
                    ids.push(x.to_owned());
                }
            }
            if !ids.is_empty() && !s.running(|j| *j == Job::Lookup) {
                s.lookup_result = None;
                send(s, &mut fx, Job::Lookup, Call::Find(ids));
            }
        }
        Msg::Edit(k, e) => edit(s, k, e),
        Msg::ToggleWa(k) => {
            if let Some(r) = s.row_mut(k) {
                r.wa_open = !r.wa_open;
            }
        }
        Msg::Select(k, on) => {
            if let Some(r) = s.row_mut(k) {
                r.selected = on && r.orig.is_some();
            }
        }
        Msg::SelectAll(on) => {
            let mut keys = Vec::new();
            for r in s.visible() {
                keys.push(r.key);
            }
            for r in s.rows.iter_mut() {
                if keys.contains(&r.key) {
                    r.selected = on && r.orig.is_some();
                }
            }
        }
        Msg::AddDraft if s.mode == Mode::AddSource => {
            let pid = s.add_pipeline.unwrap_or(0);
            open_add(s, pid, &mut fx);
        }
        Msg::AddDraft => {
            // By key, not position: the row's first input is its (disabled) select box.
            let k = add_draft(s, 0);
            fx.push(Effect::Focus(row_selector(k, Action::Name)));
        }
        Msg::Save(k) => save(s, vec![k], &mut fx),
        Msg::CreateAll | Msg::SaveAll => {
            let create = matches!(msg, Msg::CreateAll);
            let mut keys = Vec::new();
            for r in &s.rows {
                if r.key_is_new() == create && (create || r.dirty()) {
                    keys.push(r.key);
                }
            }
            save(s, keys, &mut fx)
        }
        Msg::Revert(k) => revert(s, k),
        Msg::Default(k, on) => make_default(s, k, on, &mut fx),
        Msg::AskDelete(k) => match k {
            RowKey::New(_) => revert(s, k),
            RowKey::Saved(id) => {
                s.focus_back = Some(row_selector(k, Action::Delete));
                ask_delete(s, vec![id], &mut fx)
            }
        },
        Msg::AskDeleteSelected => {
            let mut ids = Vec::new();
            for r in &s.rows {
                if let (true, Some(o)) = (r.selected, &r.orig) {
                    ids.push(o.id);
                }
            }
            if !ids.is_empty() {
                s.focus_back = Some(Action::DeleteSelected.selector());
                ask_delete(s, ids, &mut fx);
            }
        }
        Msg::ConfirmDelete => {
            if let Some(Dialog::ConfirmDelete(ids)) = s.dialog.take() {
                let mut names = Vec::new();
                for id in &ids {
                    if let Some(r) = s.row(RowKey::Saved(*id)) {
                        names.push(r.orig.as_ref().map_or("", |o| o.name.as_str()).to_owned());
                    }
                }
                s.timer_gen += 1;
                s.pending = Some(PendingDelete {
                    ids,
                    names,
                    left: UNDO_SECONDS,
                });
                fx.push(Effect::After(Timer::Undo(s.timer_gen), 1000));
                focus(&mut fx, &Action::Undo.selector());
            }
        }
        Msg::Undo => {
            if s.pending.take().is_some() {
                s.status = None;
                fx.push(Effect::Focus(back(s)));
            }
        }
        Msg::Escape if s.dialog.is_none() && s.pending.is_some() => {
            return update(s, Msg::Undo);
        }
        Msg::CloseDialog | Msg::Escape => close_dialog(s, &mut fx),
        Msg::Retry => {
            if let Some((job, call)) = s.retry.take() {
                s.banner = None;
                s.countdown = 0;
                send(s, &mut fx, job, call);
            }
            // Both halves of the first load may have failed (a bad token fails both): a
            // retry brings back whichever is still missing.
            if s.load != Load::Ready && !s.running(|j| *j == Job::Sources) {
                send(s, &mut fx, Job::Sources, Call::ListSources);
            }
            if !s.pipelines_ready && !s.running(|j| *j == Job::Pipelines) {
                send(s, &mut fx, Job::Pipelines, Call::ListPipelines);
            }
        }
        Msg::Copy(k) => {
            if let Some(r) = s.row(k) {
                let ext = r
                    .orig
                    .as_ref()
                    .map_or(r.draft.external_id.as_str(), |o| o.external_id.as_str());
                fx.push(Effect::Copy(crate::api::wire::lead_source_json(ext)));
                s.status = Some((T::Copied, 0));
            }
        }
        Msg::Export => {
            let mut all = Vec::new();
            for r in &s.rows {
                if let Some(o) = &r.orig {
                    all.push(import::exported(o));
                }
            }
            fx.push(Effect::Download(crate::api::wire::new_sources_json_pretty(
                &all,
            )));
        }
        Msg::ImportText(text) => match import::plan(s, &text) {
            Ok(plan) => {
                s.import_error = None;
                s.focus_back = Some(Action::Import.selector());
                s.dialog = Some(Dialog::Import(plan));
                focus(&mut fx, "[data-first]");
            }
            Err(e) => s.import_error = Some(e),
        },
        Msg::ImportTooBig => s.import_error = Some(import::ImportError::new(T::ImportTooBig)),
        Msg::ImportApply => {
            if s.saving() {
                return fx;
            }
            if let Some(Dialog::Import(plan)) = s.dialog.take() {
                if !plan.create.is_empty() {
                    let call = Call::Create(plan.create.clone());
                    s.importing = Some(plan);
                    send(s, &mut fx, Job::ImportCreate, call);
                } else if !plan.update.is_empty() {
                    let call = Call::Update(plan.update.clone());
                    s.importing = Some(plan);
                    send(s, &mut fx, Job::ImportUpdate, call);
                }
            }
        }
        Msg::AddAsSource(pid) => open_add(s, pid, &mut fx),
        Msg::ChooseMove(id) => {
            if let Some(Dialog::AddSource { move_id, .. }) = &mut s.dialog {
                *move_id = id;
            }
        }
        Msg::Move => {
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
                    save(s, vec![RowKey::Saved(move_id)], &mut fx);
                }
            }
        }
    }
    fx
}

/// Records the job and asks for the call.
fn send(s: &mut State, fx: &mut Vec<Effect>, job: Job, call: Call) {
    if job.mutating() {
        // A new change starts: old outcomes no longer describe what is on screen.
        s.status = None;
        if s.countdown == 0 {
            s.banner = None;
            s.retry = None;
        }
    }
    s.in_flight.push((job.clone(), call.clone()));
    fx.push(Effect::Call(job, call));
}

fn finish(s: &mut State, job: &Job) -> Option<Call> {
    let i = s.in_flight.iter().position(|(j, _)| j == job)?;
    Some(s.in_flight.remove(i).1)
}

fn add_draft(s: &mut State, pipeline_id: u64) -> RowKey {
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

fn edit(s: &mut State, k: RowKey, e: Edit) {
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
}

fn revert(s: &mut State, k: RowKey) {
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
}

/// Validates rows `keys` and sends one request for them: a create for drafts, a
/// single or batch PATCH for saved rows.
fn save(s: &mut State, keys: Vec<RowKey>, fx: &mut Vec<Effect>) {
    if keys.is_empty() || s.saving() {
        return;
    }
    let mut bad = false;
    let mut new = Vec::new();
    for k in &keys {
        if matches!(k, RowKey::New(_)) {
            new.push(*k);
        }
        let Some(r) = s.row(*k) else { continue };
        let errs = check::row(s, r);
        bad |= !errs.is_empty();
        if let Some(r) = s.row_mut(*k) {
            r.errors = errs;
        }
    }
    if bad {
        s.status = Some((T::ErrFix, 0));
        focus_first_error(s, fx);
        return;
    }
    // Plain loops below: each iterator chain with `collect` costs the bundle its own code.
    let mut sent = Vec::new();
    if !new.is_empty() {
        let mut drafts = Vec::new();
        for k in &new {
            if let Some(r) = s.row(*k) {
                drafts.push(r);
            }
        }
        if let Some(e) = check::batch(s, &drafts) {
            s.banner = error_banner(e, None, false);
            return;
        }
        let mut items = Vec::new();
        for r in &drafts {
            items.push(r.draft.to_new());
            sent.push((r.key, r.draft.clone()));
        }
        s.sent = sent;
        send(s, fx, Job::Create(new), Call::Create(items));
        return;
    }
    let mut patches = Vec::new();
    let mut saved = Vec::new();
    for k in keys {
        if let Some(r) = s.row(k) {
            if let Some(p) = r.patch() {
                patches.push(p);
                sent.push((k, r.draft.clone()));
                saved.push(k);
            }
        }
    }
    let call = if patches.len() > 1 {
        Call::Update(patches)
    } else if let Some(one) = patches.pop() {
        Call::UpdateOne(one)
    } else {
        return;
    };
    s.sent = sent;
    send(s, fx, Job::Save(saved), call);
}

fn focus_first_error(s: &State, fx: &mut Vec<Effect>) {
    let _ = s;
    focus(fx, "[aria-invalid=true]");
}

fn make_default(s: &mut State, k: RowKey, on: bool, fx: &mut Vec<Effect>) {
    match k {
        RowKey::New(_) => {
            // A draft's flag goes out with its create.
            for r in s.rows.iter_mut().filter(|r| r.key_is_new()) {
                r.draft.default = false;
            }
            if let Some(r) = s.row_mut(k) {
                r.draft.default = on;
            }
        }
        RowKey::Saved(id) => {
            if s.saving() {
                return;
            }
            let mut p = crate::model::SourcePatch::new(id);
            p.default = Some(on);
            send(s, fx, Job::Default(k), Call::UpdateOne(p));
        }
    }
}

fn ask_delete(s: &mut State, ids: Vec<u64>, fx: &mut Vec<Effect>) {
    if s.saving() {
        return;
    }
    s.dialog = Some(Dialog::ConfirmDelete(ids));
    focus(fx, "[data-first]");
}

fn close_dialog(s: &mut State, fx: &mut Vec<Effect>) {
    match s.dialog.take() {
        Some(Dialog::AddSource { draft, done, .. }) => {
            if !done {
                if let Some(r) = s.row(draft) {
                    if r.orig.is_none() {
                        revert(s, draft);
                    }
                }
            }
            if s.mode == Mode::AddSource {
                fx.push(Effect::Close);
            }
        }
        Some(_) => fx.push(Effect::Focus(back(s))),
        None => {}
    }
}

/// Where focus goes when a dialog or toast closes: the control that opened it, if any.
fn back(s: &mut State) -> String {
    s.focus_back
        .take()
        .unwrap_or_else(|| Action::Add.selector())
}

fn open_add(s: &mut State, pid: u64, fx: &mut Vec<Effect>) {
    // Reuse an untouched draft from an earlier open instead of piling them up.
    if let Some(Dialog::AddSource { draft, .. }) = s.dialog.take() {
        if s.row(draft).is_some_and(|r| r.orig.is_none()) {
            revert(s, draft);
        }
    }
    let draft = add_draft(s, pid);
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
fn prefill(s: &mut State, draft: RowKey, pid: u64) {
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

fn tick(s: &mut State, t: Timer, fx: &mut Vec<Effect>) {
    match t {
        Timer::Undo(g) if g == s.timer_gen => {
            let Some(p) = &mut s.pending else { return };
            p.left = p.left.saturating_sub(1);
            if p.left > 0 {
                fx.push(Effect::After(Timer::Undo(g), 1000));
                return;
            }
            let ids = s.pending.take().map(|p| p.ids).unwrap_or_default();
            let call = match ids[..] {
                [one] => Call::DeleteOne(one),
                _ => Call::Delete(ids.clone()),
            };
            send(s, fx, Job::Delete(ids), call);
        }
        Timer::Countdown(g) if g == s.timer_gen && s.countdown > 0 => {
            s.countdown -= 1;
            if s.countdown > 0 {
                fx.push(Effect::After(Timer::Countdown(g), 1000));
            } else if let Some((job, call)) = s.retry.take() {
                s.banner = None;
                send(s, fx, job, call);
            }
        }
        _ => {}
    }
}

/// Replaces the server copy of saved rows with `fresh`; drafts the user has not touched
/// since they were sent follow the server, edited ones keep what was typed.
fn absorb(s: &mut State, fresh: Vec<Source>) {
    for src in fresh {
        let key = RowKey::Saved(src.id);
        let sent = s
            .sent
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, d)| d.clone());
        if src.is_default() {
            clear_other_defaults(s, src.id);
        }
        match s.row_mut(key) {
            Some(r) => {
                let follow = match &sent {
                    Some(d) => *d == r.draft,
                    None => r.patch().is_none(),
                };
                if follow {
                    r.draft = Draft::of(&src);
                    r.errors.clear();
                }
                r.orig = Some(src);
            }
            None => s.rows.push(Row::saved(src)),
        }
    }
}

fn clear_other_defaults(s: &mut State, keep: u64) {
    for r in s.rows.iter_mut() {
        let Some(o) = &mut r.orig else { continue };
        if o.id != keep && o.is_default() {
            let was_clean = r.draft.default;
            o.default = Some(false);
            if was_clean {
                r.draft.default = false;
            }
        }
    }
}

fn reply(s: &mut State, job: Job, res: Result<Reply, ApiError>, fx: &mut Vec<Effect>) {
    let Some(call) = finish(s, &job) else { return };
    let res = match res {
        Ok(r) => r,
        Err(e) => return failed(s, job, call, e, fx),
    };
    if job.mutating() {
        s.banner = None;
    }
    match (job, res) {
        (Job::Sources, Reply::Sources(list)) | (Job::Test, Reply::Sources(list)) => {
            if matches!(s.banner, Some(Banner { retry: true, .. })) {
                s.banner = None;
            }
            if s.running(|j| *j == Job::Test) || s.conn != Conn::Unknown || s.mode == Mode::Settings
            {
                s.conn = Conn::Ok(list.len());
            }
            merge_list(s, list);
            s.load = Load::Ready;
        }
        (Job::Pipelines, Reply::Pipelines(mut p)) => {
            insertion_sort(&mut p, |a, b| (a.sort, a.id) < (b.sort, b.id));
            s.pipelines = p;
            s.pipelines_ready = true;
            let main = s.main_pipeline();
            for r in s.rows.iter_mut().filter(|r| r.orig.is_none()) {
                if r.draft.pipeline_id == 0 {
                    r.draft.pipeline_id = main;
                }
            }
            if let Some(Dialog::AddSource {
                pipeline_id, draft, ..
            }) = s.dialog.clone()
            {
                prefill(s, draft, pipeline_id);
            }
        }
        (Job::Reconcile(keys), Reply::Sources(found)) => {
            let mut created = 0;
            for k in &keys {
                let Some(i) = s.rows.iter().position(|r| r.key == *k) else {
                    continue;
                };
                let ext = fold(s.rows[i].draft.external_id.trim());
                if let Some(src) = found.iter().find(|f| fold(&f.external_id) == ext) {
                    if s.rows.iter().all(|r| r.key != RowKey::Saved(src.id)) {
                        s.rows[i] = Row::saved(src.clone());
                        created += 1;
                    }
                }
            }
            let mut rest = Vec::new();
            for k in keys {
                if s.row(k).is_some() {
                    rest.push(k);
                }
            }
            if rest.is_empty() {
                s.status = Some((T::CreatedN, created));
                add_done(s, fx);
            } else {
                save(s, rest, fx);
            }
        }
        (Job::Lookup, Reply::Sources(list)) => {
            s.lookup_result = Some(if list.is_empty() {
                LookupResult::Missing
            } else {
                LookupResult::Found(list)
            });
        }
        (Job::Create(keys), Reply::Sources(list)) if list.is_empty() => {
            // A success without the created sources (e.g. 204): whether they exist is
            // unknown, so the retry first asks the server, as after a lost answer.
            unreadable(s, (Job::Reconcile(keys), Call::Find(external_ids(&call))));
        }
        (job @ Job::Save(_), Reply::Sources(list)) if list.is_empty() => unreadable(s, (job, call)),
        (Job::Create(keys), Reply::Sources(list)) => {
            let n = list.len();
            for (pos, src) in list.into_iter().enumerate() {
                // Map back by request_id, never by position, when the server echoes it.
                let idx = src
                    .request_id
                    .as_deref()
                    .and_then(crate::api::index_of_request_id)
                    .unwrap_or(pos);
                if src.is_default() {
                    clear_other_defaults(s, src.id);
                }
                let Some(k) = keys.get(idx) else { continue };
                match s.rows.iter().position(|r| r.key == *k) {
                    Some(i) => s.rows[i] = Row::saved(src),
                    None => s.rows.push(Row::saved(src)),
                }
            }
            s.sent.clear();
            s.status = Some((T::CreatedN, n));
            add_done(s, fx);
        }
        (Job::Save(_), Reply::Sources(list)) => {
            let n = list.len();
            absorb(s, list);
            s.sent.clear();
            s.status = Some((T::SavedN, n));
            add_done(s, fx);
        }
        (Job::Save(_), Reply::One(one)) => {
            match one {
                Some(src) => {
                    absorb(s, vec![src]);
                    s.status = Some((T::Saved, 0));
                    add_done(s, fx);
                }
                // A single PATCH answered without the source (a gone source gets 404).
                None => return unreadable(s, (Job::Save(keys_of(&call)), call)),
            }
            s.sent.clear();
        }
        (Job::Default(k), Reply::One(one)) => match one {
            Some(src) => {
                let on = src.is_default();
                if on {
                    clear_other_defaults(s, src.id);
                }
                if let Some(r) = s.row_mut(k) {
                    r.draft.default = on;
                    r.orig = Some(src);
                }
                s.status = Some((T::Saved, 0));
            }
            None => unreadable(s, (Job::Default(k), call)),
        },
        (Job::Delete(ids), Reply::Deleted) => {
            let n = ids.len();
            s.rows
                .retain(|r| !matches!(r.key, RowKey::Saved(id) if ids.contains(&id)));
            s.status = Some((T::DeletedN, n));
            s.focus_back = None;
            focus(fx, &Action::Add.selector());
        }
        (Job::ImportCreate, Reply::Sources(list)) if list.is_empty() => {
            // A success without the created sources (e.g. 204): whether they exist is
            // unknown, so the retry first asks the server, as after a lost answer.
            unreadable(s, (Job::ImportReconcile, Call::Find(external_ids(&call))));
        }
        (Job::ImportCreate, Reply::Sources(list)) => {
            add_imported(s, list);
            import_updates(s, fx);
        }
        (Job::ImportReconcile, Reply::Sources(found)) => {
            // Plain loops over external ids folded once: the iterator chains cost the
            // bundle twice the code.
            let mut asked = Vec::new();
            if let Call::Find(ids) = &call {
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
        (Job::ImportUpdate, Reply::Sources(list)) => {
            absorb(s, list);
            s.importing = None;
            s.status = Some((T::ImportDone, 0));
        }
        _ => {}
    }
}

/// The external ids a batch create sent.
fn external_ids(call: &Call) -> Vec<String> {
    match call {
        Call::Create(items) => {
            let mut ids = Vec::new();
            for n in items {
                ids.push(n.external_id.clone());
            }
            ids
        }
        _ => Vec::new(),
    }
}

/// Shows sources an import created.
fn add_imported(s: &mut State, list: Vec<Source>) {
    for src in list {
        if src.is_default() {
            clear_other_defaults(s, src.id);
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

/// An answer that says "done" without what was done: say so, keep every draft, and let the
/// retry resend `retry` (a PATCH is safe to repeat; a create is first reconciled).
fn unreadable(s: &mut State, retry: (Job, Call)) {
    s.banner = error_banner(T::ErrDecode, None, true);
    s.retry = Some(retry);
}

/// The row keys a single-source call concerns.
fn keys_of(call: &Call) -> Vec<RowKey> {
    match call {
        Call::UpdateOne(p) => vec![RowKey::Saved(p.id)],
        _ => Vec::new(),
    }
}

/// A single-source PATCH answered 404: the source was deleted elsewhere. Keep the
/// user's edits on the row and say so.
fn gone(s: &mut State, call: &Call) {
    if let Call::UpdateOne(p) = call {
        if let Some(r) = s.row_mut(RowKey::Saved(p.id)) {
            r.errors = vec![gone_error()];
        }
    }
}

fn add_done(s: &mut State, fx: &mut Vec<Effect>) {
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

/// Takes a fresh list from the server without losing anything typed.
fn merge_list(s: &mut State, list: Vec<Source>) {
    let mut ids = Vec::new();
    for x in &list {
        ids.push(x.id);
    }
    // Rows the server no longer has: drop clean ones, keep edited ones with a note.
    s.rows.retain_mut(|r| match r.key {
        RowKey::New(_) => true,
        RowKey::Saved(id) if ids.contains(&id) => true,
        RowKey::Saved(_) => {
            let edited = r.patch().is_some();
            if edited {
                r.errors = vec![gone_error()];
            }
            edited
        }
    });
    let drafts_at = s
        .rows
        .iter()
        .position(|r| r.key_is_new())
        .unwrap_or(s.rows.len());
    let mut drafts = s.rows.split_off(drafts_at);
    // Rows move from `old` to the new list, in the server's order; no row is copied.
    let mut old = core::mem::take(&mut s.rows);
    for src in list {
        let key = RowKey::Saved(src.id);
        let row = match old.iter().position(|r| r.key == key) {
            Some(i) => {
                let mut r = old.remove(i);
                if r.orig.as_ref() != Some(&src) {
                    if r.patch().is_none() {
                        r.draft = Draft::of(&src);
                    }
                    r.orig = Some(src);
                }
                r
            }
            None => Row::saved(src),
        };
        s.rows.push(row);
    }
    // Edited rows that vanished on the server stay, after the fresh ones.
    s.rows.append(&mut old);
    s.rows.append(&mut drafts);
}

fn failed(s: &mut State, job: Job, call: Call, e: ApiError, fx: &mut Vec<Effect>) {
    // A batch delete refused because some source is already gone (another tab, another
    // admin): reload the list so what is shown matches the server again.
    let refused_batch = matches!(job, Job::Delete(_))
        && matches!(e, ApiError::Validation { .. } | ApiError::NotFound)
        && matches!(call, Call::Delete(_));
    if refused_batch && !s.running(|j| *j == Job::Sources) {
        send(s, fx, Job::Sources, Call::ListSources);
    }
    // Refused because a source in it is gone (404, or an item error `NotFound`): say that,
    // rather than a bare "not found" or "request failed".
    let gone_in_batch = refused_batch
        && match &e {
            ApiError::NotFound => true,
            ApiError::Validation { items, .. } => items
                .iter()
                .any(|i| i.errors.iter().any(|fe| fe.code == "NotFound")),
            _ => false,
        };
    if gone_in_batch {
        s.banner = error_banner(T::ErrGoneSome, None, false);
        return;
    }
    if job == Job::Sources && s.load == Load::Loading {
        s.load = Load::Failed;
    }
    if job == Job::Test {
        s.conn = Conn::Failed(message(&e));
    }
    if job == Job::Lookup {
        s.lookup_result = None;
    }
    match &e {
        ApiError::Validation { problem, items } => {
            let keys: Vec<RowKey> = match &job {
                Job::Create(k) | Job::Save(k) => k.clone(),
                Job::Default(k) => vec![*k],
                _ => Vec::new(),
            };
            let mut placed = false;
            for item in items {
                let k = match item.index {
                    Some(i) => keys.get(i).copied(),
                    None if keys.len() == 1 => keys.first().copied(),
                    None => None,
                };
                let Some(r) = k.and_then(|k| s.row_mut(k)) else {
                    continue;
                };
                for fe in &item.errors {
                    // An item refused as not found in a batch save: deleted elsewhere, said
                    // as plainly as for a single save.
                    let gone = fe.code == "NotFound" && matches!(job, Job::Save(_));
                    r.errors.push(if gone {
                        gone_error()
                    } else {
                        FieldError {
                            field: check::field_of_path(&fe.path),
                            msg: T::VServer,
                            detail: Some(fe.detail.clone()).filter(|d| !d.is_empty()),
                        }
                    });
                    placed = true;
                }
            }
            s.banner = error_banner(
                if placed { T::ErrRejected } else { T::ErrHttp },
                problem.detail.clone(),
                false,
            );
            if placed {
                focus_first_error(s, fx);
            }
        }
        ApiError::RateLimited { retry_after } => {
            let secs = retry_after
                .map(|d| d.as_secs() as u32 + u32::from(d.subsec_nanos() > 0))
                .unwrap_or(DEFAULT_WAIT)
                .clamp(1, 600);
            s.timer_gen += 1;
            s.countdown = secs;
            s.banner = error_banner(T::ErrRateLimited, None, false);
            s.retry = Some((job, call));
            fx.push(Effect::After(Timer::Countdown(s.timer_gen), 1000));
        }
        ApiError::NotFound if matches!(call, Call::DeleteOne(_)) => {
            // Already gone: the goal of the delete is reached, but not by this delete.
            if let Call::DeleteOne(id) = call {
                s.rows.retain(|r| r.key != RowKey::Saved(id));
            }
            s.status = Some((T::DeletedElsewhere, 0));
        }
        ApiError::NotFound if matches!(call, Call::UpdateOne(_)) => gone(s, &call),
        _ => {
            let retry = job != Job::Test;
            s.banner = error_banner(message(&e), detail(&e), retry);
            if retry {
                s.retry = Some(match (job, call) {
                    // The answer was lost or garbled, so the create may have happened: the
                    // retry first asks which of these external ids exist now. (A 5xx is an
                    // answer: the all-or-nothing batch failed and is simply sent again.)
                    (Job::Create(keys), call @ Call::Create(_))
                        if matches!(
                            e,
                            ApiError::Network(_) | ApiError::Timeout | ApiError::Decode(_)
                        ) =>
                    {
                        (Job::Reconcile(keys), Call::Find(external_ids(&call)))
                    }
                    (Job::ImportCreate, call @ Call::Create(_))
                        if matches!(
                            e,
                            ApiError::Network(_) | ApiError::Timeout | ApiError::Decode(_)
                        ) =>
                    {
                        (Job::ImportReconcile, Call::Find(external_ids(&call)))
                    }
                    other => other,
                });
            }
        }
    }
}

/// The message key for an error.
pub fn message(e: &ApiError) -> T {
    match e {
        ApiError::Validation { .. } => T::ErrRejected,
        ApiError::Unauthorized => T::ErrUnauthorized,
        ApiError::PaymentRequired => T::ErrPayment,
        ApiError::Forbidden => T::ErrForbidden,
        ApiError::NotFound => T::ErrNotFound,
        ApiError::RateLimited { .. } => T::ErrRateLimited,
        ApiError::Server { .. } => T::ErrServer,
        ApiError::Http { .. } => T::ErrHttp,
        ApiError::Network(_) => T::ErrNetwork,
        ApiError::Timeout => T::ErrTimeout,
        ApiError::Decode(_) => T::ErrDecode,
    }
}

/// The server's own words worth showing next to the message.
fn detail(e: &ApiError) -> Option<String> {
    let (status, detail, trace_id) = match e {
        ApiError::Server {
            status,
            trace_id,
            detail,
        } => (status, detail, trace_id.as_deref()),
        ApiError::Http { status, detail } => (status, detail, None),
        _ => return None,
    };
    let mut out = format!("HTTP {status}");
    if let Some(d) = detail {
        out.push_str(": ");
        out.push_str(d);
    }
    if let Some(t) = trace_id {
        out.push_str(" · trace_id ");
        out.push_str(t);
    }
    Some(out)
}

/// Asks for focus on the first element matching `sel`.
fn focus(fx: &mut Vec<Effect>, sel: &str) {
    fx.push(Effect::Focus(String::from(sel)));
}

/// An error banner.
fn error_banner(msg: T, detail: Option<String>, retry: bool) -> Option<Banner> {
    Some(Banner {
        error: true,
        msg,
        detail,
        retry,
    })
}

/// The row error of a source deleted elsewhere.
fn gone_error() -> FieldError {
    FieldError {
        field: Field::Row,
        msg: T::ErrGone,
        detail: None,
    }
}
