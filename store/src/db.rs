//! Connecting, migrating and transacting over SQLite or PostgreSQL with one code path.
//!
//! Queries use `$1`-style placeholders, which both backends accept. Booleans and times are stored
//! as integers (unix seconds) so that the same row types decode on both.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Executor, Transaction};

use crate::clock::Clock;
use crate::error::StoreError;
use crate::sealed::DataKey;
use casework::WorkflowLimits;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a writer waits for SQLite's single write lock before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;
/// Each connection's page cache, in KiB. SQLite's default (2 MiB) makes a large import, whose
/// keyed-hash index takes rows in random order, read the same pages from the file again and again
/// (measured: a third of an import's time in `pread`).
pub(crate) const SQLITE_CACHE_KIB: u32 = 32 * 1024;
/// Pages are read through a memory map of up to this much of the file rather than copied.
const SQLITE_MMAP_BYTES: u64 = 0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database URL that names a backend this portal supports.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    url: String,
}

impl DatabaseUrl {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The SQLite file this URL points at, if it is a file-backed SQLite URL.
    pub fn sqlite_path(&self) -> Option<&str> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        let rest = self
            .url
            .strip_prefix("sqlite://")
            .or_else(|| self.url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or(rest);
        (!path.is_empty() && path != ":memory:").then_some(path)
    }
}

impl FromStr for DatabaseUrl {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let backend = if s.starts_with("sqlite:") {
            Backend::Sqlite
        } else if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(s.to_owned()));
        };
        let mut url = s.to_owned();
        // Create the database file on first start instead of failing.
        if backend == Backend::Sqlite && !url.contains("mode=") {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str("mode=rwc");
        }
        Ok(Self { backend, url })
    }
}

/// Hides the password of a PostgreSQL URL in logs.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = self
            .url
            .split_once("://")
            .and_then(|(scheme, rest)| Some((scheme, rest.rsplit_once('@')?)))
            .filter(|_| self.backend == Backend::Postgres);
        match hidden {
            Some((scheme, (userinfo, host))) => {
                let user = userinfo.split(':').next().unwrap_or("");
                write!(f, "{scheme}://{user}:***@{host}")
            }
            None => f.write_str(&self.url),
        }
    }
}

/// The handle every service goes through. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    clock: Arc<dyn Clock>,
    data_key: Arc<DataKey>,
    workflow_limits: Arc<WorkflowLimits>,
    standards: Arc<casework::InForce<rules::Standards>>,
}

impl Store {
    /// Connects; `data_key` seals the sensitive columns (see [`crate::sealed`]).
    pub async fn connect(
        url: &DatabaseUrl,
        clock: Arc<dyn Clock>,
        data_key: DataKey,
    ) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        if let Some(path) = url.sqlite_path() {
            if let Some(dir) = std::path::Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                    path: dir.display().to_string(),
                    source,
                })?;
            }
        }
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let pool = match url.backend() {
            Backend::Sqlite => {
                options
                    .max_connections(8)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute(
                                format!(
                                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; \
                                     PRAGMA cache_size = -{SQLITE_CACHE_KIB}; PRAGMA mmap_size = {SQLITE_MMAP_BYTES};"
                                )
                                .as_str(),
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(url.as_str())
                    .await?
            }
            Backend::Postgres => options.max_connections(16).connect(url.as_str()).await?,
        };
        Ok(Self {
            pool,
            backend: url.backend(),
            clock,
            data_key: Arc::new(data_key),
            workflow_limits: Arc::new(WorkflowLimits::sample_2026()),
            standards: Arc::new(casework::sample_standards()),
        })
    }

    /// The same store with these workflow limits (the bureau's file) instead of the sample's.
    pub fn with_workflow_limits(mut self, limits: WorkflowLimits) -> Self {
        self.workflow_limits = Arc::new(limits);
        self
    }

    /// The same store with these assistance standards (the bureau's, each from the date it takes
    /// effect) instead of the sample's: the store checks advance assistance against the 小额快救
    /// cap of the standards in force on the day the case was submitted.
    pub fn with_standards(mut self, standards: Arc<casework::InForce<rules::Standards>>) -> Self {
        self.standards = standards;
        self
    }

    /// The assistance standards the store's own checks use, by the date they take effect.
    pub fn standards(&self) -> &casework::InForce<rules::Standards> {
        &self.standards
    }

    /// The time limits and the working-day calendar that deadlines are counted with.
    pub fn workflow_limits(&self) -> &WorkflowLimits {
        &self.workflow_limits
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        // Data a migration could not fill in by itself, since it is sealed (idempotent).
        let indexed = self.backfill_application_phones().await?;
        if indexed > 0 {
            tracing::info!(
                applications = indexed,
                "indexed the phones of earlier applications"
            );
        }
        let named = self.backfill_name_index().await?;
        if named > 0 {
            tracing::info!(
                applications = named,
                "indexed the names of earlier applications"
            );
        }
        Ok(())
    }

    /// Readiness: the database answers a query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub(crate) fn data_key(&self) -> &DataKey {
        &self.data_key
    }

    pub(crate) fn now_unix(&self) -> i64 {
        self.clock.now().unix_timestamp()
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so two
    /// writers queue on the busy timeout instead of failing half-way with SQLITE_BUSY.
    pub(crate) async fn write_tx(&self) -> Result<Transaction<'static, Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_create_the_file_and_name_their_path() {
        let url: DatabaseUrl = "sqlite://data/portal.db".parse().unwrap();
        assert_eq!(url.backend(), Backend::Sqlite);
        assert_eq!(url.as_str(), "sqlite://data/portal.db?mode=rwc");
        assert_eq!(url.sqlite_path(), Some("data/portal.db"));
    }

    #[test]
    fn postgres_passwords_stay_out_of_logs() {
        let url: DatabaseUrl = "postgres://portal:s3cret@db:5432/portal".parse().unwrap();
        assert_eq!(url.to_string(), "postgres://portal:***@db:5432/portal");
    }

    #[test]
    fn other_schemes_are_refused_with_a_hint() {
        let err = "mysql://x".parse::<DatabaseUrl>().unwrap_err();
        assert!(err.to_string().contains("sqlite://"));
    }
}
