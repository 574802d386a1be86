//! Write transactions. Catalogue writers, which append to the change log, go through
//! `catalogue_transaction`, so that they are serialised and change-log sequence numbers appear in
//! commit order; every other writer (accounts, sessions, allowances) uses `write_transaction` and
//! never waits for a catalogue import.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;

use super::DbConnection;

/// Runs `work` in a transaction that appends to the change log: committed if it returns `Ok`,
/// rolled back otherwise. Such writers are serialised for the whole transaction, so that sequence
/// numbers become visible in commit order (a follower reading `seq > last` must never see 7 before
/// 6 commits): SQLite takes its write lock at `BEGIN IMMEDIATE`; PostgreSQL, which hands out
/// sequence values before commit, locks the change log.
pub fn catalogue_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    run(conn, true, work)
}

/// Runs `work` in a write transaction that does not touch the change log: SQLite takes its write
/// lock at `BEGIN IMMEDIATE` (waiting out the busy timeout rather than failing on a stale
/// snapshot); PostgreSQL's row locks are enough, and the change log stays free.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    run(conn, false, work)
}

fn run<T, E, F>(conn: &mut DbConnection, appends_to_change_log: bool, work: F) -> Result<T, E>
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
    let locked = if is_sqlite || !appends_to_change_log {
        Ok(())
    } else {
        conn.batch_execute("LOCK TABLE change_log IN EXCLUSIVE MODE")
    };
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
