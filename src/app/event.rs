//! Turning a delegated DOM event (its action attributes and the control's value) into a [`Msg`].
//!
//! The view marks controls with `data-a` ([`Action`]), rows with `data-k` (row key, [`key_str`])
//! and page inputs with `data-i` (page index, [`idx_str`]); the wasm side reads those and calls
//! [`to_msg`].

use super::action::Action;
use super::traffic::Snip;
use super::{Edit, Msg, RowKey, SortBy};
use crate::traffic::Period;

/// What kind of DOM event happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A click (or Space/Enter on a button).
    Click,
    /// Text typed.
    Input,
    /// A select, checkbox or file changed.
    Change,
    /// Enter pressed in a text field.
    Enter,
    /// Escape pressed.
    Escape,
}

/// A delegated event, reduced to what the reducer needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ev<'a> {
    /// Event kind.
    pub kind: Kind,
    /// The control's `data-a`.
    pub act: &'a str,
    /// The nearest `data-k` (row key), or empty.
    pub key: &'a str,
    /// The control's `data-i` (page index), or empty.
    pub idx: &'a str,
    /// The control's value.
    pub value: String,
    /// The control's checked state.
    pub checked: bool,
}

/// The `data-k` text of a row key.
pub fn key_str(k: RowKey) -> String {
    match k {
        RowKey::Saved(id) => format!("s{id}"),
        RowKey::New(n) => format!("n{n}"),
    }
}

/// The row key a `data-k` text names.
pub fn parse_key(s: &str) -> Option<RowKey> {
    match s.split_at_checked(1)? {
        ("s", n) => n.parse().ok().map(RowKey::Saved),
        ("n", n) => n.parse().ok().map(RowKey::New),
        _ => None,
    }
}

/// The `data-i` text of a page index.
pub fn idx_str(i: usize) -> String {
    i.to_string()
}

/// The page index a `data-i` text names.
pub fn parse_idx(s: &str) -> Option<usize> {
    s.parse().ok()
}

/// A CSS selector for the control with action `a` in the row keyed `k`.
pub fn row_selector(k: RowKey, a: Action) -> String {
    String::from("[data-k=") + &key_str(k) + "] " + &a.selector()
}

