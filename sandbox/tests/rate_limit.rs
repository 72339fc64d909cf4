//! The per-token rate limit (429 with Retry-After and retry_after) and the 403 block for repeated excess.

mod common;

use common::{config, start, OTHER, TOKEN};
use reqwest::Method;
use sandbox::Config;
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn excess_requests_get_429_with_retry_after_and_other_tokens_are_unaffected() {
    let sb = start(Config {
        rate_limit: 3,
        ..config()
    })
    .await;
    let started = Instant::now();
    let mut ok = 0u32;
    let mut limited = None;
    for _ in 0..30 {
        let a = sb.get("/api/v4/sources", TOKEN).await;
        if a.status == 429 {
            limited = Some(a);
            break;
        }
        a.empty();
        ok += 1;
    }
    let limited = limited.expect("a burst of 30 requests hits a limit of 3 per second");
    // Never more than 3 in any one second.
    let seconds = started.elapsed().as_secs() as u32 + 1;
    assert!(ok >= 3 && ok <= 3 * seconds, "{ok} admitted in {seconds}s");
    let body = limited.problem(429);
    let header: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After is whole seconds");
    assert!(header >= 1);
    assert_eq!(body["retry_after"].as_u64(), Some(header));

    // Another integration has its own window.
    sb.get("/api/v4/sources", OTHER).await.empty();

    tokio::time::sleep(Duration::from_secs(header)).await;
    sb.get("/api/v4/sources", TOKEN).await.empty();
}

#[tokio::test]
async fn zero_turns_the_limit_off() {
    let sb = start(config()).await;
    for _ in 0..40 {
        sb.get("/api/v4/sources", TOKEN).await.empty();
    }
}

#[tokio::test]
async fn an_address_that_keeps_going_over_the_limit_is_blocked_with_403_until_the_block_ends() {
    let sb = start(Config {
        rate_limit: 1,
        block_after: 3,
        block_secs: 2,
        ..config()
    })
    .await;
    // Answers within one second: the first admitted, then 429s; the fourth 429 blocks.
    sb.get("/api/v4/sources", TOKEN).await.empty();
    for _ in 0..4 {
        let a = sb.get("/api/v4/sources", TOKEN).await;
        assert_eq!(a.status, 429, "{a:?}");
    }
    // Every API route and every token from that address is refused now, even ones within
    // their own rate; the host pages and controls are not.
    let blocked = sb.get("/api/v4/sources", OTHER).await;
    let body = blocked.problem(403);
    assert!(
        body["detail"].as_str().unwrap().contains("blocked for 2 s"),
        "{body}"
    );
    sb.get("/api/v4/leads/pipelines", TOKEN).await.problem(403);
    assert_eq!(sb.get("/healthz", TOKEN).await.status, 200);
    let counted = sb
        .control(Method::GET, "/__sandbox/counters", None)
        .await
        .json();
    assert_eq!(counted["GET /api/v4/sources"], 6);
    assert_eq!(counted["GET /api/v4/leads/pipelines"], 1);

    tokio::time::sleep(Duration::from_millis(2100)).await;
    sb.get("/api/v4/sources", OTHER).await.empty();
}

#[tokio::test]
async fn injected_429s_never_block_and_reset_lifts_a_block() {
    let sb = start(Config {
        rate_limit: 1,
        block_after: 1,
        block_secs: 60,
        ..config()
    })
    .await;
    let fault = json!({"count": 5, "status": 429, "headers": {"Retry-After": "1"}});
    let added = sb
        .control(Method::POST, "/__sandbox/faults", Some(&fault))
        .await;
    assert_eq!(added.status, 200);
    for _ in 0..5 {
        assert_eq!(sb.get("/api/v4/sources", TOKEN).await.status, 429);
    }
    tokio::time::sleep(Duration::from_millis(1100)).await;
    sb.get("/api/v4/sources", TOKEN).await.empty();

    // Two real 429s block the address for a minute; a reset lifts it at once.
    assert_eq!(sb.get("/api/v4/sources", TOKEN).await.status, 429);
    assert_eq!(sb.get("/api/v4/sources", TOKEN).await.status, 429);
    sb.get("/api/v4/sources", TOKEN).await.problem(403);
    let reset = sb.control(Method::POST, "/__sandbox/reset", None).await;
    assert_eq!(reset.status, 200);
    sb.get("/api/v4/sources", TOKEN).await.empty();
}
