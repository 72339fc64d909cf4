//! The History section's state and the pure reading of a change: which fields it changed,
//! how its WhatsApp pages moved, what undoing it sends, and when it happened in words.

use crate::api::HistoryQuery;
use crate::model::{NewSource, Page, Service, Source, SourcePatch};
use relay_contract::{Change, Fields};

/// An entry of the history as it was when an undo started: its read number and index, so
/// that an answer arriving after the history was read again cannot act on another entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryRef {
    /// [`History::gen`] then.
    pub gen: u32,
    /// Its index in [`History::entries`].
    pub index: usize,
}

/// Where the history read stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HistoryLoad {
    /// Not asked for yet.
    #[default]
    Idle,
    /// A page is being read.
    Loading,
    /// The pages so far are in.
    Ready,
    /// The last read failed; the banner says why and offers a retry.
    Failed,
}

/// The History section: its filters, the entries read so far and where paging stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// Only this source's changes.
    pub source: Option<u64>,
    /// Only this user's changes.
    pub user: Option<i64>,
    /// The changes read so far, newest first.
    pub entries: Vec<Entry>,
    /// The cursor of the next (older) page; `None` on the last one.
    pub next: Option<String>,
    /// Where the read stands.
    pub load: HistoryLoad,
    /// Number of the current read: a page of an earlier filter is dropped.
    pub gen: u32,
    /// Users seen in the entries, (id, name), in the order first seen: the user filter's
    /// choices, kept across filters so that a filter can be changed back.
    pub users: Vec<(i64, String)>,
    /// The outcome of the last Restore or Revert, on the entry (index) it was asked from.
    pub note: Option<(usize, crate::i18n::T, Option<String>)>,
}

impl History {
    /// The entry at `index` of the current read.
    pub fn at(&self, index: usize) -> EntryRef {
        EntryRef {
            gen: self.gen,
            index,
        }
    }

    /// The entry `r` names, unless the history was read again since.
    pub fn entry(&self, r: EntryRef) -> Option<&Entry> {
        (r.gen == self.gen)
            .then(|| self.entries.get(r.index))
            .flatten()
    }

    /// The query of the first page under the current filters.
    pub fn query(&self) -> HistoryQuery {
        HistoryQuery {
            source_id: self.source,
            user_id: self.user,
            cursor: None,
        }
    }

    /// Keeps a page's entries and its users.
    pub fn absorb(&mut self, changes: Vec<Change>, next: Option<String>) {
        for c in &changes {
            if !self.users.iter().any(|(id, _)| *id == c.user_id) {
                self.users.push((c.user_id, c.user_name.clone()));
            }
        }
        self.entries.extend(changes.into_iter().map(Entry::new));
        self.next = next;
        self.load = HistoryLoad::Ready;
    }
}

/// A field of a source a change can touch, in the table's column order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// `name`.
    Name,
    /// `pipeline_id`.
    Pipeline,
    /// `default`.
    Default,
    /// `origin_code`.
    Origin,
    /// `services` (the WhatsApp pages and their flags).
    Services,
}

impl Part {
    /// Every field, in column order.
    pub const ALL: [Part; 5] = [
        Part::Name,
        Part::Pipeline,
        Part::Default,
        Part::Origin,
        Part::Services,
    ];

    /// Its name in the page (`data-part`), for styles and tests to find one field's line.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Name => "name",
            Part::Pipeline => "pipeline",
            Part::Default => "default",
            Part::Origin => "origin",
            Part::Services => "services",
        }
    }
}

/// A copy of a source's fields in the widget's own types, so that a history entry and a
/// source of the list compare field by field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Name.
    pub name: String,
    /// Pipeline, when known.
    pub pipeline_id: Option<u64>,
    /// Default flag (`null` reads as not default, as Kommo treats it).
    pub default: bool,
    /// Origin code, when set.
    pub origin_code: Option<String>,
    /// Services, read as the list reads them.
    pub services: Vec<Service>,
}

impl Shape {
    /// The shape of an entry's `before` or `after`.
    pub fn of_fields(f: &Fields) -> Shape {
        let services = f
            .services
            .iter()
            .flatten()
            .filter_map(|v| crate::json::convert::<Service, _>(v).ok())
            .collect();
        Shape {
            name: f.name.clone(),
            pipeline_id: f.pipeline_id.and_then(|id| u64::try_from(id).ok()),
            default: f.default.unwrap_or(false),
            origin_code: f.origin_code.clone().filter(|o| !o.is_empty()),
            services,
        }
    }

    /// The shape of a source of the list.
    pub fn of_source(s: &Source) -> Shape {
        Shape {
            name: s.name.clone(),
            pipeline_id: Some(s.pipeline_id),
            default: s.is_default(),
            origin_code: s.origin_code.clone().filter(|o| !o.is_empty()),
            services: s.services.clone(),
        }
    }

    /// Whether field `p` is the same in both.
    pub fn same(&self, other: &Shape, p: Part) -> bool {
        match p {
            Part::Name => self.name == other.name,
            Part::Pipeline => self.pipeline_id == other.pipeline_id,
            Part::Default => self.default == other.default,
            Part::Origin => self.origin_code == other.origin_code,
            Part::Services => self.services == other.services,
        }
    }

