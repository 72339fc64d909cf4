//! What the widget knows at any moment: server data, the user's drafts and what is in flight.

pub use super::draft::{Draft, PageDraft};
use super::history::{EntryRef, History};
pub use super::import::{ImportError, ImportPlan};
pub use super::row::{Field, FieldError, Row, RowKey};
use super::traffic::{Snip, TestLead, Traffic};
use crate::i18n::{Lang, T};
use crate::model::{Pipeline, Source};

/// Where the widget is mounted; decides how much of the manager is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The settings modal: connection test and a compact list.
    Settings,
    /// The advanced settings page: the full manager.
    Advanced,
    /// Digital Pipeline: the widget's own panel with one pipeline's sources, to add, edit,
    /// make default, move and delete them.
    Pipeline,
}

/// Columns the list can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortBy {
    /// Server order (creation).
    None,
    /// By name.
    Name,
    /// By external id.
    ExternalId,
}

/// Progress of the initial load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Load {
    /// Requests sent, nothing shown yet.
    Loading,
    /// Data shown.
    Ready,
    /// The load failed; the banner says why.
    Failed,
}

/// A request in flight, by purpose; only one mutating job runs at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    /// Listing sources (load or refresh).
    Sources,
    /// Listing pipelines.
    Pipelines,
    /// Testing the connection (settings).
    Test,
    /// Looking up external ids on the server.
    Lookup,
    /// Creating these drafts, in request_id order.
    Create(Vec<RowKey>),
    /// Saving these rows, in request_id order.
    Save(Vec<RowKey>),
    /// Setting or clearing the default flag of this row.
    Default(RowKey),
    /// Checking which of these drafts a lost create answer did create.
    Reconcile(Vec<RowKey>),
    /// Deleting these sources.
    Delete(Vec<u64>),
    /// Import: creating, then updating.
    ImportCreate,
    /// Import: updating.
    ImportUpdate,
    /// Import: checking which items a create without a readable answer did create.
    ImportReconcile,
    /// Reading one source again after a conflict.
    Reread(RowKey),
    /// Reading a page of leads for the traffic report, in read number `.0`.
    Traffic(u32),
    /// Creating the snippet dialog's test lead.
    TestLead,
    /// Reading the test lead back.
    CheckLead,
    /// Reading a page of the relay's history, in read number `.0`.
    History(u32),
    /// Restoring the source history entry `.0` deleted.
    Restore(EntryRef),
    /// Reading the source of history entry `.0` before its edit is reverted.
    RevertCheck(EntryRef),
    /// Reverting the edit of history entry `.0`.
    RevertChange(EntryRef),
}

impl Job {
    /// Whether the job changes data (and so blocks other changes while it runs).
    pub fn mutating(&self) -> bool {
        !matches!(
            self,
            Job::Sources
                | Job::Pipelines
                | Job::Test
                | Job::Lookup
                | Job::Reread(_)
                | Job::Traffic(_)
                | Job::TestLead
                | Job::CheckLead
                | Job::History(_)
                | Job::RevertCheck(_)
        )
    }
}

/// A message shown above the list, with what the user can do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Banner {
    /// Error (true) or information.
    pub error: bool,
    /// Message key.
    pub msg: T,
    /// The server's detail, when it helps.
    pub detail: Option<String>,
    /// A retry button resends the failed request.
    pub retry: bool,
}

/// A delete confirmed and waiting for its undo window to pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingDelete {
    /// Sources to delete.
    pub ids: Vec<u64>,
    /// Their names, for the message.
    pub names: Vec<String>,
    /// Seconds left before the request is sent.
    pub left: u32,
}

/// What the server said about an external id lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LookupResult {
    /// Sources found, and the ids asked for that none has.
    Found(Vec<Source>, Vec<String>),
    /// No source has any of the external ids.
    Missing,
    /// More ids than one request may ask for.
    TooMany,
}

/// A dialog over the manager.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialog {
    /// Confirm deleting these sources.
    ConfirmDelete(Vec<u64>),
    /// Preview of an import before applying it.
    Import(ImportPlan),
    /// Add a source to a pipeline (Digital Pipeline), or move one there.
    AddSource {
        /// Target pipeline.
        pipeline_id: u64,
        /// Source chosen to move, if any (0: create a new one).
        move_id: u64,
        /// The draft row the dialog creates.
        draft: RowKey,
        /// Done: the source is in the pipeline.
        done: bool,
    },
    /// Closing the panel would drop unsaved changes: ask first.
    Discard,
    /// Reverting history entry `entry` would overwrite later changes: the source as it is
    /// now, shown before asking.
    RevertConflict {
        /// The entry.
        entry: EntryRef,
        /// The source as the server has it now.
        current: Source,
    },
    /// The lead snippet of a source: its `_embedded.source`, a complex create body around
    /// it, and a test lead sent with that body.
    Snippet {
        /// The source's row.
        key: RowKey,
        /// The last copy asked for, and whether the clipboard took it (`None` while it runs).
        copied: Option<(Snip, Option<bool>)>,
        /// The test lead.
        test: TestLead,
    },
}

