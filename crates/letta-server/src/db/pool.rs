//! The connection pool, SQLite or PostgreSQL.

use std::str::FromStr;
use std::time::Duration;

use letta_telemetry::db::{MonitoredPool, PoolMonitor};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Postgres, Sqlite};

use super::schema::SCHEMA;

/// `pool_mode` of the pool metrics: sqlx pools are async queue pools.
const POOL_MODE: &str = "async";

/// The database engine in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbEngine {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl DbEngine {
    /// `sqlite` or `postgresql` (the `engine_name` of pool metrics).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgresql",
        }
    }
}

/// A monitored pool of either engine; queries are written once for both.
#[derive(Clone)]
pub enum Db {
    /// SQLite pool.
    Sqlite(MonitoredPool<Sqlite>),
    /// PostgreSQL pool.
    Postgres(MonitoredPool<Postgres>),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Db").field(&self.engine()).finish()
    }
}

/// Runs the same code on a connection checked out (and timed, for the pool
/// metrics) from whichever pool is in use; `$conn` is a `&mut` connection.
macro_rules! with_conn {
    ($db:expr, $conn:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(pool) => {
                let mut checked_out = pool.acquire().await?;
                let $conn = &mut **checked_out;
                $body
            }
            $crate::db::Db::Postgres(pool) => {
                let mut checked_out = pool.acquire().await?;
                let $conn = &mut **checked_out;
                $body
            }
        }
    };
}
pub(crate) use with_conn;

impl Db {
    /// Connects to `url` (`sqlite:` or `postgres:`/`postgresql:`) and creates
    /// the tables.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, sqlx::Error> {
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let monitor = PoolMonitor::new(DbEngine::Postgres.as_str(), POOL_MODE);
            let pool = monitor
                .instrument(
                    PgPoolOptions::new()
                        .max_connections(max_connections)
                        .acquire_timeout(Duration::from_secs(10)),
                )
                .connect_with(options)
                .await?;
            Db::Postgres(monitor.attach(pool))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10));
            let monitor = PoolMonitor::new(DbEngine::Sqlite.as_str(), POOL_MODE);
            let pool = monitor
                .instrument(
                    SqlitePoolOptions::new()
                        .max_connections(max_connections)
                        .acquire_timeout(Duration::from_secs(10)),
                )
                .connect_with(options)
                .await?;
            Db::Sqlite(monitor.attach(pool))
        } else {
            return Err(sqlx::Error::Configuration(
                format!(
                    "database URL {:?} is not supported: expected sqlite://<path> or \
                     postgres://user:password@host/db",
                    letta_telemetry::redact::mask_url(url)
                )
                .into(),
            ));
        };
        db.create_schema().await?;
        Ok(db)
    }

    async fn create_schema(&self) -> Result<(), sqlx::Error> {
        for statement in SCHEMA {
            with_conn!(self, conn => sqlx::query(*statement).execute(conn).await.map(|_| ()))?;
        }
        Ok(())
    }

    /// The engine of this pool.
    pub fn engine(&self) -> DbEngine {
        match self {
            Self::Sqlite(_) => DbEngine::Sqlite,
            Self::Postgres(_) => DbEngine::Postgres,
        }
    }

    /// Closes every connection.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}