    /// The WhatsApp pages of every service, in order.
    pub fn pages(&self) -> Vec<&Page> {
        self.services.iter().flat_map(|s| &s.pages).collect()
    }
}

/// A change of the history with its fields in the widget's own types, read once when its
/// page came in: every render and undo compares those, instead of reading the relay's
/// copies (their services through the JSON engine) again each time.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The change as the relay answered it.
    pub change: Change,
    /// Its `before`, read.
    pub before: Option<Shape>,
    /// Its `after`, read.
    pub after: Option<Shape>,
    /// The fields an edit changed, from `before` to `after`; none when either is unknown.
    pub changed: Vec<Part>,
}

impl Entry {
    /// Reads `change`.
    pub fn new(change: Change) -> Entry {
        let before = change.before.as_ref().map(Shape::of_fields);
        let after = change.after.as_ref().map(Shape::of_fields);
        let changed = match (&before, &after) {
            (Some(b), Some(a)) => Part::ALL.into_iter().filter(|p| !b.same(a, *p)).collect(),
            _ => Vec::new(),
        };
        Entry {
            change,
            before,
            after,
            changed,
        }
    }
}

impl std::ops::Deref for Entry {
    type Target = Change;
    fn deref(&self) -> &Change {
        &self.change
    }
}

impl std::ops::DerefMut for Entry {
    fn deref_mut(&mut self) -> &mut Change {
        &mut self.change
    }
}

/// How the WhatsApp pages moved between two copies, matched by page id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageMoves {
    /// Pages only in the later copy.
    pub added: Vec<Page>,
    /// Pages only in the earlier copy.
    pub removed: Vec<Page>,
    /// Pages in both whose name or phone differ, as they are in the later copy.
    pub changed: Vec<Page>,
    /// Whether the services' flags (or anything but the pages) differ as well.
    pub flags: bool,
}

/// The pages added, removed and changed from `was` to `now`.
pub fn page_moves(was: &Shape, now: &Shape) -> PageMoves {
    let (old, new) = (was.pages(), now.pages());
    let find = |list: &[&Page], id: &str| list.iter().find(|p| p.id == id).map(|p| (*p).clone());
    let mut out = PageMoves::default();
    for p in &new {
        match find(&old, &p.id) {
            None => out.added.push((*p).clone()),
            Some(o) if o != **p => out.changed.push((*p).clone()),
            Some(_) => {}
        }
    }
    for p in &old {
        if find(&new, &p.id).is_none() {
            out.removed.push((*p).clone());
        }
    }
    let bare = |s: &Shape| -> Vec<Service> {
        let mut v = s.services.clone();
        v.iter_mut().for_each(|sv| sv.pages.clear());
        v
    };
    out.flags = bare(was) != bare(now);
    out
}

/// The fields of an edit that changed again since, so that a revert would overwrite them:
/// those whose `current` value is not the one the edit left.
pub fn conflicts(e: &Entry, current: &Source) -> Vec<Part> {
    let Some(after) = &e.after else {
        return Vec::new();
    };
    let now = Shape::of_source(current);
    e.changed
        .iter()
        .copied()
        .filter(|p| !after.same(&now, *p))
        .collect()
}

/// The PATCH that puts back what an edit changed: only those fields, at their old values.
/// An origin code the edit set where there was none cannot be cleared (the API refuses
/// `null`), so it is left out; `None` when nothing can be put back.
pub fn revert_patch(e: &Entry) -> Option<SourcePatch> {
    let id = u64::try_from(e.source_id?).ok()?;
    let before = e.before.as_ref()?;
    let mut p = SourcePatch::new(id);
    for &part in &e.changed {
        match part {
            Part::Name => p.name = Some(before.name.clone()),
            Part::Pipeline => p.pipeline_id = before.pipeline_id,
            Part::Default => p.default = Some(before.default),
            Part::Origin => p.origin_code = before.origin_code.clone(),
            Part::Services => p.services = Some(before.services.clone()),
        }
    }
    (!p.is_empty()).then_some(p)
}

/// The create that brings a deleted source back with its last fields; `None` when the entry
/// does not know them.
pub fn restore_item(e: &Entry) -> Option<NewSource> {
    let before = e.before.clone()?;
    Some(NewSource {
        name: before.name,
        external_id: e.external_id.clone()?,
        pipeline_id: before.pipeline_id,
        // Sent only when it was the default: `false` is what a new source is anyway.
        default: before.default.then_some(true),
        origin_code: before.origin_code,
        services: (!before.services.is_empty()).then_some(before.services),
    })
}

/// Unix time `t` as the admin reads it: `2025-03-07 14:05`, in the browser's time zone
/// (`offset` seconds east of UTC).
pub fn when_text(t: i64, offset: i64) -> String {
    let secs = (t + offset).rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}",
        crate::traffic::date(t, offset),
        secs / 3600,
        secs % 3600 / 60
    )
}
