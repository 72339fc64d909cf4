//! A bar chart of leads per day, drawn as inline SVG.

use crate::app::node::{el, elc, Node};
use crate::i18n::{fill, Lang, T};
use crate::traffic::{date, slot_end};

/// Width of one day's slot, in the chart's own units.
const SLOT: usize = 10;
/// Height of the chart, in the same units.
const HEIGHT: u32 = 60;

/// The counts as the text screen readers get and tests read: `3, 0, 1`.
fn counts_text(daily: &[u32]) -> String {
    let mut out = String::new();
    for (i, c) in daily.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&c.to_string());
    }
    out
}

/// One bar per day of `daily` (oldest first, the last ending at `now`), scaled to the busiest
/// day, under the range it covers; each bar titled with its date and count (a pointer over it
/// shows them), and the busiest day's count beside the top of the scale. Dates are in the
/// time zone `offset` seconds east of UTC.
pub(super) fn chart(l: Lang, daily: &[u32], now: i64, offset: i64) -> Node {
    let max = daily.iter().copied().max().unwrap_or(0).max(1);
    let counts = counts_text(daily);
    let mut svg = el("svg")
        .class("ksm-chart")
        .attr(
            "viewBox",
            format!("0 0 {} {HEIGHT}", daily.len().max(1) * SLOT),
        )
        .attr("preserveAspectRatio", "none")
        .attr("role", "img")
        .attr(
            "aria-label",
            String::from(l.t(T::ChartLabel)) + ": " + &counts,
        )
        .attr("data-counts", counts);
    for (i, &c) in daily.iter().enumerate() {
        // A day with leads always shows, however busy the busiest day was.
        let h = if c == 0 {
            0
        } else {
            (c * (HEIGHT - 4) / max).max(2)
        };
        let day = date(slot_end(i, daily.len(), now), offset);
        let title = fill(l.t(T::ChartBar), &[("date", &day), ("n", &c.to_string())]);
        // The whole slot's height, so that a day with no lead has a title to point at too.
        svg = svg.kid(
            el("g")
                .kid(el("title").txt(title))
                .kid(
                    el("rect")
                        .class("ksm-slot")
                        .attr("x", (i * SLOT).to_string())
                        .attr("y", "0")
                        .attr("width", SLOT.to_string())
                        .attr("height", HEIGHT.to_string()),
                )
                .kid(
                    el("rect")
                        .attr("x", (i * SLOT + 1).to_string())
                        .attr("y", (HEIGHT - h).to_string())
                        .attr("width", (SLOT - 2).to_string())
                        .attr("height", h.to_string()),
                ),
        );
    }
    let days = daily.len().to_string();
    // The top of the scale is the busiest day; with no lead at all there is no scale to name.
    let top = daily.iter().copied().max().unwrap_or(0);
    elc("figure", "ksm-fig")
        .kid(
            elc("div", "ksm-plot")
                .kid(
                    elc("span", "ksm-ymax")
                        .attr("data-max", top.to_string())
                        .attr("aria-hidden", "true")
                        .txt(fill(l.t(T::ChartMax), &[("n", &top.to_string())])),
                )
                .kid(svg),
        )
        .kid(
            elc("figcaption", "ksm-axis")
                .kid(el("span").txt(fill(l.t(T::ChartFrom), &[("d", &days)])))
                .kid(el("span").tr(l, T::ChartTo)),
        )
        .into()
}
