//! Leads over real HTTP: the complex create and its source rules, the list (paging, filters,
//! order, `with=source_id` and `with=source` under each documented shape), one lead, the demo leads, persistence, the controls and the card page.

mod common;

use common::{config, start, Answer, Sandbox, OTHER, TOKEN};
use reqwest::{Method, StatusCode};
use sandbox::model::{ACCOUNT_ID, ARCHIVED_PIPELINE_ID, MAIN_PIPELINE_ID, SECOND_PIPELINE_ID};
use sandbox::{Config, LeadSource, UnknownSource};
use serde_json::{json, Value};
use std::collections::HashSet;

/// First stage of the main pipeline ("Incoming leads"): `id * 10`.
const MAIN_FIRST: u64 = MAIN_PIPELINE_ID * 10;
/// First stage of the second pipeline.
const SECOND_FIRST: u64 = SECOND_PIPELINE_ID * 10;
/// Kommo's fixed "won" stage, in every pipeline.
const WON: u64 = 142;

/// The sandbox for these tests: it honours both documented ways of reading a lead's source,
/// so that each test can look at the `source` object; the test of each shape sets its own.
fn leads_config() -> Config {
    Config {
        lead_source: LeadSource::Both,
        ..config()
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn complex(sb: &Sandbox, token: &str, items: Value) -> Answer {
    sb.post("/api/v4/leads/complex", token, &items).await
}

/// Creates leads and returns their ids, checking the answer's shape.
async fn created(sb: &Sandbox, items: Value) -> Vec<u64> {
    let a = complex(sb, TOKEN, items).await;
    assert_eq!(a.status, StatusCode::OK, "body: {}", a.text);
    assert_eq!(a.content_type(), "application/json");
    a.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["contact_id"], json!(null));
            assert_eq!(r["company_id"], json!(null));
            assert_eq!(r["merged"], false);
            assert!(r["request_id"].as_array().unwrap()[0].is_string());
            r["id"].as_u64().unwrap()
        })
        .collect()
}

async fn lead(sb: &Sandbox, id: u64) -> Value {
    sb.get(&format!("/api/v4/leads/{id}?with=source"), TOKEN)
        .await
        .hal(200)
}

/// Every lead a query lists, following `_links.next`; also the number of pages.
async fn all_leads(sb: &Sandbox, query: &str) -> (Vec<Value>, usize) {
    let mut out = Vec::new();
    let mut pages = 0;
    let mut path = format!("/api/v4/leads?{query}");
    loop {
        let a = sb.get(&path, TOKEN).await;
        if a.status == StatusCode::NO_CONTENT {
            a.empty();
            return (out, pages);
        }
        let page = a.hal(200);
        pages += 1;
        assert!(page.get("_total_items").is_none());
        out.extend(page["_embedded"]["leads"].as_array().unwrap().clone());
        match page["_links"]["next"]["href"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&sb.url("/api/v4/leads?")), "{next}");
                path = next[next.find("/api/").unwrap()..].to_owned();
            }
            None => return (out, pages),
        }
    }
}

fn ids(leads: &[Value]) -> Vec<u64> {
    leads.iter().map(|l| l["id"].as_u64().unwrap()).collect()
}

/// Two sources of TOKEN ("Partners desk" in the second pipeline, "Site form" in the main one)
/// and one of OTHER; returns the ids of TOKEN's.
async fn sources(sb: &Sandbox) -> (u64, u64) {
    let made = sb
        .create(
            TOKEN,
            json!([
                {"name": "Partners desk", "external_id": "Partner-Desk", "pipeline_id": SECOND_PIPELINE_ID},
                {"name": "Site form", "external_id": "site-form"},
            ]),
        )
        .await;
    sb.create(OTHER, json!([{"name": "Theirs", "external_id": "theirs"}]))
        .await;
    (
        made[0]["id"].as_u64().unwrap(),
        made[1]["id"].as_u64().unwrap(),
    )
}

fn source_ref(external_id: &str) -> Value {
    json!({"source": {"external_id": external_id, "type": "widget"}})
}

