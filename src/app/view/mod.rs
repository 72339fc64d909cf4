//! The wanted DOM for a state: pure, so it is built and checked natively.
//!
//! Every user or server string goes into a text node or an attribute value, never markup.

mod add;
mod banner;
mod chart;
mod dialog;
mod history;
mod history_fields;
mod list;
mod pages;
mod panel;
mod parts;
mod row;
mod settings;
mod snippet;
mod traffic;

use crate::app::node::{elc, Node};
use crate::app::state::*;

/// A selector of the Traffic view's heading, where a move to the view puts focus.
pub fn traffic_heading() -> String {
    String::from("#") + traffic::TRAFFIC_HEADING
}

/// A selector of the History section's heading, where a row's "History" puts focus.
pub fn history_heading() -> String {
    String::from("#") + history::HISTORY_HEADING
}

/// The whole widget for `s`.
pub fn view(s: &State) -> Node {
    let body = match s.mode {
        Mode::Settings => settings::settings(s),
        Mode::Advanced => {
            let mut parts = list::manager(s);
            parts.push(history::history(s));
            parts::guarded(s, parts)
        }
        // The panel holds everything, so that its dialog role covers what it shows.
        Mode::Pipeline => return elc("div", "ksm-app").kid(panel::panel(s)).into(),
    };
    // Keyed parts: a banner or a loading note coming or going must not rebuild (and so
    // unfocus) the parts after it, such as an open dialog.
    // Every part builds itself with its key.
    elc("div", "ksm-app")
        .kid(banner::live_status(s))
        .opt(banner::banner(s))
        .kids(body)
        .opt(banner::toast(s))
        .opt(dialog::dialog(s))
        .into()
}
