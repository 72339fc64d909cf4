//! The Sources API over real HTTP: every endpoint, status and content type.

mod common;

use common::{config, start, OTHER, TOKEN};
use reqwest::Method;
use sandbox::Config;
use serde_json::json;

#[tokio::test]
async fn empty_integration_lists_as_204_and_post_creates_with_lowercased_external_id() {
    let sb = start(config()).await;
    sb.get("/api/v4/sources", TOKEN).await.empty();

    let made = sb
        .create(
            TOKEN,
            json!([
                {"name": "chat", "external_id": "Kchat01", "origin_code": "kommo.ext.30470678",
                 "pipeline_id": 5867030, "request_id": "0"},
                {"name": "  test_chat  ", "external_id": "Kchat02", "pipeline_id": 5884544,
                 "request_id": "1"},
            ]),
        )
        .await;
    assert_eq!(made.len(), 2);
    assert_eq!(made[0]["external_id"], "kchat01");
    assert_eq!(made[0]["request_id"], "0");
    assert_eq!(made[1]["request_id"], "1");
    assert_eq!(made[1]["name"], "test_chat");
    assert_eq!(made[1]["origin_code"], json!(null));
    // Never set, `default` is served as null, as Kommo's answers have it.
    assert_eq!(made[1]["default"], json!(null));
    assert_eq!(made[1]["services"], json!([]));
    let id = made[0]["id"].as_u64().unwrap();
    assert_eq!(
        made[0]["_links"]["self"]["href"],
        sb.url(&format!("/api/v4/sources/{id}"))
    );

    // As in the reference's example: items sent without request_id get their index back.
    let bare = sb
        .create(
            TOKEN,
            json!([{"name": "a", "external_id": "bare-a"}, {"name": "b", "external_id": "bare-b"}]),
        )
        .await;
    assert_eq!(bare[0]["request_id"], "0");
    assert_eq!(bare[1]["request_id"], "1");
    let (a, b) = (
        bare[0]["id"].as_u64().unwrap(),
        bare[1]["id"].as_u64().unwrap(),
    );
    let renamed = sb
        .patch(
            "/api/v4/sources",
            TOKEN,
            &json!([{"id": b, "name": "b2"}, {"id": a, "name": "a2"}]),
        )
        .await
        .hal(200);
    let renamed = &renamed["_embedded"]["sources"];
    assert_eq!(renamed[0]["request_id"], "0");
    assert_eq!(renamed[1]["request_id"], "1");
    sb.delete(
        "/api/v4/sources",
        TOKEN,
        Some(&json!([{"id": a}, {"id": b}])),
    )
    .await
    .empty();

    let list = sb.get("/api/v4/sources", TOKEN).await.hal(200);
    assert_eq!(list["_total_items"], 2);
    assert_eq!(list["_links"]["self"]["href"], sb.url("/api/v4/sources"));
    assert!(list["_embedded"]["sources"][0].get("request_id").is_none());

    let one = sb
        .get(&format!("/api/v4/sources/{id}"), TOKEN)
        .await
        .hal(200);
    assert_eq!(one["name"], "chat");
}

#[tokio::test]
async fn pipeline_defaults_to_main_and_must_exist_but_may_be_archived() {
    let sb = start(config()).await;
    let made = sb
        .create(
            TOKEN,
            json!([{"name": "a", "external_id": "a"},
                   {"name": "b", "external_id": "b", "pipeline_id": 5890012}]),
        )
        .await;
    assert_eq!(made[0]["pipeline_id"], 5867030);
    assert_eq!(made[1]["pipeline_id"], 5890012);
    let a = sb
        .post(
            "/api/v4/sources",
            TOKEN,
            &json!([{"name": "c", "external_id": "c", "pipeline_id": 1}]),
        )
        .await;
    assert_eq!(
        a.errors(),
        vec![(
            "0".to_string(),
            vec!["NotSupportedChoice@pipeline_id".to_string()]
        )]
    );
}

