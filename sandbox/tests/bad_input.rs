//! A corpus of bad requests: each gets a problem+json answer and the store stays byte-for-byte the same.

mod common;

use common::{config, start, Sandbox, OTHER, TOKEN};
use reqwest::Method;
use sandbox::Config;
use serde_json::json;

/// One bad request: method, path, token, raw body.
struct Case {
    method: Method,
    path: String,
    token: Option<&'static str>,
    body: Option<Vec<u8>>,
    content_type: &'static str,
}

fn case(method: Method, path: &str, body: impl Into<Option<&'static str>>) -> Case {
    Case {
        method,
        path: path.to_string(),
        token: Some(TOKEN),
        body: body.into().map(|b| b.as_bytes().to_vec()),
        content_type: "application/json",
    }
}

fn raw(method: Method, path: &str, body: Vec<u8>) -> Case {
    Case {
        method,
        path: path.to_string(),
        token: Some(TOKEN),
        body: Some(body),
        content_type: "application/json",
    }
}

async fn snapshot(sb: &Sandbox) -> (String, String) {
    (
        sb.get("/api/v4/sources", TOKEN).await.text,
        sb.get("/api/v4/sources", OTHER).await.text,
    )
}

#[tokio::test]
async fn bad_input_never_changes_the_store() {
    let sb = start(Config {
        empty: false,
        max_sources: 8,
        ..config()
    })
    .await;
    let list = sb.list(TOKEN).await;
    let id = list[0]["id"].as_u64().unwrap();
    let id2 = list[1]["id"].as_u64().unwrap();
    let one = format!("/api/v4/sources/{id}");
    let src = "/api/v4/sources";
    let before = snapshot(&sb).await;
    assert!(before.0.len() > 100);

    let deep_arrays = "[".repeat(100_000) + &"]".repeat(100_000);
    let deep_objects = "{\"a\":".repeat(5_000) + "1" + &"}".repeat(5_000);
    let huge = format!(
        "[{{\"name\":\"{}\",\"external_id\":\"huge\"}}]",
        "x".repeat(1_100_000)
    );
    let many: Vec<_> = (0..51)
        .map(|i| json!({"name": "n", "external_id": format!("many{i}")}))
        .collect();
    let over_limit: Vec<_> = (0..3)
        .map(|i| json!({"name": "n", "external_id": format!("lim{i}")}))
        .collect();
    let long_name = json!([{"name": "n".repeat(256), "external_id": "long"}]).to_string();

    let mut cases = vec![
        case(Method::POST, src, "{"),
        case(Method::POST, src, r#"[{"name":"x","external_id":"#),
        case(Method::POST, src, ""),
        case(Method::POST, src, "  \n\t "),
        case(Method::POST, src, r#"{"name":"x","external_id":"obj"}"#),
        case(Method::POST, src, "[]"),
        case(Method::POST, src, "null"),
        case(Method::POST, src, r#""text""#),
        case(Method::POST, src, "[1,2,3]"),
        case(Method::POST, src, "[null]"),
        case(
            Method::POST,
            src,
            r#"[{"name":{"a":1},"external_id":"t1"}]"#,
        ),
        case(
            Method::POST,
            src,
            r#"[{"name":"dup","external_id":"SITE-CHAT"}]"#,
        ),
        case(
            Method::POST,
            src,
            r#"[{"name":"ok","external_id":"fine"},{"name":"","external_id":"bad"}]"#,
        ),
        case(
            Method::POST,
            src,
            r#"[{"name":"p","external_id":"p1","pipeline_id":-1}]"#,
        ),
        case(
            Method::POST,
            src,
            r#"[{"name":"p","external_id":"p2","pipeline_id":1.5}]"#,
        ),
        case(
            Method::POST,
            src,
            r#"[{"name":"p","external_id":"p3","pipeline_id":1e30}]"#,
        ),
        case(
            Method::POST,
            src,
            r#"[{"name":"s","external_id":"s1","services":{}}]"#,
        ),
        case(
            Method::POST,
            src,
            r#"[{"name":"s","external_id":"s2","services":[{"type":"whatsapp","pages":[{"name":"a","id":"b","link":5}]}]}]"#,
        ),
        case(
            Method::POST,
            src,
            r#"[{"name":"\ud800","external_id":"sur"}]"#,
        ),
        case(Method::POST, src, r#"[{"name":NaN,"external_id":"nan"}]"#),
        case(
            Method::POST,
            src,
            r#"[{"name":"   ","external_id":"blank"}]"#,
        ),
        case(Method::POST, src, r#"[{"name":"w","external_id":"   "}]"#),
        case(
            Method::POST,
            src,
            r#"[{"name":"two","external_id":"d1","default":true},{"name":"two","external_id":"d2","default":true}]"#,
        ),
        case(
            Method::POST,
            src,
            r#"[{"name":"o","external_id":"o1","origin_code":12345}]"#,
        ),
        case(
            Method::POST,
            src,
            r#"[{"name":"r","external_id":"r1","request_id":7}]"#,
        ),
        raw(Method::POST, src, long_name.into_bytes()),
        raw(
            Method::POST,
            src,
            b"[{\"name\":\"\xff\xfe\",\"external_id\":\"bin\"}]".to_vec(),
        ),
        raw(Method::POST, src, deep_arrays.into_bytes()),
        raw(Method::POST, src, deep_objects.into_bytes()),
        raw(Method::POST, src, huge.into_bytes()),
        raw(Method::POST, src, json!(many).to_string().into_bytes()),
        raw(
            Method::POST,
            src,
            json!(over_limit).to_string().into_bytes(),
        ),
        case(Method::PATCH, src, r#"[{"id":"abc","name":"x"}]"#),
        case(Method::PATCH, src, r#"[{"id":424242,"name":"x"}]"#),
        case(Method::PATCH, src, "{}"),
        raw(
            Method::PATCH,
            src,
            format!(r#"[{{"id":{id},"name":"x"}},{{"id":{id},"name":"y"}}]"#).into_bytes(),
        ),
        raw(
            Method::PATCH,
            src,
            format!(r#"[{{"id":{id},"name":"x"}},{{"id":{id2},"pipeline_id":3}}]"#).into_bytes(),
        ),
        case(Method::PATCH, &one, "[]"),
        case(Method::PATCH, &one, "{}"),
        case(Method::PATCH, &one, r#"{"origin_code":null}"#),
        case(Method::PATCH, &one, r#"{"default":"true"}"#),
        case(Method::PATCH, &one, r#"{"name":"x""#),
        case(Method::PATCH, &one, r#"{"external_id":"renamed"}"#),
        case(Method::PATCH, &one, r#"{"id":1,"name":"x"}"#),
        case(Method::PATCH, &one, ""),
        case(Method::DELETE, src, r#"[{"id":"1"}]"#),
        raw(
            Method::DELETE,
            src,
            format!(r#"[{{"id":{id},"extra":1}}]"#).into_bytes(),
        ),
        raw(
            Method::DELETE,
            src,
            format!(r#"{{"id":{id}}}"#).into_bytes(),
        ),
        raw(
            Method::DELETE,
            src,
            format!(r#"[{{"id":{id}}},{{"id":31337}}]"#).into_bytes(),
        ),
        raw(Method::DELETE, src, format!("[{id}]").into_bytes()),
        case(Method::DELETE, src, ""),
        case(Method::DELETE, "/api/v4/sources/abc", None),
        case(
            Method::DELETE,
            "/api/v4/sources/99999999999999999999999",
            None,
        ),
        case(
            Method::GET,
            "/api/v4/sources?filter[external_id]=%E0%A4",
            None,
        ),
        case(Method::PUT, src, "[]"),
        case(Method::POST, "/api/v4/sources/1/2", "[]"),
        case(Method::POST, "/api/v4/leads/pipelines", "[]"),
        Case {
            token: None,
            ..case(
                Method::POST,
                src,
                r#"[{"name":"n","external_id":"noauth"}]"#,
            )
        },
        Case {
            token: Some("not-a-token"),
            ..raw(Method::DELETE, &one, Vec::new())
        },
        Case {
            content_type: "text/plain",
            ..case(Method::POST, src, "name=x&external_id=y")
        },
    ];
    // Another integration cannot touch these sources.
    for path in [&one, &format!("/api/v4/sources/{id2}")] {
        cases.push(Case {
            token: Some(OTHER),
            ..case(Method::DELETE, path, None)
        });
        cases.push(Case {
            token: Some(OTHER),
            ..case(Method::PATCH, path, r#"{"name":"stolen"}"#)
        });
    }
    assert!(cases.len() >= 30);

    for (i, c) in cases.into_iter().enumerate() {
        let mut req = sb
            .client
            .request(c.method.clone(), sb.url(&c.path))
            .header("content-type", c.content_type);
        if let Some(t) = c.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = c.body {
            req = req.body(b);
        }
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("case {i} {} {}: {e}", c.method, c.path));
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let text = resp.text().await.unwrap();
        assert!(
            (400..500).contains(&status),
            "case {i} {} {}: status {status}: {text}",
            c.method,
            c.path
        );
        assert_eq!(ct, "application/problem+json", "case {i}: {text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["status"], status, "case {i}");
        assert_eq!(snapshot(&sb).await, before, "case {i} changed the store");
    }
    let health = sb.send(Method::GET, "/healthz", None, None).await;
    assert_eq!(health.status, 200);
}

/// Values the widget refuses on their field, sent straight to the API: each is refused with
/// a 400 whose single item error names the field (`code`, `path`) and says why (`detail`),
/// for a create and for a PATCH of a saved source, and nothing changes.
#[tokio::test]
async fn names_origin_codes_and_whatsapp_pages_the_widget_refuses_are_refused_here_too() {
    let sb = start(Config {
        empty: false,
        ..config()
    })
    .await;
    let id = sb.list(TOKEN).await[0]["id"].as_u64().unwrap();
    let one = format!("/api/v4/sources/{id}");
    let before = snapshot(&sb).await;
    let page = |name: &str, pid: &str, link: &str| json!([{"type": "whatsapp", "pages": [{"name": name, "id": pid, "link": link}]}]);
    let ok = "+5511999998888";
    let pages = "services.0.pages.0";
    // (fields, path, words the detail must hold)
    let cases: Vec<(serde_json::Value, String, &str)> = vec![
        (
            json!({"name": "a\u{7}b"}),
            "name".into(),
            "control characters",
        ),
        (
            json!({"name": "\u{1b}[31mred"}),
            "name".into(),
            "control characters",
        ),
        (
            json!({"name": "nul\u{0}here"}),
            "name".into(),
            "control characters",
        ),
        (
            json!({"name": "del\u{7f}"}),
            "name".into(),
            "control characters",
        ),
        (
            json!({"name": "line\nbreak"}),
            "name".into(),
            "control characters",
        ),
        (
            json!({"name": "c1\u{9b}31m"}),
            "name".into(),
            "control characters",
        ),
        (
            json!({"origin_code": "kommo\u{0}x"}),
            "origin_code".into(),
            "control characters",
        ),
        (
            json!({"services": page("Main", "p1", "call me")}),
            format!("{pages}.link"),
            "international phone number",
        ),
        (
            json!({"services": page("Main", "p1", "12ab")}),
            format!("{pages}.link"),
            "international phone number",
        ),
        (
            json!({"services": page("Main", "p1", "+1234")}),
            format!("{pages}.link"),
            "international phone number",
        ),
        (
            json!({"services": page("Main", "p1", "0123456789")}),
            format!("{pages}.link"),
            "international phone number",
        ),
        (
            json!({"services": page("Main", "p1", "++5511999998888")}),
            format!("{pages}.link"),
            "international phone number",
        ),
        (
            json!({"services": page("Main", "p1", "1234567890123456")}),
            format!("{pages}.link"),
            "international phone number",
        ),
        (
            json!({"services": page("Main", "p1", "https://evil.example/5511999998888")}),
            format!("{pages}.link"),
            "international phone number",
        ),
        (
            json!({"services": page("Main", "p1", "")}),
            format!("{pages}.link"),
            "must not be empty",
        ),
        (
            json!({"services": page("", "p1", ok)}),
            format!("{pages}.name"),
            "must not be empty",
        ),
        (
            json!({"services": page("   ", "p1", ok)}),
            format!("{pages}.name"),
            "must not be empty",
        ),
        (
            json!({"services": page("bell\u{7}", "p1", ok)}),
            format!("{pages}.name"),
            "control characters",
        ),
        (
            json!({"services": page("Main", "  ", ok)}),
            format!("{pages}.id"),
            "must not be empty",
        ),
    ];
    for (i, (fields, path, words)) in cases.into_iter().enumerate() {
        let mut item = json!({"name": "Valid", "external_id": format!("fid-{i}")});
        for (k, v) in fields.as_object().unwrap() {
            item[k] = v.clone();
        }
        let created = sb.post("/api/v4/sources", TOKEN, &json!([item])).await;
        let patched = sb.patch(&one, TOKEN, &fields).await;
        for (what, answer) in [("POST", created), ("PATCH", patched)] {
            let p = answer.problem(400);
            let groups = p["validation-errors"]
                .as_array()
                .unwrap_or_else(|| panic!("case {i} {what}: no validation-errors in {p}"));
            let errors = groups[0]["errors"].as_array().unwrap();
            assert_eq!(errors.len(), 1, "case {i} {what}: {p}");
            assert_eq!(errors[0]["code"], "InvalidValue", "case {i} {what}");
            assert_eq!(errors[0]["path"], path.as_str(), "case {i} {what}");
            let detail = errors[0]["detail"].as_str().unwrap();
            assert!(detail.contains(words), "case {i} {what}: {detail}");
        }
        assert_eq!(snapshot(&sb).await, before, "case {i} changed the store");
    }

    // The forms the widget accepts are accepted here too.
    for (i, link) in [
        "+5511999998888",
        "5511999998888",
        "wa.me/5511999998888",
        "https://wa.me/+5511999998888",
    ]
    .into_iter()
    .enumerate()
    {
        let made = sb
            .post(
                "/api/v4/sources",
                TOKEN,
                &json!([{"name": "Fine", "external_id": format!("ok-{i}"), "services": page("Main", "p1", link)}]),
            )
            .await;
        assert_eq!(made.status.as_u16(), 200, "{link}: {}", made.text);
    }
}
