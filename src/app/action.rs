//! The actions a control can name in its `data-a` attribute: one table, read by the view and
//! the event decoder alike.

/// Writes the enum and its attribute texts from one table, so each text is written once.
macro_rules! actions {
    ($($(#[$doc:meta])* $v:ident = $s:literal,)*) => {
        /// What a control does; its `data-a` attribute is [`Action::as_str`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Action {
            $($(#[$doc])* $v,)*
        }

        impl Action {
            /// Every action, in table order.
            pub const ALL: &'static [Action] = &[$(Action::$v,)*];

            /// The `data-a` attribute value.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Action::$v => $s,)*
                }
            }
        }
    };
}

actions! {
    /// The list's search field.
    Search = "search",
    /// The server lookup field.
    Lookup = "lookup",
    /// Runs the server lookup.
    LookupGo = "lookup-go",
    /// Shows a source the lookup found in the list (its id in `data-i`).
    ShowFound = "show-found",
    /// Sorts by name.
    SortName = "sort-name",
    /// Sorts by external id.
    SortExt = "sort-ext",
    /// Reloads the list.
    Refresh = "refresh",
    /// A row's name field.
    Name = "name",
    /// A draft's external id field.
    Ext = "ext",
    /// A row's origin code field.
    Origin = "origin",
    /// A row's pipeline picker.
    Pipe = "pipe",
    /// A page's name field.
    PageName = "pname",
    /// A page's id field.
    PageId = "pid",
    /// A page's phone field.
    PageLink = "plink",
    /// A row's `waba` checkbox.
    Waba = "waba",
    /// A row's list-message checkbox.
    ListMsg = "listmsg",
    /// Adds a page to a row.
    AddPage = "addpage",
    /// Removes a page from a row.
    RemovePage = "rmpage",
    /// Opens or closes a row's WhatsApp editor.
    Wa = "wa",
    /// A row's selection checkbox.
    Select = "sel",
    /// The select-all checkbox.
    SelectAll = "selall",
    /// A row's default checkbox.
    Default = "default",
    /// Saves one row.
    Save = "save",
    /// Drops a row's edits.
    Revert = "revert",
    /// Asks to delete one row.
    Delete = "del",
    /// Opens a row's lead snippet.
    Copy = "copy",
    /// Adds a draft row.
    Add = "add",
    /// Creates every draft.
    CreateAll = "createall",
    /// Saves every edited row.
    SaveAll = "saveall",
    /// Asks to delete the ticked rows.
    DeleteSelected = "delsel",
    /// Confirms the delete dialog.
    Confirm = "confirm",
    /// Cancels a delete in its undo window.
    Undo = "undo",
    /// Closes the open dialog.
    Close = "close",
    /// Resends the failed request.
    Retry = "retry",
    /// Exports all sources.
    Export = "export",
    /// The import file picker (read by the wasm side, which sends the file's text).
    Import = "import",
    /// Applies the previewed import.
    Apply = "apply",
    /// Picks, in the import preview, where a file's unknown pipeline goes.
    ImportPipe = "imppipe",
    /// Tests the connection.
    Test = "test",
    /// Chooses the source to move in the add-source dialog.
    Choose = "choose",
    /// Moves the chosen source.
    Move = "move",
    /// Closes the Digital Pipeline panel.
    ClosePanel = "closepanel",
    /// Closes the panel, dropping its unsaved changes.
    Discard = "discard",
    /// Copies the snippet's `_embedded.source` object.
    CopySource = "copysource",
    /// Copies the snippet's complex create body.
    CopyBody = "copybody",
    /// Sends the snippet's body as a test lead.
    SendTest = "sendtest",
    /// Shows the traffic of the last 7 days.
    Week = "week",
    /// Shows the traffic of the last 30 days.
    Month = "month",
    /// Reads the leads (again).
    TrafficLoad = "tload",
    /// Stops the read of the leads.
    TrafficCancel = "tcancel",
    /// Goes on reading from the page that failed.
    TrafficResume = "tresume",
    /// Shows or hides a source's latest leads.
    ShowLeads = "leads",
    /// Moves to the Traffic view, below a list that may be long.
    GoTraffic = "totraffic",
    /// Reads the history (again).
    HistoryLoad = "hload",
    /// Reads the next page of the history.
    HistoryMore = "hmore",
    /// The history's source filter.
    HistorySource = "hsrc",
    /// The history's user filter.
    HistoryUser = "huser",
    /// Opens a row's history.
    History = "hist",
    /// Restores a deleted source (its entry's index in `data-i`).
    Restore = "restore",
    /// Reverts an edit (its entry's index in `data-i`).
    RevertChange = "hrevert",
    /// Reverts although the source changed again since.
    ConfirmRevert = "hconfirm",
}

impl Action {
    /// The action a `data-a` value names, if any.
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.as_str() == s)
    }

    /// A CSS selector for the controls with this action.
    pub fn selector(self) -> String {
        String::from("[data-a=") + self.as_str() + "]"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_parses_back_from_its_one_distinct_text() {
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(Action::parse(a.as_str()), Some(*a));
            assert!(Action::ALL[..i].iter().all(|b| b.as_str() != a.as_str()));
        }
        assert_eq!(Action::parse(""), None);
        assert_eq!(Action::parse("nonsense"), None);
    }
}