#[tokio::test]
async fn filters_by_external_id_case_insensitively_with_percent_encoding() {
    let sb = start(config()).await;
    sb.create(
        TOKEN,
        json!([{"name": "a", "external_id": "A&B+c #1"},
               {"name": "b", "external_id": "plain"},
               {"name": "c", "external_id": "other"}]),
    )
    .await;
    let one = sb
        .get(
            "/api/v4/sources?filter[external_id]=a%26b%2Bc%20%231",
            TOKEN,
        )
        .await
        .hal(200);
    assert_eq!(one["_total_items"], 1);
    assert_eq!(one["_embedded"]["sources"][0]["external_id"], "a&b+c #1");
    let two = sb
        .get(
            "/api/v4/sources?filter%5Bexternal_id%5D%5B0%5D=PLAIN&filter[external_id][1]=other",
            TOKEN,
        )
        .await
        .hal(200);
    let names: Vec<_> = two["_embedded"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["b", "c"]);
    sb.get("/api/v4/sources?filter[external_id]=missing", TOKEN)
        .await
        .empty();
    sb.get("/api/v4/sources?filter[external_id]=%zz", TOKEN)
        .await
        .problem(400);
}

#[tokio::test]
async fn external_id_is_unique_case_insensitively_and_recreation_restores_the_id() {
    let sb = start(config()).await;
    let made = sb
        .create(TOKEN, json!([{"name": "a", "external_id": "Dup"}]))
        .await;
    let id = made[0]["id"].as_u64().unwrap();
    let a = sb
        .post(
            "/api/v4/sources",
            TOKEN,
            &json!([{"name": "b", "external_id": "DUP", "request_id": "x"}]),
        )
        .await;
    assert_eq!(
        a.errors(),
        vec![("x".into(), vec!["Duplicate@external_id".into()])]
    );
    let a = sb
        .post(
            "/api/v4/sources",
            TOKEN,
            &json!([{"name": "b", "external_id": "n1"}, {"name": "c", "external_id": "N1"}]),
        )
        .await;
    assert_eq!(
        a.errors(),
        vec![("1".into(), vec!["Duplicate@external_id".into()])]
    );

    sb.delete(&format!("/api/v4/sources/{id}"), TOKEN, None)
        .await
        .empty();
    // A deleted source answers 204, not 404.
    sb.get(&format!("/api/v4/sources/{id}"), TOKEN)
        .await
        .empty();
    let again = sb
        .create(TOKEN, json!([{"name": "back", "external_id": "dUp"}]))
        .await;
    assert_eq!(again[0]["id"].as_u64(), Some(id));
    assert_eq!(again[0]["name"], "back");
}

#[tokio::test]
async fn origin_code_and_field_type_rules() {
    let sb = start(config()).await;
    let a = sb
        .post(
            "/api/v4/sources",
            TOKEN,
            &json!([
                {"name": "a", "external_id": "a", "origin_code": null},
                {"name": "b", "external_id": "b", "origin_code": "30470678"},
                {"name": "c", "external_id": "c", "origin_code": "\"\""},
                {"name": "d", "external_id": "d", "origin_code": "x".repeat(21)},
                {"name": 5, "external_id": ["e"], "default": "yes", "pipeline_id": "1"},
                {"external_id": "f"},
                {"name": "g", "external_id": "g", "services": [{"type": "telegram", "pages": []}]},
                "not an object",
            ]),
        )
        .await;
    let errs = a.errors();
    let flat: Vec<String> = errs
        .iter()
        .map(|(rid, e)| format!("{rid}:{}", e.join(",")))
        .collect();
    assert_eq!(
        flat,
        [
            "0:InvalidType@origin_code",
            "1:InvalidValue@origin_code",
            "2:InvalidValue@origin_code",
            "3:TooLong@origin_code",
            "4:InvalidType@name,InvalidType@external_id,InvalidType@pipeline_id,InvalidType@default",
            "5:FieldMissing@name",
            "6:NotSupportedChoice@services.0.type",
            "7:InvalidType@",
        ]
    );
    // Nothing of a failed batch was created, even the valid-looking parts.
    sb.get("/api/v4/sources", TOKEN).await.empty();
    let ok = sb
        .create(
            TOKEN,
            json!([{"name": "ok", "external_id": "ok", "origin_code": "x".repeat(20)}]),
        )
        .await;
    assert_eq!(ok[0]["origin_code"], "x".repeat(20));
}

