//! Kommo's "integration disabled" hook over real HTTP: a signed call deletes the account's
//! tokens, anything else changes nothing.

mod common;

use common::{Env, ACCOUNT_ID, CLIENT_ID, SECRET};
use hmac::{Hmac, Mac};
use reqwest::Method;
use sha2::Sha256;

fn signature(secret: &str, client_uuid: &str, account: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{client_uuid}|{account}").as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn hook(env: &Env, client_uuid: &str, secret: &str) -> common::Answer {
    let account = ACCOUNT_ID.to_string();
    let path = format!(
        "/oauth/disabled?account_id={account}&client_uuid={client_uuid}&signature={}",
        signature(secret, client_uuid, &account)
    );
    env.send(Method::GET, &path, &[], None).await
}

#[tokio::test]
async fn a_signed_hook_deletes_the_tokens_and_others_change_nothing() {
    for db in common::db::all().await {
        let env = Env::installed_on(db).await;
        hook(&env, CLIENT_ID, "a-guess")
            .await
            .refused(403, "signature");
        hook(&env, "another-integration", SECRET)
            .await
            .refused(403, "client_mismatch");
        env.send(Method::GET, "/oauth/disabled?account_id=1", &[], None)
            .await
            .refused(400, "hook_incomplete");
        assert!(env.installation().await.is_some());

        let done = hook(&env, CLIENT_ID, SECRET).await;
        assert_eq!(done.status, 204, "{}", done.text);
        assert!(env.installation().await.is_none());
        env.call(Method::GET, "/api/v4/sources", None)
            .await
            .refused(403, "not_installed");
        // Kommo may send it twice; the second finds nothing to delete.
        assert_eq!(hook(&env, CLIENT_ID, SECRET).await.status, 204);
        env.stop().await;
    }
}
