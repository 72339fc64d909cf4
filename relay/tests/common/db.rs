//! Databases for tests: a fresh SQLite file always, and a fresh PostgreSQL database when
//! `RELAY_TEST_POSTGRES_URL` names a server.

use sqlx::Connection;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Variable naming a PostgreSQL server the tests may create databases on.
pub const POSTGRES_VAR: &str = "RELAY_TEST_POSTGRES_URL";

/// A database for one test; a SQLite file goes with its folder when dropped.
pub struct TestDb {
    /// What `--database` would say.
    pub url: String,
    /// `sqlite` or `postgres`, for messages.
    pub kind: &'static str,
    /// The SQLite file, when it is one.
    pub file: Option<std::path::PathBuf>,
    _dir: Option<tempfile::TempDir>,
}

/// A fresh SQLite file in a temporary folder.
pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("relay.sqlite3");
    TestDb {
        url: format!("sqlite:{}", file.display()),
        kind: "sqlite",
        file: Some(file),
        _dir: Some(dir),
    }
}

/// A fresh, empty PostgreSQL database, or `None` (said once per test) without a server.
pub async fn postgres() -> Option<TestDb> {
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    let Ok(base) = std::env::var(POSTGRES_VAR) else {
        eprintln!("PostgreSQL layer skipped: {POSTGRES_VAR} is not set");
        return None;
    };
    let name = format!(
        "relay_test_{}_{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_VAR} is set but cannot be reached: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("CREATE DATABASE");
    let mut url = url::Url::parse(&base).expect("a postgres:// URL");
    url.set_path(&name);
    Some(TestDb {
        url: url.to_string(),
        kind: "postgres",
        file: None,
        _dir: None,
    })
}

/// SQLite, and PostgreSQL when available.
pub async fn all() -> Vec<TestDb> {
    let mut dbs = vec![sqlite()];
    dbs.extend(postgres().await);
    dbs
}

/// Runs `sql` on the database at `url` from a connection of its own.
pub async fn execute(url: &str, sql: &str) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::query(sql).execute(&pool).await.unwrap();
    pool.close().await;
}
