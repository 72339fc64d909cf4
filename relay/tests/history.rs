//! The history of source changes over real HTTP, on SQLite and PostgreSQL: who changed which
//! source, how (before and after), and what Kommo answered; each account sees its own.

mod common;

use common::history::{Other, ADMIN_NAME, SECOND_ADMIN, SECOND_ADMIN_NAME};
use common::{db, sign, sign_with, Env, ADMIN, NOT_ADMIN};
use relay_contract::{Action, Change, HISTORY_PATH};
use reqwest::Method;
use sandbox::model::{MAIN_PIPELINE_ID, SECOND_PIPELINE_ID};
use serde_json::json;

/// The one change to `id` with this action.
fn find(changes: &[Change], id: i64, action: Action) -> &Change {
    let found: Vec<_> = changes
        .iter()
        .filter(|c| c.source_id == Some(id) && c.action == action)
        .collect();
    assert_eq!(found.len(), 1, "{id} {action:?}: {changes:#?}");
    found[0]
}

#[tokio::test]
async fn two_administrators_renames_moves_and_deletes_are_recorded_with_their_fields() {
    for db in db::all().await {
        let kind = db.kind;
        let env = Env::installed_on(db).await;
        env.second_admin().await;
        let ids = env
            .create_sources(json!([
                {"name": "Web form", "external_id": "web-1"},
                {"name": "Chat", "external_id": "chat-1", "pipeline_id": MAIN_PIPELINE_ID},
            ]))
            .await;
        let (web, chat) = (ids[0], ids[1]);
        let one = |id: i64| format!("/api/v4/sources/{id}");

        let renamed = env
            .call_as(
                SECOND_ADMIN,
                Method::PATCH,
                &one(web),
                Some(json!({"name": "Web form 2"})),
            )
            .await;
        assert_eq!(renamed.status, 200, "{kind}: {}", renamed.text);
        let batch = json!([
            {"id": web, "pipeline_id": SECOND_PIPELINE_ID},
            {"id": chat, "name": "Chat 2"},
        ]);
        let moved = env
            .call_as(ADMIN, Method::PATCH, "/api/v4/sources", Some(batch))
            .await;
        assert_eq!(moved.status, 200, "{kind}: {}", moved.text);
        let gone = env
            .call_as(SECOND_ADMIN, Method::DELETE, &one(chat), None)
            .await;
        assert_eq!(gone.status, 204, "{kind}: {}", gone.text);
        let gone = env
            .call_as(
                ADMIN,
                Method::DELETE,
                "/api/v4/sources",
                Some(json!([{"id": web}])),
            )
            .await;
        assert_eq!(gone.status, 204, "{kind}: {}", gone.text);
        assert_eq!(
            env.counter("GET /api/v4/sources/{id}").await,
            0,
            "{kind}: every source was seen in an answer before it changed"
        );

        let all = env.history("").await;
        assert_eq!(all.next, None);
        let c = &all.changes;
        assert_eq!(c.len(), 7, "{kind}: {c:#?}");
        assert!(c.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
        let actions: Vec<Action> = c.iter().map(|c| c.action).collect();
        assert_eq!(
            actions[..5],
            [
                Action::Delete,
                Action::Delete,
                Action::Update,
                Action::Update,
                Action::Update
            ]
        );

        let made = find(c, chat, Action::Create);
        assert_eq!((made.user_id, made.user_name.as_str()), (ADMIN, ADMIN_NAME));
        assert_eq!(made.external_id.as_deref(), Some("chat-1"));
        assert_eq!((made.before.as_ref(), made.status), (None, 200));
        assert_eq!(made.after.as_ref().unwrap().name, "Chat");
        assert_eq!(
            made.after.as_ref().unwrap().pipeline_id,
            Some(MAIN_PIPELINE_ID as i64)
        );

        let updates: Vec<&Change> = c
            .iter()
            .filter(|c| c.source_id == Some(web) && c.action == Action::Update)
            .collect();
        let (moved, renamed) = (updates[0], updates[1]);
        assert_eq!(renamed.user_id, SECOND_ADMIN);
        assert_eq!(renamed.user_name, SECOND_ADMIN_NAME);
        assert_eq!(renamed.external_id.as_deref(), Some("web-1"));
        assert_eq!(renamed.before.as_ref().unwrap().name, "Web form");
        assert_eq!(renamed.after.as_ref().unwrap().name, "Web form 2");
        assert_eq!(
            (moved.user_id, moved.user_name.as_str()),
            (ADMIN, ADMIN_NAME)
        );
        let (before, after) = (
            moved.before.as_ref().unwrap(),
            moved.after.as_ref().unwrap(),
        );
        assert_eq!(before.name, "Web form 2");
        assert_eq!(after.name, "Web form 2");
        assert_eq!(before.pipeline_id, Some(MAIN_PIPELINE_ID as i64));
        assert_eq!(after.pipeline_id, Some(SECOND_PIPELINE_ID as i64));

        let chat_renamed = find(c, chat, Action::Update);
        assert_eq!(chat_renamed.before.as_ref().unwrap().name, "Chat");
        assert_eq!(chat_renamed.after.as_ref().unwrap().name, "Chat 2");
        let chat_gone = find(c, chat, Action::Delete);
        assert_eq!((chat_gone.user_id, chat_gone.status), (SECOND_ADMIN, 204));
        assert_eq!(chat_gone.before.as_ref().unwrap().name, "Chat 2");
        assert_eq!(chat_gone.external_id.as_deref(), Some("chat-1"));
        assert_eq!(chat_gone.after, None);
        let web_gone = find(c, web, Action::Delete);
        assert_eq!(web_gone.user_id, ADMIN);
        assert_eq!(
            web_gone.before.as_ref().unwrap().pipeline_id,
            Some(SECOND_PIPELINE_ID as i64)
        );
        assert!(!c.iter().any(|c| c.refused()), "{kind}");
        env.stop().await;
    }
}

#[tokio::test]
async fn a_source_never_seen_is_read_once_before_it_changes() {
    for db in db::all().await {
        let kind = db.kind;
        let env = Env::installed_on(db).await;
        let id = env
            .create_sources(json!([{"name": "Landing", "external_id": "land-1"}]))
            .await[0];
        // As if it had been made before the relay kept copies.
        db::execute(&env.db.url, "DELETE FROM seen_sources").await;
        let path = format!("/api/v4/sources/{id}");
        for name in ["Landing 2", "Landing 3"] {
            let a = env
                .call(
                    Method::PATCH,
                    &path,
                    Some(&json!({"name": name}).to_string()),
                )
                .await;
            assert_eq!(a.status, 200, "{kind}: {}", a.text);
        }
        assert_eq!(env.counter("GET /api/v4/sources/{id}").await, 1, "{kind}");
        let c = env.history(&format!("source_id={id}")).await.changes;
        assert_eq!(c.len(), 3, "{kind}: {c:#?}");
        assert_eq!(c[1].before.as_ref().unwrap().name, "Landing");
        assert_eq!(c[1].external_id.as_deref(), Some("land-1"));
        assert_eq!(c[0].before.as_ref().unwrap().name, "Landing 2");
        env.stop().await;
    }
}

#[tokio::test]
async fn a_refused_change_is_recorded_as_refused_with_no_after() {
    for db in db::all().await {
        let kind = db.kind;
        let env = Env::installed_on(db).await;
        let id = env
            .create_sources(json!([{"name": "Kept", "external_id": "kept-1"}]))
            .await[0];
        let path = format!("/api/v4/sources/{id}");
        let invalid = env
            .call(Method::PATCH, &path, Some(&json!({"name": ""}).to_string()))
            .await;
        assert_eq!(invalid.status, 400, "{kind}: {}", invalid.text);
        let bad_create = json!([{"name": "", "external_id": "bad-1"}]).to_string();
        let refused = env
            .call(Method::POST, "/api/v4/sources", Some(&bad_create))
            .await;
        assert_eq!(refused.status, 400, "{kind}: {}", refused.text);
        env.fault(json!({"method": "DELETE", "path": path, "status": 500, "body": "broke"}))
            .await;
        let broken = env.call(Method::DELETE, &path, None).await;
        assert_eq!(broken.status, 500, "{kind}: {}", broken.text);

        let c = env.history("").await.changes;
        assert_eq!(c.len(), 4, "{kind}: {c:#?}");
        let (delete, create, update) = (&c[0], &c[1], &c[2]);
        assert_eq!((delete.action, delete.status), (Action::Delete, 500));
        assert_eq!((delete.source_id, delete.after.as_ref()), (Some(id), None));
        assert_eq!(delete.before.as_ref().unwrap().name, "Kept");
        assert_eq!((create.action, create.status), (Action::Create, 400));
        assert_eq!(
            (create.source_id, create.external_id.as_deref()),
            (None, Some("bad-1"))
        );
        assert_eq!(
            (create.before.as_ref(), create.after.as_ref()),
            (None, None)
        );
        assert_eq!((update.action, update.status), (Action::Update, 400));
        assert_eq!(update.after, None);
        assert_eq!(update.before.as_ref().unwrap().name, "Kept");
        assert!(c[..3].iter().all(Change::refused) && !c[3].refused());
        // Nothing changed: the source is still there, and still the copy a change starts from.
        let renamed = env
            .call(
                Method::PATCH,
                &path,
                Some(&json!({"name": "K2"}).to_string()),
            )
            .await;
        assert_eq!(renamed.status, 200, "{kind}: {}", renamed.text);
        let last = &env.history("limit=1").await.changes[0];
        assert_eq!(last.before.as_ref().unwrap().name, "Kept");
        env.stop().await;
    }
}

#[tokio::test]
async fn another_account_sees_none_of_them_and_strangers_are_refused() {
    for db in db::all().await {
        let kind = db.kind;
        let env = Env::installed_on(db).await;
        env.create_sources(json!([{"name": "Ours", "external_id": "ours-1"}]))
            .await;
        let other = Other::installed(&env, 424_242).await;
        let theirs = other
            .call(&env, ADMIN, Method::GET, HISTORY_PATH, None)
            .await;
        assert_eq!(theirs.status, 200, "{kind}: {}", theirs.text);
        assert_eq!(
            theirs.json(),
            json!({"changes": [], "next": null}),
            "{kind}"
        );
        let made = other
            .call(
                &env,
                ADMIN,
                Method::POST,
                "/api/v4/sources",
                Some(json!([{"name": "Theirs", "external_id": "theirs-1"}])),
            )
            .await;
        assert_eq!(made.status, 200, "{kind}: {}", made.text);
        let ours = env.history("").await.changes;
        assert_eq!(ours.len(), 1, "{kind}: {ours:#?}");
        assert_eq!(ours[0].external_id.as_deref(), Some("ours-1"));
        let theirs = other
            .call(&env, ADMIN, Method::GET, HISTORY_PATH, None)
            .await
            .json();
        assert_eq!(theirs["changes"][0]["external_id"], "theirs-1", "{kind}");
        assert_eq!(theirs["changes"].as_array().unwrap().len(), 1, "{kind}");

        env.call_as(NOT_ADMIN, Method::GET, HISTORY_PATH, None)
            .await
            .refused(403, "not_admin");
        let forged = sign_with(
            &env.claims(ADMIN),
            b"not-the-secret",
            jsonwebtoken::Algorithm::HS256,
        );
        env.send(
            Method::GET,
            HISTORY_PATH,
            &[("x-auth-token", &forged)],
            None,
        )
        .await
        .refused(401, "signature");
        env.send(Method::GET, HISTORY_PATH, &[], None)
            .await
            .refused(401, "token_missing");
        // Our account's token naming the other account's id.
        let mut crossed = env.claims(ADMIN);
        crossed["account_id"] = json!(other.account_id);
        env.send(
            Method::GET,
            HISTORY_PATH,
            &[("x-auth-token", &sign(&crossed))],
            None,
        )
        .await
        .refused(401, "account_mismatch");
        other.sandbox.stop().await;
        env.stop().await;
    }
}
