//! The per-token rate limit: 429 with Retry-After and retry_after.

mod common;

use common::{config, start, OTHER, TOKEN};
use sandbox::Config;
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