#[tokio::test]
async fn a_known_source_decides_the_pipeline_and_the_stage_is_kept_when_it_belongs() {
    let sb = start(leads_config()).await;
    let (desk, _) = sources(&sb).await;
    let made = created(
        &sb,
        json!([
            // Matched case-insensitively; the pipeline_id beside a source is not used.
            {"name": "  From the desk ", "price": 1200, "pipeline_id": MAIN_PIPELINE_ID,
             "_embedded": source_ref("PARTNER-desk"), "request_id": "a"},
            {"_embedded": source_ref("partner-desk"), "status_id": WON, "created_at": 1700000000},
        ]),
    )
    .await;
    let first = lead(&sb, made[0]).await;
    assert_eq!(first["name"], "From the desk");
    assert_eq!(first["price"], 1200);
    assert_eq!(first["pipeline_id"], SECOND_PIPELINE_ID);
    assert_eq!(first["status_id"], SECOND_FIRST);
    assert_eq!(
        first["source"],
        json!({"id": desk, "name": "Partners desk"})
    );
    assert_eq!(first["account_id"], ACCOUNT_ID);
    assert_eq!(
        first["_links"]["self"]["href"],
        sb.url(&format!("/api/v4/leads/{}", made[0]))
    );
    assert_eq!(first["_embedded"], json!({"tags": [], "companies": []}));
    for (k, v) in [
        ("group_id", json!(0)),
        ("loss_reason_id", json!(null)),
        ("created_by", json!(0)),
        ("updated_by", json!(0)),
        ("closed_at", json!(null)),
        ("closest_task_at", json!(null)),
        ("is_deleted", json!(false)),
        ("custom_fields_values", json!(null)),
        ("score", json!(null)),
        ("labor_cost", json!(null)),
        ("responsible_user_id", json!(1)),
    ] {
        assert_eq!(first[k], v, "{k}");
    }
    let created_at = first["created_at"].as_u64().unwrap();
    assert!(created_at.abs_diff(now()) < 60);
    let second = lead(&sb, made[1]).await;
    assert_eq!(second["name"], format!("Lead #{}", made[1]));
    assert_eq!(second["status_id"], WON);
    assert_eq!(second["created_at"], 1700000000);

    // A stage of another pipeline is not the source's: the lead starts at the first stage.
    let answer = complex(
        &sb,
        TOKEN,
        json!([{"_embedded": source_ref("partner-desk"), "status_id": MAIN_FIRST + 1}]),
    )
    .await;
    let third = answer.json()[0]["id"].as_u64().unwrap();
    assert_eq!(answer.json()[0]["request_id"], json!(["0"]));
    assert_eq!(lead(&sb, third).await["status_id"], SECOND_FIRST);

    // request_ids are echoed as Kommo does, in a list; the item's position when it sent none.
    let a = complex(
        &sb,
        TOKEN,
        json!([{"request_id": "x1"}, {"name": "no id"}, {"request_id": "x3"}]),
    )
    .await;
    let rids: Vec<Value> = a
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["request_id"].clone())
        .collect();
    assert_eq!(rids, [json!(["x1"]), json!(["1"]), json!(["x3"])]);
}

#[tokio::test]
async fn an_unknown_external_id_is_refused_by_default() {
    let sb = start(leads_config()).await;
    sources(&sb).await;
    // Another integration's source, or a deleted one, is unknown to this integration.
    for ext in ["theirs", "nowhere"] {
        let a = complex(
            &sb,
            TOKEN,
            json!([{"name": "x", "_embedded": source_ref(ext), "request_id": "r"}]),
        )
        .await;
        assert_eq!(
            a.errors(),
            [(
                "r".to_string(),
                vec!["NotFound@_embedded.source.external_id".to_string()]
            )]
        );
        let detail = a.json()["validation-errors"][0]["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            detail.contains(ext) && detail.contains("no source of this integration"),
            "{detail}"
        );
    }
    sb.get("/api/v4/leads", TOKEN).await.empty();
}

