//! CORS over real HTTP: only installed, connected accounts' pages may call the relay.

mod common;

use common::{Env, Setup};
use reqwest::Method;

async fn preflight(env: &Env, origin: &str) -> common::Answer {
    env.send(
        Method::OPTIONS,
        "/api/v4/sources",
        &[
            ("origin", origin),
            ("access-control-request-method", "PATCH"),
            (
                "access-control-request-headers",
                "x-auth-token, content-type",
            ),
        ],
        None,
    )
    .await
}

#[tokio::test]
async fn the_installed_accounts_page_may_call_and_no_other() {
    let env = Env::start(Setup::default()).await;
    let account = env.account();
    // Before the install nobody may.
    assert_eq!(
        preflight(&env, &account)
            .await
            .header("access-control-allow-origin"),
        ""
    );
    env.installed().await;

    let ok = preflight(&env, &account).await;
    assert!(ok.status.is_success(), "{}", ok.status);
    assert_eq!(ok.header("access-control-allow-origin"), account);
    let headers = ok
        .header("access-control-allow-headers")
        .to_ascii_lowercase();
    assert!(
        headers.contains("x-auth-token") && headers.contains("content-type"),
        "{headers}"
    );
    assert!(ok.header("access-control-allow-methods").contains("PATCH"));
    assert_eq!(ok.header("access-control-allow-credentials"), "");

    for other in [
        "https://evil.example.com",
        "https://other.kommo.com",
        "null",
    ] {
        let refused = preflight(&env, other).await;
        assert_eq!(refused.header("access-control-allow-origin"), "", "{other}");
    }

    // The answers themselves carry the origin too, never `*`.
    let token = common::sign(&env.claims(common::ADMIN));
    let a = env
        .send(
            Method::GET,
            "/api/v4/leads/pipelines",
            &[("x-auth-token", &token), ("origin", &account)],
            None,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.header("access-control-allow-origin"), account);
    assert!(a
        .header("access-control-expose-headers")
        .to_ascii_lowercase()
        .contains("retry-after"));

    // A disconnected account's page still reads the answer that says to reinstall.
    env.sandbox_control(Method::POST, "/__sandbox/uninstall")
        .await;
    env.call(Method::GET, "/api/v4/sources", None)
        .await
        .refused(403, "not_connected");
    assert_eq!(
        preflight(&env, &account)
            .await
            .header("access-control-allow-origin"),
        account
    );
}
