//! The UI behaviour: state, messages, effects and the reducer; no web-sys, tested natively.
//!
//! `update(&mut State, Msg) -> Vec<Effect>` is the whole behaviour; the wasm side turns
//! DOM events into [`Msg`], runs the [`Effect`]s and renders [`view::view`] of the state.

pub mod action;
pub mod changes;
pub mod check;
pub mod draft;
pub mod event;
pub mod history;
pub mod import;
pub mod node;
pub mod row;
pub mod settings_save;
mod snippet;
pub mod state;
#[cfg(test)]
mod tests;
pub mod traffic;
mod update;
pub mod view;

pub use state::*;
pub use update::update;

use crate::api::ApiError;
pub use crate::api::{Call, Reply};

/// Timers the UI runs; each carries a generation so a stale tick is ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// One second of a 429 wait.
    Countdown(u32),
    /// One second of a delete's undo window.
    Undo(u32),
}

/// Side effects `update` asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Send `call`; answer with [`Msg::Reply`] carrying `job`.
    Call(Job, Call),
    /// Answer with [`Msg::Tick`] after `ms` milliseconds.
    After(Timer, u32),
    /// Put text on the clipboard; answer with [`Msg::Copied`].
    Copy(String),
    /// Focus the text area with this id and select its text, to be copied by hand.
    Select(&'static str),
    /// Offer a file to save.
    Download(String),
    /// Move keyboard focus to the first element matching this selector inside the widget.
    Focus(String),
    /// The same, only if focus was lost meanwhile (the control that had it was disabled
    /// while its change ran, or is gone): focus the admin moved elsewhere stays there.
    Refocus(String),
    /// Close the widget's own panel (Digital Pipeline).
    Close,
}

/// An edit of one field of a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Name typed.
    Name(String),
    /// External id typed (new rows).
    ExternalId(String),
    /// Pipeline chosen.
    Pipeline(u64),
    /// Origin code typed.
    Origin(String),
    /// Page name typed.
    PageName(usize, String),
    /// Page id typed.
    PageId(usize, String),
    /// Page phone typed.
    PageLink(usize, String),
    /// `waba` toggled.
    Waba(bool),
    /// `is_supports_list_message` toggled.
    ListMessage(bool),
    /// Page added.
    AddPage,
    /// Page removed.
    RemovePage(usize),
}

/// Everything that can happen to the widget.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// Mounted: load data.
    Start,
    /// A call finished.
    Reply(Job, Result<Reply, ApiError>),
    /// A timer fired.
    Tick(Timer),
    /// Search text typed.
    Search(String),
    /// Sort by a column (again: reverse).
    Sort(SortBy),
    /// Lookup text typed.
    LookupText(String),
    /// Run the server lookup.
    LookupGo,
    /// A field of a row edited.
    Edit(RowKey, Edit),
    /// Open or close a row's WhatsApp editor.
    ToggleWa(RowKey),
    /// Tick or untick a row.
    Select(RowKey, bool),
    /// Tick or untick every visible saved row.
    SelectAll(bool),
    /// Add an empty draft row.
    AddDraft,
    /// Save one row (create a draft, or patch a saved row).
    Save(RowKey),
    /// Create every draft in one request.
    CreateAll,
    /// Save every edited saved row in one request.
    SaveAll,
    /// Drop a row's edits (or a draft).
    Revert(RowKey),
    /// Make a row the default (true) or clear it (false).
    Default(RowKey, bool),
    /// Ask to delete one row.
    AskDelete(RowKey),
    /// Ask to delete the ticked rows.
    AskDeleteSelected,
    /// Confirm the delete dialog.
    ConfirmDelete,
    /// Cancel a confirmed delete during its undo window.
    Undo,
    /// Close the open dialog.
    CloseDialog,
    /// Resend the failed request.
    Retry,
    /// Reload the list.
    Refresh,
    /// Open a row's lead snippet dialog.
    Copy(RowKey),
    /// Copy one of the snippet dialog's texts.
    CopySnippet(traffic::Snip),
    /// The clipboard took the text (true) or refused it.
    Copied(bool),
    /// Send the snippet dialog's body as a test lead.
    SendTestLead,
    /// Read the leads of the last 30 days (again).
    TrafficLoad,
    /// Stop the read of the leads.
    TrafficCancel,
    /// Go on reading the leads from the page that failed.
    TrafficResume,
    /// Show the traffic of this period.
    Period(crate::traffic::Period),
    /// Show or hide the latest leads of this source.
    ShowLeads(u64),
    /// Go to the Traffic view (its heading takes focus, which scrolls it into view).
    GoTraffic,
    /// Export all sources.
    Export,
    /// An import file was read.
    ImportText(String),
    /// An import file was too large to read.
    ImportTooBig,
    /// Apply the previewed import.
    ImportApply,
    /// In the import preview, the items of the file's pipeline `.0` go to pipeline `.1` of
    /// this account (0: they are skipped).
    ImportPipeline(u64, u64),
    /// Test the connection (settings).
    Test,
    /// The host added the widget as a source of this pipeline: the panel shows it and
    /// offers a new source there.
    AddAsSource(u64),
    /// The panel opens on this pipeline, the one the widget is attached to.
    ShowPipeline(u64),
    /// Close the Digital Pipeline panel.
    ClosePanel,
    /// Close the panel although it has unsaved changes.
    Discard,
    /// Show the source with this id, which the server lookup found, in the list.
    ShowFound(u64),
    /// The settings modal's Save was pressed with these settings.
    SaveSettings(settings_save::SavedSettings),
    /// The token in the settings modal was edited: an earlier test no longer speaks for it.
    TokenEdited,
    /// In the add-source dialog, the source chosen to move (0: none).
    ChooseMove(u64),
    /// Move the chosen source to the dialog's pipeline.
    Move,
    /// Escape pressed.
    Escape,
    /// Read the history (again) under its filters.
    HistoryLoad,
    /// Read the next, older page of the history.
    HistoryMore,
    /// Show the history of this source only (`None`: of every source).
    HistorySource(Option<u64>),
    /// Show the changes of this user only (`None`: of everyone).
    HistoryUser(Option<i64>),
    /// Open the history of a row's source.
    HistoryOf(RowKey),
    /// Create again the source that history entry `.0` deleted.
    Restore(usize),
    /// Put back what history entry `.0` changed.
    RevertChange(usize),
    /// Revert although the source changed again since (the conflict dialog's confirm).
    ConfirmRevert,
}
