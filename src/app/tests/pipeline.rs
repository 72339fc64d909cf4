//! The Digital Pipeline panel: one pipeline's sources, added, edited, made default, moved
//! and deleted through the manager's own flows, and the panel's keyboard and closing.

use super::*;
use crate::app::action::Action;
use crate::i18n::{Lang, T};
use node::{El, Node};

const TITLE: &str = ".ksm-side h2";

/// A panel on pipeline `pid`, loaded with 1 "Chat" and 2 "Calls" in pipeline 10 and 3
/// "Fair" in pipeline 20.
pub(super) fn panel(pid: u64) -> State {
    panel_at(pid, 0, crate::app::traffic::Traffic::default()).0
}

/// The same panel at time `now`, mounted with `traffic` (a read kept from an earlier
/// mount); the effects of the list's answer.
pub(super) fn panel_at(
    pid: u64,
    now: i64,
    traffic: crate::app::traffic::Traffic,
) -> (State, Vec<Effect>) {
    let mut s = State::new(Mode::Pipeline, Lang::En, 50, Some(pid));
    s.now = now;
    s.traffic = traffic;
    let fx = update(&mut s, Msg::Start);
    assert!(fx.contains(&Effect::Focus(TITLE.into())), "{fx:?}");
    update(
        &mut s,
        Msg::Reply(Job::Pipelines, Ok(Reply::Pipelines(pipes()))),
    );
    let list = vec![
        src(1, "Chat", "chat", 10),
        src(2, "Calls", "calls", 10),
        src(3, "Fair", "fair", 20),
    ];
    let fx = update(
        &mut s,
        Msg::Reply(Job::Sources, Ok(Reply::Page(list, None))),
    );
    (s, fx)
}

/// The row keys the panel's table shows.
fn listed(s: &State) -> Vec<String> {
    find(s, &|e| e.tag == "tr" && e.get("data-k").is_some())
        .iter()
        .map(|r| r.get("data-k").unwrap_or("").to_owned())
        .collect()
}

/// The elements of the view that `pred` picks.
pub(super) fn find(s: &State, pred: &dyn Fn(&El) -> bool) -> Vec<El> {
    let tree = view::view(s);
    let mut out = Vec::new();
    tree.find_all(pred, &mut out);
    out.into_iter().cloned().collect()
}

/// The one PATCH a message sends, answered with `answer`.
fn patch_answered(
    s: &mut State,
    msg: Msg,
    answer: Source,
) -> (crate::model::SourcePatch, Vec<Effect>) {
    let sent = calls(&update(s, msg));
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (job, Call::UpdateOne(p)) = sent[0].clone() else {
        panic!("not a single PATCH: {sent:?}")
    };
    let fx = update(s, Msg::Reply(job, Ok(Reply::One(Some(answer)))));
    (p, fx)
}

#[test]
fn the_panel_lists_only_its_pipelines_saved_sources_without_bulk_controls() {
    let s = panel(10);
    assert_eq!(listed(&s), ["s1", "s2"]);
    let title = find(&s, &|e| e.tag == "h2");
    assert_eq!(
        Node::El(title[0].clone()).text_content(),
        format!("{} Sales", Lang::En.t(T::PanelTitle))
    );
    let side = find(&s, &|e| e.get("class") == Some("ksm-side"));
    assert_eq!(side[0].get("role"), Some("dialog"));
    assert_eq!(side[0].get("aria-modal"), Some("true"));
    let a = |act: Action| act.as_str();
    assert!(find(&s, &|e| e.get("data-a") == Some(a(Action::SelectAll))).is_empty());
    assert!(find(&s, &|e| e.get("data-a") == Some(a(Action::Select))).is_empty());
    for act in [
        Action::Add,
        Action::ClosePanel,
        Action::Wa,
        Action::Default,
        Action::Delete,
    ] {
        assert!(
            !find(&s, &|e| e.get("data-a") == Some(a(act))).is_empty(),
            "{act:?}"
        );
    }

    let other = panel(20);
    assert_eq!(listed(&other), ["s3"]);
    let empty = panel(5890012);
    assert!(listed(&empty).is_empty());
    assert!(view::view(&empty)
        .text_content()
        .contains(Lang::En.t(T::PanelEmpty)));
}

