//! The Sources API as pure data: each endpoint a [`Call`] that owns its request and the
//! decoder of its answer. Nothing here does I/O.

mod call;
mod decode;
mod error;
pub mod history;
mod problem;
pub mod query;
pub mod wire;

pub use crate::http::Method;
pub use call::{Call, Reply};
pub(crate) use decode::Envelope;
pub use error::{ApiError, FieldError, ItemErrors, Problem, RelayRefusal};
pub use history::HistoryQuery;
pub use problem::{decode_error, parse_retry_after};

use crate::model::{NewSource, Source};
use crate::rules::same_external_id;

/// Path of the sources collection.
pub const SOURCES_PATH: &str = "/api/v4/sources";
/// Path of the lead pipelines collection.
pub const PIPELINES_PATH: &str = "/api/v4/leads/pipelines";
/// Path of the leads collection.
pub const LEADS_PATH: &str = "/api/v4/leads";
/// Path of the complex lead create.
pub const COMPLEX_LEADS_PATH: &str = "/api/v4/leads/complex";
/// Most leads one page of the leads list may hold.
pub const LEADS_PAGE: usize = 250;

/// Path and query of a lookup by external ids.
///
/// One id is sent as `filter[external_id]=a`, several as `filter[external_id][0]=a&...[1]=b`;
/// no ids means no filter.
pub fn find_path<S: AsRef<str>>(external_ids: &[S]) -> String {
    let pairs: Vec<(String, String)> = match external_ids {
        [] => Vec::new(),
        [one] => vec![("filter[external_id]".to_owned(), one.as_ref().to_owned())],
        many => many
            .iter()
            .enumerate()
            .map(|(i, id)| (format!("filter[external_id][{i}]"), id.as_ref().to_owned()))
            .collect(),
    };
    let mut out = String::from(SOURCES_PATH);
    if !pairs.is_empty() {
        out.push('?');
        out.push_str(&query::encode_query(&pairs));
    }
    out
}

/// The path and query to request for a list's `_links.next.href`, when it names a page of
/// the sources list; `None` for anything else.
///
/// The origin of an absolute link is dropped: a page is always asked of the server the
/// widget talks to, so a link can never send the credentials elsewhere.
pub fn page_path(href: &str) -> Option<String> {
    link_path(href, SOURCES_PATH)
}

/// Like [`page_path`], for a page of the leads list.
pub fn leads_page_path(href: &str) -> Option<String> {
    link_path(href, LEADS_PATH)
}

/// The local path and query of `href` when it names `collection` itself (with any query).
fn link_path(href: &str, collection: &str) -> Option<String> {
    let href = href.trim();
    let local = match href.split_once("://") {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http") =>
        {
            &rest[rest.find('/')?..]
        }
        Some(_) => return None,
        None => href,
    };
    // A fragment is the reader's, never the server's.
    let local = local.split('#').next().unwrap_or_default();
    let tail = local.strip_prefix(collection)?;
    let clean = local.bytes().all(|b| b.is_ascii_graphic()) && !local.contains('\\');
    (clean && (tail.is_empty() || tail.starts_with('?'))).then(|| local.to_owned())
}

/// What the leads are asked to carry: their source, in both ways Kommo documents (the
/// reference's `source_id`, a changelog's `source` object); Kommo ignores a `with` value it
/// does not know, so whichever it honours comes back.
pub const LEADS_WITH: &str = "source_id,source";

/// Which leads a read asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeadsQuery {
    /// Created at or after this, in Unix seconds.
    pub from: i64,
    /// In this pipeline only (`filter[pipeline_id]`). The report groups leads by source, so
    /// a Kommo that ignored the filter would cost more pages, never a wrong count.
    pub pipeline: Option<u64>,
}

/// The first page of the leads `q` asks for, newest first, each with its source.
pub fn leads_path(q: &LeadsQuery) -> String {
    let mut pairs = vec![
        ("with", LEADS_WITH.to_owned()),
        ("limit", LEADS_PAGE.to_string()),
        ("filter[created_at][from]", q.from.to_string()),
    ];
    if let Some(id) = q.pipeline {
        pairs.push(("filter[pipeline_id]", id.to_string()));
    }
    pairs.push(("order[created_at]", "desc".to_owned()));
    let pairs: Vec<_> = pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    format!("{LEADS_PATH}?{}", query::encode_query(&pairs))
}

/// One lead with its source, `/api/v4/leads/{id}?with=source_id,source`.
pub fn lead_path(id: u64) -> String {
    format!("{LEADS_PATH}/{id}?with={LEADS_WITH}")
}

/// Path of one source, `/api/v4/sources/{id}`.
pub fn source_path(id: u64) -> String {
    format!("{SOURCES_PATH}/{id}")
}

/// The `request_id` sent with batch item `index`.
pub fn request_id(index: usize) -> String {
    index.to_string()
}

/// The batch index a `request_id` stands for, if it is one this module sent.
pub fn index_of_request_id(request_id: &str) -> Option<usize> {
    let canonical = !request_id.is_empty()
        && request_id.bytes().all(|b| b.is_ascii_digit())
        && (request_id == "0" || !request_id.starts_with('0'));
    canonical.then(|| request_id.parse().ok()).flatten()
}

/// Puts the results of a batch create back in the order of the items sent: by `request_id`
/// when the server echoes one this module sent, else by external_id (unique per
/// integration, compared as the server may lower-case it), never by position.
///
/// Slot `i` holds the result for item `i`, or `None` when the answer had none for it; the
/// results that match no item come second.
pub fn match_created(
    sent: &[NewSource],
    results: Vec<Source>,
) -> (Vec<Option<Source>>, Vec<Source>) {
    let mut slots: Vec<Option<Source>> = vec![None; sent.len()];
    let mut unmatched = Vec::new();
    for source in results {
        let by_id = source
            .request_id
            .as_deref()
            .and_then(index_of_request_id)
            .filter(|&i| {
                sent.get(i)
                    .is_some_and(|n| same_external_id(n.external_id.trim(), &source.external_id))
            });
        let index = by_id.or_else(|| {
            sent.iter()
                .position(|n| same_external_id(n.external_id.trim(), &source.external_id))
        });
        match index.and_then(|i| slots.get_mut(i)) {
            Some(slot @ None) => *slot = Some(source),
            _ => unmatched.push(source),
        }
    }
    (slots, unmatched)
}
