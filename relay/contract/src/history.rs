//! The history the relay keeps of changes to an account's sources, as `GET /relay/history`
//! answers it: `{"changes": [Change, ...], "next": cursor or null}`, newest first.
//!
//! Query parameters ([`Param`]): `source_id`, `external_id` and `user_id` filter; `limit`
//! (1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when absent) and `cursor` (an earlier page's `next`,
//! opaque) page. A bad one is refused with 400 problem+json whose `detail` names it.

/// The relay's own route for the history; administrators of the account only.
pub const HISTORY_PATH: &str = "/relay/history";

/// Most changes one page holds.
pub const MAX_LIMIT: u32 = 100;

/// Changes a page holds when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 50;

/// What a change did to a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "history",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
pub enum Action {
    /// `POST /api/v4/sources`.
    Create,
    /// `PATCH /api/v4/sources` or `/api/v4/sources/{id}`.
    Update,
    /// `DELETE /api/v4/sources` or `/api/v4/sources/{id}`.
    Delete,
}

impl Action {
    /// Every action.
    pub const ALL: &'static [Action] = &[Action::Create, Action::Update, Action::Delete];

    /// The action as it is sent and stored, e.g. `update`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }

    /// The action a code stands for; `None` for a code this version does not know.
    pub fn parse(code: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.as_str() == code)
    }
}

/// A query parameter of [`HISTORY_PATH`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// Only changes to this source id.
    SourceId,
    /// Only changes to sources with this `external_id`.
    ExternalId,
    /// Only changes this user made.
    UserId,
    /// Changes a page holds, 1 to [`MAX_LIMIT`].
    Limit,
    /// Where a page starts: an earlier page's `next`.
    Cursor,
}

impl Param {
    /// Every parameter.
    pub const ALL: &'static [Param] = &[
        Param::SourceId,
        Param::ExternalId,
        Param::UserId,
        Param::Limit,
        Param::Cursor,
    ];

    /// The parameter's name in the query, e.g. `source_id`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Param::SourceId => "source_id",
            Param::ExternalId => "external_id",
            Param::UserId => "user_id",
            Param::Limit => "limit",
            Param::Cursor => "cursor",
        }
    }

    /// The parameter a name stands for; `None` for a name the route does not take.
    pub fn parse(name: &str) -> Option<Param> {
        Param::ALL.iter().copied().find(|p| p.as_str() == name)
    }
}

#[cfg(feature = "history")]
pub use typed::{Change, Fields, HistoryPage};

#[cfg(feature = "history")]
mod typed {
    use super::Action;
    use alloc::string::String;
    use alloc::vec::Vec;
    use serde::{Deserialize, Serialize};
    use serde_json::Value;

    /// A source's fields an administrator edits, as Kommo answers them. Read leniently from
    /// a whole source: its other fields are ignored, and a missing one takes its default;
    /// Kommo answers `null` for a `default`, `origin_code` or `services` never set, and that
    /// is kept as it came.
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    pub struct Fields {
        /// The source's name.
        #[serde(default)]
        pub name: String,
        /// The pipeline its leads go to.
        #[serde(default)]
        pub pipeline_id: Option<i64>,
        /// Whether it is the integration's default source; `null` when never set.
        #[serde(default)]
        pub default: Option<bool>,
        /// The origin code Kommo shows for its leads.
        #[serde(default)]
        pub origin_code: Option<String>,
        /// Its services (chat and form settings), as Kommo gave them; `null` when none.
        #[serde(default)]
        pub services: Option<Vec<Value>>,
    }

    /// One change to one source, as the relay forwarded it.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct Change {
        /// When the relay had Kommo's answer (Unix seconds).
        pub at: i64,
        /// The Kommo user who made it.
        pub user_id: i64,
        /// That user's name, as Kommo gave it then.
        pub user_name: String,
        /// What was done.
        pub action: Action,
        /// The source's id; `null` for a refused create.
        pub source_id: Option<i64>,
        /// The source's `external_id`, when known.
        pub external_id: Option<String>,
        /// The source as the relay last saw it before the change; `null` for a create or a
        /// source Kommo did not have.
        pub before: Option<Fields>,
        /// The source as Kommo answered the change; `null` for a delete or a refused change.
        pub after: Option<Fields>,
        /// Kommo's HTTP status for the change.
        pub status: u16,
    }

    impl Change {
        /// Whether Kommo refused the change (4xx or 5xx): then nothing changed.
        pub fn refused(&self) -> bool {
            self.status >= 400
        }
    }

    /// One page of an account's history, newest first.
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    pub struct HistoryPage {
        /// The changes, newest first.
        pub changes: Vec<Change>,
        /// The `cursor` of the next (older) page; `null` on the last one.
        pub next: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_as_what_they_stand_for() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(*a));
        }
        for p in Param::ALL {
            assert_eq!(Param::parse(p.as_str()), Some(*p));
        }
        assert_eq!(Action::parse("Create"), None);
        assert_eq!(Param::parse("page"), None);
    }

    #[cfg(feature = "history")]
    #[test]
    fn a_page_reads_back_as_it_was_written() {
        let page = HistoryPage {
            changes: vec![Change {
                at: 1_700_000_000,
                user_id: 7,
                user_name: "Ana".into(),
                action: Action::Update,
                source_id: Some(12),
                external_id: Some("web-1".into()),
                before: Some(Fields {
                    name: "Old".into(),
                    ..Fields::default()
                }),
                after: None,
                status: 400,
            }],
            next: Some("abc".into()),
        };
        let text = serde_json::to_string(&page).unwrap();
        assert!(text.contains(r#""action":"update""#), "{text}");
        assert_eq!(serde_json::from_str::<HistoryPage>(&text).unwrap(), page);
        assert!(page.changes[0].refused());
    }
}
