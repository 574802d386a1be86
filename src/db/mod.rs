//! Storage: one schema and one query path over SQLite and PostgreSQL through diesel's
//! `MultiConnection`, an r2d2 pool, and per-backend embedded migrations.

pub mod change_log;
pub mod ics;
pub mod pool;
pub mod provinces;
pub mod relations;
pub mod schema;
pub mod standards;

use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use pool::{DatabaseUrl, DbPool, build_pool};

/// A connection to whichever backend the service was configured with.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A failure to bring the schema up to date.
#[derive(Debug, thiserror::Error)]
#[error("database migration failed: {0}")]
pub struct MigrationError(String);

/// Applies the pending migrations of the connection's backend; returns how many ran.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, MigrationError> {
    let applied = match conn {
        DbConnection::Postgresql(pg) => pg
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
        DbConnection::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len()),
    };
    applied.map_err(|e| MigrationError(e.to_string()))
}

/// The name of the connection's backend, for logs and metrics.
pub fn backend_name(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Postgresql(_) => "postgresql",
        DbConnection::Sqlite(_) => "sqlite",
    }
}
