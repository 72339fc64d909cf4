//! Calls as one user or another, a second administrator and a second account, and the
//! history as the relay answers it.

use super::{binary, claims, sign, Answer, Env, ADMIN};
use relay_contract::{Change, HistoryPage, HISTORY_PATH};
use reqwest::Method;
use serde_json::{json, Value};

/// A second administrator of the sandbox's account, as Kommo describes her.
pub const SECOND_ADMIN: i64 = 3;
/// Her name.
pub const SECOND_ADMIN_NAME: &str = "Bea Boss";
/// The sandbox's administrator's name.
pub const ADMIN_NAME: &str = "Ana Admin";

impl Env {
    /// Has Kommo answer that [`SECOND_ADMIN`] is an administrator of the account.
    pub async fn second_admin(&self) {
        self.fault(json!({
            "method": "GET", "path": format!("/api/v4/users/{SECOND_ADMIN}"),
            "status": 200, "count": 1000,
            "json": {"id": SECOND_ADMIN, "name": SECOND_ADMIN_NAME,
                     "rights": {"is_admin": true, "is_active": true}},
        }))
        .await;
    }

    /// A request to the relay with a fresh token of `user`.
    pub async fn call_as(
        &self,
        user: i64,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let token = sign(&self.claims(user));
        let body = body.map(|b| b.to_string());
        self.send(method, path, &[("x-auth-token", &token)], body.as_deref())
            .await
    }

    /// The history page `query` asks for, as the administrator reads it.
    pub async fn history(&self, query: &str) -> HistoryPage {
        let a = self
            .call(Method::GET, &format!("{HISTORY_PATH}?{query}"), None)
            .await;
        assert_eq!(a.status, 200, "{}", a.text);
        assert_eq!(a.header("content-type"), "application/json");
        serde_json::from_str(&a.text).unwrap_or_else(|e| panic!("{e}: {}", a.text))
    }

    /// Every change of the account, newest first, read page by page `limit` at a time.
    pub async fn whole_history(&self, query: &str, limit: u32) -> Vec<Change> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut q = format!("{query}&limit={limit}");
            if let Some(c) = &cursor {
                q.push_str(&format!("&cursor={c}"));
            }
            let page = self.history(&q).await;
            assert!(page.changes.len() <= limit as usize);
            all.extend(page.changes);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return all,
            }
        }
    }

    /// Creates sources as [`ADMIN`]; answers their ids in the order given.
    pub async fn create_sources(&self, items: Value) -> Vec<i64> {
        let made = self
            .call_as(ADMIN, Method::POST, "/api/v4/sources", Some(items))
            .await;
        assert_eq!(made.status, 200, "{}", made.text);
        made.json()["_embedded"]["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect()
    }
}

/// A second account, `account_id`, at a sandbox of its own that installed the integration
/// through `env`'s relay; its administrator's calls go through `call`.
pub struct Other {
    /// Its Kommo stand-in.
    pub sandbox: sandbox::Running,
    /// Its id.
    pub account_id: i64,
}

impl Other {
    /// Starts the sandbox, has it say it is `account_id`, and installs the integration.
    pub async fn installed(env: &Env, account_id: i64) -> Other {
        let sandbox = binary::sandbox_for(&env.relay.url()).await;
        reqwest::Client::new()
            .post(format!("{}/__sandbox/faults", sandbox.url()))
            .json(
                &json!({"method": "GET", "path": "/api/v4/account", "status": 200,
                "count": 1000, "json": {"id": account_id, "name": "Other Co."}}),
            )
            .send()
            .await
            .unwrap();
        binary::install(&sandbox).await;
        Other {
            sandbox,
            account_id,
        }
    }

    /// A request to the relay with a fresh token of this account's `user`.
    pub async fn call(
        &self,
        env: &Env,
        user: i64,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let mut c = claims(&self.sandbox.url(), &env.config.audience(), user);
        c["account_id"] = json!(self.account_id);
        let token = sign(&c);
        let body = body.map(|b| b.to_string());
        env.send(method, path, &[("x-auth-token", &token)], body.as_deref())
            .await
    }
}
