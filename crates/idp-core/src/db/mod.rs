//! One storage code base for SQLite and PostgreSQL.
//!
//! The database URL picks the backend. Every query is written once against
//! [`DbConnection`]; SQLite writes are serialised inside the process because a
//! deferred SQLite transaction that upgrades to a write fails at once (no busy
//! wait) when another connection wrote in between.

pub mod schema;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use prometheus_client::metrics::histogram::Histogram;

const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL `{0}` is neither postgres://… nor sqlite://PATH")]
    BadUrl(String),
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot create the database file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("database unavailable: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("the server is too busy to reach the database; try again")]
    Busy,
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// A unique-constraint violation: a concurrent request already wrote the row.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            StoreError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

#[derive(Debug, Clone)]
pub struct DatabaseUrl {
    pub backend: Backend,
    /// What the driver is given: the URL for PostgreSQL, the file path for SQLite.
    pub target: String,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                target: url.to_owned(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || path.contains("://") {
            return Err(StoreError::BadUrl(url.to_owned()));
        }
        Ok(Self {
            backend: Backend::Sqlite,
            target: path.to_owned(),
        })
    }
}

pub struct Manager {
    url: DatabaseUrl,
}

/// A connection used within this long before is taken to be alive without
/// asking the server (`SELECT 1` on every checkout was half of the
/// round trips of a userinfo or introspection call); one idle longer is
/// checked. One that breaks inside the window is noticed by the error of
/// the call that used it ([`Pooled::after_error`]) and leaves the pool.
const TRUSTED_FOR: Duration = Duration::from_millis(500);

/// A pooled connection and what the pool knows of its health.
pub struct Pooled {
    conn: DbConnection,
    returned_at: std::time::Instant,
    broken: bool,
}

impl Pooled {
    /// After a call on this connection failed: whether the server still
    /// answers (a PostgreSQL restart or a terminated backend shows here);
    /// if not, the pool drops the connection when it comes back.
    fn after_error(&mut self) {
        if let DbConnection::Postgresql(pg) = &mut self.conn {
            self.broken = pg.batch_execute("SELECT 1").is_err();
        }
    }
}

impl ManageConnection for Manager {
    type Connection = Pooled;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Pooled, r2d2::Error> {
        let conn = match self.url.backend {
            Backend::Postgres => PgConnection::establish(&self.url.target)
                .map(DbConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError)?,
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.url.target)
                    .map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(r2d2::Error::QueryError)?;
                DbConnection::Sqlite(conn)
            }
        };
        Ok(Pooled {
            conn,
            returned_at: std::time::Instant::now(),
            broken: false,
        })
    }

    fn is_valid(&self, pooled: &mut Pooled) -> Result<(), r2d2::Error> {
        if pooled.returned_at.elapsed() < TRUSTED_FOR {
            return Ok(());
        }
        pooled
            .conn
            .batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, pooled: &mut Pooled) -> bool {
        pooled.returned_at = std::time::Instant::now();
        pooled.broken
    }
}

/// The pool plus what it takes to use it safely on either backend.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    backend: Backend,
    sqlite_writer: Arc<Mutex<()>>,
    /// How long each call waited for a connection (`/metrics`).
    wait: Histogram,
}

/// Makes the database file (mode 0600, in a folder of mode 0700) before
/// SQLite opens it: SQLite would make it with the umask's permissions, and
/// gives its `-wal` and `-shm` files the database file's mode.
fn create_sqlite_file(target: &str) -> Result<(), StoreError> {
    if target == ":memory:" || target.starts_with("file:") {
        return Ok(());
    }
    let path = std::path::Path::new(target);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::files::create_private_dir(parent).map_err(|source| StoreError::Folder {
            path: parent.display().to_string(),
            source,
        })?;
    }
    crate::files::create_private_file(path).map_err(|source| StoreError::File {
        path: target.to_owned(),
        source,
    })?;
    crate::files::warn_if_shared(path);
    Ok(())
}

