//! The relay's history of changes to sources (`GET /relay/history`, relay mode only): the
//! query of one page and the reading of its answer, in the shared contract's types.

use super::decode::{envelope, whole};
use super::{decode_error, query, ApiError};
use crate::http::HttpResponse;
use relay_contract::{HistoryPage, Param, HISTORY_PATH, MAX_LIMIT};

/// Which page of the history a read asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryQuery {
    /// Only the changes to this source.
    pub source_id: Option<u64>,
    /// Only the changes this user made.
    pub user_id: Option<i64>,
    /// Where the page starts: the previous page's `next`; `None` for the newest.
    pub cursor: Option<String>,
}

/// The path and query of the page `q` asks for, as full as a page may be.
pub fn history_path(q: &HistoryQuery) -> String {
    let mut pairs = Vec::new();
    let mut put = |p: Param, v: String| pairs.push((p.as_str().to_owned(), v));
    if let Some(id) = q.source_id {
        put(Param::SourceId, id.to_string());
    }
    if let Some(id) = q.user_id {
        put(Param::UserId, id.to_string());
    }
    put(Param::Limit, MAX_LIMIT.to_string());
    if let Some(c) = &q.cursor {
        put(Param::Cursor, c.clone());
    }
    format!("{HISTORY_PATH}?{}", query::encode_query(&pairs))
}

/// A page of the history; any other status is read as every error is.
pub(crate) fn decode_history(r: &HttpResponse) -> Result<HistoryPage, ApiError> {
    if !(200..=299).contains(&r.status) {
        return Err(decode_error(r));
    }
    whole(&envelope(r, "the history")?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Call;

    #[test]
    fn the_query_names_the_contracts_parameters_and_asks_for_full_pages() {
        let q = HistoryQuery {
            source_id: Some(12),
            user_id: Some(7),
            cursor: Some("a b&c".into()),
        };
        let path = history_path(&q);
        assert_eq!(
            path,
            format!("{HISTORY_PATH}?source_id=12&user_id=7&limit={MAX_LIMIT}&cursor=a%20b%26c")
        );
        let all = history_path(&HistoryQuery::default());
        assert_eq!(all, format!("{HISTORY_PATH}?limit={MAX_LIMIT}"));
        let req = Call::History(q).request();
        assert_eq!(
            (req.method, req.path_and_query),
            (crate::http::Method::Get, path)
        );
    }

    #[test]
    fn a_page_is_read_and_a_refusal_is_an_error() {
        let body = r#"{"changes":[{"at":5,"user_id":1,"user_name":"Ana","action":"delete",
            "source_id":3,"external_id":"x","before":{"name":"X"},"after":null,"status":204}],
            "next":null}"#;
        let page = decode_history(&HttpResponse::new(200, "application/json", body)).unwrap();
        assert_eq!(page.changes[0].before.as_ref().unwrap().name, "X");
        let refused =
            HttpResponse::new(403, "application/problem+json", r#"{"reason":"not_admin"}"#);
        assert!(decode_history(&refused).is_err());
        let html = HttpResponse::new(200, "text/html", "<p>");
        assert!(matches!(decode_history(&html), Err(ApiError::Decode(_))));
    }
}
