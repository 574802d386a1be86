//! Queries on `removed_standards`: records removed as erroneous, with why and the record their
//! code was confused with.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::removed_standards;

/// A removed record, remembered by its code's key and its slug.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = removed_standards)]
pub struct RemovedRow {
    pub code_key: String,
    pub code: String,
    pub slug: String,
    pub reason: String,
    /// The code of the record this one was confused with.
    pub confused_with: Option<String>,
    pub removed_at: NaiveDateTime,
}

/// Remembers a removal (a second removal of the same code replaces the first).
pub fn put(conn: &mut DbConnection, row: &RemovedRow) -> QueryResult<()> {
    forget(conn, &row.code_key, &row.slug)?;
    diesel::insert_into(removed_standards::table).values(row).execute(conn).map(|_| ())
}

/// Forgets the removal of a code that is catalogued again (or of its slug).
pub fn forget(conn: &mut DbConnection, code_key: &str, slug: &str) -> QueryResult<()> {
    diesel::delete(
        removed_standards::table.filter(removed_standards::code_key.eq(code_key).or(removed_standards::slug.eq(slug))),
    )
    .execute(conn)
    .map(|_| ())
}

/// The removal of the record with this code key or slug, if any.
pub fn find(conn: &mut DbConnection, code_key: Option<&str>, slug: &str) -> QueryResult<Option<RemovedRow>> {
    let by_slug = removed_standards::table.filter(removed_standards::slug.eq(slug));
    if let Some(row) = by_slug.select(RemovedRow::as_select()).first(conn).optional()? {
        return Ok(Some(row));
    }
    match code_key {
        None => Ok(None),
        Some(key) => removed_standards::table
            .filter(removed_standards::code_key.eq(key))
            .select(RemovedRow::as_select())
            .first(conn)
            .optional(),
    }
}
