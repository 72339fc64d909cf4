//! One line of the manager: a saved source with its edits, or a new draft, and the errors
//! on its fields.

use super::draft::Draft;
use crate::i18n::T;
use crate::model::{Source, SourcePatch};

/// Identity of a row that survives re-sorting, filtering and saving.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowKey {
    /// A source the server knows, by its id.
    Saved(u64),
    /// A draft not yet created, by a local counter.
    New(u32),
}

/// A field of a row that can carry an error or be edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Source name.
    Name,
    /// External id.
    ExternalId,
    /// Pipeline.
    Pipeline,
    /// Origin code.
    OriginCode,
    /// Default flag.
    Default,
    /// A WhatsApp page's name, by index.
    PageName(usize),
    /// A WhatsApp page's id, by index.
    PageId(usize),
    /// A WhatsApp page's phone link, by index.
    PageLink(usize),
    /// The services as a whole, or the row as a whole.
    Row,
}

/// An error shown under a field: a localized message, or the server's own words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field it belongs to.
    pub field: Field,
    /// The message key.
    pub msg: T,
    /// Text from the server, shown after the message when present.
    pub detail: Option<String>,
}

/// One line of the manager: a saved source with its edits, or a new draft.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Identity.
    pub key: RowKey,
    /// The server's copy, for saved rows.
    pub orig: Option<Source>,
    /// What the user sees and types.
    pub draft: Draft,
    /// Errors to show on the row's fields.
    pub errors: Vec<FieldError>,
    /// Ticked for bulk actions.
    pub selected: bool,
    /// WhatsApp editor open.
    pub wa_open: bool,
}

impl Row {
    /// A row for a server source.
    pub fn saved(s: Source) -> Row {
        Row {
            key: RowKey::Saved(s.id),
            draft: Draft::of(&s),
            orig: Some(s),
            errors: Vec::new(),
            selected: false,
            wa_open: false,
        }
    }

    /// The partial update that would save this row's edits (saved rows only); see
    /// [`Draft::patch`].
    pub fn patch(&self) -> Option<SourcePatch> {
        self.draft.patch(self.orig.as_ref()?)
    }

    /// Whether the user emptied the origin code of a saved source that has one, which no
    /// request can do (the API refuses `null`, and leaving it out keeps it).
    pub fn origin_cleared(&self) -> bool {
        let had = self.orig.as_ref().and_then(|o| o.origin_code.as_deref());
        had.is_some_and(|o| !o.trim().is_empty()) && self.draft.origin().is_none()
    }

    /// Whether the row has something to save.
    pub fn dirty(&self) -> bool {
        match self.key {
            RowKey::New(_) => true,
            RowKey::Saved(_) => self.patch().is_some() || self.origin_cleared(),
        }
    }

    /// Whether this is a draft not yet created.
    pub fn key_is_new(&self) -> bool {
        matches!(self.key, RowKey::New(_))
    }

    /// The first error on `f`.
    pub fn error(&self, f: Field) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == f)
    }
}
