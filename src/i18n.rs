//! UI strings in the manifest's locales (en, es, pt), chosen from the host's language.
//!
//! The texts live only in the widget's i18n files under `ui` (en.json holds the English
//! ones), where Kommo hands the widget the table of the user's language; the loader passes
//! that table to `mount`, which installs it with [`load`]. Keeping them out of the wasm makes
//! it smaller. A text the table lacks falls back to the English table, then to the key's
//! name, so a label is never blank even on a host that passes no table.

use core::cell::OnceCell;

mod plural;
pub use plural::{Plural, PLURALS};

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

std::thread_local! {
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

    /// The text of `key` in this language: the installed table's, else the English table's,
    /// else the key's name.
    pub fn t(self, key: T) -> &'static str {
        let i = key as usize;
        LOADED
            .with(|l| {
                let text = |lang: Lang| l[lang as usize].get().and_then(|t| t[i]);
                text(self).or_else(|| text(Lang::En))
            })
            .unwrap_or(KEYS[i])
    }
}

/// `text` with each `{name}` in it replaced by its value: word order differs between
/// languages, so a number goes where the translation puts it.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::from(text);
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Installs `lang`'s texts, read by key name (`"Loading"`, `"Title"`, ...) through `text`.
///
/// Blank or missing texts fall back as [`Lang::t`] says. The first table installed for a language stays:
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
    ($($key:ident,)*) => {
        /// A UI message, looked up per language with [`Lang::t`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs, non_camel_case_types)]
        pub enum T { $($key),* }

        /// Every message key, in declaration order (for tests over all strings).
        pub const ALL: &[T] = &[$(T::$key),*];
        /// Each message's key in the i18n files' `ui` object, in declaration order.
        pub const KEYS: &[&str] = &[$(stringify!($key)),*];
    };
}

