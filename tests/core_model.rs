//! Decoding and encoding of the Sources API models.
#![cfg(not(target_arch = "wasm32"))]

use kommo_sources_widget::model::{
    DeleteRef, NewSource, Page, Params, Pipeline, Service, Source, SourcePatch, Status,
};
use serde_json::{json, Value};

fn source(v: Value) -> Source {
    serde_json::from_value(v).expect("source decodes")
}

fn base() -> Value {
    json!({
        "id": 17619939, "name": "chat", "pipeline_id": 5867030, "external_id": "kchat01",
        "services": [], "default": false, "origin_code": "kommo.ext.30470678",
        "_links": {"self": {"href": "https://subdomain.kommo.com/api/v4/sources/17619939"}}
    })
}

#[test]
fn decodes_the_reference_source() {
    let s = source(base());
    assert_eq!(s.id, 17619939);
    assert_eq!(s.name, "chat");
    assert_eq!(s.pipeline_id, 5867030);
    assert_eq!(s.external_id, "kchat01");
    assert_eq!(s.default, Some(false));
    assert_eq!(s.origin_code.as_deref(), Some("kommo.ext.30470678"));
    assert!(s.services.is_empty());
    assert_eq!(
        s.links.unwrap().self_link.unwrap().href,
        "https://subdomain.kommo.com/api/v4/sources/17619939"
    );
    assert_eq!(s.request_id, None);
}

#[test]
fn tolerates_nulls_missing_fields_and_unknown_fields() {
    let s = source(json!({
        "id": 1, "name": "a", "pipeline_id": 2, "external_id": "x",
        "default": null, "origin_code": null, "services": null,
        "request_id": "3", "surprise": {"nested": [1, 2]}
    }));
    assert_eq!(s.default, None);
    assert!(!s.is_default());
    assert_eq!(s.origin_code, None);
    assert!(s.services.is_empty());
    assert_eq!(s.request_id.as_deref(), Some("3"));

    let minimal = source(json!({"id": 5}));
    assert_eq!(minimal.name, "");
    assert!(minimal.services.is_empty());
    assert_eq!(minimal.links, None);
}

#[test]
fn decodes_whatsapp_services_with_params_in_every_shape() {
    let with = |params: Value| {
        let mut v = base();
        v["services"] = json!([{
            "type": "whatsapp",
            "pages": [{"name": "Sales", "id": "sales", "link": "+5511999998888"}],
            "params": params
        }]);
        source(v).services.remove(0)
    };
    let empty_array = with(json!([]));
    assert_eq!(empty_array.kind, "whatsapp");
    // `[]` is an empty params written as a list: still there, and sent back as `{}`.
    assert_eq!(empty_array.params, Some(Params::default()));
    assert_eq!(
        serde_json::to_value(&empty_array).unwrap()["params"],
        json!({})
    );
    assert_eq!(with(json!([1])).params, None);
    assert_eq!(
        empty_array.pages,
        vec![Page {
            name: "Sales".into(),
            id: "sales".into(),
            link: "+5511999998888".into(),
            ..Default::default()
        }]
    );
    assert_eq!(with(json!({})).params, Some(Params::default()));
    assert_eq!(
        with(json!({"waba": true, "is_supports_list_message": false})).params,
        Some(Params {
            waba: Some(true),
            is_supports_list_message: Some(false),
            ..Default::default()
        })
    );
    let mut v = base();
    v["services"] =
        json!([{"type": "whatsapp", "pages": [{"name": "n", "id": 42, "link": 5511999998888u64}]}]);
    let page = &source(v).services[0].pages[0];
    assert_eq!(page.id, "42");
    assert_eq!(page.link, "5511999998888");
}

#[test]
fn params_are_sent_as_an_object_or_not_at_all() {
    let mut service = Service::whatsapp(vec![]);
    assert_eq!(
        serde_json::to_value(&service).unwrap(),
        json!({"type": "whatsapp", "pages": []})
    );
    service.params = Some(Params::default());
    assert_eq!(serde_json::to_value(&service).unwrap()["params"], json!({}));
    service.params = Some(Params {
        waba: Some(true),
        is_supports_list_message: None,
        ..Default::default()
    });
    assert_eq!(
        serde_json::to_value(&service).unwrap()["params"],
        json!({"waba": true})
    );
}

#[test]
fn new_source_sends_only_what_is_set() {
    let n = NewSource::new("chat", "Kchat01");
    assert_eq!(
        serde_json::to_value(&n).unwrap(),
        json!({"name": "chat", "external_id": "Kchat01"})
    );
    let full = NewSource {
        pipeline_id: Some(5867030),
        default: Some(true),
        origin_code: Some("kommo.ext.1".into()),
        services: Some(vec![]),
        ..n
    };
    assert_eq!(
        serde_json::to_value(&full).unwrap(),
        json!({"name": "chat", "external_id": "Kchat01", "pipeline_id": 5867030,
               "default": true, "origin_code": "kommo.ext.1", "services": []})
    );
}

