//! Partial updates as a user makes them: a source as the server sent it is clean, a rename
//! sends the name alone, and a services edit keeps what the widget does not edit.
#![cfg(not(target_arch = "wasm32"))]

use kommo_sources_widget::api::{Call, Reply};
use kommo_sources_widget::app::Row;
use kommo_sources_widget::http::HttpResponse;
use kommo_sources_widget::model::Source;
use proptest::prelude::*;
use serde_json::{json, Value};

/// The sources of a list answer with `items`, decoded as the widget decodes them.
fn load(items: Value) -> Vec<Source> {
    let body = json!({"_embedded": {"sources": items}}).to_string();
    match Call::ListSources.decode(&HttpResponse::hal(200, body)) {
        Ok(Reply::Page(s, None)) => s,
        other => panic!("the list did not decode: {other:?}"),
    }
}

/// The body of the single PATCH that saves `row`, as JSON.
fn patch_body(row: &Row) -> Option<Value> {
    let patch = row.patch()?;
    let req = Call::UpdateOne(patch).request();
    Some(serde_json::from_str(&req.body.unwrap()).unwrap())
}

/// A value that is present, `null` or missing (`None`).
fn maybe(v: impl Strategy<Value = Value>) -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        2 => v.prop_map(Some),
        1 => Just(Some(Value::Null)),
        1 => Just(None),
    ]
}

/// `params` in every shape seen: an object with some flags (as booleans, 0/1 or strings),
/// `[]`, `{}`, `null`, and flags this widget does not know.
fn params() -> impl Strategy<Value = Value> {
    let flag = prop_oneof![
        any::<bool>().prop_map(Value::from),
        (0..2i64).prop_map(Value::from),
        Just(json!("true")),
    ];
    prop_oneof![
        (maybe(flag.clone()), maybe(flag), any::<bool>()).prop_map(|(waba, list, unknown)| {
            let mut o = serde_json::Map::new();
            if let Some(w) = waba {
                o.insert("waba".into(), w);
            }
            if let Some(l) = list {
                o.insert("is_supports_list_message".into(), l);
            }
            if unknown {
                o.insert("is_new_flag".into(), json!(true));
            }
            Value::Object(o)
        }),
        Just(json!([])),
        Just(json!({})),
        Just(Value::Null),
    ]
}

/// One service: WhatsApp with any pages (possibly none), or a type the widget does not
/// know with fields of its own.
fn service() -> impl Strategy<Value = Value> {
    let page = (
        "[ a-z]{0,6}",
        "[a-z0-9]{0,4}",
        "\\+?[0-9]{0,12}",
        any::<bool>(),
    )
        .prop_map(|(name, id, link, extra)| {
            let mut p = json!({"name": name, "id": id, "link": link});
            if extra {
                p["color"] = json!("green");
            }
            p
        });
    prop_oneof![
        (proptest::collection::vec(page, 0..3), maybe(params())).prop_map(|(pages, params)| {
            let mut s = json!({"type": "whatsapp", "pages": pages});
            if let Some(p) = params {
                s["params"] = p;
            }
            s
        }),
        Just(json!({"type": "telegram", "pages": [], "bot": {"id": 7}})),
        Just(json!({"type": "whatsapp", "pages": []})),
    ]
}

/// A source in any shape the API may return.
fn source() -> impl Strategy<Value = Value> {
    (
        1u64..1_000_000,
        "[ A-Za-z]{0,8}",
        maybe(prop_oneof![Just(json!("kommo.ext.1")), Just(json!(""))]),
        maybe(any::<bool>().prop_map(Value::from)),
        prop_oneof![
            proptest::collection::vec(service(), 0..3).prop_map(Value::from),
            Just(Value::Null),
            Just(json!({})),
        ],
        any::<bool>(),
    )
        .prop_map(|(id, name, origin, default, services, unknown)| {
            let mut s = json!({"id": id, "name": name, "pipeline_id": 5, "external_id": "e",
                               "services": services});
            if let Some(o) = origin {
                s["origin_code"] = o;
            }
            if let Some(d) = default {
                s["default"] = d;
            }
            if unknown {
                s["account_id"] = json!(30470678);
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_source_as_sent_is_clean_and_a_rename_sends_only_the_name(raw in source()) {
        let src = load(json!([raw])).remove(0);
        let mut row = Row::saved(src.clone());
        prop_assert!(!row.dirty(), "loaded as clean: {:?}", src);
        prop_assert_eq!(patch_body(&row), None);

        row.draft.name = "Renamed source".into();
        prop_assert_eq!(patch_body(&row), Some(json!({"name": "Renamed source"})));
        let batch = Call::Update(vec![row.patch().unwrap()]).request();
        let batch: Value = serde_json::from_str(&batch.body.unwrap()).unwrap();
        prop_assert_eq!(batch, json!([{"id": src.id, "name": "Renamed source", "request_id": "0"}]));
    }

    #[test]
    fn toggling_a_flag_keeps_every_other_service_and_field(raw in source()) {
        let src = load(json!([raw])).remove(0);
        let mut row = Row::saved(src.clone());
        row.draft.waba = !row.draft.waba;
        let body = patch_body(&row).expect("a toggle is an edit");
        let obj = body.as_object().unwrap();
        prop_assert_eq!(obj.keys().collect::<Vec<_>>(), vec!["services"]);
        let sent = obj["services"].as_array().unwrap();
        let before = serde_json::to_value(&src.services).unwrap();
        let before = before.as_array().unwrap();
        // Every service but WhatsApp's goes back exactly as it was read.
        let others = |l: &[Value]| -> Vec<Value> {
            l.iter().filter(|s| s["type"] != "whatsapp").cloned().collect()
        };
        prop_assert_eq!(others(sent), others(before));
        let wa = sent.iter().find(|s| s["type"] == "whatsapp").unwrap();
        prop_assert_eq!(&wa["params"]["waba"], &json!(row.draft.waba));
        if let Some(old) = before.iter().find(|s| s["type"] == "whatsapp") {
            prop_assert_eq!(&wa["pages"], &old["pages"]);
            let mut kept = old["params"].clone();
            if let Some(o) = kept.as_object_mut() {
                o.remove("waba");
            }
            let mut now = wa["params"].clone();
            now.as_object_mut().unwrap().remove("waba");
            if kept.is_object() {
                prop_assert_eq!(now, kept);
            }
        }
    }
}

#[test]
fn an_emptied_origin_code_is_an_edit_that_cannot_be_sent() {
    let src = load(
        json!([{"id": 1, "name": "a", "pipeline_id": 5, "external_id": "a",
                            "origin_code": "kommo.ext.1"}]),
    )
    .remove(0);
    let mut row = Row::saved(src);
    row.draft.origin_code = "  ".into();
    assert!(row.origin_cleared());
    assert!(row.dirty());
    assert_eq!(patch_body(&row), None);
}