strings! {
    Loading,
    Title,
    Search,
    Lookup,
    LookupGo,
    LookupMissing,
    LookupFound,
    LookupNotFound,
    LookupTooMany,
    LookupHint,
    LookupShow,
    Quota,
    RowSaved,
    ErrServerRead,
    ErrNetworkRead,
    ErrTimeoutRead,
    Details,
    MovedTo,
    CreatedN_one,
    CreatedN_other,
    SavedN_one,
    SavedN_other,
    DeletedN_one,
    DeletedN_other,
    ConfirmDelete_one,
    ConfirmDelete_other,
    DeletingIn_one,
    DeletingIn_other,
    RetryIn_one,
    RetryIn_other,
    AdvancedLink,
    QuotaFull,
    Add,
    CreateN,
    SaveN,
    DeleteSel,
    Export,
    Import,
    Refresh,
    ColSelect,
    SelectAll,
    ColName,
    ColExt,
    ColPipeline,
    ColDefault,
    ColOrigin,
    ColWa,
    ColActions,
    Archived,
    UnknownPipeline,
    Save,
    Create,
    Revert,
    Remove,
    Delete,
    Copied,
    Pages,
    PageName,
    PageId,
    PageLink,
    AddPage,
    Waba,
    ListMsg,
    MakeDefault,
    ClearDefault,
    IsDefault,
    Empty,
    NoMatch,
    NewRow,
    Changed,
    Saving,
    Saved,
    DeletedElsewhere,
    Retry,
    Close,
    Cancel,
    Undo,
    DiscardTitle,
    DiscardNote,
    Discard,
    KeepEditing,
    ClosingAfterSave,
    ConfirmDeleteNote,
    ImportTitle,
    ImportCreate,
    ImportUpdate,
    ImportSame,
    ImportApply,
    ImportNothing,
    ImportPipeFrom,
    ImportPipeNamed,
    ImportPipeByName,
    ImportPipeMissing,
    ImportPipeSkip,
    ImportSkipped,
    ImportNotJson,
    ImportShape,
    ImportTooBig,
    ImportDup,
    ImportInvalid,
    ImportDone,
    Test,
    ConnOk,
    ConnHint,
    RelayHint,
    ManageHint,
    AddTitle,
    AddNew,
    AddMove,
    MoveBtn,
    ChooseSource,
    AddDone,
    PanelTitle,
    PanelEmpty,
    NoPipeline,
    ErrUnauthorized,
    ErrUnauthorizedHere,
    SaveLimitBad,
    SaveTokenEmpty,
    SaveTokenUntested,
    SaveTokenRefused,
    OpenIntegrations,
    ErrPayment,
    ErrForbidden,
    ErrNotConnected,
    ErrNotAdmin,
    ErrRelayToken,
    ErrNotFound,
    ErrRateLimited,
    ErrServer,
    ErrNetwork,
    ErrTimeout,
    ErrDecode,
    ErrHttp,
    ErrRejected,
    ErrFix,
    ErrGone,
    ErrGoneSome,
    ChangedElsewhere,
    ErrNotFoundStill,
    ChangedBefore,
    ChangedAfter,
    Yes,
    No,
    ErrLimit,
    VRequired,
    VTooLong,
    VDuplicate,
    VInvalid,
    VChars,
    VDigits,
    VQuotes,
    VOriginKept,
    VPipeline,
    VPhone,
    VOneDefault,
    VTooMany,
    VServer,
    WaPreview,
    InstallSource,
    InstallSourceNote,
    Snippet,
    SnippetReal,
    SnippetDelete,
    SnippetOpenCard,
    SnippetTitle,
    SnippetSource,
    SnippetBody,
    CopySource,
    CopyBody,
    CopiedBody,
    CopyFailed,
    SendTestLead,
    TestSending,
    TestChecking,
    TestLanded,
    TestInSource,
    TestOutside,
    TestNoSource,
    TestFailed,
    TrafficTitle,
    Days7,
    Days30,
    TrafficReading,
    TrafficRead,
    TrafficReload,
    TrafficStart,
    TrafficResume,
    TrafficCancelled,
    TrafficTruncated,
    TrafficOthers,
    TrafficLine,
    ChartBar,
    ChartMax,
    ColSource,
    ColLeads,
    ColLanded,
    ColLast,
    FlagOutside,
    FlagOutsideNote,
    FlagSilent,
    ShowLeads,
    LatestOf,
    ChartLabel,
    ChartFrom,
    ChartTo,
    AgoNow,
    AgoMin,
    AgoHours,
    AgoDays,
    LeadOutside,
    HistTitle,
    HistNeedsRelay,
    HistShow,
    HistMore,
    HistAllSources,
    HistUser,
    HistAllUsers,
    HistEmpty,
    HistFailed,
    HistCreate,
    HistUpdate,
    HistDelete,
    HistRefused,
    HistRefusedNote,
    HistRestore,
    HistRevert,
    HistRestored,
    HistReverted,
    HistTaken,
    HistLimit,
    HistConflictTitle,
    HistConflictNote,
    HistNow,
    HistRevertTo,
    HistRevertAnyway,
    HistPagesAdded,
    HistPagesRemoved,
    HistPagesChanged,
    HistFlags,
    HistNone,
    HistReload,
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
    fn without_any_table_a_label_is_the_keys_name_never_blank() {
        assert_eq!(ALL.len(), KEYS.len());
        for (i, &k) in ALL.iter().enumerate() {
            for l in [Lang::En, Lang::Es, Lang::Pt] {
                assert_eq!(l.t(k), KEYS[i]);
                assert!(!l.t(k).is_empty());
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
        load_file(Lang::En, "en");
        load_file(Lang::Es, "es");
        load_file(Lang::Pt, "pt");
        assert_eq!(Lang::En.t(T::Delete), "Delete");
        assert_eq!(Lang::Es.t(T::Delete), "Eliminar");
        assert_eq!(Lang::Pt.t(T::Delete), "Excluir");
        assert_eq!(Lang::En.t(T::ErrFix), "Fix the marked fields first.");
        // The first table of a language stays.
        load(Lang::Es, |_| Some("otro".to_owned()));
        assert_eq!(Lang::Es.t(T::Delete), "Eliminar");
    }

    #[test]
    fn counts_take_the_singular_or_the_plural_with_the_number_filled() {
        load_file(Lang::En, "en");
        load_file(Lang::Es, "es");
        load_file(Lang::Pt, "pt");
        let created = Plural::of(T::CreatedN_other).unwrap();
        assert_eq!(Lang::En.count(created, 1), "1 source created.");
        assert_eq!(Lang::En.count(created, 3), "3 sources created.");
        assert_eq!(Lang::En.count(created, 0), "0 sources created.");
        assert_eq!(Lang::Es.count(created, 1), "1 fuente creada.");
        assert_eq!(Lang::Pt.count(created, 0), "0 fonte criada.");
        assert_eq!(Lang::Pt.count(created, 2), "2 fontes criadas.");
        let confirm = Plural::of(T::ConfirmDelete_other).unwrap();
        assert_eq!(Lang::En.count(confirm, 1), "Delete this source?");
        assert_eq!(Lang::En.count(confirm, 2), "Delete these 2 sources?");
        // Every pair has both forms in every locale, and the plural says its number.
        for l in ["en", "es", "pt"] {
            let ui = file(l)["ui"].clone();
            for p in PLURALS {
                let other = ui[KEYS[p.other as usize]].as_str().unwrap_or("");
                assert!(KEYS[p.one as usize].ends_with("_one"));
                assert!(KEYS[p.other as usize].ends_with("_other"));
                assert!(other.contains("{n}"), "{l}: {other}");
            }
        }
    }

    #[test]
    fn missing_or_blank_texts_fall_back_to_english_then_to_the_key() {
        load(Lang::En, |k| (k == "Save").then(|| "Save it".to_owned()));
        load(Lang::Pt, |k| match k {
            "Delete" => Some("Excluir".to_owned()),
            "Save" => Some("  ".to_owned()),
            _ => None,
        });
        assert_eq!(Lang::Pt.t(T::Delete), "Excluir");
        assert_eq!(Lang::Pt.t(T::Save), "Save it");
        assert_eq!(Lang::Pt.t(T::Title), "Title");
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
