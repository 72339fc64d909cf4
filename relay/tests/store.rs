//! Storage on SQLite and PostgreSQL: tokens sealed at rest, rotation that cannot lose a pair,
//! token ids used once.

mod common;

use common::db;
use relay::config::Secret;
use relay::store::{Pair, Store, StoreError, Stored};

const KEY: [u8; 32] = [9; 32];
const ACCESS: &str = "eyJhbGciOiJIUzI1NiJ9.access-token-plain-text.signature";
const REFRESH: &str = "def50200refresh0token0plain0text0refresh0token0plain0text0abcdef";

fn pair(access: &str, refresh: &str, expires_at: i64) -> Pair {
    Pair {
        access: Secret::new(access),
        refresh: Secret::new(refresh),
        issued_at: 1_000,
        expires_at,
    }
}

#[tokio::test]
async fn an_install_reads_back_with_its_tokens_opened() {
    for db in db::all().await {
        let store = Store::open(&db.url, &KEY).await.unwrap();
        assert!(store.by_account(7).await.unwrap().is_none(), "{}", db.kind);
        store
            .install(
                7,
                "https://acme.kommo.com",
                "client-1",
                &pair(ACCESS, REFRESH, 5_000),
                1_000,
            )
            .await
            .unwrap();
        let inst = store
            .by_base_url("https://acme.kommo.com")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(inst.account_id, 7);
        assert_eq!(inst.client_uuid, "client-1");
        assert_eq!(inst.pair.access.expose(), ACCESS);
        assert_eq!(inst.pair.refresh.expose(), REFRESH);
        assert_eq!(inst.pair.expires_at, 5_000);
        assert!(inst.connected);
        assert_eq!(
            store.connected_origins().await.unwrap(),
            vec!["https://acme.kommo.com".to_string()]
        );
        // A reinstall replaces the pair and connects again.
        let g = store.by_account(7).await.unwrap().unwrap().generation;
        assert!(store.disconnect(7, g, 1_100).await.unwrap());
        assert!(!store.by_account(7).await.unwrap().unwrap().connected);
        assert!(store.connected_origins().await.unwrap().is_empty());
        store
            .install(
                7,
                "https://acme.kommo.com",
                "client-1",
                &pair("a2", "r2", 9_000),
                1_200,
            )
            .await
            .unwrap();
        let again = store.by_account(7).await.unwrap().unwrap();
        assert!(again.connected && again.generation > inst.generation);
        assert_eq!(again.pair.access.expose(), "a2");
        assert!(store.forget(7).await.unwrap());
        assert!(store.by_account(7).await.unwrap().is_none());
        assert!(!store.forget(7).await.unwrap());
        store.close().await;
    }
}

#[tokio::test]
async fn a_rotation_applies_once_per_generation() {
    for db in db::all().await {
        let store = Store::open(&db.url, &KEY).await.unwrap();
        store
            .install(
                7,
                "https://acme.kommo.com",
                "c",
                &pair("a1", "r1", 5_000),
                1_000,
            )
            .await
            .unwrap();
        let seen = store.by_account(7).await.unwrap().unwrap().generation;
        assert_eq!(
            store
                .rotate(7, seen, None, &pair("a2", "r2", 6_000), 1_100)
                .await
                .unwrap(),
            Stored::Yes
        );
        // A second rotation from the same generation would drop the first one's pair.
        assert_eq!(
            store
                .rotate(7, seen, None, &pair("a3", "r3", 7_000), 1_100)
                .await
                .unwrap(),
            Stored::Superseded
        );
        let now = store.by_account(7).await.unwrap().unwrap();
        assert_eq!(
            (now.pair.access.expose(), now.pair.refresh.expose()),
            ("a2", "r2")
        );
        // A disconnect only applies over the generation whose token was refused.
        assert!(!store.disconnect(7, seen, 1_200).await.unwrap());
        assert!(store.by_account(7).await.unwrap().unwrap().connected);
        assert!(store.disconnect(7, seen + 1, 1_200).await.unwrap());
        // A disconnected account is not rotated.
        let g = store.by_account(7).await.unwrap().unwrap().generation;
        assert_eq!(
            store
                .rotate(7, g, None, &pair("a4", "r4", 8_000), 1_300)
                .await
                .unwrap(),
            Stored::Superseded,
            "{}",
            db.kind
        );
    }
}

#[tokio::test]
async fn a_token_id_is_used_once_and_forgotten_after_it_could_expire() {
    for db in db::all().await {
        let store = Store::open(&db.url, &KEY).await.unwrap();
        assert!(store.use_jti("j1", 2_000, 1_000).await.unwrap());
        assert!(
            !store.use_jti("j1", 2_000, 1_500).await.unwrap(),
            "{}",
            db.kind
        );
        assert!(store.use_jti("j2", 2_000, 1_500).await.unwrap());
        // Past keep_until the id is dropped: a token that old is refused by its exp anyway.
        assert!(store.use_jti("j1", 4_000, 2_001).await.unwrap());
    }
}