#[tokio::test]
async fn services_round_trip_and_accept_empty_params_array() {
    let sb = start(config()).await;
    let made = sb
        .create(
            TOKEN,
            json!([
                {"name": "wa", "external_id": "wa", "services": [{"type": "whatsapp",
                  "pages": [{"name": "Sales", "id": "p1", "link": "15550101234"}],
                  "params": {"waba": true, "is_supports_list_message": false}}]},
                {"name": "wa2", "external_id": "wa2", "services": [{"type": "whatsapp",
                  "pages": [], "params": []}]},
            ]),
        )
        .await;
    assert_eq!(
        made[0]["services"],
        json!([{"type": "whatsapp", "pages": [{"name": "Sales", "id": "p1", "link": "15550101234"}],
                "params": {"waba": true, "is_supports_list_message": false}}])
    );
    // An empty params is kept in the shape it was sent.
    assert_eq!(made[1]["services"][0]["params"], json!([]));
    let a = sb
        .post(
            "/api/v4/sources",
            TOKEN,
            &json!([{"name": "x", "external_id": "x", "services": [{"type": "whatsapp",
                "pages": [{"name": "n", "id": 1}], "params": {"waba": "yes"}}]}]),
        )
        .await;
    assert_eq!(
        a.errors()[0].1,
        [
            "InvalidType@services.0.pages.0.id",
            "FieldMissing@services.0.pages.0.link",
            "InvalidType@services.0.params.waba"
        ]
    );
}

#[tokio::test]
async fn fields_of_services_and_pages_that_kommo_does_not_check_are_kept_as_sent() {
    let sb = start(config()).await;
    let made = sb
        .create(
            TOKEN,
            json!([{"name": "wa", "external_id": "wa", "services": [{"type": "whatsapp",
                "status": "active", "pages": [{"name": "Sales", "id": "p1",
                "link": "15550101234", "avatar": null}]}]}]),
        )
        .await;
    let id = made[0]["id"].as_u64().unwrap();
    assert_eq!(made[0]["services"][0]["status"], "active");
    assert_eq!(made[0]["services"][0]["pages"][0]["avatar"], json!(null));
    let sent = json!({"services": [{"type": "whatsapp", "status": "paused",
        "pages": [{"name": "Sales", "id": "p1", "link": "15550101234", "avatar": "a.png"}]}]});
    let patched = sb
        .patch(&format!("/api/v4/sources/{id}"), TOKEN, &sent)
        .await
        .hal(200);
    assert_eq!(patched["services"], sent["services"]);
    assert_eq!(sb.list(TOKEN).await[0]["services"], sent["services"]);
}

#[tokio::test]
async fn at_most_one_default_and_setting_one_clears_the_others() {
    let sb = start(config()).await;
    let a = sb
        .post(
            "/api/v4/sources",
            TOKEN,
            &json!([{"name": "a", "external_id": "a", "default": true},
                    {"name": "b", "external_id": "b", "default": true}]),
        )
        .await;
    assert_eq!(
        a.errors(),
        vec![("1".into(), vec!["Duplicate@default".into()])]
    );
    let made = sb
        .create(
            TOKEN,
            json!([{"name": "a", "external_id": "a", "default": true},
                   {"name": "b", "external_id": "b"}]),
        )
        .await;
    let b = made[1]["id"].as_u64().unwrap();
    let c = sb
        .create(
            TOKEN,
            json!([{"name": "c", "external_id": "c", "default": true}]),
        )
        .await;
    let defaults = |list: Vec<serde_json::Value>| -> Vec<serde_json::Value> {
        list.iter().map(|s| s["default"].clone()).collect()
    };
    // The default moved from a to c; b never had one and stays null.
    assert_eq!(
        defaults(sb.list(TOKEN).await),
        [json!(false), json!(null), json!(true)]
    );
    let patched = sb
        .patch(
            &format!("/api/v4/sources/{b}"),
            TOKEN,
            &json!({"default": true}),
        )
        .await
        .hal(200);
    assert_eq!(patched["default"], true);
    assert_eq!(
        defaults(sb.list(TOKEN).await),
        [json!(false), json!(true), json!(false)]
    );
    let _ = c;
}

