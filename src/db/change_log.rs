//! The append-only change log: every catalogue change gets the next sequence number, in the
//! same transaction as the change (see `db::write_transaction`). Search indexes and mirrors
//! follow it by sequence.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::change_log;

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = change_log)]
pub struct ChangeEntry {
    pub seq: i64,
    pub standard_id: i64,
    pub code: String,
    pub action: String,
    pub version: i32,
    pub changed_at: NaiveDateTime,
    pub summary: String,
}

/// An entry to append.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = change_log)]
pub struct NewChangeEntry {
    pub standard_id: i64,
    pub code: String,
    pub action: String,
    pub version: i32,
    pub changed_at: NaiveDateTime,
    pub summary: String,
}

/// Appends one entry.
pub fn append(conn: &mut DbConnection, entry: &NewChangeEntry) -> QueryResult<()> {
    diesel::insert_into(change_log::table).values(entry).execute(conn).map(|_| ())
}

/// The highest sequence number written so far (0 for an empty log).
pub fn latest_seq(conn: &mut DbConnection) -> QueryResult<i64> {
    change_log::table.select(diesel::dsl::max(change_log::seq)).first::<Option<i64>>(conn).map(|seq| seq.unwrap_or(0))
}

/// Entries after `seq`, oldest first.
pub fn since(conn: &mut DbConnection, seq: i64, limit: i64) -> QueryResult<Vec<ChangeEntry>> {
    change_log::table
        .filter(change_log::seq.gt(seq))
        .order(change_log::seq.asc())
        .limit(limit)
        .select(ChangeEntry::as_select())
        .load(conn)
}