/// Result of the settings' connection test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conn {
    /// Not tested yet.
    Unknown,
    /// The token works; this many sources exist.
    Ok(usize),
    /// It does not; the message says why.
    Failed(T),
}

/// The whole state of one mounted widget.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// Where it is mounted.
    pub mode: Mode,
    /// UI language.
    pub lang: Lang,
    /// How many sources the integration may have.
    pub limit: usize,
    /// Initial load.
    pub load: Load,
    /// Whether the pipelines have arrived.
    pub pipelines_ready: bool,
    /// Account pipelines.
    pub pipelines: Vec<Pipeline>,
    /// Saved sources and drafts, in server order with drafts last.
    pub rows: Vec<Row>,
    /// Counter for draft keys.
    pub next_new: u32,
    /// Search text (name or external id).
    pub search: String,
    /// Sort column.
    pub sort: SortBy,
    /// Sort direction.
    pub sort_desc: bool,
    /// External id typed in the server lookup.
    pub lookup: String,
    /// Last lookup answer.
    pub lookup_result: Option<LookupResult>,
    /// Message above the list.
    pub banner: Option<Banner>,
    /// Why the settings modal's last Save was refused, on which setting.
    pub refusal: Option<(super::settings_save::Setting, T)>,
    /// An error no retry can fix (a refused token, a non-administrator, an account not
    /// connected to the relay): its message, while changes are disabled.
    pub blocked: Option<T>,
    /// The failed request the banner's retry (or the 429 countdown) resends.
    pub retry: Option<(Job, super::Call)>,
    /// Seconds left of a 429 wait.
    pub countdown: u32,
    /// A delete waiting for its undo window.
    pub pending: Option<PendingDelete>,
    /// The panel was asked to close while a save ran: it closes once that is done, unless
    /// the save failed and says so.
    pub closing: bool,
    /// Open dialog.
    pub dialog: Option<Dialog>,
    /// Import file problems, shown in the bar.
    pub import_error: Option<ImportError>,
    /// An import being applied (its update half waits for the create half).
    pub importing: Option<ImportPlan>,
    /// Requests in flight with what they send, so a failure can be retried as it was (and
    /// the jobs running).
    pub in_flight: Vec<(Job, super::Call)>,
    /// Drafts as they were when last sent, to tell later typing from the saved state.
    pub sent: Vec<(RowKey, Draft)>,
    /// Generation of the running timers; bumping it orphans older ticks.
    pub timer_gen: u32,
    /// Selector of the control that opened the current dialog, to return focus to.
    pub focus_back: Option<String>,
    /// Connection test result.
    pub conn: Conn,
    /// Short status for screen readers and the user ("Saved", "Created 2 sources").
    pub status: Option<(T, usize)>,
    /// Rows the last change saved, each marked "Saved" until it is edited again: the
    /// status line is far from a row low on a long page.
    pub just_saved: Vec<RowKey>,
    /// The pipeline a save moved a source of the panel to, which the status `MovedTo` names.
    pub moved_to: Option<u64>,
    /// The pipeline the Digital Pipeline panel shows, as the host named it.
    pub pipeline: Option<u64>,
    /// List reads that follow `_links.next`: the sources so far and the pages read.
    pub paging: Vec<(Job, Vec<Source>, usize)>,
    /// External id of the source Kommo created at install (from the widget's settings).
    pub install_source: Option<String>,
    /// The widget's code (from its settings), which names its advanced settings page.
    pub widget_code: Option<String>,
    /// Whether requests go through the integration's relay rather than a pasted token.
    pub relay: bool,
    /// Lead traffic of the integration's sources.
    pub traffic: Traffic,
    /// The relay's history of changes to sources (relay mode).
    pub history: History,
    /// The time of the message being handled, in Unix seconds (the page sets it).
    pub now: i64,
    /// The browser's time zone, in seconds east of UTC, so that dates read as the admin's.
    pub utc_offset: i64,
}

impl State {
    /// A fresh state for a mount.
    pub fn new(mode: Mode, lang: Lang, limit: usize, pipeline: Option<u64>) -> State {
        State {
            mode,
            lang,
            limit: if limit == 0 { 50 } else { limit },
            load: Load::Loading,
            pipelines_ready: false,
            pipelines: Vec::new(),
            rows: Vec::new(),
            next_new: 0,
            search: String::new(),
            sort: SortBy::None,
            sort_desc: false,
            lookup: String::new(),
            lookup_result: None,
            banner: None,
            blocked: None,
            refusal: None,
            retry: None,
            countdown: 0,
            pending: None,
            closing: false,
            dialog: None,
            import_error: None,
            importing: None,
            in_flight: Vec::new(),
            sent: Vec::new(),
            timer_gen: 0,
            focus_back: None,
            conn: Conn::Unknown,
            status: None,
            just_saved: Vec::new(),
            moved_to: None,
            pipeline,
            paging: Vec::new(),
            install_source: None,
            widget_code: None,
            relay: false,
            traffic: Traffic::default(),
            history: History::default(),
            now: 0,
            utc_offset: 0,
        }
    }

