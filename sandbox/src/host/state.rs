//! What the host remembers between requests: the test switches, the saved widget settings
//! and the pipelines the widget is attached to as a source.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How `.wasm` files are labelled, to exercise the widget loader's fallback.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WasmMime {
    /// `application/wasm`, what streaming compilation needs.
    #[default]
    Correct,
    /// `application/octet-stream`, as a generic static file server would send.
    Wrong,
    /// `text/plain`, another label seen on misconfigured CDNs.
    Text,
}

/// Which Content-Security-Policy the host pages carry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Csp {
    /// No policy header at all.
    #[default]
    None,
    /// `script-src 'self'` without `'wasm-unsafe-eval'`: WebAssembly cannot compile.
    Strict,
}

/// How the host hands a pipeline id to the widget (`onAddAsSource`'s argument and what
/// `get_pipeline_id()` resolves to): Kommo's documentation does not say which.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PipelineIdAs {
    /// A JavaScript number, `5867030`.
    #[default]
    Number,
    /// A string of digits, `"5867030"`.
    String,
}

/// Where the widget's files come from, as `params.path` says: Kommo's docs do not say whether
/// its static files are served with CORS headers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Files {
    /// The page's own origin.
    #[default]
    Same,
    /// A second origin (`localhost` for `127.0.0.1` and back) that allows the page's origin.
    Cors,
    /// A second origin that sends no CORS headers: `fetch` and module scripts are refused.
    NoCors,
}

/// How the widget's files travel: Kommo's docs do not say whether its static files are
/// served compressed, and the widget must load either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// As they are on disk.
    #[default]
    Identity,
    /// gzip-compressed (`Content-Encoding: gzip`) for a browser that accepts it.
    Gzip,
}

/// The switches tests flip through `/__sandbox/host`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Switches {
    /// Content-Type used for `.wasm` files.
    pub wasm_mime: WasmMime,
    /// Policy sent with the host pages.
    pub csp: Csp,
    /// The type of the pipeline ids handed to the widget.
    pub pipeline_id_as: PipelineIdAs,
    /// The origin the widget's files are served from.
    pub files: Files,
    /// Whether the widget's files are sent compressed.
    pub encoding: Encoding,
}

/// The user a page shows at first: the account's administrator.
const FIRST_USER: u64 = crate::model::USERS[0].id;

/// Everything mutable, behind one lock: requests are tiny, contention is not a concern.
#[derive(Debug)]
struct Inner {
    switches: Switches,
    settings: Map<String, Value>,
    attached: BTreeSet<u64>,
    user_id: u64,
}

/// Shared host state, cheap to clone into handlers.
#[derive(Clone, Debug)]
pub struct HostState {
    inner: Arc<Mutex<Inner>>,
    initial_settings: Arc<Map<String, Value>>,
}

impl HostState {
    /// Starts with default switches and, when given, the demo token already saved.
    pub fn new(demo_token: Option<&str>) -> Self {
        let mut initial = Map::new();
        if let Some(token) = demo_token {
            initial.insert("token".into(), Value::String(token.into()));
        }
        Self {
            inner: Arc::new(Mutex::new(Inner {
                switches: Switches::default(),
                settings: initial.clone(),
                attached: BTreeSet::new(),
                user_id: FIRST_USER,
            })),
            initial_settings: Arc::new(initial),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave these plain values half-written.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current switches.
    pub fn switches(&self) -> Switches {
        self.lock().switches
    }

    /// Replaces the switches.
    pub fn set_switches(&self, switches: Switches) {
        self.lock().switches = switches;
    }

    /// The saved widget settings.
    pub fn settings(&self) -> Map<String, Value> {
        self.lock().settings.clone()
    }

    /// Merges `changes` into the saved settings (as Kommo's Save does) and returns the result.
    pub fn merge_settings(&self, changes: Map<String, Value>) -> Map<String, Value> {
        let mut inner = self.lock();
        inner.settings.extend(changes);
        inner.settings.clone()
    }

    /// Pipelines the widget is attached to as a lead source.
    pub fn attached(&self) -> Vec<u64> {
        self.lock().attached.iter().copied().collect()
    }

    /// Attaches the widget to `pipeline_id` or detaches it.
    pub fn set_attached(&self, pipeline_id: u64, attached: bool) -> Vec<u64> {
        let mut inner = self.lock();
        if attached {
            inner.attached.insert(pipeline_id);
        } else {
            inner.attached.remove(&pipeline_id);
        }
        inner.attached.iter().copied().collect()
    }

    /// The user the pages show (and `X-Auth-Token` names).
    pub fn user(&self) -> u64 {
        self.lock().user_id
    }

    /// Shows another user.
    pub fn set_user(&self, user_id: u64) {
        self.lock().user_id = user_id;
    }

    /// Back to the state at start: default switches, initial settings, no attachments, the
    /// administrator as the user.
    pub fn reset(&self) {
        let mut inner = self.lock();
        inner.user_id = FIRST_USER;
        inner.switches = Switches::default();
        inner.settings = (*self.initial_settings).clone();
        inner.attached.clear();
    }
}
