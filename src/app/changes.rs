//! What differs between two copies of a source, field by field, in the user's language: for
//! the import preview and for a row changed elsewhere.

use super::state::State;
use crate::i18n::{Lang, T};
use crate::model::Source;

/// One field that differs: its label, and its old and new values as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The field's label.
    pub field: T,
    /// The value before.
    pub was: String,
    /// The value after.
    pub now: String,
}

/// The fields that differ from `old` to `new`, in the order of the table's columns;
/// pipelines are named as the account names them.
pub fn between(s: &State, old: &Source, new: &Source) -> Vec<Change> {
    let lang: Lang = s.lang;
    let pipeline = |id: u64| {
        s.pipeline(id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let quoted = |v: &str| format!("“{v}”");
    let origin = |o: &Option<String>| o.as_deref().map_or_else(|| "—".to_owned(), quoted);
    let yes_no = |b: bool| lang.t(if b { T::Yes } else { T::No }).to_owned();
    let pages = |src: &Source| {
        let n: usize = src.services.iter().map(|sv| sv.pages.len()).sum();
        n.to_string()
    };
    let mut out = Vec::new();
    let mut note = |field: T, was: String, now: String| {
        if was != now {
            out.push(Change { field, was, now });
        }
    };
    note(T::ColName, quoted(&old.name), quoted(&new.name));
    note(
        T::ColExt,
        quoted(&old.external_id),
        quoted(&new.external_id),
    );
    note(
        T::ColPipeline,
        pipeline(old.pipeline_id),
        pipeline(new.pipeline_id),
    );
    note(
        T::ColDefault,
        yes_no(old.is_default()),
        yes_no(new.is_default()),
    );
    note(
        T::ColOrigin,
        origin(&old.origin_code),
        origin(&new.origin_code),
    );
    note(T::Pages, pages(old), pages(new));
    if out.is_empty() && old.services != new.services {
        // The same number of pages, changed inside: name, id, link or flags.
        let (was, now) = (lang.t(T::ChangedBefore), lang.t(T::ChangedAfter));
        out.push(Change {
            field: T::ColWa,
            was: was.to_owned(),
            now: now.to_owned(),
        });
    }
    out
}

/// One line for the changes: `Name: “a” → “b” · Pipeline: Sales → Support`.
pub fn line(lang: Lang, changes: &[Change]) -> String {
    let mut out = String::new();
    for (i, c) in changes.iter().enumerate() {
        if i > 0 {
            out.push_str(" · ");
        }
        out.push_str(lang.t(c.field));
        out.push_str(": ");
        out.push_str(&c.was);
        out.push_str(" → ");
        out.push_str(&c.now);
    }
    out
}
