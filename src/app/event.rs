//! Turning a delegated DOM event (its action attributes and the control's value) into a [`Msg`].
//!
//! The view marks controls with `data-a` (action), rows with `data-k` (row key) and page
//! inputs with `data-i` (page index); the wasm side reads those and calls [`to_msg`].

use super::{Edit, Msg, RowKey, SortBy};
use crate::api::json::{parse_u64, write_u64};

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
    let (tag, n) = match k {
        RowKey::Saved(id) => ("s", id),
        RowKey::New(n) => ("n", u64::from(n)),
    };
    let mut out = String::from(tag);
    write_u64(&mut out, n);
    out
}

/// The row key a `data-k` text names.
pub fn parse_key(s: &str) -> Option<RowKey> {
    match s.split_at_checked(1)? {
        ("s", n) => parse_u64(n).map(RowKey::Saved),
        ("n", n) => parse_u64(n)
            .and_then(|n| u32::try_from(n).ok())
            .map(RowKey::New),
        _ => None,
    }
}

/// The message an event stands for, if any.
pub fn to_msg(ev: Ev<'_>) -> Option<Msg> {
    use Kind::*;
    let key = parse_key(ev.key);
    let idx = parse_u64(ev.idx)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0);
    let edit = |e: Edit| key.map(|k| Msg::Edit(k, e));
    Some(match (ev.kind, ev.act) {
        (Escape, _) => Msg::Escape,
        (Input, "search") => Msg::Search(ev.value),
        (Input, "lookup") => Msg::LookupText(ev.value),
        (Enter, "lookup") | (Click, "lookup-go") => Msg::LookupGo,
        (Click, "sort-name") => Msg::Sort(SortBy::Name),
        (Click, "sort-ext") => Msg::Sort(SortBy::ExternalId),
        (Input, "name") => return edit(Edit::Name(ev.value)),
        (Input, "ext") => return edit(Edit::ExternalId(ev.value)),
        (Input, "origin") => return edit(Edit::Origin(ev.value)),
        (Change, "pipe") => return edit(Edit::Pipeline(parse_u64(&ev.value)?)),
        (Input, "pname") => return edit(Edit::PageName(idx, ev.value)),
        (Input, "pid") => return edit(Edit::PageId(idx, ev.value)),
        (Input, "plink") => return edit(Edit::PageLink(idx, ev.value)),
        (Change, "waba") => return edit(Edit::Waba(ev.checked)),
        (Change, "listmsg") => return edit(Edit::ListMessage(ev.checked)),
        (Click, "addpage") => return edit(Edit::AddPage),
        (Click, "rmpage") => return edit(Edit::RemovePage(idx)),
        (Enter, "name" | "ext" | "origin" | "pname" | "pid" | "plink") | (Click, "save") => {
            Msg::Save(key?)
        }
        (Click, "wa") => Msg::ToggleWa(key?),
        (Change, "sel") => Msg::Select(key?, ev.checked),
        (Change, "selall") => Msg::SelectAll(ev.checked),
        (Change, "default") => Msg::Default(key?, ev.checked),
        (Click, "revert") => Msg::Revert(key?),
        (Click, "del") => Msg::AskDelete(key?),
        (Click, "copy") => Msg::Copy(key?),
        (Click, "add") => Msg::AddDraft,
        (Click, "createall") => Msg::CreateAll,
        (Click, "saveall") => Msg::SaveAll,
        (Click, "delsel") => Msg::AskDeleteSelected,
        (Click, "confirm") => Msg::ConfirmDelete,
        (Click, "undo") => Msg::Undo,
        (Click, "close") => Msg::CloseDialog,
        (Click, "retry") => Msg::Retry,
        (Click, "refresh") => Msg::Refresh,
        (Click, "export") => Msg::Export,
        (Click, "apply") => Msg::ImportApply,
        (Click, "test") => Msg::Test,
        (Change, "choose") => Msg::ChooseMove(parse_u64(&ev.value).unwrap_or(0)),
        (Click, "move") => Msg::Move,
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
    fn typing_and_clicking_become_messages_for_the_right_row() {
        assert_eq!(
            to_msg(ev(Kind::Input, "name", "s7", "Chat")),
            Some(Msg::Edit(RowKey::Saved(7), Edit::Name("Chat".into())))
        );
        assert_eq!(
            to_msg(ev(Kind::Enter, "name", "n2", "")),
            Some(Msg::Save(RowKey::New(2)))
        );
        assert_eq!(
            to_msg(ev(Kind::Change, "pipe", "s7", "5867030")),
            Some(Msg::Edit(RowKey::Saved(7), Edit::Pipeline(5867030)))
        );
        assert_eq!(to_msg(ev(Kind::Change, "pipe", "s7", "junk")), None);
        assert_eq!(to_msg(ev(Kind::Click, "del", "", "")), None);
        assert_eq!(to_msg(ev(Kind::Escape, "", "", "")), Some(Msg::Escape));
        assert_eq!(to_msg(ev(Kind::Click, "nonsense", "s1", "")), None);
    }
}
