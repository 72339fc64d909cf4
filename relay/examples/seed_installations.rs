//! Fills a relay database with installations for `cargo xtask bench relay`:
//! `seed_installations DATABASE_URL COUNT FIRST_ACCOUNT_ID FIRST_PORT CLIENT_ID`, with `RELAY_KEY` (32
//! bytes, base64) in the environment.
//!
//! The schema comes from the relay's own migrations ([`Store::open`]) and every token is sealed
//! with [`Sealer`] under that key, so the rows are what `Store::install` writes: the relay opens
//! them like any other. They go in one transaction, because one commit per row (as installs
//! arrive in production) would make the benchmark's setup take minutes on a slow disk.
//! Account `FIRST_ACCOUNT_ID + i` lives at `http://127.0.0.1:{FIRST_PORT + i}`: loopback, so
//! a call the relay makes for it never leaves the machine.

use base64::Engine;
use relay::seal::{Field, Sealer};
use relay::store::Store;
use sqlx::Connection;
use std::time::{SystemTime, UNIX_EPOCH};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, count, first_id, first_port, client_id] = args.as_slice() else {
        return Err(
            "usage: seed_installations DATABASE_URL COUNT FIRST_ACCOUNT_ID FIRST_PORT CLIENT_ID"
                .into(),
        );
    };
    let number = |s: &str| s.parse::<i64>().map_err(|e| format!("{s:?}: {e}"));
    let (count, first_id, first_port) = (number(count)?, number(first_id)?, number(first_port)?);
    let key = std::env::var("RELAY_KEY").map_err(|_| "RELAY_KEY is not set".to_string())?;
    let key: [u8; 32] = base64::engine::general_purpose::STANDARD
        .decode(key.trim())
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or("RELAY_KEY is not 32 bytes in base64")?;

    // Creates the file and applies the migrations exactly as the relay does at start.
    let store = Store::open(url, &key).await.map_err(|e| e.to_string())?;
    store.close().await;

    let sealer = Sealer::new(&key);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs() as i64;
    let mut db = sqlx::SqliteConnection::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    let mut tx = db.begin().await.map_err(|e| e.to_string())?;
    for i in 0..count {
        let account = first_id + i;
        // Issued now and valid a day: neither a call nor the keep-alive refreshes them.
        sqlx::query(
            "INSERT INTO installations (account_id, base_url, client_uuid, access_token, \
             refresh_token, access_issued_at, access_expires_at, generation, connected, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 1, $6)",
        )
        .bind(account)
        .bind(format!("http://127.0.0.1:{}", first_port + i))
        .bind(client_id)
        .bind(sealer.seal(account, Field::Access, &format!("bench-access-{account}")))
        .bind(sealer.seal(account, Field::Refresh, &format!("bench-refresh-{account}")))
        .bind(now)
        .bind(now + 86400)
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    println!("{count} installations");
    Ok(())
}
