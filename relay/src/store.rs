//! Installations and used token ids, in SQLite or PostgreSQL through one sqlx `Any` pool.
//!
//! Every statement is portable SQL with `$N` parameters (SQLite reads them too), and values
//! are only BIGINT and TEXT, which both databases map the same way.

use crate::config::Secret;
use crate::metrics::DbOp;
use crate::seal::{Field, Sealer};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::fmt;

mod history;
mod lease;
mod pace;

pub use history::{Filter, Seen};
pub use lease::Stored;

/// The schema, embedded in the binary and applied at start.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Why storage failed. Never carries a token or the database URL (it may hold a password).
#[derive(Debug)]
pub enum StoreError {
    /// The database could not be reached or refused a statement.
    Database(String),
    /// A stored token does not open with this `RELAY_KEY`.
    Key,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Database(e) => write!(f, "database: {e}"),
            StoreError::Key => f.write_str(
                "a stored token does not open with this RELAY_KEY (was the key changed?)",
            ),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        crate::metrics::database_error(DbOp::Query);
        StoreError::Database(e.to_string())
    }
}

/// A pair of tokens as Kommo handed it out.
#[derive(Clone, Debug)]
pub struct Pair {
    /// The access token.
    pub access: Secret,
    /// The refresh token.
    pub refresh: Secret,
    /// When the access token was obtained (Unix seconds).
    pub issued_at: i64,
    /// When the access token expires (Unix seconds).
    pub expires_at: i64,
}

/// One account the integration is installed in, tokens opened.
#[derive(Clone, Debug)]
pub struct Installation {
    /// Kommo's account id.
    pub account_id: i64,
    /// `https://<sub>.kommo.com` (or the sandbox's loopback address).
    pub base_url: String,
    /// The integration id the account installed.
    pub client_uuid: String,
    /// The current pair.
    pub pair: Pair,
    /// Raised on every new pair.
    pub generation: i64,
    /// False once Kommo refused a refresh: the account must install again.
    pub connected: bool,
    /// Until when (Unix milliseconds) a relay holds the right to refresh this pair.
    pub lease_until: i64,
}

/// The relay's storage.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    sealer: Sealer,
    /// When expired token ids were last swept (Unix seconds).
    jti_swept: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

const COLUMNS: &str = "account_id, base_url, client_uuid, access_token, refresh_token, \
     access_issued_at, access_expires_at, generation, connected, lease_until";

impl Store {
    /// Opens (creating a SQLite file when missing) and migrates the database at `url`.
    pub async fn open(url: &str, key: &[u8; 32]) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let sqlite = url.starts_with("sqlite:");
        let url = if sqlite && !url.contains("mode=") {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        } else {
            url.to_string()
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if sqlite { 4 } else { 10 })
            // While the database is away a call fails within seconds instead of hanging;
            // the pool reconnects on its own once it is back.
            .acquire_timeout(std::time::Duration::from_secs(3))
            .connect(&url)
            .await
            .inspect_err(|_| crate::metrics::database_error(DbOp::Open))
            .map_err(|e| StoreError::Database(e.to_string()))?;
        if sqlite {
            // Readers do not wait on a writer, and a crash loses no committed pair.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        MIGRATOR
            .run(&pool)
            .await
            .inspect_err(|_| crate::metrics::database_error(DbOp::Migrate))
            .map_err(|e| StoreError::Database(e.to_string()))?;
        Ok(Store {
            pool,
            sealer: Sealer::new(key),
            jti_swept: std::sync::Arc::default(),
        })
    }