    /// Whether a change is in flight (so change controls are disabled).
    pub fn saving(&self) -> bool {
        self.running(Job::mutating) || self.pending.is_some() || self.countdown > 0
    }

    /// Whether the settings modal's connection is being tested (by its test, or by its first
    /// read of the list), so that a Save waits for the answer.
    pub fn testing(&self) -> bool {
        let settings_read = |j: &Job| *j == Job::Sources && self.mode == Mode::Settings;
        self.conn == Conn::Unknown && self.running(|j| *j == Job::Test || settings_read(j))
    }

    /// How many rows have changes that are not saved (new rows included).
    pub fn unsaved(&self) -> usize {
        self.rows.iter().filter(|r| r.dirty()).count()
    }

    /// Whether Escape means something to the widget now (closes its dialog, undoes a
    /// pending delete, or closes the widget's own panel); otherwise the key is the host's,
    /// e.g. to close its modal.
    pub fn takes_escape(&self) -> bool {
        self.mode == Mode::Pipeline || self.dialog.is_some() || self.pending.is_some()
    }

    /// The saved sources the Digital Pipeline panel lists: those the server has in its
    /// pipeline (a row edited into another pipeline stays until that is saved).
    pub fn in_pipeline(&self) -> Vec<&Row> {
        let mut v = Vec::new();
        for r in self.visible() {
            if r.orig
                .as_ref()
                .is_some_and(|o| Some(o.pipeline_id) == self.pipeline)
            {
                v.push(r);
            }
        }
        v
    }

    /// Whether `s` is the source Kommo created at install, as the settings name it.
    pub fn is_install_source(&self, s: &Source) -> bool {
        self.install_source
            .as_deref()
            .is_some_and(|ext| crate::rules::same_external_id(ext.trim(), &s.external_id))
    }

    /// Whether row `r` shows as the default: a default change in flight shows its outcome
    /// at once (on that row, and off on every other row when it sets one); the row's own
    /// flag otherwise, so a failed change falls back to what the server has.
    pub fn shown_default(&self, r: &Row) -> bool {
        let mut shown = r.draft.default;
        for (job, call) in &self.in_flight {
            if let (Job::Default(k), super::Call::UpdateOne(p)) = (job, call) {
                match p.default {
                    Some(on) if *k == r.key => return on,
                    Some(true) => shown = false,
                    _ => {}
                }
            }
        }
        shown
    }

    /// Whether a job of this kind is in flight.
    pub fn running(&self, f: impl Fn(&Job) -> bool) -> bool {
        self.in_flight.iter().any(|(j, _)| f(j))
    }

    /// Saved sources (drafts excluded).
    pub fn saved_count(&self) -> usize {
        self.rows.iter().filter(|r| r.orig.is_some()).count()
    }

    /// The row with this key.
    pub fn row(&self, k: RowKey) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == k)
    }

    /// The row with this key, mutably.
    pub fn row_mut(&mut self, k: RowKey) -> Option<&mut Row> {
        self.rows.iter_mut().find(|r| r.key == k)
    }

    /// The pipeline with this id.
    pub fn pipeline(&self, id: u64) -> Option<&Pipeline> {
        self.pipelines.iter().find(|p| p.id == id)
    }

    /// The main pipeline's id (or the first one's), 0 when none is known.
    pub fn main_pipeline(&self) -> u64 {
        self.pipelines
            .iter()
            .find(|p| p.is_main)
            .or_else(|| self.pipelines.first())
            .map_or(0, |p| p.id)
    }

    /// Rows in display order: searched, then sorted.
    pub fn visible(&self) -> Vec<&Row> {
        let q = fold(self.search.trim());
        // Plain loops: each `collect` costs the bundle its own code.
        let mut v = Vec::new();
        for r in &self.rows {
            if q.is_empty()
                || r.key_is_new()
                || crate::rules::contains(&fold(&r.draft.name), &q)
                || crate::rules::contains(&fold(&r.draft.external_id), &q)
            {
                v.push(r);
            }
        }
        let key: fn(&Row) -> &str = match self.sort {
            SortBy::None => return v,
            SortBy::Name => |r| &r.draft.name,
            SortBy::ExternalId => |r| &r.draft.external_id,
        };
        let mut keyed = Vec::new();
        for r in &v {
            keyed.push((fold(key(r)), *r));
        }
        crate::sort::stable_by(&mut keyed, |a, b| a.0.cmp(&b.0));
        v.clear();
        for (_, r) in keyed {
            v.push(r);
        }
        if self.sort_desc && self.sort != SortBy::None {
            v.reverse();
        }
        v
    }
}

/// Lower-cases `s` for case-insensitive search, sort and comparison (the core's folding,
/// which keeps Unicode's full case tables out of the bundle).
pub fn fold(s: &str) -> String {
    crate::rules::fold_case(s)
}