#[test]
fn editing_and_making_default_in_the_panel_send_what_the_manager_sends() {
    let mut s = panel(10);
    type_name(&mut s, RowKey::Saved(1), "Chat 2");
    let mut renamed = src(1, "Chat 2", "chat", 10);
    renamed.default = Some(false);
    let (p, _) = patch_answered(&mut s, Msg::Save(RowKey::Saved(1)), renamed);
    assert_eq!(
        (p.id, p.name.as_deref(), p.pipeline_id, p.default),
        (1, Some("Chat 2"), None, None)
    );
    assert_eq!(listed(&s), ["s1", "s2"]);
    assert_eq!(s.row(RowKey::Saved(1)).unwrap().draft.name, "Chat 2");

    let mut made = src(2, "Calls", "calls", 10);
    made.default = Some(true);
    let (p, _) = patch_answered(&mut s, Msg::Default(RowKey::Saved(2), true), made);
    assert_eq!((p.id, p.default, p.name), (2, Some(true), None));
    assert!(s.shown_default(s.row(RowKey::Saved(2)).unwrap()));
    assert!(!s.shown_default(s.row(RowKey::Saved(1)).unwrap()));
}

#[test]
fn a_source_moved_to_another_pipeline_leaves_the_list_once_saved_and_focus_goes_to_add() {
    let mut s = panel(10);
    update(&mut s, Msg::Edit(RowKey::Saved(1), Edit::Pipeline(20)));
    // Picked but not saved: it is still this pipeline's source.
    assert_eq!(listed(&s), ["s1", "s2"]);
    let (p, fx) = patch_answered(
        &mut s,
        Msg::Save(RowKey::Saved(1)),
        src(1, "Chat", "chat", 20),
    );
    assert_eq!((p.pipeline_id, p.name), (Some(20), None));
    assert_eq!(listed(&s), ["s2"]);
    assert!(
        fx.contains(&Effect::Focus(Action::Add.selector())),
        "{fx:?}"
    );

    // A save that keeps the source here leaves focus alone.
    type_name(&mut s, RowKey::Saved(2), "Calls 2");
    let (_, fx) = patch_answered(
        &mut s,
        Msg::Save(RowKey::Saved(2)),
        src(2, "Calls 2", "calls", 10),
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::Focus(_))), "{fx:?}");
}

#[test]
fn deleting_in_the_panel_confirms_waits_for_undo_and_escape_closes_the_innermost_first() {
    let mut s = panel(10);
    assert!(
        s.takes_escape(),
        "the panel is the widget's: Escape is always its own"
    );
    update(&mut s, Msg::AskDelete(RowKey::Saved(1)));
    assert!(matches!(s.dialog, Some(Dialog::ConfirmDelete(_))));
    let regions = find(&s, &|e| e.get("role") == Some("region"));
    assert_eq!(
        regions[0].get("aria-label"),
        Some(Lang::En.t(T::ConfirmDelete_one))
    );
    let fx = update(&mut s, Msg::Escape);
    assert!(s.dialog.is_none() && !fx.contains(&Effect::Close), "{fx:?}");
    assert!(
        fx.contains(&Effect::Focus("[data-k=s1] [data-a=del]".into())),
        "{fx:?}"
    );

    update(&mut s, Msg::AskDelete(RowKey::Saved(1)));
    update(&mut s, Msg::ConfirmDelete);
    let fx = update(&mut s, Msg::Escape);
    assert!(
        s.pending.is_none() && !fx.contains(&Effect::Close),
        "Escape undid the delete"
    );

    update(&mut s, Msg::AskDelete(RowKey::Saved(1)));
    update(&mut s, Msg::ConfirmDelete);
    let mut sent = Vec::new();
    for _ in 0..update::UNDO_SECONDS {
        let g = s.timer_gen;
        sent = calls(&update(&mut s, Msg::Tick(Timer::Undo(g))));
    }
    assert_eq!(sent[0].1, Call::DeleteOne(1));
    update(&mut s, Msg::Reply(sent[0].0.clone(), Ok(Reply::Deleted)));
    assert_eq!(listed(&s), ["s2"]);

    assert_eq!(update(&mut s, Msg::Escape), vec![Effect::Close]);
}

