//! The history of changes to sources, and the last copy of each source the relay saw, in the
//! same portable SQL as the rest of the store. Fields are kept as JSON text.

use super::{Store, StoreError};
use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::OsRng;
use relay_contract::{Action, Change, Fields};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::sync::atomic::{AtomicI64, Ordering};

/// A source as the relay last saw it in an answer it forwarded.
#[derive(Clone, Debug, PartialEq)]
pub struct Seen {
    /// Its `external_id`, when it has one.
    pub external_id: Option<String>,
    /// Its fields.
    pub fields: Fields,
}

/// Which changes a history page holds; `None` matches any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this source.
    pub source_id: Option<i64>,
    /// Only sources with this `external_id`.
    pub external_id: Option<String>,
    /// Only this user's changes.
    pub user_id: Option<i64>,
}

/// The newest id this process handed out, so that its own ids never repeat or go back.
static LAST_MICROS: AtomicI64 = AtomicI64::new(0);

/// A new entry id: microseconds since the epoch times 1024, plus 10 random bits, so that ids
/// order by time and relays sharing a database do not pick the same one (a clash is retried).
fn new_id() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    let prev = LAST_MICROS.fetch_max(now, Ordering::SeqCst);
    let micros = if now > prev {
        now
    } else {
        LAST_MICROS.fetch_add(1, Ordering::SeqCst) + 1
    };
    micros * 1024 + i64::from(OsRng.next_u32() % 1024)
}

fn to_json(fields: &Option<Fields>) -> Option<String> {
    fields
        .as_ref()
        .map(|f| serde_json::to_string(f).unwrap_or_default())
}

fn from_json(text: Option<String>) -> Result<Option<Fields>, StoreError> {
    text.map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| StoreError::Database(format!("history fields: {e}")))
}

impl Store {
    /// Records the changes of one forwarded call to the account's sources.
    pub async fn record(&self, account_id: i64, changes: &[Change]) -> Result<(), StoreError> {
        for change in changes {
            // A clash with another relay's id is all but impossible; a second pick settles it.
            for _ in 0..3 {
                let done = sqlx::query(
                    "INSERT INTO history (id, account_id, at, user_id, user_name, action, \
                     source_id, external_id, before_fields, after_fields, status) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(new_id())
                .bind(account_id)
                .bind(change.at)
                .bind(change.user_id)
                .bind(&change.user_name)
                .bind(change.action.as_str())
                .bind(change.source_id)
                .bind(&change.external_id)
                .bind(to_json(&change.before))
                .bind(to_json(&change.after))
                .bind(i64::from(change.status))
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 1 {
                    break;
                }
            }
        }
        Ok(())
    }

    /// The account's changes matching `filter`, newest first, older than the entry `before`
    /// when given; at most `limit`, each with its id.
    pub async fn history(
        &self,
        account_id: i64,
        filter: &Filter,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(i64, Change)>, StoreError> {
        // Only the conditions asked for are written, numbered in the order they are bound.
        let mut sql = String::from(
            "SELECT id, at, user_id, user_name, action, source_id, external_id, \
             before_fields, after_fields, status FROM history WHERE account_id = $1",
        );
        let mut n = 1;
        let mut cond = |column: &str, present: bool| {
            if present {
                n += 1;
                sql.push_str(&format!(" AND {column} ${n}"));
            }
        };
        cond("id <", before.is_some());
        cond("source_id =", filter.source_id.is_some());
        cond("external_id =", filter.external_id.is_some());
        cond("user_id =", filter.user_id.is_some());
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {limit}"));
        let mut q = sqlx::query(&sql).bind(account_id);
        if let Some(id) = before {
            q = q.bind(id);
        }
        if let Some(id) = filter.source_id {
            q = q.bind(id);
        }
        if let Some(ext) = &filter.external_id {
            q = q.bind(ext.clone());
        }
        if let Some(id) = filter.user_id {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(read_change).collect()
    }

    /// Deletes the changes recorded before `at` (Unix seconds), and the copies of sources
    /// last seen before then; answers how many changes went.
    pub async fn prune_history(&self, at: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM history WHERE at < $1")
            .bind(at)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM seen_sources WHERE seen_at < $1")
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// The last copy of the account's source `source_id` the relay saw.
    pub async fn seen(&self, account_id: i64, source_id: i64) -> Result<Option<Seen>, StoreError> {
        let row = sqlx::query(
            "SELECT external_id, fields FROM seen_sources \
             WHERE account_id = $1 AND source_id = $2",
        )
        .bind(account_id)
        .bind(source_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let fields: String = row.try_get("fields")?;
        Ok(from_json(Some(fields))?.map(|fields| Seen {
            external_id: row.try_get("external_id").ok().flatten(),
            fields,
        }))
    }

    /// Keeps these copies of the account's sources as the last ones seen, at `now`.
    pub async fn see(
        &self,
        account_id: i64,
        sources: &[(i64, Seen)],
        now: i64,
    ) -> Result<(), StoreError> {
        if sources.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for (id, seen) in sources {
            sqlx::query(
                "INSERT INTO seen_sources (account_id, source_id, external_id, fields, seen_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, source_id) DO UPDATE \
                 SET external_id = excluded.external_id, fields = excluded.fields, \
                 seen_at = excluded.seen_at",
            )
            .bind(account_id)
            .bind(*id)
            .bind(&seen.external_id)
            .bind(to_json(&Some(seen.fields.clone())))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets the copies of these deleted sources of the account.
    pub async fn unsee(&self, account_id: i64, ids: &[i64]) -> Result<(), StoreError> {
        for id in ids {
            sqlx::query("DELETE FROM seen_sources WHERE account_id = $1 AND source_id = $2")
                .bind(account_id)
                .bind(*id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }
}

fn read_change(r: &AnyRow) -> Result<(i64, Change), StoreError> {
    let action: String = r.try_get("action")?;
    let status: i64 = r.try_get("status")?;
    let change = Change {
        at: r.try_get("at")?,
        user_id: r.try_get("user_id")?,
        user_name: r.try_get("user_name")?,
        action: Action::parse(&action)
            .ok_or_else(|| StoreError::Database(format!("history: unknown action {action}")))?,
        source_id: r.try_get("source_id")?,
        external_id: r.try_get("external_id")?,
        before: from_json(r.try_get("before_fields")?)?,
        after: from_json(r.try_get("after_fields")?)?,
        status: u16::try_from(status).unwrap_or(0),
    };
    Ok((r.try_get("id")?, change))
}
