//! The refresh lease and the writes of a rotated pair: one relay at a time refreshes an
//! account, claimed by one conditional `UPDATE`, and a pair is written only over the
//! generation it replaced.

use super::{Store, StoreError};
use crate::seal::Field;
use crate::store::Pair;
use sqlx::Row;

/// What became of a rotated pair that was offered to the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    /// It is the account's pair now.
    Yes,
    /// The row moved on first (a reinstall, or a disconnect): nothing was written.
    Superseded,
}

impl Store {
    /// Claims the right to refresh generation `seen` of the account until `until` (Unix ms):
    /// true when this caller holds it now. Taken only when no other lease is running, so at
    /// most one relay calls Kommo with a refresh token at a time.
    pub async fn claim_lease(
        &self,
        account_id: i64,
        seen: i64,
        owner: &str,
        now_ms: i64,
        until: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE installations SET lease_owner = $1, lease_until = $2 \
             WHERE account_id = $3 AND generation = $4 AND connected = 1 AND lease_until <= $5",
        )
        .bind(owner)
        .bind(until)
        .bind(account_id)
        .bind(seen)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a lease back without a new pair (Kommo could not be reached).
    pub async fn release_lease(&self, account_id: i64, owner: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE installations SET lease_owner = '', lease_until = 0 \
             WHERE account_id = $1 AND lease_owner = $2",
        )
        .bind(account_id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Writes the pair that replaced generation `seen`, under the lease `owner` claimed, and
    /// ends the lease. Without `owner` (the lease lapsed while Kommo answered and another
    /// relay took it) the pair is written over `seen` all the same: Kommo has already retired
    /// the refresh token it replaced, so it is the only pair that works.
    pub async fn rotate(
        &self,
        account_id: i64,
        seen: i64,
        owner: Option<&str>,
        pair: &Pair,
        now: i64,
    ) -> Result<Stored, StoreError> {
        let done = sqlx::query(
            "UPDATE installations SET access_token = $1, refresh_token = $2, \
             access_issued_at = $3, access_expires_at = $4, generation = generation + 1, \
             lease_owner = '', lease_until = 0, updated_at = $5 \
             WHERE account_id = $6 AND generation = $7 AND connected = 1 \
             AND ($8 = '' OR lease_owner = $8)",
        )
        .bind(
            self.sealer
                .seal(account_id, Field::Access, pair.access.expose()),
        )
        .bind(
            self.sealer
                .seal(account_id, Field::Refresh, pair.refresh.expose()),
        )
        .bind(pair.issued_at)
        .bind(pair.expires_at)
        .bind(now)
        .bind(account_id)
        .bind(seen)
        .bind(owner.unwrap_or(""))
        .execute(&self.pool)
        .await?;
        Ok(if done.rows_affected() == 1 {
            Stored::Yes
        } else {
            Stored::Superseded
        })
    }

    /// Marks the account disconnected, only while generation `seen` (whose refresh token
    /// Kommo refused) is still the stored one; false when a newer pair arrived meanwhile.
    pub async fn disconnect(
        &self,
        account_id: i64,
        seen: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE installations SET connected = 0, generation = generation + 1, \
             lease_owner = '', lease_until = 0, updated_at = $1 \
             WHERE account_id = $2 AND generation = $3",
        )
        .bind(now)
        .bind(account_id)
        .bind(seen)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Connected accounts whose pair was issued before `before` (Unix seconds), oldest first,
    /// with their generation: the refresh tokens a keep-alive must use before they expire.
    pub async fn idle(&self, before: i64, limit: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT account_id, generation FROM installations \
             WHERE connected = 1 AND access_issued_at < $1 ORDER BY access_issued_at LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }
}
