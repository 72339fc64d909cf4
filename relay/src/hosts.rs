//! Which addresses are Kommo accounts: the only places the client secret and tokens go.

use url::{Host, Url};

/// Domains whose subdomains are Kommo accounts, always over https.
const ACCOUNT_DOMAINS: [&str; 3] = ["kommo.com", "amocrm.com", "amocrm.ru"];

/// `scheme://host[:port]` of a URL, as browsers write an origin.
pub fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// The account base URL (`https://<sub>.kommo.com`, or `http://127.0.0.1:<port>` when
/// `allow_http_loopback`) that `referer` names, or `None` when it names anything else.
///
/// Kommo sends `referer` as a bare host (`sub.kommo.com`); a full URL is accepted as well
/// when it is nothing but an origin.
pub fn account_base(referer: &str, allow_http_loopback: bool) -> Option<String> {
    if referer.is_empty() || referer.contains(char::is_whitespace) {
        return None;
    }
    let candidates: Vec<String> = if referer.contains("://") {
        vec![referer.to_string()]
    } else {
        vec![format!("https://{referer}"), format!("http://{referer}")]
    };
    candidates
        .iter()
        .find_map(|c| {
            Url::parse(c)
                .ok()
                .filter(|u| is_account(u, allow_http_loopback))
        })
        .map(|u| origin_of(&u))
}

/// Whether `iss` (from an X-Auth-Token) is an account base URL, written as its origin.
pub fn is_account_base(iss: &str, allow_http_loopback: bool) -> bool {
    Url::parse(iss)
        .ok()
        .filter(|u| is_account(u, allow_http_loopback))
        .is_some_and(|u| origin_of(&u) == iss.trim_end_matches('/'))
}

fn is_account(url: &Url, allow_http_loopback: bool) -> bool {
    let bare = url.username().is_empty()
        && url.password().is_none()
        && matches!(url.path(), "" | "/")
        && url.query().is_none()
        && url.fragment().is_none();
    if !bare {
        return false;
    }
    match (url.scheme(), url.host()) {
        ("https", Some(Host::Domain(host))) => url.port().is_none() && is_account_host(host),
        ("http", Some(Host::Ipv4(ip))) => {
            allow_http_loopback && ip == std::net::Ipv4Addr::LOCALHOST && url.port().is_some()
        }
        _ => false,
    }
}

/// `<sub>.kommo.com` and the like: exactly one label of letters, digits and dashes.
fn is_account_host(host: &str) -> bool {
    ACCOUNT_DOMAINS.iter().any(|domain| {
        host.strip_suffix(domain)
            .and_then(|sub| sub.strip_suffix('.'))
            .is_some_and(|sub| {
                !sub.is_empty()
                    && sub.len() <= 63
                    && !sub.starts_with('-')
                    && !sub.ends_with('-')
                    && sub
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_hosts_over_https_are_accepted() {
        assert_eq!(
            account_base("acme.kommo.com", false).as_deref(),
            Some("https://acme.kommo.com")
        );
        assert_eq!(
            account_base("acme.amocrm.ru", false).as_deref(),
            Some("https://acme.amocrm.ru")
        );
        assert_eq!(
            account_base("https://acme-2.amocrm.com/", false).as_deref(),
            Some("https://acme-2.amocrm.com")
        );
        // URL parsing lower-cases the host.
        assert_eq!(
            account_base("ACME.Kommo.com", false).as_deref(),
            Some("https://acme.kommo.com")
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "kommo.com",
            "evil.com",
            "acme.kommo.com.evil.com",
            "evilkommo.com",
            "a.b.kommo.com",
            "acme.kommo.com:8443",
            "http://acme.kommo.com",
            "https://acme.kommo.com/path",
            "https://acme.kommo.com?x=1",
            "https://user@acme.kommo.com",
            "acme.kommo.com/../x",
            "-x.kommo.com",
            "127.0.0.1:8080",
            "localhost:8080",
            "acme.kommo.com\n",
            "acme .kommo.com",
        ] {
            assert_eq!(account_base(bad, false), None, "{bad:?}");
        }
    }

    #[test]
    fn loopback_over_http_only_when_allowed() {
        assert_eq!(
            account_base("127.0.0.1:8080", true).as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(account_base("127.0.0.1", true), None);
        assert_eq!(account_base("https://127.0.0.1:8080", true), None);
        assert_eq!(account_base("10.0.0.1:8080", true), None);
        assert_eq!(account_base("localhost:8080", true), None);
        assert_eq!(account_base("127.0.0.1:8080", false), None);
    }

    #[test]
    fn an_issuer_must_be_written_as_an_account_origin() {
        assert!(is_account_base("https://acme.kommo.com", false));
        assert!(is_account_base("https://acme.kommo.com/", false));
        assert!(!is_account_base("https://acme.kommo.com/x", false));
        assert!(!is_account_base("https://evil.com", false));
        assert!(is_account_base("http://127.0.0.1:9", true));
        assert!(!is_account_base("http://127.0.0.1:9", false));
    }
}