    /// Records an install: the account's first pair, or a new one after a reinstall. Any
    /// other account row with the same base URL goes (the address moved to this account).
    pub async fn install(
        &self,
        account_id: i64,
        base_url: &str,
        client_uuid: &str,
        pair: &Pair,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM installations WHERE base_url = $1 AND account_id <> $2")
            .bind(base_url)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO installations (account_id, base_url, client_uuid, access_token, \
             refresh_token, access_issued_at, access_expires_at, generation, connected, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 1, $8) \
             ON CONFLICT (account_id) DO UPDATE SET base_url = excluded.base_url, \
             client_uuid = excluded.client_uuid, access_token = excluded.access_token, \
             refresh_token = excluded.refresh_token, access_issued_at = excluded.access_issued_at, \
             access_expires_at = excluded.access_expires_at, \
             generation = installations.generation + 1, connected = 1, \
             lease_owner = '', lease_until = 0, updated_at = excluded.updated_at",
        )
        .bind(account_id)
        .bind(base_url)
        .bind(client_uuid)
        .bind(self.sealer.seal(account_id, Field::Access, pair.access.expose()))
        .bind(self.sealer.seal(account_id, Field::Refresh, pair.refresh.expose()))
        .bind(pair.issued_at)
        .bind(pair.expires_at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The installation of this account.
    pub async fn by_account(&self, account_id: i64) -> Result<Option<Installation>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM installations WHERE account_id = $1"
        ))
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| self.read(&r)).transpose()
    }

    /// The installation at this base URL.
    pub async fn by_base_url(&self, base_url: &str) -> Result<Option<Installation>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM installations WHERE base_url = $1"
        ))
        .bind(base_url)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| self.read(&r)).transpose()
    }

    /// Deletes the account's installation and tokens (the integration was disabled there);
    /// true when there was one.
    pub async fn forget(&self, account_id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM installations WHERE account_id = $1")
            .bind(account_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Base URLs of connected accounts: the origins the widget calls from.
    pub async fn connected_origins(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT base_url FROM installations WHERE connected = 1")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0).map_err(StoreError::from))
            .collect()
    }

    /// Whether `base_url` is an installed account's, connected or not.
    pub async fn is_installed(&self, base_url: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 FROM installations WHERE base_url = $1")
            .bind(base_url)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Records a token id as used until `keep_until`; false when it was already used. An id
    /// kept past its `keep_until` counts as unused (its token is refused by its `exp` anyway),
    /// and such ids are swept at most once a minute rather than on every call.
    pub async fn use_jti(&self, jti: &str, keep_until: i64, now: i64) -> Result<bool, StoreError> {
        let swept = self.jti_swept.load(std::sync::atomic::Ordering::Relaxed);
        if now - swept >= 60 || now < swept {
            self.jti_swept
                .store(now, std::sync::atomic::Ordering::Relaxed);
            sqlx::query("DELETE FROM used_jti WHERE keep_until < $1")
                .bind(now)
                .execute(&self.pool)
                .await?;
        }
        let done = sqlx::query(
            "INSERT INTO used_jti (jti, keep_until) VALUES ($1, $2) ON CONFLICT (jti) \
             DO UPDATE SET keep_until = excluded.keep_until WHERE used_jti.keep_until < $3",
        )
        .bind(jti)
        .bind(keep_until)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Versions of the embedded migrations the database has not applied: empty when ready.
    pub async fn missing_migrations(&self) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(&self.pool)
            .await?;
        let applied = rows
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| m.version)
            .filter(|v| !applied.contains(v))
            .collect())
    }

    /// Closes the pool, so a SQLite file is complete on disk.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    fn read(&self, r: &AnyRow) -> Result<Installation, StoreError> {
        let account_id: i64 = r.try_get("account_id")?;
        let open = |field, column: &str| -> Result<Secret, StoreError> {
            let sealed: String = r.try_get(column)?;
            self.sealer
                .open(account_id, field, &sealed)
                .map(Secret::new)
                .map_err(|_| StoreError::Key)
        };
        Ok(Installation {
            account_id,
            base_url: r.try_get("base_url")?,
            client_uuid: r.try_get("client_uuid")?,
            pair: Pair {
                access: open(Field::Access, "access_token")?,
                refresh: open(Field::Refresh, "refresh_token")?,
                issued_at: r.try_get("access_issued_at")?,
                expires_at: r.try_get("access_expires_at")?,
            },
            generation: r.try_get("generation")?,
            connected: r.try_get::<i64, _>("connected")? == 1,
            lease_until: r.try_get("lease_until")?,
        })
    }
}