#[test]
fn add_as_source_offers_a_prefilled_draft_in_that_pipeline_or_moves_one_in() {
    let mut s = panel(20);
    let fx = update(&mut s, Msg::AddAsSource(20));
    assert!(fx.contains(&Effect::Focus("[data-first]".into())), "{fx:?}");
    let Some(Dialog::AddSource { draft, .. }) = s.dialog.clone() else {
        panic!("no add form")
    };
    let r = s.row(draft).unwrap();
    assert_eq!(
        (
            r.draft.pipeline_id,
            r.draft.name.as_str(),
            r.draft.external_id.as_str()
        ),
        (20, "Old", "old-20")
    );
    // The draft belongs to the form, not to the list.
    assert_eq!(listed(&s), ["s3"]);
    update(&mut s, Msg::ChooseMove(1));
    let (p, _) = patch_answered(&mut s, Msg::Move, src(1, "Chat", "chat", 20));
    assert_eq!((p.id, p.pipeline_id, p.name), (1, Some(20), None));
    assert!(matches!(
        s.dialog,
        Some(Dialog::AddSource { done: true, .. })
    ));
    // Closing the form goes back to the list, which now holds the moved source.
    let fx = update(&mut s, Msg::CloseDialog);
    assert_eq!(fx, vec![Effect::Focus(Action::Add.selector())]);
    assert_eq!(listed(&s), ["s1", "s3"]);

    // "Add source" opens the form again; a new source created there joins the list.
    update(&mut s, Msg::AddDraft);
    let Some(Dialog::AddSource { draft, .. }) = s.dialog.clone() else {
        panic!("no add form")
    };
    update(&mut s, Msg::Edit(draft, Edit::ExternalId("old-new".into())));
    let sent = calls(&update(&mut s, Msg::Save(draft)));
    let Call::Create(items) = &sent[0].1 else {
        panic!("{sent:?}")
    };
    assert_eq!(items[0].pipeline_id, Some(20));
    let created = src(9, "Old", "old-new", 20);
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Ok(Reply::Sources(vec![created]))),
    );
    assert!(matches!(
        s.dialog,
        Some(Dialog::AddSource { done: true, .. })
    ));
    assert_eq!(listed(&s), ["s1", "s3", "s9"]);
}

#[test]
fn add_as_source_to_a_pipeline_the_account_lacks_names_its_id() {
    let mut s = panel(777);
    update(&mut s, Msg::AddAsSource(777));
    let unknown = format!("777 ({})", Lang::En.t(T::UnknownPipeline));
    let title = find(&s, &|e| e.tag == "h2");
    assert_eq!(
        Node::El(title[0].clone()).text_content(),
        format!("{} {unknown}", Lang::En.t(T::PanelTitle))
    );
    let form = find(&s, &|e| e.tag == "h3" && e.get("class").is_none());
    assert_eq!(
        Node::El(form[0].clone()).text_content(),
        format!("{} {unknown}", Lang::En.t(T::AddTitle))
    );
}

#[test]
fn opening_on_another_pipeline_drops_an_untouched_add_draft_and_the_same_one_keeps_the_form() {
    let mut s = panel(10);
    update(&mut s, Msg::AddAsSource(10));
    let fx = update(&mut s, Msg::ShowPipeline(10));
    assert!(
        matches!(s.dialog, Some(Dialog::AddSource { .. })),
        "the form stays"
    );
    assert!(!fx.contains(&Effect::Focus(TITLE.into())));

    let fx = update(&mut s, Msg::ShowPipeline(20));
    assert_eq!(s.pipeline, Some(20));
    assert!(s.dialog.is_none());
    assert!(s.rows.iter().all(|r| !r.key_is_new()), "the draft went");
    assert_eq!(fx.last(), Some(&Effect::Focus(TITLE.into())));
    assert_eq!(listed(&s), ["s3"]);
    // A pipeline id of 0 is no pipeline: nothing changes.
    assert!(update(&mut s, Msg::ShowPipeline(0)).is_empty());
    assert_eq!(s.pipeline, Some(20));
}

