//! Each account's pace slots, shared by every relay on the database: a call towards Kommo
//! takes the slot whose last use is oldest, once that use is a whole window old.

use super::{Store, StoreError};
use sqlx::Row;

impl Store {
    /// Creates the account's slots `0..slots` that do not exist yet.
    pub async fn pace_init(&self, account: &str, slots: u32) -> Result<(), StoreError> {
        for slot in 0..i64::from(slots) {
            sqlx::query(
                "INSERT INTO pace (account, slot, used_at) VALUES ($1, $2, 0) \
                 ON CONFLICT (account, slot) DO NOTHING",
            )
            .bind(account)
            .bind(slot)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// The account's least recently used slot among `0..slots`, and when it was used (Unix ms).
    pub async fn pace_oldest(
        &self,
        account: &str,
        slots: u32,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        let row = sqlx::query(
            "SELECT slot, used_at FROM pace WHERE account = $1 AND slot < $2 \
             ORDER BY used_at, slot LIMIT 1",
        )
        .bind(account)
        .bind(i64::from(slots))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
    }

    /// Takes `slot` at `now_ms` if nobody took it since its use at `last`: true when taken.
    pub async fn pace_take(
        &self,
        account: &str,
        slot: i64,
        last: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE pace SET used_at = $1 WHERE account = $2 AND slot = $3 AND used_at = $4",
        )
        .bind(now_ms)
        .bind(account)
        .bind(slot)
        .bind(last)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks every slot of the account used at `at` (Unix ms) at the latest, so that none
    /// frees before `at` plus the window: how Kommo's own 429 is waited out by all relays.
    pub async fn pace_hold(&self, account: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE pace SET used_at = $1 WHERE account = $2 AND used_at < $1")
            .bind(at)
            .bind(account)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