#[test]
fn a_rename_does_not_send_default() {
    let mut patch = SourcePatch::new(19352935);
    patch.name = Some("call".into());
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"name": "call"})
    );
    // A batch names the source beside the fields; a single update names it in the path.
    let batch = kommo_sources_widget::api::Call::Update(vec![patch]).request();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&batch.body.unwrap()).unwrap(),
        json!([{"id": 19352935, "name": "call", "request_id": "0"}])
    );
}

#[test]
fn diff_carries_only_changed_fields() {
    let original = source(base());
    let mut edited = original.clone();
    assert!(SourcePatch::diff(&original, &edited).is_empty());

    edited.name = "renamed".into();
    let patch = SourcePatch::diff(&original, &edited);
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"name": "renamed"})
    );

    edited.default = Some(true);
    edited.pipeline_id = 7;
    edited.origin_code = Some("amo.ext.36958507".into());
    edited.services = vec![Service::whatsapp(vec![])];
    let patch = SourcePatch::diff(&original, &edited);
    assert_eq!(patch.default, Some(true));
    assert_eq!(patch.pipeline_id, Some(7));
    assert_eq!(patch.origin_code.as_deref(), Some("amo.ext.36958507"));
    assert_eq!(patch.services.as_ref().map(Vec::len), Some(1));
    assert_eq!(patch.apply(&original), edited);
}

#[test]
fn diff_treats_null_default_as_false_and_cannot_clear_origin_code() {
    let mut original = source(base());
    original.default = None;
    let mut edited = original.clone();
    edited.default = Some(false);
    edited.origin_code = None;
    assert!(SourcePatch::diff(&original, &edited).is_empty());
}

#[test]
fn delete_ref_is_exactly_an_id() {
    assert_eq!(
        serde_json::to_string(&[DeleteRef { id: 17489247 }]).unwrap(),
        r#"[{"id":17489247}]"#
    );
}

#[test]
fn decodes_pipelines_and_accounts() {
    let p: Pipeline = serde_json::from_value(json!({
        "id": 5867030, "name": "Sales", "sort": 1, "is_main": true, "is_archive": false,
        "is_unsorted_on": true, "account_id": 1,
        "_embedded": {"statuses": [{"id": 1, "name": "Incoming"}]}
    }))
    .unwrap();
    assert_eq!(
        p,
        Pipeline {
            id: 5867030,
            name: "Sales".into(),
            is_main: true,
            is_archive: false,
            sort: 1,
            statuses: vec![Status {
                id: 1,
                name: "Incoming".into()
            }],
        }
    );
}

#[test]
fn rejects_what_cannot_be_a_source() {
    assert!(serde_json::from_value::<Source>(json!({"name": "no id"})).is_err());
    assert!(serde_json::from_value::<Source>(json!({"id": 1, "services": "x"})).is_err());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_source() -> impl Strategy<Value = Source> {
        (
            "[a-z ]{0,8}",
            0u64..4,
            proptest::option::of(any::<bool>()),
            proptest::option::of("[a-z.]{1,8}"),
            proptest::collection::vec("[0-9]{7,9}", 0..3),
        )
            .prop_map(|(name, pipeline_id, default, origin_code, links)| Source {
                id: 1,
                name,
                pipeline_id,
                external_id: "ext".into(),
                default,
                origin_code,
                services: if links.is_empty() {
                    vec![]
                } else {
                    vec![Service::whatsapp(
                        links
                            .into_iter()
                            .map(|link| Page {
                                name: "n".into(),
                                id: link.clone(),
                                link,
                                ..Default::default()
                            })
                            .collect(),
                    )]
                },
                links: None,
                request_id: None,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Applying the diff reproduces the edit, except what the API cannot express.
        #[test]
        fn diff_then_apply_reproduces_the_edit(original in any_source(), edited in any_source()) {
            let patch = SourcePatch::diff(&original, &edited);
            let result = patch.apply(&original);
            prop_assert_eq!(&result.name, &edited.name);
            prop_assert_eq!(result.pipeline_id, edited.pipeline_id);
            prop_assert_eq!(result.is_default(), edited.is_default());
            prop_assert_eq!(&result.services, &edited.services);
            if edited.origin_code.is_some() {
                prop_assert_eq!(&result.origin_code, &edited.origin_code);
            }
            let sent = serde_json::to_value(&patch).unwrap();
            prop_assert_eq!(sent.get("name").is_some(), original.name != edited.name);
            prop_assert_eq!(sent.get("default").is_some(), original.is_default() != edited.is_default());
        }
    }
}

#[test]
fn an_external_id_that_comes_as_a_number_reads_as_its_text() {
    for (given, read) in [
        (json!(7), "7"),
        (json!(7.0), "7"),
        (json!(-3), "-3"),
        (json!(2.5), "2.5"),
        (json!(0.1), "0.1"),
        (json!("Kchat01"), "Kchat01"),
    ] {
        let mut v = base();
        v["external_id"] = given.clone();
        assert_eq!(source(v).external_id, read, "{given}");
    }
}
