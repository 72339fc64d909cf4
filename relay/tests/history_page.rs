//! `GET /relay/history` over real HTTP, on SQLite and PostgreSQL: its filters, its pages and
//! their cursor, its refusals of bad parameters, and the pruning past `--history-days`.

mod common;

use common::history::SECOND_ADMIN;
use common::{db, now, Env, Setup, ADMIN};
use relay_contract::{Change, HISTORY_PATH, MAX_LIMIT};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

fn ids(changes: &[Change]) -> Vec<(Option<i64>, i64)> {
    changes.iter().map(|c| (c.source_id, c.user_id)).collect()
}

#[tokio::test]
async fn filters_pick_a_source_an_external_id_or_a_user_and_pages_follow_the_cursor() {
    for db in db::all().await {
        let kind = db.kind;
        let env = Env::installed_on(db).await;
        env.second_admin().await;
        let items: Vec<_> = (1..=5)
            .map(|i| json!({"name": format!("Source {i}"), "external_id": format!("ext-{i}")}))
            .collect();
        let made = env.create_sources(json!(items)).await;
        for (n, id) in made.iter().enumerate().take(3) {
            let path = format!("/api/v4/sources/{id}");
            let body = json!({"name": format!("Renamed {n}")});
            let a = env
                .call_as(SECOND_ADMIN, Method::PATCH, &path, Some(body))
                .await;
            assert_eq!(a.status, 200, "{kind}: {}", a.text);
        }
        let all = env.history("").await.changes;
        assert_eq!(all.len(), 8, "{kind}: {all:#?}");

        let one = env.history(&format!("source_id={}", made[1])).await.changes;
        assert_eq!(
            ids(&one),
            [(Some(made[1]), SECOND_ADMIN), (Some(made[1]), ADMIN)]
        );
        let by_ext = env.history("external_id=ext-4").await.changes;
        assert_eq!(ids(&by_ext), [(Some(made[3]), ADMIN)], "{kind}");
        let hers = env
            .history(&format!("user_id={SECOND_ADMIN}"))
            .await
            .changes;
        assert_eq!(hers.len(), 3, "{kind}");
        assert!(hers.iter().all(|c| c.user_id == SECOND_ADMIN));
        let both = env
            .history(&format!("user_id={ADMIN}&external_id=ext-1"))
            .await
            .changes;
        assert_eq!(ids(&both), [(Some(made[0]), ADMIN)], "{kind}");
        assert!(env.history("source_id=999999").await.changes.is_empty());

        for limit in [1, 3, 8] {
            let paged = env.whole_history("", limit).await;
            assert_eq!(paged, all, "{kind}: pages of {limit}");
        }
        let paged = env
            .whole_history(&format!("user_id={SECOND_ADMIN}"), 2)
            .await;
        assert_eq!(paged, hers, "{kind}");
        let first = env.history("limit=5").await;
        assert_eq!(first.changes[..], all[..5]);
        let rest = env
            .history(&format!("limit=5&cursor={}", first.next.unwrap()))
            .await;
        assert_eq!((rest.changes.len(), rest.next), (3, None), "{kind}");
        env.stop().await;
    }
}

#[tokio::test]
async fn bad_parameters_are_refused_naming_them() {
    let env = Env::start(Setup::default()).await;
    env.installed().await;
    let over = MAX_LIMIT + 1;
    for (query, named) in [
        (format!("limit={over}"), "limit"),
        ("limit=0".into(), "limit"),
        ("limit=ten".into(), "limit"),
        ("source_id=abc".into(), "source_id"),
        ("user_id=-3".into(), "user_id"),
        ("external_id=".into(), "external_id"),
        ("cursor=not-a-cursor".into(), "cursor"),
        ("source_id=1&source_id=2".into(), "source_id"),
        ("page=2".into(), "page"),
    ] {
        let a = env
            .call(Method::GET, &format!("{HISTORY_PATH}?{query}"), None)
            .await;
        let v = a.refused(400, "bad_query");
        let detail = v["detail"].as_str().unwrap();
        assert!(
            detail.starts_with(&format!("{named}:")),
            "{query}: {detail}"
        );
    }
    assert_eq!(
        env.counter("GET /api/v4/users/{id}").await,
        0,
        "a bad query is refused before the caller is checked"
    );
    let ok = env
        .call(
            Method::GET,
            &format!("{HISTORY_PATH}?limit={MAX_LIMIT}"),
            None,
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.header("cache-control"), "no-store");
}

#[tokio::test]
async fn pruning_forgets_changes_past_the_history_days_and_keeps_the_rest() {
    for db in db::all().await {
        let kind = db.kind;
        let env = Env::installed_on(db).await;
        let made = env
            .create_sources(json!([
                {"name": "Old", "external_id": "old-1"},
                {"name": "Recent", "external_id": "recent-1"},
                {"name": "New", "external_id": "new-1"},
            ]))
            .await;
        let day = 86_400;
        let url = env.db.url.clone();
        for (id, age) in [(made[0], 31 * day), (made[1], 29 * day)] {
            db::execute(
                &url,
                &format!(
                    "UPDATE history SET at = {} WHERE source_id = {id}",
                    now() - age
                ),
            )
            .await;
        }
        assert_eq!(env.history("").await.changes.len(), 3, "{kind}");
        let db = env.stop().await;
        // The relay prunes at start, and hourly after.
        let env = Env::start(Setup {
            db: Some(db),
            history_days: 30,
            ..Setup::default()
        })
        .await;
        env.installed().await;
        let mut left = Vec::new();
        for _ in 0..100 {
            left = env.history("").await.changes;
            if left.len() < 3 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let kept: Vec<_> = left
            .iter()
            .filter_map(|c| c.external_id.as_deref())
            .collect();
        assert_eq!(kept, ["new-1", "recent-1"], "{kind}");
        env.stop().await;
    }
}
