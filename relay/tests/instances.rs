//! Several relays on one database, as vendors run them, against a Kommo whose refresh tokens
//! are single use: one refresh per expiry whichever relay sees it first, an account that stays
//! connected, a keep-alive that refreshes an idle account once, a pace all relays keep
//! together, and a relay that dies without taking the others with it. Real processes, on one
//! SQLite file and on one PostgreSQL.

mod common;

use common::fleet::Fleet;

const SOURCES: &str = "/api/v4/sources";

fn all_answered(answers: &[(u16, String)], fleet: &Fleet) {
    for (status, body) in answers {
        assert_eq!(*status, 204, "{body}\nlogs:\n{}", fleet.logs());
    }
}

#[tokio::test]
async fn two_relays_across_expiries_refresh_once_each_time_and_stay_connected() {
    for db in common::db::all().await {
        let kind = db.kind;
        let fleet = Fleet::start(db, 2, &[]).await;
        all_answered(&fleet.burst(2, SOURCES).await, &fleet);

        // 20 calls at once, split over both relays, across an expiry.
        fleet.expire().await;
        all_answered(&fleet.burst(20, SOURCES).await, &fleet);
        assert_eq!(fleet.counter("grant refresh_token").await, 1, "{kind}");

        // After the next expiry the stored pair still works; then three expiries in a row.
        for round in 2..=5 {
            fleet.expire().await;
            all_answered(&fleet.burst(6, SOURCES).await, &fleet);
            assert_eq!(
                fleet.counter("grant refresh_token").await,
                round,
                "{kind}: one refresh per expiry"
            );
        }
        // Kommo never saw a refresh token twice, and no sibling's rotation disconnected it.
        assert_eq!(
            fleet.counter("grant refresh_token refused").await,
            0,
            "{kind}"
        );
        assert!(fleet.connected().await, "{kind}");
        assert!(
            !fleet.logs().contains("marked disconnected"),
            "{}",
            fleet.logs()
        );
    }
}

#[tokio::test]
async fn the_keep_alive_refreshes_an_idle_account_once_across_both_and_after_a_restart() {
    for db in common::db::all().await {
        let kind = db.kind;
        let mut fleet = Fleet::start(db, 2, &["--keep-alive", "3"]).await;
        // Both relays look every second; the pair is 3 s old after 3 s and fresh again once
        // one of them refreshed it.
        tokio::time::sleep(std::time::Duration::from_millis(5_000)).await;
        assert_eq!(
            fleet.counter("grant refresh_token").await,
            1,
            "{kind}: {}",
            fleet.logs()
        );
        // Both stopped while the pair ages past the keep-alive: the first relay back refreshes.
        fleet.kill(0);
        fleet.kill(1);
        tokio::time::sleep(std::time::Duration::from_millis(3_500)).await;
        fleet.start_relay(1).await;
        tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
        assert_eq!(fleet.counter("grant refresh_token").await, 2, "{kind}");
        assert_eq!(
            fleet.counter("grant refresh_token refused").await,
            0,
            "{kind}"
        );
        assert!(fleet.connected().await);
        all_answered(&[fleet.call(1, SOURCES).await], &fleet);
    }
}

#[tokio::test]
async fn a_burst_of_thirty_over_two_relays_never_meets_kommos_429() {
    for db in common::db::all().await {
        let kind = db.kind;
        let fleet = Fleet::start(db, 2, &[]).await;
        // With the administrator questions and a refresh in the same seconds.
        fleet.expire().await;
        let answers = fleet.burst(30, SOURCES).await;
        all_answered(&answers, &fleet);
        assert_eq!(fleet.counter("GET /api/v4/sources").await, 30, "{kind}");
    }
}

#[tokio::test]
async fn a_relay_killed_mid_stream_leaves_the_other_answering_every_call() {
    for db in common::db::all().await {
        let mut fleet = Fleet::start(db, 2, &[]).await;
        let mut to_survivor = Vec::new();
        for k in 0..24 {
            if k == 8 {
                fleet.kill(0);
            }
            let (i, call) = if k % 2 == 0 {
                (0, fleet.call(0, SOURCES))
            } else {
                (1, fleet.call(1, SOURCES))
            };
            let answer = call.await;
            if i == 1 {
                to_survivor.push(answer);
            } else if k < 8 {
                all_answered(&[answer], &fleet);
            }
        }
        assert_eq!(to_survivor.len(), 12);
        all_answered(&to_survivor, &fleet);
        assert!(fleet.connected().await);
    }
}

#[tokio::test]
async fn a_sigterm_during_a_refresh_still_stores_the_new_pair() {
    for db in common::db::all().await {
        let kind = db.kind;
        let mut fleet = Fleet::start(db, 1, &[]).await;
        all_answered(&[fleet.call(0, SOURCES).await], &fleet);
        fleet.expire().await;
        // Kommo takes its time over the refresh; the caller gives up and the relay is told
        // to stop while the new pair is on its way.
        fleet
            .control_with(
                "/__sandbox/delay",
                serde_json::json!({"ms": 1500, "count": 1, "method": "POST",
                    "path": "/oauth2/access_token"}),
            )
            .await;
        let gave_up = tokio::time::timeout(
            std::time::Duration::from_millis(600),
            fleet.call(0, SOURCES),
        )
        .await;
        assert!(gave_up.is_err(), "{kind}: the refresh was not delayed");
        assert!(
            fleet.terminate(0, std::time::Duration::from_secs(10)).await,
            "{kind}: {}",
            fleet.logs()
        );
        assert_eq!(fleet.counter("grant refresh_token").await, 1, "{kind}");
        // The pair Kommo issued was stored before the process ended: the refresh token it
        // replaced is spent, so any other outcome would leave the account lost.
        fleet.start_relay(0).await;
        all_answered(&[fleet.call(0, SOURCES).await], &fleet);
        assert_eq!(fleet.counter("grant refresh_token").await, 1, "{kind}");
        assert!(fleet.connected().await);
    }
}