impl Db {
    pub fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let url = DatabaseUrl::parse(url)?;
        if url.backend == Backend::Sqlite {
            create_sqlite_file(&url.target)?;
        }
        let backend = url.backend;
        let pool = Pool::builder()
            .max_size(max_connections)
            .connection_timeout(Duration::from_secs(10))
            .build(Manager { url })?;
        Ok(Self {
            pool,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
            wait: crate::metrics::wait_histogram(),
        })
    }

    pub(crate) fn wait_histogram(&self) -> Histogram {
        self.wait.clone()
    }

    /// Pooled connections `(lent out, idle)`.
    pub fn connections(&self) -> (u32, u32) {
        let state = self.pool.state();
        (
            state.connections - state.idle_connections,
            state.idle_connections,
        )
    }

    /// A pooled connection, with the time it took to get one recorded.
    fn checkout(&self) -> Result<PooledConnection<Manager>, StoreError> {
        let started = std::time::Instant::now();
        let pooled = self.pool.get();
        self.wait.observe(started.elapsed().as_secs_f64());
        Ok(pooled?)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the embedded migrations of this backend; returns how many ran.
    pub fn migrate(&self) -> Result<usize, StoreError> {
        let _guard = self.lock_sqlite_writer();
        let mut pooled = self.pool.get()?;
        let ran = match &mut pooled.conn {
            DbConnection::Postgresql(c) => c.run_pending_migrations(PG_MIGRATIONS).map(|v| v.len()),
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        };
        ran.map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// Runs `f` on a pooled connection without a transaction (reads).
    pub fn read<T, E>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut pooled = self.checkout()?;
        let result = f(&mut pooled.conn);
        if result.is_err() {
            pooled.after_error();
        }
        result
    }

    /// Runs `f` in one transaction: everything it wrote lands, or nothing does.
    /// What `f` registered with [`on_commit`] runs after a commit.
    pub fn write<T, E>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError> + From<diesel::result::Error>,
    {
        let hooks = CommitHooks::open();
        let result = {
            let _guard = self.lock_sqlite_writer();
            let mut pooled = self.checkout()?;
            let result = pooled.conn.transaction(f);
            if result.is_err() {
                pooled.after_error();
            }
            result
        };
        if result.is_ok() {
            hooks.run();
        }
        result
    }

    /// Whether the database answers (for `/readyz`).
    pub fn ping(&self) -> Result<(), StoreError> {
        self.read(|conn| conn.batch_execute("SELECT 1").map_err(StoreError::from))
    }

    fn lock_sqlite_writer(&self) -> Option<std::sync::MutexGuard<'_, ()>> {
        (self.backend == Backend::Sqlite)
            .then(|| self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

type Hook = Box<dyn FnOnce()>;

thread_local! {
    /// One list per `Db::write` running on this thread (innermost last).
    static COMMIT_HOOKS: std::cell::RefCell<Vec<Vec<Hook>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `$body` with `$c` bound to the concrete connection of either
/// backend, for SQL that both write alike but diesel's multi-backend type
/// cannot express, such as `INSERT … ON CONFLICT DO NOTHING`.
macro_rules! on_either_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgresql($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use on_either_backend;

/// Makes concurrent transactions that name the same `key` run one after the
/// other: held until this transaction ends. PostgreSQL takes an advisory
/// lock (keys that hash alike merely wait for each other); SQLite needs
/// nothing, its writes are serialised already. For rules that read, then
/// write rows a unique constraint does not cover.
pub fn lock_key(conn: &mut DbConnection, key: &str) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind::<diesel::sql_types::Text, _>(key)
            .execute(pg)?;
    }
    Ok(())
}

/// Runs `f` once the [`Db::write`] transaction running on this thread has
/// committed, and never when it rolls back. Outside a `Db::write` a statement
/// commits on its own, so `f` runs at once. (A savepoint that rolls back
/// inside a transaction that commits does not cancel `f`: keep `f` harmless
/// to run for nothing, such as a wake-up.)
pub fn on_commit(f: impl FnOnce() + 'static) {
    let pending = COMMIT_HOOKS.with(|levels| match levels.borrow_mut().last_mut() {
        Some(level) => {
            level.push(Box::new(f));
            None
        }
        None => Some(f),
    });
    if let Some(f) = pending {
        f();
    }
}

/// The hook list of one `Db::write`; dropping it without [`CommitHooks::run`]
/// (rollback, error, panic) discards the hooks.
struct CommitHooks {
    open: bool,
}

impl CommitHooks {
    fn open() -> Self {
        COMMIT_HOOKS.with(|levels| levels.borrow_mut().push(Vec::new()));
        Self { open: true }
    }

    fn close(&mut self) -> Vec<Hook> {
        if !std::mem::replace(&mut self.open, false) {
            return Vec::new();
        }
        COMMIT_HOOKS.with(|levels| levels.borrow_mut().pop().unwrap_or_default())
    }

    fn run(mut self) {
        for hook in self.close() {
            hook();
        }
    }
}

impl Drop for CommitHooks {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend() {
        let pg = DatabaseUrl::parse("postgres://u@127.0.0.1/db").unwrap();
        assert_eq!(pg.backend, Backend::Postgres);
        let lite = DatabaseUrl::parse("sqlite://data/idp.db").unwrap();
        assert_eq!(
            (lite.backend, lite.target.as_str()),
            (Backend::Sqlite, "data/idp.db")
        );
        let plain = DatabaseUrl::parse("/tmp/x.db").unwrap();
        assert_eq!(plain.backend, Backend::Sqlite);
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn commit_hooks_run_after_a_commit_only() {
        use std::cell::RefCell;
        use std::rc::Rc;
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(
            &format!("sqlite://{}", dir.path().join("t.db").display()),
            2,
        )
        .unwrap();
        let ran = Rc::new(RefCell::new(Vec::new()));
        let hook = |name: &'static str| {
            let ran = ran.clone();
            move || ran.borrow_mut().push(name)
        };
        db.write(|_| {
            on_commit(hook("committed"));
            assert!(ran.borrow().is_empty(), "not before the commit");
            Ok::<_, StoreError>(())
        })
        .unwrap();
        let _ = db.write(|_| {
            on_commit(hook("rolled back"));
            Err::<(), _>(StoreError::Busy)
        });
        on_commit(hook("outside"));
        db.write(|_| Ok::<_, StoreError>(())).unwrap();
        assert_eq!(*ran.borrow(), ["committed", "outside"]);
    }
}
