//! What a field tells the admin: its limit, and a phone cleaned of what people type in one.

use super::*;
use crate::i18n::T;
use crate::model::Service;
use action::Action;
use node::{El, Node};

/// The elements of the view that `pred` picks.
fn find(s: &State, pred: &dyn Fn(&El) -> bool) -> Vec<El> {
    let tree = view::view(s);
    let mut out = Vec::new();
    tree.find_all(pred, &mut out);
    out.into_iter().cloned().collect()
}

/// The text of the error shown on row `k`'s `act` field.
fn error_of(s: &State, k: RowKey, act: Action) -> String {
    let key = event::key_str(k);
    let rows = find(s, &|e| {
        e.tag == "tr" && e.get("data-k") == Some(key.as_str())
    });
    let cell = Node::El(rows[0].clone());
    let label = cell
        .find(&|e| {
            e.tag == "label"
                && e.kids
                    .iter()
                    .any(|k| k.as_el().and_then(|i| i.get("data-a")) == Some(act.as_str()))
        })
        .cloned()
        .expect("the field");
    let err = Node::El(label)
        .find(&|e| e.get("class") == Some("ksm-err"))
        .cloned()
        .expect("its error");
    Node::El(err).text_content()
}

#[test]
fn too_long_says_the_limit_and_the_inputs_stop_there() {
    english();
    let mut s = loaded();
    update(&mut s, Msg::AddDraft);
    let k = RowKey::New(0);
    type_name(&mut s, k, &"n".repeat(256));
    update(&mut s, Msg::Edit(k, Edit::ExternalId("e".repeat(41))));
    update(&mut s, Msg::Edit(k, Edit::Origin("o".repeat(21))));
    assert_eq!(
        error_of(&s, k, Action::Name),
        "Too long: at most 255 characters."
    );
    assert_eq!(
        error_of(&s, k, Action::Ext),
        "Too long: at most 40 characters."
    );
    assert_eq!(
        error_of(&s, k, Action::Origin),
        "Too long: at most 20 characters."
    );
    let max = |act: Action| -> Vec<String> {
        find(&s, &|e| e.get("data-a") == Some(act.as_str()))
            .iter()
            .map(|e| e.get("maxlength").unwrap_or("none").to_owned())
            .collect()
    };
    assert_eq!(max(Action::Name), ["255", "255", "255"]);
    assert_eq!(max(Action::Ext), ["40"]);
    assert_eq!(max(Action::Origin), ["20", "20", "20"]);
}

#[test]
fn a_phone_typed_with_separators_is_cleaned_not_refused() {
    let mut s = loaded();
    update(&mut s, Msg::AddDraft);
    let k = RowKey::New(0);
    type_name(&mut s, k, "WhatsApp");
    update(&mut s, Msg::Edit(k, Edit::ExternalId("wa".into())));
    update(&mut s, Msg::Edit(k, Edit::AddPage));
    update(&mut s, Msg::Edit(k, Edit::PageName(0, "Main".into())));
    update(&mut s, Msg::Edit(k, Edit::PageId(0, "main".into())));
    update(
        &mut s,
        Msg::Edit(k, Edit::PageLink(0, " +55 (11) 99999-88.88 ".into())),
    );
    assert!(s.row(k).unwrap().errors.is_empty(), "{:?}", s.row(k));
    let sent = calls(&update(&mut s, Msg::Save(k)));
    let Call::Create(items) = &sent[0].1 else {
        panic!("a create: {sent:?}")
    };
    let svc: &Service = &items[0].services.as_ref().expect("services")[0];
    assert_eq!(svc.pages[0].link, "+5511999998888");
    assert_eq!(
        check::wa_link("+55 11 99999-8888").as_deref(),
        Some("https://wa.me/5511999998888")
    );
    // Letters are still refused, not dropped.
    update(
        &mut s,
        Msg::Edit(k, Edit::PageLink(0, "+55 call me".into())),
    );
    assert!(s.row(k).unwrap().errors.iter().any(|e| e.msg == T::VPhone));
}
