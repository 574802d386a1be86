//! Queries on `change_cursors`: where each follower of the change log that alerts run on has got
//! to, and the lease that lets one node at a time advance it (several national nodes share one
//! database; the one holding the lease sends, the others wait for it to lapse).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::DbConnection;
use super::change_log;
use super::schema::change_cursors;

/// Takes (or keeps) the lease on a cursor until `until` (creating the cursor at the change log's
/// head if it is new); false when another node holds a lease that has not lapsed.
pub fn take_lease(
    conn: &mut DbConnection,
    name: &str,
    node: &str,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    ensure(conn, name, now)?;
    let taken = diesel::update(change_cursors::table)
        .filter(change_cursors::name.eq(name))
        .filter(
            change_cursors::leased_by
                .is_null()
                .or(change_cursors::leased_by.eq(node))
                .or(change_cursors::lease_until.lt(now)),
        )
        .set((change_cursors::leased_by.eq(node), change_cursors::lease_until.eq(until)))
        .execute(conn)?;
    Ok(taken == 1)
}

/// Creates a cursor at the change log's head unless it exists.
pub fn ensure(conn: &mut DbConnection, name: &str, now: NaiveDateTime) -> QueryResult<()> {
    let exists: i64 = change_cursors::table.filter(change_cursors::name.eq(name)).count().get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    let head = change_log::latest_seq(conn)?;
    let created = diesel::insert_into(change_cursors::table)
        .values((change_cursors::name.eq(name), change_cursors::seq.eq(head), change_cursors::updated_at.eq(now)))
        .execute(conn);
    match created {
        Ok(_) | Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(()),
        Err(error) => Err(error),
    }
}

/// Where a cursor is: the last change-log entry it has handled.
pub fn position(conn: &mut DbConnection, name: &str) -> QueryResult<Option<i64>> {
    change_cursors::table.filter(change_cursors::name.eq(name)).select(change_cursors::seq).first(conn).optional()
}

/// Moves a cursor to `seq`, only for the node holding its lease; false when it lost the lease
/// (the caller's transaction must then be rolled back: another node handles these entries).
pub fn advance(conn: &mut DbConnection, name: &str, node: &str, seq: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let moved = diesel::update(change_cursors::table)
        .filter(change_cursors::name.eq(name))
        .filter(change_cursors::leased_by.eq(node))
        .set((change_cursors::seq.eq(seq), change_cursors::updated_at.eq(now)))
        .execute(conn)?;
    Ok(moved == 1)
}
