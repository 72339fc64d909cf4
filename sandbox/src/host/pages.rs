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
/// The lead card's area: the card itself goes in last (see [`lead_html`]).
const LEAD: &str = "{{card}}";

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
    /// A lead's card (`/leads/detail/{id}`); the host's own content, shown with or without a widget.
    Lead,
}

impl Page {
    fn name(self) -> &'static str {
        match self {
            Page::Dashboard => "dashboard",
            Page::Integrations => "settings",
            Page::Advanced => "advanced",
            Page::Pipeline(_) => "pipeline",
            Page::Lead => "lead",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Page::Dashboard => "Dashboard",
            Page::Integrations => "Settings · Integrations",
            Page::Advanced => "Advanced settings",
            Page::Pipeline(_) => "Digital Pipeline",
            Page::Lead => "Lead",
        }
    }

    fn fragment(self) -> &'static str {
        match self {
            Page::Dashboard => DASHBOARD,
            Page::Integrations => INTEGRATIONS,
            Page::Advanced => ADVANCED,
            Page::Pipeline(_) => PIPELINE,
            Page::Lead => LEAD,
        }
    }
}

/// Escapes text for an HTML attribute or element body.
pub fn escape(text: &str) -> String {
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
    let main = if widget_built || page == Page::Lead {
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
    with_policy(html(page, widget_built, files), csp)
}

/// A page's HTML as a response, not cached, with the strict policy header when `csp` says so.
fn with_policy(html: String, csp: Csp) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
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

/// Fills `{{key}}` placeholders in one pass, so that a value that looks like a placeholder
/// stays as it is; unknown placeholders are left in place.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        match values.iter().find(|(k, _)| *k == &after[..end]) {
            Some((_, v)) => out.push_str(v),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The lead card page around `card` (finished HTML with every value escaped). The card goes in
/// after every placeholder of the shell is filled, so nothing in a lead's text is read as one.
pub fn lead_html(card: &str, widget_built: bool, files: Option<&str>) -> String {
    html(Page::Lead, widget_built, files).replacen("{{card}}", card, 1)
}

/// The lead card page as a response, with the strict policy header when that switch is on.
pub fn respond_lead(card: &str, widget_built: bool, csp: Csp, files: Option<&str>) -> Response {
    with_policy(lead_html(card, widget_built, files), csp)
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
            Page::Lead,
        ] {
            for built in [true, false] {
                let html = match page {
                    Page::Lead => lead_html("<p>card</p>", built, None),
                    _ => html(page, built, None),
                };
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
    fn fill_reads_the_template_once() {
        assert_eq!(
            fill("<b>{{a}}</b>{{b}}{{c}}", &[("a", "{{b}}"), ("b", "x")]),
            "<b>{{b}}</b>x{{c}}"
        );
        assert_eq!(fill("{{a", &[("a", "x")]), "{{a");
        // A lead named like a placeholder of the shell is shown as it is.
        assert!(lead_html("{{title}}", true, None)
            .contains("<main id=\"main\" class=\"content\" tabindex=\"-1\">\n{{title}}"));
    }

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
