//! The append-only change log: every catalogue change gets the next sequence number, in the
//! same transaction as the change (see `db::catalogue_transaction`, which serialises those
//! writers), with the record after the change and its hash chain (`feed`). Search indexes,
//! mirrors and the connection standard's feed follow it by sequence.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{change_log, feed_epochs};
use crate::domain::FeedOp;

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
    pub op: FeedOp,
    pub slug: String,
    /// The public record after the change, canonical JSON; `None` for a tombstone and for
    /// entries older than the feed.
    pub record: Option<String>,
    pub record_sha256: Option<String>,
    /// `None` only for entries older than the feed, which belong to no epoch.
    pub chain: Option<String>,
}

/// An entry to append, its sequence number chosen by the writer (the next one, under the
/// catalogue writers' lock, so that a rolled-back writer leaves no gap).
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = change_log)]
pub struct NewChangeEntry {
    pub seq: i64,
    pub standard_id: i64,
    pub code: String,
    pub action: String,
    pub version: i32,
    pub changed_at: NaiveDateTime,
    pub summary: String,
    pub op: FeedOp,
    pub slug: String,
    pub record: Option<String>,
    pub record_sha256: Option<String>,
    pub chain: Option<String>,
}

/// An epoch of the feed: the log from `first_seq` on.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = feed_epochs)]
pub struct Epoch {
    pub epoch: String,
    pub first_seq: i64,
    pub started_at: NaiveDateTime,
}

/// Appends one entry.
pub fn insert(conn: &mut DbConnection, entry: &NewChangeEntry) -> QueryResult<()> {
    diesel::insert_into(change_log::table).values(entry).execute(conn).map(|_| ())
}

/// The highest sequence number written so far (0 for an empty log).
pub fn latest_seq(conn: &mut DbConnection) -> QueryResult<i64> {
    change_log::table.select(diesel::dsl::max(change_log::seq)).first::<Option<i64>>(conn).map(|seq| seq.unwrap_or(0))
}

/// The last entry, if any.
pub fn last(conn: &mut DbConnection) -> QueryResult<Option<ChangeEntry>> {
    change_log::table.order(change_log::seq.desc()).select(ChangeEntry::as_select()).first(conn).optional()
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

/// The entry of a standard just before `seq` (what the record was before that change).
pub fn previous_of(conn: &mut DbConnection, standard_id: i64, seq: i64) -> QueryResult<Option<ChangeEntry>> {
    change_log::table
        .filter(change_log::standard_id.eq(standard_id))
        .filter(change_log::seq.lt(seq))
        .order(change_log::seq.desc())
        .select(ChangeEntry::as_select())
        .first(conn)
        .optional()
}

/// Entries before `seq`, newest first.
pub fn before(conn: &mut DbConnection, seq: i64, limit: i64) -> QueryResult<Vec<ChangeEntry>> {
    change_log::table
        .filter(change_log::seq.lt(seq))
        .filter(change_log::chain.is_not_null())
        .order(change_log::seq.desc())
        .limit(limit)
        .select(ChangeEntry::as_select())
        .load(conn)
}

/// Entries with `after < seq <= through`, oldest first.
pub fn between(conn: &mut DbConnection, after: i64, through: i64) -> QueryResult<Vec<ChangeEntry>> {
    change_log::table
        .filter(change_log::seq.gt(after).and(change_log::seq.le(through)))
        .order(change_log::seq.asc())
        .select(ChangeEntry::as_select())
        .load(conn)
}

/// The entry with this sequence number.
pub fn at(conn: &mut DbConnection, seq: i64) -> QueryResult<Option<ChangeEntry>> {
    change_log::table.find(seq).select(ChangeEntry::as_select()).first(conn).optional()
}

/// The epoch the log is in now: the one that started last.
pub fn current_epoch(conn: &mut DbConnection) -> QueryResult<Option<Epoch>> {
    feed_epochs::table.order(feed_epochs::first_seq.desc()).select(Epoch::as_select()).first(conn).optional()
}

/// Records the start of an epoch.
pub fn insert_epoch(conn: &mut DbConnection, epoch: &Epoch) -> QueryResult<()> {
    diesel::insert_into(feed_epochs::table).values(epoch).execute(conn).map(|_| ())
}

/// The sequence number of each standard's last entry with `from <= seq <= through`, ascending:
/// the entries that make up the catalogue at `through` when an epoch began at `from`.
pub fn last_of_each_standard(conn: &mut DbConnection, from: i64, through: i64) -> QueryResult<Vec<i64>> {
    let mut seqs: Vec<i64> = change_log::table
        .filter(change_log::seq.ge(from).and(change_log::seq.le(through)))
        .group_by(change_log::standard_id)
        .select(diesel::dsl::max(change_log::seq))
        .load::<Option<i64>>(conn)?
        .into_iter()
        .flatten()
        .collect();
    seqs.sort_unstable();
    Ok(seqs)
}

/// The entries with these sequence numbers, oldest first.
pub fn with_seqs(conn: &mut DbConnection, seqs: &[i64]) -> QueryResult<Vec<ChangeEntry>> {
    change_log::table
        .filter(change_log::seq.eq_any(seqs))
        .order(change_log::seq.asc())
        .select(ChangeEntry::as_select())
        .load(conn)
}
