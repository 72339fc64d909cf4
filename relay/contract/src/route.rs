//! The Kommo API routes the relay forwards: the Sources API, the pipelines list, and the leads
//! the widget's traffic report reads and its test lead creates; nothing else.

/// One forwarded route: a method and a path in which `{id}` stands for an entity id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    /// The HTTP method, upper case, e.g. `GET`.
    pub method: &'static str,
    /// The path, e.g. `/api/v4/sources/{id}`; the query is not part of it.
    pub path: &'static str,
}

/// Stands for an entity id in [`Route::path`].
const ID: &str = "{id}";

/// Every route the relay forwards.
pub const ROUTES: &[Route] = &[
    route("GET", "/api/v4/sources"),
    route("POST", "/api/v4/sources"),
    route("PATCH", "/api/v4/sources"),
    route("DELETE", "/api/v4/sources"),
    route("GET", "/api/v4/sources/{id}"),
    // Kommo has no POST on one source; it is forwarded as the collection's methods always
    // were, and Kommo answers it.
    route("POST", "/api/v4/sources/{id}"),
    route("PATCH", "/api/v4/sources/{id}"),
    route("DELETE", "/api/v4/sources/{id}"),
    route("GET", "/api/v4/leads/pipelines"),
    route("GET", "/api/v4/leads"),
    route("GET", "/api/v4/leads/{id}"),
    route("POST", "/api/v4/leads/complex"),
];

const fn route(method: &'static str, path: &'static str) -> Route {
    Route { method, path }
}

impl Route {
    /// Whether `path` (without its query) is this route's path, `{id}` matching an id.
    pub fn matches(&self, path: &str) -> bool {
        match self.path.split_once(ID) {
            None => path == self.path,
            Some((before, after)) => path
                .strip_prefix(before)
                .and_then(|rest| rest.strip_suffix(after))
                .is_some_and(is_id),
        }
    }
}

/// Whether `method path` is one the relay forwards; `path` is taken as sent, undecoded.
pub fn forwarded(method: &str, path: &str) -> bool {
    ROUTES.iter().any(|r| r.method == method && r.matches(path))
}

/// Whether a path part is an entity id: digits only, not too many. Percent-escapes and signs
/// are refused, so the id Kommo reads is the one checked here.
fn is_id(part: &str) -> bool {
    !part.is_empty() && part.len() <= 20 && part.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sources_api_pipelines_and_the_widgets_lead_calls_are_forwarded() {
        for (m, p) in [
            ("GET", "/api/v4/sources"),
            ("POST", "/api/v4/sources"),
            ("PATCH", "/api/v4/sources"),
            ("DELETE", "/api/v4/sources"),
            ("GET", "/api/v4/sources/17"),
            ("PATCH", "/api/v4/sources/17"),
            ("DELETE", "/api/v4/sources/17"),
            ("GET", "/api/v4/leads/pipelines"),
            ("GET", "/api/v4/leads"),
            ("GET", "/api/v4/leads/901"),
            ("POST", "/api/v4/leads/complex"),
        ] {
            assert!(forwarded(m, p), "{m} {p}");
        }
        for (m, p) in [
            ("PUT", "/api/v4/sources"),
            ("get", "/api/v4/sources"),
            ("POST", "/api/v4/leads/pipelines"),
            ("POST", "/api/v4/leads"),
            ("PATCH", "/api/v4/leads"),
            ("DELETE", "/api/v4/leads/901"),
            ("GET", "/api/v4/leads/complex"),
            ("GET", "/api/v4/leads/x"),
            ("GET", "/api/v4/account"),
            ("GET", "/api/v4/users/1"),
            ("GET", "/api/v4/sources/"),
            ("GET", "/api/v4/sources/x"),
            ("GET", "/api/v4/sources/1/2"),
            ("GET", "/api/v4/sources/../account"),
            ("GET", "/api/v4/sources/%31"),
            ("GET", "/api/v4/sources/+1"),
            ("GET", "/api/v4/sources/123456789012345678901"),
            ("GET", "/oauth2/access_token"),
        ] {
            assert!(!forwarded(m, p), "{m} {p}");
        }
    }
}
