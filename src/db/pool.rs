//! The connection pool: picks the backend from the URL (never by trial), and sets SQLite up for
//! concurrent use (WAL, a busy timeout, foreign keys).

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};

use super::DbConnection;

/// How long a SQLite writer waits for another writer before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

pub type DbPool = r2d2::Pool<DatabaseManager>;

/// Where the database lives; `postgres://` and `postgresql://` URLs select PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    /// Reads a `DATABASE_URL`: PostgreSQL URLs, `sqlite://PATH`, `sqlite:PATH`, or a plain file path.
    pub fn parse(url: &str) -> DatabaseUrl {
        let trimmed = url.trim();
        if trimmed.starts_with("postgres://") || trimmed.starts_with("postgresql://") {
            DatabaseUrl::Postgres(trimmed.to_string())
        } else {
            let path = trimmed.strip_prefix("sqlite://").or_else(|| trimmed.strip_prefix("sqlite:")).unwrap_or(trimmed);
            DatabaseUrl::Sqlite(PathBuf::from(path))
        }
    }

    /// The URL without its password, for logs.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme_end), Some(at)) if at > scheme_end => {
                    let credentials = &url[scheme_end + 3..at];
                    let user = credentials.split(':').next().unwrap_or_default();
                    format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                }
                _ => url.clone(),
            },
        }
    }
}

/// Opens connections of the configured backend for r2d2.
#[derive(Debug, Clone)]
pub struct DatabaseManager {
    url: DatabaseUrl,
}

impl ManageConnection for DatabaseManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                PgConnection::establish(url).map(DbConnection::Postgresql).map_err(r2d2::Error::ConnectionError)
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(&path.to_string_lossy()).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;"
                ))
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

thread_local! {
    /// Whether this thread is running work that holds a pooled connection (see `held`).
    static HOLDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks the current thread as holding a pooled connection until the guard is dropped.
pub struct Held(bool);

/// Marks the thread while a service's unit of work holds a pooled connection.
pub fn held() -> Held {
    Held(HOLDING.with(|holding| holding.replace(true)))
}

impl Drop for Held {
    fn drop(&mut self) {
        HOLDING.with(|holding| holding.set(self.0));
    }
}

/// Whether the current thread holds a pooled connection for a service. CPU-heavy work (argon2,
/// PDF extraction and stamping) checks it is not: a connection held while the CPU works is a
/// connection every other request waits for.
pub fn holding_connection() -> bool {
    HOLDING.with(std::cell::Cell::get)
}

/// Builds the pool and checks that one connection can be opened.
pub fn build_pool(url: &DatabaseUrl, max_size: u32) -> Result<DbPool, r2d2::PoolError> {
    if let DatabaseUrl::Sqlite(path) = url {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            // The pool reports a missing directory as an opaque connection error; create it.
            let _ = std::fs::create_dir_all(parent);
        }
        // WAL is a property of the file: set it once, alone, before connections compete for it.
        if let Ok(mut conn) = SqliteConnection::establish(&path.to_string_lossy()) {
            let _ = conn
                .batch_execute(&format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL;"));
        }
    }
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(10))
        .build(DatabaseManager { url: url.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_select_postgres_and_everything_else_is_a_sqlite_path() {
        assert!(matches!(DatabaseUrl::parse("postgres://u:p@h/db"), DatabaseUrl::Postgres(_)));
        assert!(matches!(DatabaseUrl::parse("postgresql:///db?host=/run"), DatabaseUrl::Postgres(_)));
        assert_eq!(DatabaseUrl::parse("sqlite://data/x.db"), DatabaseUrl::Sqlite("data/x.db".into()));
        assert_eq!(DatabaseUrl::parse("data/x.db"), DatabaseUrl::Sqlite("data/x.db".into()));
    }

    #[test]
    fn passwords_never_reach_the_logs() {
        let url = DatabaseUrl::parse("postgres://app:secret@db:5432/tieuchuan");
        assert_eq!(url.redacted(), "postgres://app:***@db:5432/tieuchuan");
    }
}