#[tokio::test]
async fn with_unknown_source_main_the_lead_goes_sourceless_to_the_main_pipeline() {
    let sb = start(Config {
        unknown_source: UnknownSource::Main,
        ..leads_config()
    })
    .await;
    sources(&sb).await;
    let made = created(
        &sb,
        json!([{"_embedded": source_ref("nowhere"), "pipeline_id": SECOND_PIPELINE_ID},
               {"_embedded": source_ref("partner-desk")}]),
    )
    .await;
    let unknown = lead(&sb, made[0]).await;
    assert_eq!(unknown["pipeline_id"], MAIN_PIPELINE_ID);
    assert_eq!(unknown["status_id"], MAIN_FIRST);
    assert!(unknown.get("source").is_none());
    // A known source still counts.
    assert_eq!(lead(&sb, made[1]).await["pipeline_id"], SECOND_PIPELINE_ID);
}

#[tokio::test]
async fn without_a_source_the_item_names_the_pipeline_or_gets_the_main_one() {
    let sb = start(leads_config()).await;
    let made = created(
        &sb,
        json!([
            {"name": "main"},
            {"name": "second", "pipeline_id": SECOND_PIPELINE_ID, "status_id": SECOND_FIRST + 1},
            {"name": "wrong stage", "pipeline_id": SECOND_PIPELINE_ID, "status_id": MAIN_FIRST + 2},
            {"name": "tagged", "_embedded": {"tags": [{"name": "x"}], "contacts": [], "companies": [],
                                           "metadata": {"category": "forms"}}},
        ]),
    )
    .await;
    let got: Vec<(Value, Value)> = {
        let mut v = Vec::new();
        for id in &made {
            let l = lead(&sb, *id).await;
            assert!(l.get("source").is_none(), "{l}");
            v.push((l["pipeline_id"].clone(), l["status_id"].clone()));
        }
        v
    };
    assert_eq!(
        got,
        [
            (json!(MAIN_PIPELINE_ID), json!(MAIN_FIRST)),
            (json!(SECOND_PIPELINE_ID), json!(SECOND_FIRST + 1)),
            (json!(SECOND_PIPELINE_ID), json!(SECOND_FIRST)),
            (json!(MAIN_PIPELINE_ID), json!(MAIN_FIRST)),
        ]
    );

    for pipeline in [ARCHIVED_PIPELINE_ID, 42] {
        let a = complex(&sb, TOKEN, json!([{"name": "x", "pipeline_id": pipeline}])).await;
        assert_eq!(
            a.errors(),
            [(
                "0".to_string(),
                vec!["NotSupportedChoice@pipeline_id".to_string()]
            )]
        );
    }
}

