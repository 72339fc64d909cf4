//! The wanted DOM for a state: pure, so it is built and checked natively.
//!
//! Every user or server string goes into a text node or an attribute value, never markup.

mod add;
mod banner;
mod dialog;
mod list;
mod pages;
mod parts;
mod row;
mod settings;

use crate::app::action::Action as A;
use crate::app::node::{el, elc, Node};
use crate::app::state::*;
use crate::i18n::T;
use parts::btn;

/// The whole widget for `s`.
pub fn view(s: &State) -> Node {
    let l = s.lang;
    let body = match s.mode {
        Mode::Settings => settings::settings(s),
        Mode::Advanced => list::manager(s),
        Mode::AddSource => {
            if s.load == Load::Loading {
                vec![el("p")
                    .key("load")
                    .class("ksm-note")
                    .tr(l, T::Loading)
                    .into()]
            } else if s.dialog.is_none() {
                vec![btn(l, A::Add, T::Add)
                    .key(A::Add.as_str())
                    .class("ksm-btn ksm-btn--p")
                    .into()]
            } else {
                Vec::new()
            }
        }
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
