//! The HTML pages: one shell (navigation, top bar) around each area's fragment.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::state::Csp;
use super::WIDGET_CODE;

const SHELL: &str = include_str!("../../host/shell.html");
const NO_WIDGET: &str = include_str!("../../host/no-widget.html");
const DASHBOARD: &str = include_str!("../../host/dashboard.html");
const INTEGRATIONS: &str = include_str!("../../host/integrations.html");
const ADVANCED: &str = include_str!("../../host/advanced.html");
const PIPELINE: &str = include_str!("../../host/pipeline.html");

/// The policy that forbids WebAssembly compilation: no `'wasm-unsafe-eval'`, no `'unsafe-eval'`.
pub const STRICT_CSP: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/// The pages the host knows, each with the area its widget callbacks run in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// The start page with links to the others.
    Dashboard,
    /// Settings > Integrations, where the widget's modal opens.
    Integrations,
    /// The widget's advanced settings page.
    Advanced,
    /// Digital Pipeline settings of one pipeline (`None`: the main pipeline).
    Pipeline(Option<u64>),
}

impl Page {
    fn name(self) -> &'static str {
        match self {
            Page::Dashboard => "dashboard",
            Page::Integrations => "settings",
            Page::Advanced => "advanced",
            Page::Pipeline(_) => "pipeline",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Page::Dashboard => "Dashboard",
            Page::Integrations => "Settings · Integrations",
            Page::Advanced => "Advanced settings",
            Page::Pipeline(_) => "Digital Pipeline",
        }
    }

    fn fragment(self) -> &'static str {
        match self {
            Page::Dashboard => DASHBOARD,
            Page::Integrations => INTEGRATIONS,
            Page::Advanced => ADVANCED,
            Page::Pipeline(_) => PIPELINE,
        }
    }
}

/// Escapes text for an HTML attribute or element body.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The full HTML of `page`; without a built widget its area is replaced by the notice.
/// `files` is the origin the widget's files come from, when it is not the page's.
pub fn html(page: Page, widget_built: bool, files: Option<&str>) -> String {
    let main = if widget_built {
        page.fragment().to_owned()
    } else if page == Page::Dashboard {
        format!("{NO_WIDGET}{DASHBOARD}")
    } else {
        NO_WIDGET.to_owned()
    };
    let pipeline = match page {
        Page::Pipeline(Some(id)) => id.to_string(),
        _ => String::new(),
    };
    // The fragment goes in first so that its own placeholders are filled below.
    SHELL
        .replace("{{main}}", &main)
        .replace("{{title}}", &escape(page.title()))
        .replace("{{page}}", page.name())
        .replace("{{code}}", &escape(WIDGET_CODE))
        .replace("{{widget}}", if widget_built { "built" } else { "missing" })
        .replace("{{pipeline}}", &pipeline)
        .replace("{{files}}", &escape(files.unwrap_or("")))
}

/// `page` as a response, with the strict policy header when that switch is on, telling the
/// page the origin of the widget's files (`files`; the page's own when `None`).
pub fn respond(page: Page, widget_built: bool, csp: Csp, files: Option<&str>) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html(page, widget_built, files),
    )
        .into_response();
    if csp == Csp::Strict {
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(STRICT_CSP),
        );
    }
    response
}

/// An HTML 404 in the same shell style, for pages that do not exist (such as a bad pipeline id).
pub fn not_found_page() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title>\
         <link rel=\"stylesheet\" href=\"/host-assets/host.css\"></head><body><main class=\"content\">\
         <section class=\"card\"><h1 class=\"card__title\">Page not found</h1>\
         <p><a href=\"/\">Back to the dashboard</a></p></section></main></body></html>",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled() {
        for page in [
            Page::Dashboard,
            Page::Integrations,
            Page::Advanced,
            Page::Pipeline(Some(7)),
            Page::Pipeline(None),
        ] {
            for built in [true, false] {
                let html = html(page, built, None);
                assert!(
                    !html.contains("{{"),
                    "{page:?} built={built} left a placeholder"
                );
            }
        }
        assert!(html(Page::Advanced, true, None).contains("id=\"work-area-sources_manager\""));
        assert!(html(Page::Pipeline(Some(7)), true, None).contains("data-pipeline=\"7\""));
        assert!(html(Page::Advanced, true, Some("http://localhost:9"))
            .contains("data-files=\"http://localhost:9\""));
    }

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
