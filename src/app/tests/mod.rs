//! Behaviour of the reducer as a user would notice it: what is sent, what is shown, what is kept.
//!
//! The tests are grouped by flow; this file holds the fixtures they share.

mod delete;
mod dialog;
mod error;
mod fields;
mod glance;
mod history;
mod history_undo;
mod import;
mod labels;
mod list;
mod panel;
mod pipeline;
mod render;
mod save;
mod settings;
mod snippet;
mod status;
mod traffic;

use super::*;
use crate::i18n::Lang;
use crate::model::{Pipeline, Source};

fn src(id: u64, name: &str, ext: &str, pipeline: u64) -> Source {
    Source {
        id,
        name: name.into(),
        pipeline_id: pipeline,
        external_id: ext.into(),
        default: Some(false),
        origin_code: None,
        services: vec![],
        links: None,
        request_id: None,
    }
}

fn pipes() -> Vec<Pipeline> {
    vec![
        Pipeline {
            id: 10,
            name: "Sales".into(),
            is_main: true,
            is_archive: false,
            sort: 1,
            statuses: Vec::new(),
        },
        Pipeline {
            id: 20,
            name: "Old".into(),
            is_main: false,
            is_archive: true,
            sort: 2,
            statuses: Vec::new(),
        },
    ]
}

/// A loaded manager with sources 1 "Chat"/chat and 2 "Calls"/calls.
fn loaded() -> State {
    loaded_at(0).0
}

/// [`loaded`] at Unix time `now`, with the effects of the list's answer (the traffic read).
fn loaded_at(now: i64) -> (State, Vec<Effect>) {
    let mut s = State::new(Mode::Advanced, Lang::En, 50, None);
    s.now = now;
    let fx = update(&mut s, Msg::Start);
    assert_eq!(
        fx,
        vec![
            Effect::Call(Job::Sources, Call::ListSources),
            Effect::Call(Job::Pipelines, Call::ListPipelines)
        ]
    );
    update(
        &mut s,
        Msg::Reply(Job::Pipelines, Ok(Reply::Pipelines(pipes()))),
    );
    let fx = update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Page(
                vec![src(1, "Chat", "chat", 10), src(2, "Calls", "calls", 10)],
                None,
            )),
        ),
    );
    assert_eq!(s.load, Load::Ready);
    (s, fx)
}

fn calls(fx: &[Effect]) -> Vec<(Job, Call)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Call(j, c) => Some((j.clone(), c.clone())),
            _ => None,
        })
        .collect()
}

fn type_name(s: &mut State, k: RowKey, v: &str) {
    update(s, Msg::Edit(k, Edit::Name(v.into())));
}

/// Installs the English texts of `widget/i18n/en.json`, as the loader passes them, for
/// tests that read what the view says.
fn english() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/widget/i18n/en.json");
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    crate::i18n::load(Lang::En, |k| file["ui"][k].as_str().map(str::to_owned));
}
