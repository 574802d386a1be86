//! Storage: one schema and one query path over SQLite and PostgreSQL through diesel's
//! `MultiConnection`, an r2d2 pool, and per-backend embedded migrations.

pub mod allowances;
pub mod audit;
pub mod change_cursors;
pub mod change_log;
pub mod corrections;
pub mod documents;
pub mod harvest;
pub mod ics;
pub mod kept_dossiers;
pub mod mirror_links;
pub mod odata;
pub mod outbox;
pub mod pool;
pub mod provinces;
pub mod relations;
pub mod removed;
pub mod replica;
pub mod replica_accounts;
pub mod schema;
pub mod sign_in_attempts;
pub mod standards;
pub mod text_references;
mod transaction;
pub mod users;
pub mod vocabulary;
pub mod watches;
pub mod webhooks;

use diesel::connection::SimpleConnection;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use pool::{DatabaseUrl, DbPool, build_pool, holding_connection};
pub use transaction::{catalogue_transaction, write_transaction};

/// A connection to whichever backend the service was configured with.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Any key will do, as long as nothing else in the database uses it for an advisory lock.
const MIGRATION_LOCK_KEY: i64 = 0x7469_6575_6368; // "tieuch"

/// A failure to bring the schema up to date.
#[derive(Debug, thiserror::Error)]
#[error("database migration failed: {0}")]
pub struct MigrationError(String);

impl From<diesel::result::Error> for MigrationError {
    fn from(error: diesel::result::Error) -> Self {
        MigrationError(error.to_string())
    }
}

/// Applies the pending migrations of the connection's backend; returns how many ran. Several
/// nodes may start at once: PostgreSQL migrations run under an advisory lock, SQLite ones in an
/// immediate (write-locked) transaction, so one node migrates and the others find nothing to do.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, MigrationError> {
    match conn {
        DbConnection::Postgresql(pg) => {
            pg.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
            let applied = pg.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len());
            pg.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
            applied.map_err(|e| MigrationError(e.to_string()))
        }
        DbConnection::Sqlite(sqlite) => sqlite.immediate_transaction(|sqlite| {
            sqlite.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()).map_err(|e| MigrationError(e.to_string()))
        }),
    }
}

/// The name of the connection's backend, for logs and metrics.
pub fn backend_name(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Postgresql(_) => "postgresql",
        DbConnection::Sqlite(_) => "sqlite",
    }
}