#[tokio::test]
async fn patch_changes_only_given_fields_and_batches_are_all_or_nothing() {
    let sb = start(config()).await;
    let made = sb
        .create(
            TOKEN,
            json!([{"name": "a", "external_id": "a", "default": true,
                    "origin_code": "kommo.ext.1"},
                   {"name": "b", "external_id": "b"}]),
        )
        .await;
    let (a, b) = (
        made[0]["id"].as_u64().unwrap(),
        made[1]["id"].as_u64().unwrap(),
    );

    let renamed = sb
        .patch(
            &format!("/api/v4/sources/{a}"),
            TOKEN,
            &json!({"name": "A2"}),
        )
        .await
        .hal(200);
    assert_eq!(renamed["name"], "A2");
    assert_eq!(renamed["default"], true, "a rename keeps the default flag");
    assert_eq!(renamed["origin_code"], "kommo.ext.1");
    assert!(renamed.get("request_id").is_none());

    let before = sb.get("/api/v4/sources", TOKEN).await.text;
    let bad = sb
        .patch(
            "/api/v4/sources",
            TOKEN,
            &json!([{"id": a, "name": "changed", "request_id": "r0"},
                    {"id": 999, "name": "x", "request_id": "r1"}]),
        )
        .await;
    assert_eq!(
        bad.errors(),
        vec![("r1".into(), vec!["NotFound@id".into()])]
    );
    assert_eq!(sb.get("/api/v4/sources", TOKEN).await.text, before);

    let ok = sb
        .patch(
            "/api/v4/sources",
            TOKEN,
            &json!([{"id": b, "pipeline_id": 5884544, "request_id": "r0"},
                    {"id": a, "default": false, "request_id": "r1"}]),
        )
        .await
        .hal(200);
    assert_eq!(ok["_total_items"], 2);
    let items = ok["_embedded"]["sources"].as_array().unwrap();
    assert_eq!(items[0]["request_id"], "r0");
    assert_eq!(items[0]["pipeline_id"], 5884544);
    assert_eq!(items[0]["name"], "b");
    assert_eq!(items[1]["default"], false);
    assert_eq!(items[1]["name"], "A2");

    let missing_id = sb
        .patch("/api/v4/sources", TOKEN, &json!([{"name": "x"}]))
        .await;
    assert_eq!(missing_id.errors()[0].1, ["FieldMissing@id"]);
    let change_ext = sb
        .patch(
            &format!("/api/v4/sources/{a}"),
            TOKEN,
            &json!({"external_id": "zzz"}),
        )
        .await;
    assert_eq!(change_ext.errors()[0].1, ["NotSupportedChoice@external_id"]);
}

