//! UI strings in the manifest's locales (en, es, pt), chosen from the host's language.
//!
//! The texts live in the widget's i18n files under `ui`, where Kommo hands the widget the
//! table of the user's language; the loader passes that table to `mount`, which installs it
//! with [`load`]. English is also compiled in, so a key the table lacks (or a host that
//! passes no table) still shows English text and never a blank label.

use std::cell::OnceCell;

/// A UI language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English (also the fallback).
    En,
    /// Spanish.
    Es,
    /// Portuguese.
    Pt,
}

thread_local! {
    /// The installed table of each language, indexed like [`T`]; `None` marks a missing text.
    static LOADED: [OnceCell<Vec<Option<&'static str>>>; 3] =
        const { [OnceCell::new(), OnceCell::new(), OnceCell::new()] };
}

impl Lang {
    /// The language for a host language code such as `es`, `pt-BR` or `en_US`; English otherwise.
    pub fn from_code(code: &str) -> Lang {
        let c = code.get(..2).unwrap_or("").to_ascii_lowercase();
        match c.as_str() {
            "es" => Lang::Es,
            "pt" => Lang::Pt,
            _ => Lang::En,
        }
    }

    /// The text of `key` in this language: the installed table's, else the English one.
    pub fn t(self, key: T) -> &'static str {
        let i = key as usize;
        LOADED
            .with(|l| l[self as usize].get().and_then(|t| t[i]))
            .unwrap_or(EN[i])
    }
}

/// Installs `lang`'s texts, read by key name (`"Loading"`, `"Title"`, ...) through `text`.
///
/// Blank or missing texts stay English. The first table installed for a language stays:
/// every mount of one page gets the same file, and the texts are kept for the page's life
/// (at most one table per language), which lets [`Lang::t`] hand out `&'static str`.
pub fn load(lang: Lang, mut text: impl FnMut(&str) -> Option<String>) {
    LOADED.with(|l| {
        let slot = &l[lang as usize];
        if slot.get().is_none() {
            let table = KEYS
                .iter()
                .map(|k| {
                    text(k)
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| &*Box::leak(s.into_boxed_str()))
                })
                .collect();
            let _ = slot.set(table);
        }
    });
}

macro_rules! strings {
    ($($key:ident => $en:literal;)*) => {
        /// A UI message, looked up per language with [`Lang::t`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum T { $($key),* }

        /// Every message key, in declaration order (for tests over all strings).
        pub const ALL: &[T] = &[$(T::$key),*];
        /// Each message's key in the i18n files' `ui` object, in declaration order.
        pub const KEYS: &[&str] = &[$(stringify!($key)),*];
        const EN: &[&str] = &[$($en),*];
    };
}

