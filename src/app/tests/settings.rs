//! The settings modal's Save: what it refuses and on which field, and the test it waits for.

use super::*;
use crate::app::settings_save::{SavedSettings, Setting};
use crate::i18n::T;

/// A direct-mode settings modal whose first read of the list answered `first`.
fn modal(first: Result<Reply, ApiError>) -> State {
    let mut s = State::new(Mode::Settings, Lang::En, 50, None);
    update(&mut s, Msg::Start);
    update(&mut s, Msg::Reply(Job::Sources, first));
    s
}

fn saved(token: &str, limit: &str) -> SavedSettings {
    SavedSettings {
        token: token.into(),
        limit: limit.into(),
    }
}

fn listed() -> Result<Reply, ApiError> {
    Ok(Reply::Page(vec![src(1, "a", "a", 10)], None))
}

#[test]
fn save_refuses_an_empty_token_and_a_limit_that_is_not_a_whole_number_on_their_fields() {
    let mut s = modal(listed());
    for (token, limit, refusal) in [
        ("", "", Some((Setting::Token, T::SaveTokenEmpty))),
        ("  ", "10", Some((Setting::Token, T::SaveTokenEmpty))),
        ("tok", "abc", Some((Setting::Limit, T::SaveLimitBad))),
        ("tok", "0", Some((Setting::Limit, T::SaveLimitBad))),
        ("tok", "1001", Some((Setting::Limit, T::SaveLimitBad))),
        ("tok", "2.5", Some((Setting::Limit, T::SaveLimitBad))),
        ("tok", "", None),
        ("tok", " 100 ", None),
    ] {
        assert!(update(&mut s, Msg::SaveSettings(saved(token, limit))).is_empty());
        assert_eq!(s.refusal, refusal, "token {token:?}, limit {limit:?}");
    }
    // The reason is shown in the modal, marked with its setting.
    update(&mut s, Msg::SaveSettings(saved("tok", "abc")));
    let tree = view::view(&s);
    let shown = tree
        .find(&|e| e.get("data-refusal").is_some())
        .expect("the refusal is shown");
    assert_eq!(shown.get("data-refusal"), Some("limit"));
    assert_eq!(shown.get("role"), Some("alert"));
}

#[test]
fn a_token_refused_by_its_test_is_refused_and_one_edited_after_a_good_test_is_tested_again() {
    let mut s = modal(Err(ApiError::Unauthorized));
    update(&mut s, Msg::SaveSettings(saved("wrong", "")));
    assert_eq!(s.refusal, Some((Setting::Token, T::SaveTokenRefused)));

    // Edited: the failed result no longer speaks for it, and neither does the refusal.
    update(&mut s, Msg::TokenEdited);
    assert_eq!((s.conn.clone(), s.refusal), (Conn::Unknown, None));
    // Saving it untested runs the test, which answers the Save.
    let fx = update(&mut s, Msg::SaveSettings(saved("good", "")));
    assert_eq!(calls(&fx), vec![(Job::Test, Call::ListSources)]);
    assert!(s.testing() && s.refusal.is_none());
    update(&mut s, Msg::Reply(Job::Test, listed()));
    update(&mut s, Msg::SaveSettings(saved("good", "")));
    assert_eq!((s.conn.clone(), s.refusal), (Conn::Ok(1), None));

    // A good test is of the token as it was: an edit after it clears it.
    update(&mut s, Msg::TokenEdited);
    assert_eq!(s.conn, Conn::Unknown);
}

#[test]
fn in_relay_mode_there_is_no_token_to_check() {
    let mut s = State::new(Mode::Settings, Lang::En, 50, None);
    s.relay = true;
    update(&mut s, Msg::Start);
    update(&mut s, Msg::SaveSettings(saved("", "")));
    assert_eq!(s.refusal, None);
    update(&mut s, Msg::SaveSettings(saved("", "x")));
    assert_eq!(s.refusal, Some((Setting::Limit, T::SaveLimitBad)));
}