#[tokio::test]
async fn unknown_ids_get_404_on_single_routes_and_400_in_batches() {
    let sb = start(config()).await;
    for (method, body) in [
        (Method::GET, None),
        (Method::PATCH, Some(r#"{"name":"x"}"#)),
        (Method::DELETE, None),
    ] {
        for path in [
            "/api/v4/sources/123",
            "/api/v4/sources/abc",
            "/api/v4/sources/0",
            "/api/v4/sources/%2B17619939",
            "/api/v4/sources/-1",
        ] {
            sb.send(method.clone(), path, Some(TOKEN), body)
                .await
                .problem(404);
        }
    }
    let made = sb
        .create(TOKEN, json!([{"name": "a", "external_id": "a"}]))
        .await;
    let id = made[0]["id"].as_u64().unwrap();
    sb.get(&format!("/api/v4/sources/{id}"), TOKEN)
        .await
        .hal(200);
    // Only plain digits name a source.
    sb.get(&format!("/api/v4/sources/%2B{id}"), TOKEN)
        .await
        .problem(404);
    let a = sb
        .delete("/api/v4/sources", TOKEN, Some(&json!([{"id": 123}])))
        .await;
    assert_eq!(a.errors(), vec![("0".into(), vec!["NotFound@id".into()])]);
}

#[tokio::test]
async fn batch_delete_takes_exactly_ids_and_is_all_or_nothing() {
    let sb = start(config()).await;
    let made = sb
        .create(
            TOKEN,
            json!([{"name": "a", "external_id": "a"}, {"name": "b", "external_id": "b"},
                   {"name": "c", "external_id": "c"}]),
        )
        .await;
    let ids: Vec<u64> = made.iter().map(|s| s["id"].as_u64().unwrap()).collect();
    let a = sb
        .delete(
            "/api/v4/sources",
            TOKEN,
            Some(&json!([{"id": ids[0]}, {"id": ids[1], "name": "b"}])),
        )
        .await;
    assert_eq!(
        a.errors(),
        vec![("1".into(), vec!["NotSupportedChoice@name".into()])]
    );
    sb.delete("/api/v4/sources", TOKEN, Some(&json!([ids[0]])))
        .await
        .problem(400);
    assert_eq!(sb.list(TOKEN).await.len(), 3);
    sb.delete(
        "/api/v4/sources",
        TOKEN,
        Some(&json!([{"id": ids[0]}, {"id": ids[2]}])),
    )
    .await
    .empty();
    let left = sb.list(TOKEN).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["external_id"], "b");
    sb.delete("/api/v4/sources", TOKEN, Some(&json!([])))
        .await
        .problem(400);
}

#[tokio::test]
async fn tokens_are_isolated_integrations() {
    let sb = start(config()).await;
    let made = sb
        .create(TOKEN, json!([{"name": "mine", "external_id": "shared"}]))
        .await;
    let id = made[0]["id"].as_u64().unwrap();
    sb.get("/api/v4/sources", OTHER).await.empty();
    sb.get(&format!("/api/v4/sources/{id}"), OTHER)
        .await
        .problem(404);
    sb.patch(
        &format!("/api/v4/sources/{id}"),
        OTHER,
        &json!({"name": "x"}),
    )
    .await
    .problem(404);
    sb.delete(&format!("/api/v4/sources/{id}"), OTHER, None)
        .await
        .problem(404);
    // The same external_id is free in another integration.
    let theirs = sb
        .create(OTHER, json!([{"name": "theirs", "external_id": "SHARED"}]))
        .await;
    assert_ne!(theirs[0]["id"].as_u64(), Some(id));
    assert_eq!(sb.list(TOKEN).await[0]["name"], "mine");
    assert_eq!(sb.list(OTHER).await[0]["name"], "theirs");
}

#[tokio::test]
async fn per_integration_limit_and_per_request_limit() {
    let sb = start(Config {
        max_sources: 3,
        ..config()
    })
    .await;
    sb.create(
        TOKEN,
        json!([{"name": "a", "external_id": "a"}, {"name": "b", "external_id": "b"}]),
    )
    .await;
    let a = sb
        .post(
            "/api/v4/sources",
            TOKEN,
            &json!([{"name": "c", "external_id": "c"}, {"name": "d", "external_id": "d"}]),
        )
        .await;
    assert_eq!(
        a.errors(),
        vec![("1".into(), vec!["LimitExceeded@".into()])]
    );
    assert_eq!(sb.list(TOKEN).await.len(), 2);
    sb.create(TOKEN, json!([{"name": "c", "external_id": "c"}]))
        .await;
    // The other integration has its own allowance.
    sb.create(OTHER, json!([{"name": "c", "external_id": "c"}]))
        .await;

    let sb = start(Config {
        max_sources: 100,
        ..config()
    })
    .await;
    let items: Vec<_> = (0..51)
        .map(|i| json!({"name": format!("s{i}"), "external_id": format!("s{i}")}))
        .collect();
    let p = sb
        .post("/api/v4/sources", TOKEN, &json!(items))
        .await
        .problem(400);
    assert!(p["detail"].as_str().unwrap().contains("50"));
    sb.create(TOKEN, json!(items[..50].to_vec())).await;
    assert_eq!(sb.list(TOKEN).await.len(), 50);
}

#[tokio::test]
async fn a_list_of_more_than_a_page_links_its_pages() {
    let sb = start(Config {
        max_sources: 100,
        ..config()
    })
    .await;
    for batch in 0..2 {
        let items: Vec<_> = (0..50)
            .map(|i| {
                let n = batch * 50 + i;
                json!({"name": format!("s{n}"), "external_id": format!("s{n:03}")})
            })
            .collect();
        sb.create(TOKEN, json!(items)).await;
    }
    let refused = sb
        .post(
            "/api/v4/sources",
            TOKEN,
            &json!([{"name": "one more", "external_id": "s100"}]),
        )
        .await;
    assert_eq!(
        refused.errors(),
        vec![("0".into(), vec!["LimitExceeded@".into()])]
    );
    let detail = &refused.problem(400)["validation-errors"][0]["errors"][0]["detail"];
    assert!(detail.as_str().unwrap().contains("100"), "{detail}");

    let first = sb.get("/api/v4/sources", TOKEN).await.hal(200);
    assert_eq!(first["_embedded"]["sources"].as_array().unwrap().len(), 50);
    assert_eq!(first["_page"], 1);
    let next = first["_links"]["next"]["href"].as_str().unwrap();
    assert_eq!(next, sb.url("/api/v4/sources?page=2&limit=50"));
    assert!(first["_links"].get("prev").is_none());
    let second = sb
        .get("/api/v4/sources?page=2&limit=50", TOKEN)
        .await
        .hal(200);
    let ids: Vec<&str> = second["_embedded"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["external_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.first(), Some(&"s050"));
    assert_eq!(ids.len(), 50);
    assert!(
        second["_links"].get("next").is_none(),
        "the last page links no next"
    );
    assert_eq!(
        second["_links"]["prev"]["href"],
        sb.url("/api/v4/sources?page=1&limit=50")
    );
    // Past the end is 204, as a list with nothing in it; a smaller limit makes more pages.
    sb.get("/api/v4/sources?page=3", TOKEN).await.empty();
    let small = sb
        .get("/api/v4/sources?limit=30&page=4", TOKEN)
        .await
        .hal(200);
    assert_eq!(small["_embedded"]["sources"].as_array().unwrap().len(), 10);
    assert_eq!(sb.list(TOKEN).await.len(), 100);
    // The filter pages too, and its links keep it.
    let filtered = sb
        .get(
            "/api/v4/sources?filter[external_id][0]=s001&filter[external_id][1]=s099&limit=1",
            TOKEN,
        )
        .await
        .hal(200);
    assert_eq!(
        filtered["_links"]["next"]["href"],
        sb.url("/api/v4/sources?filter[external_id][0]=s001&filter[external_id][1]=s099&page=2&limit=1")
    );
    for bad in ["page=0", "limit=251", "page=two"] {
        let p = sb
            .get(&format!("/api/v4/sources?{bad}"), TOKEN)
            .await
            .problem(400);
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains(bad.split('=').next().unwrap()),
            "{bad}: {p}"
        );
    }
}

#[tokio::test]
async fn pipelines_and_account() {
    let sb = start(config()).await;
    let v = sb.get("/api/v4/leads/pipelines", OTHER).await.hal(200);
    let pipelines = v["_embedded"]["pipelines"].as_array().unwrap();
    assert_eq!(pipelines.len(), 3);
    let main: Vec<_> = pipelines.iter().filter(|p| p["is_main"] == true).collect();
    assert_eq!(main.len(), 1);
    assert_eq!(main[0]["id"], 5867030);
    assert!(pipelines.iter().any(|p| p["is_archive"] == true));
    for p in pipelines {
        assert!(p["name"].is_string() && p["sort"].is_u64());
        assert!(!p["_embedded"]["statuses"].as_array().unwrap().is_empty());
    }
    let acc = sb.get("/api/v4/account", TOKEN).await.hal(200);
    assert!(acc["id"].is_u64());
    assert!(acc["name"].is_string());
    assert_eq!(acc["subdomain"], "sandbox");
}

#[tokio::test]
async fn one_pipeline_its_statuses_and_one_status_as_kommo_documents_them() {
    let sb = start(config()).await;
    let list = sb.get("/api/v4/leads/pipelines", TOKEN).await.hal(200);
    for listed in list["_embedded"]["pipelines"].as_array().unwrap() {
        let id = listed["id"].as_u64().unwrap();
        // One pipeline is the one the list shows, archived ones included.
        let one = sb
            .get(&format!("/api/v4/leads/pipelines/{id}"), TOKEN)
            .await
            .hal(200);
        assert_eq!(&one, listed);
        let statuses = sb
            .get(&format!("/api/v4/leads/pipelines/{id}/statuses"), TOKEN)
            .await
            .hal(200);
        let items = statuses["_embedded"]["statuses"].as_array().unwrap();
        assert_eq!(items, listed["_embedded"]["statuses"].as_array().unwrap());
        assert_eq!(statuses["_total_items"], items.len());
        assert!(statuses["_links"]["self"]["href"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/v4/leads/pipelines/{id}/statuses")));
        for status in items {
            assert_eq!(status["pipeline_id"], id);
            let sid = status["id"].as_u64().unwrap();
            let href = status["_links"]["self"]["href"].as_str().unwrap();
            assert!(href.ends_with(&format!("/api/v4/leads/pipelines/{id}/statuses/{sid}")));
            let single = sb
                .get(
                    &format!("/api/v4/leads/pipelines/{id}/statuses/{sid}"),
                    TOKEN,
                )
                .await
                .hal(200);
            assert_eq!(&single, status);
        }
        // Kommo's closing stages are in every pipeline, with the same ids.
        assert!(items.iter().any(|s| s["id"] == 142) && items.iter().any(|s| s["id"] == 143));
    }
    for missing in [
        "/api/v4/leads/pipelines/1",
        "/api/v4/leads/pipelines/x",
        "/api/v4/leads/pipelines/1/statuses",
        "/api/v4/leads/pipelines/5867030/statuses/1",
        "/api/v4/leads/pipelines/5867030/statuses/%31",
    ] {
        sb.get(missing, TOKEN).await.problem(404);
    }
    let counted = sb
        .control(Method::GET, "/__sandbox/counters", None)
        .await
        .json();
    assert!(counted["GET /api/v4/leads/pipelines/{id}/statuses/{id}"].as_u64() > Some(10));
}

#[tokio::test]
async fn authentication_is_required_everywhere() {
    let sb = start(config()).await;
    for (method, path) in [
        (Method::GET, "/api/v4/sources"),
        (Method::POST, "/api/v4/sources"),
        (Method::PATCH, "/api/v4/sources"),
        (Method::DELETE, "/api/v4/sources"),
        (Method::GET, "/api/v4/sources/1"),
        (Method::PATCH, "/api/v4/sources/1"),
        (Method::DELETE, "/api/v4/sources/1"),
        (Method::GET, "/api/v4/leads/pipelines"),
        (Method::GET, "/api/v4/leads/pipelines/5867030"),
        (Method::GET, "/api/v4/leads/pipelines/5867030/statuses"),
        (Method::GET, "/api/v4/leads/pipelines/5867030/statuses/142"),
        (Method::GET, "/api/v4/account"),
    ] {
        let a = sb.send(method.clone(), path, None, Some("[]")).await;
        a.problem(401);
        let a = sb
            .send(method.clone(), path, Some("wrong"), Some("[]"))
            .await;
        let v = a.problem(401);
        assert!(!v.to_string().contains("wrong"), "the token is not echoed");
    }
    // A token in another scheme does not count.
    let resp = sb
        .client
        .get(sb.url("/api/v4/sources"))
        .header("authorization", format!("Basic {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn unknown_routes_and_methods_get_problem_json() {
    let sb = start(config()).await;
    sb.get("/api/v4/nothing", TOKEN).await.problem(404);
    sb.get("/api/v4/sources/1/extra", TOKEN).await.problem(404);
    sb.send(Method::PUT, "/api/v4/sources", Some(TOKEN), Some("[]"))
        .await
        .problem(405);
    sb.send(Method::POST, "/api/v4/sources/1", Some(TOKEN), Some("{}"))
        .await
        .problem(405);
    sb.send(Method::POST, "/api/v4/account", Some(TOKEN), None)
        .await
        .problem(405);
    let h = sb.send(Method::GET, "/healthz", None, None).await;
    assert_eq!(h.status, 200);
}

#[tokio::test]
async fn demo_data_has_a_default_whatsapp_services_and_a_null_origin_code() {
    let sb = start(Config {
        empty: false,
        ..config()
    })
    .await;
    let list = sb.list(TOKEN).await;
    assert!(list.len() >= 5);
    assert_eq!(list.iter().filter(|s| s["default"] == true).count(), 1);
    assert!(list.iter().any(|s| s["services"][0]["type"] == "whatsapp"
        && s["services"][0]["params"]["waba"].is_boolean()));
    assert!(list.iter().any(|s| s["origin_code"].is_null()));
    // The shapes of real answers: unknown fields, nulls, `params: []`, an empty service type.
    assert!(list.iter().any(|s| s["created_at"].is_number()));
    assert!(list.iter().any(|s| s["services"][0]["status"] == "active"
        && s["services"][0]["pages"][0]
            .as_object()
            .unwrap()
            .contains_key("avatar")));
    assert!(list
        .iter()
        .any(|s| s["services"].is_null() && s["default"].is_null()));
    assert!(list.iter().any(|s| s["services"][0]["params"] == json!([])));
    assert!(list.iter().any(|s| s["services"][0]["type"] == ""));
    let pipelines: std::collections::HashSet<_> =
        list.iter().map(|s| s["pipeline_id"].as_u64()).collect();
    assert!(pipelines.len() >= 2);
    // Each integration has its own copy with its own ids.
    let other = sb.list(OTHER).await;
    assert_eq!(other.len(), list.len());
    assert_ne!(other[0]["id"], list[0]["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_respect_the_limit_and_never_share_ids() {
    let sb = std::sync::Arc::new(
        start(Config {
            max_sources: 10,
            ..config()
        })
        .await,
    );
    let tasks: Vec<_> = (0..25)
        .map(|i| {
            let sb = sb.clone();
            tokio::spawn(async move {
                sb.post(
                    "/api/v4/sources",
                    TOKEN,
                    &json!([{"name": format!("n{i}"), "external_id": format!("e{i}")}]),
                )
                .await
                .status
                .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 10);
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), 15);
    let list = sb.list(TOKEN).await;
    let ids: std::collections::HashSet<_> = list.iter().map(|s| s["id"].as_u64()).collect();
    assert_eq!((list.len(), ids.len()), (10, 10));
}

#[tokio::test]
async fn empty_bodies_get_kommos_message() {
    let sb = start(config()).await;
    for (method, path, body) in [
        (Method::POST, "/api/v4/sources", ""),
        (Method::POST, "/api/v4/sources", "[]"),
        (Method::PATCH, "/api/v4/sources", " "),
        (Method::DELETE, "/api/v4/sources", "[]"),
    ] {
        let v = sb
            .send(method.clone(), path, Some(TOKEN), Some(body))
            .await
            .problem(400);
        assert_eq!(
            v["detail"], "Request data can not be empty",
            "{method} {body:?}"
        );
    }
    let made = sb
        .create(TOKEN, json!([{"name": "a", "external_id": "a"}]))
        .await;
    let v = sb
        .patch(
            &format!("/api/v4/sources/{}", made[0]["id"]),
            TOKEN,
            &json!({}),
        )
        .await
        .problem(400);
    assert_eq!(v["detail"], "Request data can not be empty");
}

#[tokio::test]
async fn service_types_beyond_whatsapp_are_refused_unless_the_account_knows_them() {
    let telegram = json!([{"name": "tg", "external_id": "tg", "services": [
        {"type": "telegram", "pages": [{"name": "Shop bot", "id": "bot", "link": "@shop_bot"}]},
        {"type": "whatsapp", "pages": [{"name": "Sales", "id": "1", "link": "+15550101234"}]},
    ]}]);
    let plain = start(config()).await;
    let refused = plain.post("/api/v4/sources", TOKEN, &telegram).await;
    assert_eq!(
        refused.errors(),
        vec![(
            "0".into(),
            vec!["NotSupportedChoice@services.0.type".into()]
        )]
    );
    let newer = start(Config {
        service_types: vec!["whatsapp".into(), "telegram".into()],
        ..config()
    })
    .await;
    newer.create(TOKEN, telegram.clone()).await;
    let listed = newer.list(TOKEN).await;
    assert_eq!(
        listed[0]["services"], telegram[0]["services"],
        "stored and listed as sent"
    );
    // A WhatsApp link is still a phone number; another type's link is not.
    let bad = json!([{"name": "w", "external_id": "w", "services": [
        {"type": "whatsapp", "pages": [{"name": "x", "id": "1", "link": "@shop_bot"}]}]}]);
    let refused = newer.post("/api/v4/sources", TOKEN, &bad).await;
    assert_eq!(
        refused.errors(),
        vec![(
            "0".into(),
            vec!["InvalidValue@services.0.pages.0.link".into()]
        )]
    );
}

#[tokio::test]
async fn without_the_multiple_sources_flag_each_integration_starts_with_the_install_source() {
    let flagged = start(config()).await;
    assert!(flagged.list(TOKEN).await.is_empty(), "with the flag, none");
    let single = start(Config {
        multiple_sources: false,
        ..config()
    })
    .await;
    for token in [TOKEN, OTHER] {
        let list = single.list(token).await;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["name"], "Sources Manager");
        assert_eq!(list[0]["external_id"], "sources_manager");
        assert_eq!(list[0]["pipeline_id"], 5867030);
    }
    // To the API it is a source like any other: more can be made and it can be deleted; a
    // reset (a new install) brings it back.
    single
        .create(TOKEN, json!([{"name": "a", "external_id": "a"}]))
        .await;
    let first = &single.list(TOKEN).await[0];
    assert_eq!(first["external_id"], "sources_manager", "the oldest");
    let id = first["id"].as_u64().unwrap();
    let gone = single
        .delete(&format!("/api/v4/sources/{id}"), TOKEN, None)
        .await;
    assert_eq!(gone.status.as_u16(), 204);
    assert_eq!(single.list(TOKEN).await.len(), 1);
    assert!(single
        .control(Method::POST, "/__sandbox/reset", None)
        .await
        .status
        .is_success());
    let list = single.list(TOKEN).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["external_id"], "sources_manager");
}