/// The message an event stands for, if any.
pub fn to_msg(ev: Ev<'_>) -> Option<Msg> {
    use Action as A;
    use Kind::*;
    if ev.kind == Escape {
        return Some(Msg::Escape);
    }
    let act = Action::parse(ev.act)?;
    let key = parse_key(ev.key);
    let idx = parse_idx(ev.idx).unwrap_or(0);
    let edit = |e: Edit| key.map(|k| Msg::Edit(k, e));
    Some(match (ev.kind, act) {
        (Input, A::Search) => Msg::Search(ev.value),
        (Input, A::Lookup) => Msg::LookupText(ev.value),
        (Enter, A::Lookup) | (Click, A::LookupGo) => Msg::LookupGo,
        (Click, A::SortName) => Msg::Sort(SortBy::Name),
        (Click, A::SortExt) => Msg::Sort(SortBy::ExternalId),
        (Input, A::Name) => return edit(Edit::Name(ev.value)),
        (Input, A::Ext) => return edit(Edit::ExternalId(ev.value)),
        (Input, A::Origin) => return edit(Edit::Origin(ev.value)),
        (Change, A::Pipe) => return edit(Edit::Pipeline(ev.value.parse().ok()?)),
        (Input, A::PageName) => return edit(Edit::PageName(idx, ev.value)),
        (Input, A::PageId) => return edit(Edit::PageId(idx, ev.value)),
        (Input, A::PageLink) => return edit(Edit::PageLink(idx, ev.value)),
        (Change, A::Waba) => return edit(Edit::Waba(ev.checked)),
        (Change, A::ListMsg) => return edit(Edit::ListMessage(ev.checked)),
        (Click, A::AddPage) => return edit(Edit::AddPage),
        (Click, A::RemovePage) => return edit(Edit::RemovePage(idx)),
        (Enter, A::Name | A::Ext | A::Origin | A::PageName | A::PageId | A::PageLink)
        | (Click, A::Save) => Msg::Save(key?),
        (Click, A::Wa) => Msg::ToggleWa(key?),
        (Change, A::Select) => Msg::Select(key?, ev.checked),
        (Change, A::SelectAll) => Msg::SelectAll(ev.checked),
        (Change, A::Default) => Msg::Default(key?, ev.checked),
        (Click, A::Revert) => Msg::Revert(key?),
        (Click, A::Delete) => Msg::AskDelete(key?),
        (Click, A::Copy) => Msg::Copy(key?),
        (Click, A::Add) => Msg::AddDraft,
        (Click, A::CreateAll) => Msg::CreateAll,
        (Click, A::SaveAll) => Msg::SaveAll,
        (Click, A::DeleteSelected) => Msg::AskDeleteSelected,
        (Click, A::Confirm) => Msg::ConfirmDelete,
        (Click, A::Undo) => Msg::Undo,
        (Click, A::Close) => Msg::CloseDialog,
        (Click, A::Retry) => Msg::Retry,
        (Click, A::ShowFound) => Msg::ShowFound(ev.idx.parse().ok()?),
        (Click, A::Refresh) => Msg::Refresh,
        (Click, A::Export) => Msg::Export,
        (Click, A::Apply) => Msg::ImportApply,
        // The file's pipeline id rides in `data-i`; the value 0 skips its items.
        (Change, A::ImportPipe) => {
            Msg::ImportPipeline(ev.idx.parse().ok()?, ev.value.parse().ok()?)
        }
        (Click, A::Test) => Msg::Test,
        (Change, A::Choose) => Msg::ChooseMove(ev.value.parse().unwrap_or(0)),
        (Click, A::Move) => Msg::Move,
        (Click, A::ClosePanel) => Msg::ClosePanel,
        (Click, A::Discard) => Msg::Discard,
        (Click, A::CopySource) => Msg::CopySnippet(Snip::Source),
        (Click, A::CopyBody) => Msg::CopySnippet(Snip::Body),
        (Click, A::SendTest) => Msg::SendTestLead,
        (Click, A::Week) => Msg::Period(Period::Week),
        (Click, A::Month) => Msg::Period(Period::Month),
        (Click, A::TrafficLoad) => Msg::TrafficLoad,
        (Click, A::TrafficCancel) => Msg::TrafficCancel,
        (Click, A::TrafficResume) => Msg::TrafficResume,
        // The source's id rides in `data-i`: the traffic table's rows are not list rows.
        (Click, A::ShowLeads) => Msg::ShowLeads(ev.idx.parse().ok()?),
        (Click, A::GoTraffic) => Msg::GoTraffic,
        (Click, A::HistoryLoad) => Msg::HistoryLoad,
        (Click, A::HistoryMore) => Msg::HistoryMore,
        // An empty value is the "all" choice.
        (Change, A::HistorySource) => Msg::HistorySource(ev.value.parse().ok()),
        (Change, A::HistoryUser) => Msg::HistoryUser(ev.value.parse().ok()),
        (Click, A::History) => Msg::HistoryOf(key?),
        // The entry's index rides in `data-i`: history entries are not list rows.
        (Click, A::Restore) => Msg::Restore(ev.idx.parse().ok()?),
        (Click, A::RevertChange) => Msg::RevertChange(ev.idx.parse().ok()?),
        (Click, A::ConfirmRevert) => Msg::ConfirmRevert,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: Kind, act: &'static str, key: &'static str, value: &str) -> Ev<'static> {
        Ev {
            kind,
            act,
            key,
            idx: "",
            value: value.to_owned(),
            checked: false,
        }
    }

    #[test]
    fn row_keys_round_trip_through_their_attribute_text() {
        for k in [RowKey::Saved(17619939), RowKey::New(0), RowKey::New(42)] {
            assert_eq!(parse_key(&key_str(k)), Some(k));
        }
        assert_eq!(parse_key(""), None);
        assert_eq!(parse_key("x1"), None);
        assert_eq!(parse_key("s"), None);
    }

    #[test]
    fn page_indexes_round_trip_through_their_attribute_text() {
        for i in [0, 3, 41] {
            assert_eq!(parse_idx(&idx_str(i)), Some(i));
        }
        assert_eq!(parse_idx(""), None);
        assert_eq!(parse_idx("x"), None);
    }

    #[test]
    fn typing_and_clicking_become_messages_for_the_right_row() {
        let (name, pipe, del) = (
            Action::Name.as_str(),
            Action::Pipe.as_str(),
            Action::Delete.as_str(),
        );
        assert_eq!(
            to_msg(ev(Kind::Input, name, "s7", "Chat")),
            Some(Msg::Edit(RowKey::Saved(7), Edit::Name("Chat".into())))
        );
        assert_eq!(
            to_msg(ev(Kind::Enter, name, "n2", "")),
            Some(Msg::Save(RowKey::New(2)))
        );
        assert_eq!(
            to_msg(ev(Kind::Change, pipe, "s7", "5867030")),
            Some(Msg::Edit(RowKey::Saved(7), Edit::Pipeline(5867030)))
        );
        assert_eq!(to_msg(ev(Kind::Change, pipe, "s7", "junk")), None);
        assert_eq!(to_msg(ev(Kind::Click, del, "", "")), None);
        assert_eq!(to_msg(ev(Kind::Escape, "", "", "")), Some(Msg::Escape));
        assert_eq!(to_msg(ev(Kind::Click, "nonsense", "s1", "")), None);
    }
}
