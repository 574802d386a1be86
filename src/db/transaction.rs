//! Write transactions: every write to the catalogue and its reference tables goes through one,
//! so that writers are serialised and change-log sequence numbers appear in commit order.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;

use super::DbConnection;

/// Runs `work` in a catalogue write transaction: committed if it returns `Ok`, rolled back
/// otherwise. Writers are serialised for the whole transaction, so that sequence numbers become
/// visible in commit order (a follower reading `seq > last` must never see 7 before 6 commits):
/// SQLite takes its write lock at `BEGIN IMMEDIATE` (waiting out the busy timeout rather than
/// failing on a stale snapshot); PostgreSQL, which hands out sequence values before commit, locks
/// the change log.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    type Manager = <DbConnection as Connection>::TransactionManager;
    let is_sqlite = matches!(conn, DbConnection::Sqlite(_));
    match conn {
        DbConnection::Sqlite(sqlite) => AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?,
        DbConnection::Postgresql(_) => Manager::begin_transaction(conn)?,
    }
    let locked = if is_sqlite { Ok(()) } else { conn.batch_execute("LOCK TABLE change_log IN EXCLUSIVE MODE") };
    let outcome = match locked {
        Ok(()) => work(conn),
        Err(error) => Err(E::from(error)),
    };
    match outcome {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            Manager::rollback_transaction(conn)?;
            Err(error)
        }
    }
}