strings! {
    Loading => "Loading sources…";
    Title => "Lead sources";
    Search => "Search by name or external ID";
    Lookup => "Find on server by external ID";
    LookupGo => "Find";
    LookupMissing => "No source has this external ID.";
    LookupFound => "Found on server:";
    Quota => "Sources used";
    QuotaFull => "The limit of sources is reached.";
    Add => "Add source";
    CreateN => "Create new sources";
    SaveN => "Save all changes";
    DeleteSel => "Delete selected";
    Export => "Export JSON";
    Import => "Import JSON";
    Refresh => "Refresh";
    ColSelect => "Select";
    SelectAll => "Select all";
    ColName => "Name";
    ColExt => "External ID";
    ColPipeline => "Pipeline";
    ColDefault => "Default";
    ColOrigin => "Origin code";
    ColWa => "WhatsApp";
    ColActions => "Actions";
    Archived => "archived";
    UnknownPipeline => "unknown pipeline";
    Save => "Save";
    Create => "Create";
    Revert => "Undo changes";
    Remove => "Remove";
    Delete => "Delete";
    CopyJson => "Copy JSON";
    Copied => "Copied the _embedded.source JSON.";
    Pages => "Pages";
    PageName => "Page name";
    PageId => "Page ID";
    PageLink => "Phone number";
    AddPage => "Add page";
    Waba => "WhatsApp Business API (waba)";
    ListMsg => "Supports list messages";
    MakeDefault => "Make default";
    ClearDefault => "Clear default";
    IsDefault => "Default source";
    Empty => "No sources yet. Add the first one.";
    NoMatch => "No source matches the search.";
    NewRow => "new";
    Changed => "unsaved changes";
    Saving => "Saving…";
    Saved => "Saved.";
    CreatedN => "Sources created:";
    SavedN => "Sources saved:";
    DeletedN => "Sources deleted:";
    DeletedElsewhere => "This source had already been deleted elsewhere.";
    Retry => "Retry";
    Close => "Close";
    Cancel => "Cancel";
    Undo => "Undo";
    ConfirmDeleteTitle => "Delete these sources?";
    ConfirmDeleteNote => "Leads keep their source; new leads will no longer get it.";
    DeletingIn => "Deleting in seconds:";
    ImportTitle => "Import preview";
    ImportCreate => "Will be created:";
    ImportUpdate => "Will be changed:";
    ImportSame => "Unchanged:";
    ImportApply => "Apply import";
    ImportNothing => "The file matches the current sources: nothing to do.";
    ImportNotJson => "The file is not valid JSON.";
    ImportShape => "The file must hold a list of sources with name and external_id.";
    ImportTooBig => "The file is too large (at most 1 MB).";
    ImportDup => "The file has the same external ID twice:";
    ImportInvalid => "The file has an invalid source:";
    ImportDone => "Import applied.";
    Test => "Test connection";
    ConnOk => "Connected. Sources of this integration:";
    ConnHint => "Enter the long-lived token of your private integration, then test the connection.";
    ManageHint => "Create, edit and delete sources on the widget's advanced settings page.";
    AddTitle => "Add a source to pipeline";
    AddNew => "Create a new source";
    AddMove => "Or move an existing source here";
    MoveBtn => "Move here";
    ChooseSource => "Choose a source";
    AddDone => "Done: leads from this source now land in pipeline";
    ErrUnauthorized => "The token is missing, wrong or expired. Open the widget settings and enter a valid long-lived token.";
    ErrPayment => "The account's plan does not allow this (402).";
    ErrForbidden => "Access denied (403): no rights for this, or too many requests.";
    ErrNotFound => "Not found (404): the source no longer exists.";
    ErrRateLimited => "Too many requests. Retrying automatically in seconds:";
    ErrServer => "Kommo's server failed. Your changes are kept; try again.";
    ErrNetwork => "No connection to the server. Your changes are kept; try again.";
    ErrTimeout => "The server did not answer in time. Your changes are kept; try again.";
    ErrDecode => "The server's answer could not be read. Try again.";
    ErrHttp => "The request failed.";
    ErrRejected => "The server rejected some fields; see the marked rows.";
    ErrFix => "Fix the marked fields first.";
    ErrGone => "This source no longer exists on the server.";
    ErrGoneSome => "Some of these sources no longer exist (deleted elsewhere). The list was reloaded: select again what is left to delete.";
    ErrLimit => "This would exceed the limit of sources.";
    VRequired => "Required.";
    VTooLong => "Too long.";
    VDuplicate => "Another source already uses this external ID.";
    VInvalid => "Not valid.";
    VChars => "Use printable characters only.";
    VDigits => "Must not be only digits.";
    VQuotes => "Must not be only quotes.";
    VPipeline => "Choose an existing pipeline.";
    VPhone => "Enter an international phone number (digits, optionally starting with +).";
    VOneDefault => "Only one source can be the default.";
    VTooMany => "Too many sources in one request.";
    VServer => "Rejected by the server.";
    WaPreview => "Opens";
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn file(l: &str) -> Value {
        let path = format!("{}/widget/i18n/{l}.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        assert!(!text.starts_with('\u{feff}'), "{l}.json starts with a BOM");
        serde_json::from_str(&text).unwrap()
    }

    /// Installs the `ui` table of `widget/i18n/<l>.json`, as the loader passes it.
    fn load_file(lang: Lang, l: &str) {
        let ui = file(l)["ui"].clone();
        load(lang, |k| ui[k].as_str().map(str::to_owned));
    }

    #[test]
    fn every_key_has_an_english_text_compiled_in() {
        assert_eq!(ALL.len(), KEYS.len());
        for &k in ALL {
            for l in [Lang::En, Lang::Es, Lang::Pt] {
                assert!(!l.t(k).trim().is_empty(), "{k:?} is empty in {l:?}");
            }
        }
    }

    #[test]
    fn the_rust_keys_and_every_locale_files_ui_keys_agree() {
        for l in ["en", "es", "pt"] {
            let ui = file(l)["ui"].as_object().cloned().unwrap_or_default();
            let mut in_file: Vec<&str> = ui.keys().map(String::as_str).collect();
            let mut in_rust = KEYS.to_vec();
            in_file.sort_unstable();
            in_rust.sort_unstable();
            assert_eq!(
                in_file, in_rust,
                "{l}.json `ui` keys differ from the Rust keys"
            );
            for (k, v) in &ui {
                let v = v.as_str().unwrap_or("");
                assert!(!v.trim().is_empty(), "{l}.json ui.{k} is blank");
            }
        }
        // The compiled fallback is the English file's text, so both always show the same.
        let en = file("en");
        for (i, k) in KEYS.iter().enumerate() {
            assert_eq!(en["ui"][k].as_str(), Some(EN[i]), "ui.{k}");
        }
    }

    #[test]
    fn host_codes_pick_the_language_and_unknown_ones_fall_back_to_english() {
        assert_eq!(Lang::from_code("es"), Lang::Es);
        assert_eq!(Lang::from_code("pt-BR"), Lang::Pt);
        assert_eq!(Lang::from_code("EN_us"), Lang::En);
        assert_eq!(Lang::from_code("ru"), Lang::En);
        assert_eq!(Lang::from_code(""), Lang::En);
    }

    #[test]
    fn an_installed_table_gives_that_languages_texts() {
        // Each test runs on its own thread, and tables are per thread.
        assert_eq!(Lang::Es.t(T::Delete), "Delete");
        load_file(Lang::Es, "es");
        load_file(Lang::Pt, "pt");
        assert_eq!(Lang::Es.t(T::Delete), "Eliminar");
        assert_eq!(Lang::Pt.t(T::Delete), "Excluir");
        assert_eq!(Lang::En.t(T::Delete), "Delete");
        // The first table of a language stays.
        load(Lang::Es, |_| Some("otro".to_owned()));
        assert_eq!(Lang::Es.t(T::Delete), "Eliminar");
    }

    #[test]
    fn missing_or_blank_texts_stay_english() {
        load(Lang::Pt, |k| match k {
            "Delete" => Some("Excluir".to_owned()),
            "Save" => Some("  ".to_owned()),
            _ => None,
        });
        assert_eq!(Lang::Pt.t(T::Delete), "Excluir");
        assert_eq!(Lang::Pt.t(T::Save), "Save");
        assert_eq!(Lang::Pt.t(T::Title), "Lead sources");
    }

    #[test]
    fn the_manifest_locale_files_have_the_same_keys() {
        fn keys(v: &Value, prefix: &str, out: &mut Vec<String>) {
            if let Some(m) = v.as_object() {
                for (k, v) in m {
                    keys(v, &format!("{prefix}{k}."), out);
                }
            } else {
                out.push(prefix.trim_end_matches('.').to_owned());
            }
        }
        let read = |l: &str| -> Vec<String> {
            let mut out = Vec::new();
            keys(&file(l), "", &mut out);
            out.sort();
            out
        };
        let en = read("en");
        for k in [
            "widget.name",
            "widget.description",
            "widget.short_description",
            "widget.tour_description",
            "settings.token",
            "advanced.title",
        ] {
            assert!(en.iter().any(|x| x == k), "en.json lacks {k}");
        }
        assert_eq!(en, read("es"));
        assert_eq!(en, read("pt"));
    }
}