#[tokio::test]
async fn bad_bodies_and_items_are_refused_and_nothing_is_created() {
    let sb = start(leads_config()).await;
    sources(&sb).await;
    let many: Vec<Value> = (0..51).map(|i| json!({"name": format!("l{i}")})).collect();
    let a = complex(&sb, TOKEN, Value::Array(many)).await;
    assert!(a.problem(400)["detail"].as_str().unwrap().contains("50"));
    let a = complex(&sb, TOKEN, json!([])).await;
    assert_eq!(a.problem(400)["detail"], "Request data can not be empty");
    let a = complex(&sb, TOKEN, json!({"name": "x"})).await;
    assert!(a.problem(400)["detail"].as_str().unwrap().contains("array"));
    sb.send(Method::POST, "/api/v4/leads/complex", None, Some("[{}]"))
        .await
        .problem(401);

    // One bad item: 400, and the good ones beside it are not created either.
    let long = "x".repeat(256);
    let a = complex(
        &sb,
        TOKEN,
        json!([
            {"name": "fine", "_embedded": source_ref("site-form")},
            {"name": "chat", "_embedded": {"source": {"external_id": "site-form", "type": "chat"}}},
            {"_embedded": {"source": {"external_id": "", "type": "widget"}}},
            {"_embedded": {"source": {"external_id": 7, "type": "widget"}}},
            {"_embedded": {"source": {"external_id": "site-form"}}},
            {"name": long},
            {"price": -5, "created_at": "yesterday", "status_id": 1.5},
            {"colour": "red", "_embedded": {"sources": []}},
            "not an object",
        ]),
    )
    .await;
    let errors = a.errors();
    let expected: Vec<(String, Vec<String>)> = [
        ("1", vec!["NotSupportedChoice@_embedded.source.type"]),
        ("2", vec!["InvalidValue@_embedded.source.external_id"]),
        ("3", vec!["InvalidType@_embedded.source.external_id"]),
        ("4", vec!["FieldMissing@_embedded.source.type"]),
        ("5", vec!["TooLong@name"]),
        (
            "6",
            vec![
                "InvalidValue@price",
                "InvalidType@status_id",
                "InvalidType@created_at",
            ],
        ),
        (
            "7",
            vec![
                "NotSupportedChoice@colour",
                "NotSupportedChoice@_embedded.sources",
            ],
        ),
        ("8", vec!["InvalidType@"]),
    ]
    .into_iter()
    .map(|(r, e)| (r.to_string(), e.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(errors, expected);
    sb.get("/api/v4/leads", TOKEN).await.empty();
    // Exactly 50 is fine, and 255 characters of name too.
    let fifty: Vec<Value> = (0..50).map(|_| json!({"name": "y".repeat(255)})).collect();
    assert_eq!(created(&sb, Value::Array(fifty)).await.len(), 50);
}

#[tokio::test]
async fn the_list_pages_through_600_leads_250_at_a_time() {
    let sb = start(leads_config()).await;
    sb.get("/api/v4/leads", TOKEN).await.empty();
    let made = sb
        .control(
            Method::POST,
            "/__sandbox/leads",
            Some(&json!({"count": 600})),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    let made = made.json();
    assert_eq!(made["created"], 600);
    assert_eq!(
        made["last_id"].as_u64().unwrap() - made["first_id"].as_u64().unwrap(),
        599
    );

    let (leads, pages) = all_leads(&sb, "limit=250").await;
    assert_eq!(pages, 3);
    assert_eq!(leads.len(), 600);
    let distinct: HashSet<u64> = ids(&leads).into_iter().collect();
    assert_eq!(distinct.len(), 600);
    // Default order: id ascending.
    assert!(ids(&leads).windows(2).all(|w| w[0] < w[1]));
    sb.get("/api/v4/leads?limit=250&page=4", TOKEN)
        .await
        .empty();

    let second = sb
        .get("/api/v4/leads?limit=250&page=2", TOKEN)
        .await
        .hal(200);
    assert_eq!(second["_page"], 2);
    assert_eq!(
        second["_links"]["self"]["href"],
        sb.url("/api/v4/leads?limit=250&page=2")
    );
    assert_eq!(
        second["_links"]["prev"]["href"],
        sb.url("/api/v4/leads?page=1&limit=250")
    );
    assert_eq!(
        second["_links"]["first"]["href"],
        sb.url("/api/v4/leads?page=1&limit=250")
    );
    let third = sb
        .get("/api/v4/leads?limit=250&page=3", TOKEN)
        .await
        .hal(200);
    assert!(third["_links"].get("next").is_none());
    assert_eq!(third["_embedded"]["leads"].as_array().unwrap().len(), 100);
    let first = sb.get("/api/v4/leads", TOKEN).await.hal(200);
    assert_eq!(first["_embedded"]["leads"].as_array().unwrap().len(), 50);
    assert!(first["_links"].get("prev").is_none());

    // Leads are the account's: another integration sees the same ones.
    assert_eq!(
        sb.get("/api/v4/leads?limit=5", OTHER).await.hal(200)["_embedded"],
        sb.get("/api/v4/leads?limit=5", TOKEN).await.hal(200)["_embedded"]
    );

    for (bad, name) in [
        ("limit=251", "limit"),
        ("limit=0", "limit"),
        ("page=0", "page"),
        ("filter[created_at][from]=soon", "filter[created_at][from]"),
        ("filter[pipeline_id]=main", "filter[pipeline_id]"),
        ("order[created_at]=newest", "order[created_at]"),
        ("filter[id]=1", "filter[id]"),
    ] {
        let a = sb.get(&format!("/api/v4/leads?{bad}"), TOKEN).await;
        let detail = a.problem(400)["detail"].as_str().unwrap().to_owned();
        assert!(detail.contains(name), "{bad}: {detail}");
    }
    sb.send(Method::GET, "/api/v4/leads", None, None)
        .await
        .problem(401);
}

#[tokio::test]
async fn filters_by_creation_time_and_pipeline_and_orders_by_creation() {
    let sb = start(leads_config()).await;
    let made = created(
        &sb,
        json!([
            {"name": "old", "created_at": 1000},
            {"name": "mid", "created_at": 2000, "pipeline_id": SECOND_PIPELINE_ID},
            {"name": "new", "created_at": 3000},
            {"name": "newer", "created_at": 2500, "pipeline_id": SECOND_PIPELINE_ID},
        ]),
    )
    .await;
    let names = |leads: &[Value]| -> Vec<String> {
        leads
            .iter()
            .map(|l| l["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (l, _) = all_leads(
        &sb,
        "filter%5Bcreated_at%5D%5Bfrom%5D=2000&filter[created_at][to]=3000",
    )
    .await;
    assert_eq!(names(&l), ["mid", "new", "newer"]);
    let (l, _) = all_leads(&sb, "filter[created_at][to]=2000").await;
    assert_eq!(names(&l), ["old", "mid"]);
    let (l, _) = all_leads(&sb, "filter[created_at][from]=3001").await;
    assert!(l.is_empty());
    let (l, _) = all_leads(&sb, &format!("filter[pipeline_id]={SECOND_PIPELINE_ID}")).await;
    assert_eq!(names(&l), ["mid", "newer"]);
    let (l, _) = all_leads(
        &sb,
        &format!(
            "filter[pipeline_id][]={SECOND_PIPELINE_ID}&filter[pipeline_id][]={MAIN_PIPELINE_ID}"
        ),
    )
    .await;
    assert_eq!(l.len(), 4);
    let (l, _) = all_leads(
        &sb,
        &format!("filter[pipeline_id][0]={MAIN_PIPELINE_ID}&filter%5Bpipeline_id%5D%5B1%5D=1"),
    )
    .await;
    assert_eq!(names(&l), ["old", "new"]);
    let (l, _) = all_leads(&sb, "order[created_at]=desc").await;
    assert_eq!(names(&l), ["new", "newer", "mid", "old"]);
    let (l, _) = all_leads(&sb, "order[created_at]=asc").await;
    assert_eq!(names(&l), ["old", "mid", "newer", "new"]);
    let (l, _) = all_leads(&sb, "order[id]=desc").await;
    assert_eq!(ids(&l), made.iter().rev().copied().collect::<Vec<_>>());

    // The filter goes along in the links to the other pages.
    let page = sb
        .get("/api/v4/leads?order[created_at]=desc&limit=1", TOKEN)
        .await
        .hal(200);
    assert_eq!(
        page["_links"]["next"]["href"],
        sb.url("/api/v4/leads?order[created_at]=desc&page=2&limit=1")
    );
    let (l, pages) = all_leads(&sb, "order[created_at]=desc&limit=1").await;
    assert_eq!((names(&l)[0].as_str(), pages), ("new", 4));
}

#[tokio::test]
async fn with_source_shows_the_current_name_then_the_old_one_once_the_source_is_deleted() {
    let sb = start(leads_config()).await;
    let (desk, _) = sources(&sb).await;
    let made = created(
        &sb,
        json!([{"_embedded": source_ref("partner-desk")}, {"name": "no source"}]),
    )
    .await;
    let listed = |with: bool| {
        let sb = &sb;
        async move {
            let q = if with { "with=contacts,source" } else { "" };
            all_leads(sb, q).await.0
        }
    };
    let plain = listed(false).await;
    assert!(plain.iter().all(|l| l.get("source").is_none()));
    let with = listed(true).await;
    assert_eq!(
        with[0]["source"],
        json!({"id": desk, "name": "Partners desk"})
    );
    assert!(with[1].get("source").is_none());

    sb.patch(
        &format!("/api/v4/sources/{desk}"),
        TOKEN,
        &json!({"name": "Partners desk 2"}),
    )
    .await
    .hal(200);
    assert_eq!(listed(true).await[0]["source"]["name"], "Partners desk 2");
    sb.delete(&format!("/api/v4/sources/{desk}"), TOKEN, None)
        .await
        .empty();
    // Deleted, the source is named as it was when the lead was made.
    assert_eq!(
        listed(true).await[0]["source"],
        json!({"id": desk, "name": "Partners desk"})
    );

    // One lead: with honoured, 404 for an unknown id.
    let one = sb
        .get(&format!("/api/v4/leads/{}", made[0]), TOKEN)
        .await
        .hal(200);
    assert!(one.get("source").is_none());
    assert_eq!(lead(&sb, made[0]).await["source"]["id"], desk);
    sb.get("/api/v4/leads/1", TOKEN).await.problem(404);
    sb.get("/api/v4/leads/abc", TOKEN).await.problem(404);
    sb.get(&format!("/api/v4/leads/{}?page=2", made[0]), TOKEN)
        .await
        .problem(400);
    // The pipelines route is still the pipelines route.
    sb.get("/api/v4/leads/pipelines", TOKEN).await.hal(200);
}

#[tokio::test]
async fn demo_data_has_moved_leads_sourceless_ones_and_a_source_with_none() {
    let sb = start(Config {
        empty: false,
        tokens: vec![TOKEN.into()],
        ..leads_config()
    })
    .await;
    let sources = sb.list(TOKEN).await;
    let (leads, _) = all_leads(&sb, "with=source&limit=250").await;
    assert!((60..=150).contains(&leads.len()), "{}", leads.len());
    let pipeline_of = |source_id: &Value| {
        sources
            .iter()
            .find(|s| s["id"] == *source_id)
            .map(|s| s["pipeline_id"].clone())
    };
    let moved: HashSet<String> = leads
        .iter()
        .filter(|l| l.get("source").is_some())
        .filter(|l| pipeline_of(&l["source"]["id"]) != Some(l["pipeline_id"].clone()))
        .map(|l| {
            let s = sources
                .iter()
                .find(|s| s["id"] == l["source"]["id"])
                .unwrap();
            s["external_id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(moved, ["wa-sales", "partner-ref"].map(String::from).into());
    let ig = sources
        .iter()
        .find(|s| s["external_id"] == "ig-direct")
        .unwrap();
    assert!(!leads.iter().any(|l| l["source"]["id"] == ig["id"]));
    assert!(leads.iter().filter(|l| l.get("source").is_none()).count() >= 3);
    let now = now();
    assert!(leads.iter().all(|l| {
        let t = l["created_at"].as_u64().unwrap();
        t < now && t + 21 * 86400 >= now
    }));
    // A reset brings the same demo leads back (ids and times aside) and nothing else.
    sb.control(Method::POST, "/__sandbox/leads", Some(&json!({"count": 5})))
        .await;
    sb.control(Method::POST, "/__sandbox/reset", None).await;
    let (again, _) = all_leads(&sb, "with=source&limit=250").await;
    assert_eq!(again.len(), leads.len());
    assert_eq!(
        again.iter().map(|l| &l["name"]).collect::<Vec<_>>(),
        leads.iter().map(|l| &l["name"]).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn leads_survive_a_restart_with_a_state_file() {
    let dir = std::env::temp_dir().join(format!("sandbox-leads-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let cfg = || Config {
        state_file: Some(state.clone()),
        ..leads_config()
    };
    let strip = |leads: Vec<Value>| -> Vec<Value> {
        leads
            .into_iter()
            .map(|mut l| {
                // Links carry the port, which changes between runs.
                l.as_object_mut().unwrap().remove("_links");
                l
            })
            .collect()
    };
    let sb = start(cfg()).await;
    sources(&sb).await;
    created(
        &sb,
        json!([{"_embedded": source_ref("site-form")}, {"name": "plain", "price": 5}]),
    )
    .await;
    let before = strip(all_leads(&sb, "with=source").await.0);
    assert_eq!(before.len(), 2);
    sb.running.stop().await;

    let sb = start(cfg()).await;
    assert_eq!(strip(all_leads(&sb, "with=source").await.0), before);
    // New ids keep counting after the old ones.
    let next = created(&sb, json!([{"name": "after"}])).await[0];
    assert!(next > before[1]["id"].as_u64().unwrap());
    sb.running.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_leads_controls_make_and_remove_leads() {
    let sb = start(leads_config()).await;
    let (desk, _) = sources(&sb).await;
    let a = sb
        .control(
            Method::POST,
            "/__sandbox/leads",
            Some(&json!({"count": 11, "days": 10, "source_id": desk, "status_id": WON})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.content_type(), "application/json");
    let v = a.json();
    assert_eq!(v["created"], 11);
    let (first, last) = (
        v["first_id"].as_u64().unwrap(),
        v["last_id"].as_u64().unwrap(),
    );
    assert_eq!(last - first, 10);
    let (leads, _) = all_leads(&sb, "with=source").await;
    assert_eq!(ids(&leads), (first..=last).collect::<Vec<_>>());
    let now = now();
    let times: Vec<u64> = leads
        .iter()
        .map(|l| l["created_at"].as_u64().unwrap())
        .collect();
    // Evenly spread from ten days ago to about a minute ago, oldest first.
    assert!(times[0].abs_diff(now - 10 * 86400) < 30, "{times:?}");
    assert!(times[10].abs_diff(now - 60) < 30, "{times:?}");
    assert!(times.windows(2).all(|w| w[1] - w[0] == 86400 - 6));
    for l in &leads {
        assert_eq!(l["pipeline_id"], SECOND_PIPELINE_ID);
        assert_eq!(l["status_id"], WON);
        assert_eq!(l["source"], json!({"id": desk, "name": "Partners desk"}));
        assert_eq!(l["name"], format!("Lead #{}", l["id"]));
    }
    let main = sb
        .control(Method::POST, "/__sandbox/leads", Some(&json!({"count": 1})))
        .await
        .json();
    let one = lead(&sb, main["first_id"].as_u64().unwrap()).await;
    assert_eq!(
        (one["pipeline_id"].clone(), one["status_id"].clone()),
        (json!(MAIN_PIPELINE_ID), json!(MAIN_FIRST))
    );
    assert!(one.get("source").is_none());

    for bad in [
        json!({"count": 0}),
        json!({"count": 5001}),
        json!({"count": 1, "days": 0}),
        json!({"count": 1, "days": 366}),
        json!({"count": 1, "source_id": 1}),
        json!({"count": 1, "pipeline_id": 42}),
        json!({"count": 1, "status_id": MAIN_FIRST + 1, "pipeline_id": SECOND_PIPELINE_ID}),
        json!({"count": 1, "colour": "red"}),
        json!({"days": 3}),
    ] {
        sb.control(Method::POST, "/__sandbox/leads", Some(&bad))
            .await
            .problem(400);
    }
    let gone = sb.control(Method::DELETE, "/__sandbox/leads", None).await;
    assert_eq!(gone.json(), json!({"leads": []}));
    sb.get("/api/v4/leads", TOKEN).await.empty();
}

#[tokio::test]
async fn the_lead_card_page_shows_name_pipeline_stage_and_source_as_text() {
    let sb = start(leads_config()).await;
    let (desk, _) = sources(&sb).await;
    let made = created(
        &sb,
        json!([
            {"name": "<img src=x onerror=alert(1)> & {{title}}", "status_id": WON,
             "_embedded": source_ref("partner-desk")},
            {"name": "plain"},
        ]),
    )
    .await;
    sb.patch(
        &format!("/api/v4/sources/{desk}"),
        TOKEN,
        &json!({"name": "Desk <b>2</b>"}),
    )
    .await
    .hal(200);
    let page = sb
        .send(
            Method::GET,
            &format!("/leads/detail/{}", made[0]),
            None,
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type().starts_with("text/html"));
    let html = &page.text;
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; {{title}}"));
    assert!(!html.contains("<img src=x"));
    assert!(html.contains("<dd data-field=\"pipeline\">Partners</dd>"));
    assert!(html.contains("<dd data-field=\"stage\">Won</dd>"));
    assert!(html.contains("<dd data-field=\"source\">Desk &lt;b&gt;2&lt;/b&gt;</dd>"));
    let plain = sb
        .send(
            Method::GET,
            &format!("/leads/detail/{}", made[1]),
            None,
            None,
        )
        .await;
    assert!(plain
        .text
        .contains("<dd data-field=\"stage\">Incoming leads</dd>"));
    assert!(plain
        .text
        .contains("<dd data-field=\"source\">No source</dd>"));
    for missing in ["/leads/detail/1", "/leads/detail/x"] {
        let a = sb.send(Method::GET, missing, None, None).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND);
        assert!(a.content_type().starts_with("text/html"));
    }
}

#[tokio::test]
async fn documented_lead_fields_the_sandbox_does_not_model_are_taken() {
    let sb = start(leads_config()).await;
    sources(&sb).await;
    let made = created(
        &sb,
        json!([{
            "name": "With everything Kommo documents",
            "custom_fields_values": [{"field_id": 1, "values": [{"value": "x"}]}],
            "tags_to_add": [{"name": "web"}],
            "created_by": 0, "updated_by": 0, "loss_reason_id": null,
            "_embedded": {"source": {"external_id": "partner-desk", "type": "widget"},
                          "contacts": [{"first_name": "Ana"}], "tags": [{"name": "web"}]}
        }]),
    )
    .await;
    assert_eq!(made.len(), 1);
    assert_eq!(lead(&sb, made[0]).await["pipeline_id"], SECOND_PIPELINE_ID);
}

#[tokio::test]
async fn a_fault_can_wait_for_the_second_page_of_the_leads() {
    let sb = start(leads_config()).await;
    created(&sb, json!([{"name": "one"}, {"name": "two"}])).await;
    let rule = json!({"after": 1, "status": 429, "headers": {"Retry-After": "1"},
                      "method": "GET", "path": "/api/v4/leads"});
    let added = sb
        .control(Method::POST, "/__sandbox/faults", Some(&rule))
        .await;
    assert_eq!(added.status, StatusCode::OK);
    let first = sb.get("/api/v4/leads?limit=1", TOKEN).await;
    assert_eq!(
        first.status,
        StatusCode::OK,
        "the first request goes through"
    );
    let second = sb.get("/api/v4/leads?limit=1&page=2", TOKEN).await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS);
    let third = sb.get("/api/v4/leads?limit=1&page=2", TOKEN).await;
    assert_eq!(
        third.status,
        StatusCode::OK,
        "one fault, then the answer again"
    );
    let counted = sb
        .control(Method::GET, "/__sandbox/counters", None)
        .await
        .json();
    assert_eq!(counted["GET /api/v4/leads"], 3);
    sb.get("/api/v4/leads/1", TOKEN).await;
    let counted = sb
        .control(Method::GET, "/__sandbox/counters", None)
        .await
        .json();
    assert_eq!(
        counted["GET /api/v4/leads/{id}"], 1,
        "lead ids count as one route"
    );
}

#[tokio::test]
async fn each_shape_honours_its_documented_with_and_ignores_the_rest() {
    for shape in [
        LeadSource::Reference,
        LeadSource::Changelog,
        LeadSource::Both,
    ] {
        let sb = start(Config {
            lead_source: shape,
            ..config()
        })
        .await;
        let (desk, _) = sources(&sb).await;
        let made = created(
            &sb,
            json!([{"name": "With a source", "_embedded": source_ref("partner-desk")},
                   {"name": "Without one"}]),
        )
        .await;
        let asked = "with=contacts,source_id,source&limit=250&order[id]=desc";
        let (leads, _) = all_leads(&sb, asked).await;
        let by_id = |id: u64| leads.iter().find(|l| l["id"] == id).unwrap().clone();
        let (sourced, plain) = (by_id(made[0]), by_id(made[1]));
        let id_shown = shape != LeadSource::Changelog;
        let object_shown = shape != LeadSource::Reference;
        assert_eq!(sourced.get("source_id").is_some(), id_shown, "{shape:?}");
        assert_eq!(sourced.get("source").is_some(), object_shown, "{shape:?}");
        if id_shown {
            assert_eq!(sourced["source_id"], desk, "{shape:?}");
            assert_eq!(plain["source_id"], Value::Null, "{shape:?}");
        }
        if object_shown {
            assert_eq!(sourced["source"]["id"], desk, "{shape:?}");
            assert!(plain.get("source").is_none(), "{shape:?}");
        }
        // One lead answers the same way; asking for neither shows neither.
        let one = sb
            .get(
                &format!("/api/v4/leads/{}?with=source_id,source", made[0]),
                TOKEN,
            )
            .await
            .json();
        assert_eq!(one.get("source_id").is_some(), id_shown, "{shape:?}");
        assert_eq!(one.get("source").is_some(), object_shown, "{shape:?}");
        let bare = sb
            .get(&format!("/api/v4/leads/{}", made[0]), TOKEN)
            .await
            .json();
        assert!(bare.get("source_id").is_none() && bare.get("source").is_none());
    }
}