#[tokio::test]
async fn the_sqlite_file_holds_no_token_in_plain_text() {
    let db = db::sqlite();
    let store = Store::open(&db.url, &KEY).await.unwrap();
    store
        .install(
            7,
            "https://acme.kommo.com",
            "c",
            &pair(ACCESS, REFRESH, 5_000),
            1_000,
        )
        .await
        .unwrap();
    let seen = store.by_account(7).await.unwrap().unwrap().generation;
    let rotated = pair(
        &ACCESS.replace("access", "second"),
        &REFRESH.replace("def5", "abc5"),
        6_000,
    );
    assert_eq!(
        store.rotate(7, seen, None, &rotated, 1_100).await.unwrap(),
        Stored::Yes
    );
    store.close().await;
    let file = db.file.as_ref().unwrap();
    let mut bytes = std::fs::read(file).unwrap();
    for side in ["-wal", "-journal"] {
        let mut p = file.clone().into_os_string();
        p.push(side);
        bytes.extend(std::fs::read(p).unwrap_or_default());
    }
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("acme.kommo.com"), "the file is the database");
    for secret in [
        ACCESS,
        REFRESH,
        rotated.access.expose(),
        rotated.refresh.expose(),
        "plain-text",
        "plain0text",
    ] {
        assert!(!text.contains(secret), "{secret} is in the file");
    }
}

#[tokio::test]
async fn another_key_cannot_read_the_tokens() {
    let db = db::sqlite();
    let store = Store::open(&db.url, &KEY).await.unwrap();
    store
        .install(
            7,
            "https://acme.kommo.com",
            "c",
            &pair(ACCESS, REFRESH, 5_000),
            1_000,
        )
        .await
        .unwrap();
    store.close().await;
    let other = Store::open(&db.url, &[1; 32]).await.unwrap();
    let err = other.by_account(7).await.unwrap_err();
    assert!(matches!(err, StoreError::Key), "{err}");
    assert!(err.to_string().contains("RELAY_KEY"));
}

#[tokio::test]
async fn one_relay_at_a_time_holds_the_refresh_lease_and_writes_under_it() {
    for db in db::all().await {
        let store = Store::open(&db.url, &KEY).await.unwrap();
        store
            .install(
                7,
                "https://acme.kommo.com",
                "c",
                &pair("a1", "r1", 5_000),
                1_000,
            )
            .await
            .unwrap();
        let seen = store.by_account(7).await.unwrap().unwrap().generation;
        assert!(store
            .claim_lease(7, seen, "one", 10_000, 55_000)
            .await
            .unwrap());
        // Taken: another relay waits until it lapses, and a stale generation never gets it.
        assert!(!store
            .claim_lease(7, seen, "two", 20_000, 65_000)
            .await
            .unwrap());
        assert!(!store
            .claim_lease(7, seen - 1, "two", 60_000, 105_000)
            .await
            .unwrap());
        assert_eq!(
            store.by_account(7).await.unwrap().unwrap().lease_until,
            55_000
        );
        // Only the holder writes under the lease.
        let two = pair("a2", "r2", 6_000);
        assert_eq!(
            store
                .rotate(7, seen, Some("two"), &two, 1_100)
                .await
                .unwrap(),
            Stored::Superseded,
            "{}",
            db.kind
        );
        assert_eq!(
            store
                .rotate(7, seen, Some("one"), &two, 1_100)
                .await
                .unwrap(),
            Stored::Yes
        );
        let now = store.by_account(7).await.unwrap().unwrap();
        assert_eq!((now.generation, now.lease_until), (seen + 1, 0));
        // A lapsed lease is taken over; a released one is free at once.
        assert!(store.claim_lease(7, seen + 1, "three", 1, 2).await.unwrap());
        assert!(store.claim_lease(7, seen + 1, "four", 3, 50).await.unwrap());
        store.release_lease(7, "three").await.unwrap();
        assert!(!store.claim_lease(7, seen + 1, "five", 4, 60).await.unwrap());
        store.release_lease(7, "four").await.unwrap();
        assert!(store.claim_lease(7, seen + 1, "five", 4, 60).await.unwrap());
    }
}

#[tokio::test]
async fn a_pace_slot_is_taken_once_per_use_and_held_after_a_429() {
    for db in db::all().await {
        let store = Store::open(&db.url, &KEY).await.unwrap();
        assert_eq!(
            store
                .pace_oldest("https://acme.kommo.com", 2)
                .await
                .unwrap(),
            None
        );
        store.pace_init("https://acme.kommo.com", 2).await.unwrap();
        store.pace_init("https://acme.kommo.com", 2).await.unwrap();
        let (slot, last) = store
            .pace_oldest("https://acme.kommo.com", 2)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((slot, last), (0, 0));
        assert!(store
            .pace_take("https://acme.kommo.com", slot, last, 1_000)
            .await
            .unwrap());
        // Another relay that read the same use cannot take it too.
        assert!(
            !store
                .pace_take("https://acme.kommo.com", slot, last, 1_001)
                .await
                .unwrap(),
            "{}",
            db.kind
        );
        assert_eq!(
            store
                .pace_oldest("https://acme.kommo.com", 2)
                .await
                .unwrap(),
            Some((1, 0))
        );
        assert!(store
            .pace_take("https://acme.kommo.com", 1, 0, 1_002)
            .await
            .unwrap());
        assert_eq!(
            store
                .pace_oldest("https://acme.kommo.com", 2)
                .await
                .unwrap(),
            Some((0, 1_000))
        );
        store
            .pace_hold("https://acme.kommo.com", 9_000)
            .await
            .unwrap();
        assert_eq!(
            store
                .pace_oldest("https://acme.kommo.com", 2)
                .await
                .unwrap(),
            Some((0, 9_000))
        );
    }
}