#[test]
fn the_close_button_and_escape_close_the_panel_and_drop_an_unfinished_add() {
    let mut s = panel(10);
    update(&mut s, Msg::AddAsSource(10));
    let fx = update(&mut s, Msg::ClosePanel);
    assert_eq!(fx.last(), Some(&Effect::Close));
    assert!(s.rows.iter().all(|r| !r.key_is_new()));

    let mut s = panel(10);
    update(&mut s, Msg::AddAsSource(10));
    // Escape closes the form first, then the panel.
    assert!(!update(&mut s, Msg::Escape).contains(&Effect::Close));
    assert_eq!(update(&mut s, Msg::Escape), vec![Effect::Close]);
}

#[test]
fn without_a_pipeline_the_panel_says_so_instead_of_listing_every_source() {
    let mut s = State::new(Mode::Pipeline, Lang::En, 50, None);
    update(&mut s, Msg::Start);
    update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Page(vec![src(1, "Chat", "chat", 10)], None)),
        ),
    );
    assert!(listed(&s).is_empty());
    assert!(view::view(&s)
        .text_content()
        .contains(Lang::En.t(T::NoPipeline)));
    update(&mut s, Msg::ShowPipeline(10));
    assert_eq!(listed(&s), ["s1"]);
}

#[test]
fn closing_with_an_unsaved_rename_asks_first_and_keeping_it_goes_back_to_the_row() {
    let mut s = panel(10);
    let k = RowKey::Saved(2);
    type_name(&mut s, k, "Calls (DP)");
    for close in [Msg::Escape, Msg::ClosePanel] {
        let fx = update(&mut s, close);
        assert!(!fx.contains(&Effect::Close), "{fx:?}");
        assert_eq!(s.dialog, Some(Dialog::Discard));
        assert!(fx.contains(&Effect::Focus("[data-first]".into())));
        let shown = find(&s, &|e| e.get("data-a") == Some("discard"));
        assert_eq!(shown.len(), 1, "the panel asks with a Discard button");

        // Escape (or "Keep editing") keeps the rename and goes back to its field.
        let fx = update(&mut s, Msg::Escape);
        assert!(s.dialog.is_none() && !fx.contains(&Effect::Close), "{fx:?}");
        assert_eq!(
            fx,
            vec![Effect::Focus(crate::app::event::row_selector(
                k,
                Action::Name
            ))]
        );
        assert_eq!(s.row(k).map(|r| r.draft.name.as_str()), Some("Calls (DP)"));
    }
    update(&mut s, Msg::Escape);
    assert_eq!(update(&mut s, Msg::Discard), vec![Effect::Close]);
}

#[test]
fn closing_while_a_save_runs_waits_for_it_and_a_failed_save_keeps_the_panel_open() {
    let mut s = panel(10);
    let k = RowKey::Saved(2);
    type_name(&mut s, k, "Calls (DP)");
    let sent = calls(&update(&mut s, Msg::Save(k)));
    assert_eq!(sent.len(), 1);
    let fx = update(&mut s, Msg::Escape);
    assert!(fx.is_empty(), "nothing closes mid-save: {fx:?}");
    assert_eq!(s.status, Some((T::ClosingAfterSave, 0)));
    let saved = src(2, "Calls (DP)", "calls", 10);
    let fx = update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Ok(Reply::One(Some(saved)))),
    );
    assert_eq!(fx.last(), Some(&Effect::Close), "closes once saved: {fx:?}");

    // A save that fails is reported, and the panel stays.
    let mut s = panel(10);
    type_name(&mut s, k, "Calls (DP)");
    let sent = calls(&update(&mut s, Msg::Save(k)));
    update(&mut s, Msg::Escape);
    let fx = update(
        &mut s,
        Msg::Reply(
            sent[0].0.clone(),
            Err(crate::api::ApiError::Network("down".into())),
        ),
    );
    assert!(!fx.contains(&Effect::Close), "{fx:?}");
    assert!(!s.closing && s.banner.is_some());
    assert_eq!(s.row(k).map(|r| r.draft.name.as_str()), Some("Calls (DP)"));
}
