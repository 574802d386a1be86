//! Queries on `kept_dossiers`: the dossiers an account asked to keep, to check again later.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::kept_dossiers;

/// A kept dossier, without its text.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = kept_dossiers)]
pub struct KeptRow {
    pub id: i64,
    pub name: String,
    pub as_of: NaiveDate,
    pub codes: i32,
    pub created_at: NaiveDateTime,
}

/// A dossier to keep.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = kept_dossiers)]
pub struct NewKept<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub text: &'a str,
    pub as_of: NaiveDate,
    pub codes: i32,
    pub created_at: NaiveDateTime,
}

/// Keeps a dossier; returns its id.
pub fn keep(conn: &mut DbConnection, kept: &NewKept<'_>) -> QueryResult<i64> {
    diesel::insert_into(kept_dossiers::table).values(kept).execute(conn)?;
    kept_dossiers::table
        .filter(kept_dossiers::user_id.eq(kept.user_id))
        .order(kept_dossiers::id.desc())
        .select(kept_dossiers::id)
        .first(conn)
}

/// An account's kept dossiers, newest first.
pub fn of_user(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<KeptRow>> {
    kept_dossiers::table
        .filter(kept_dossiers::user_id.eq(user_id))
        .order(kept_dossiers::id.desc())
        .select(KeptRow::as_select())
        .load(conn)
}

/// One of an account's kept dossiers, with its text.
pub fn find(conn: &mut DbConnection, user_id: i64, id: i64) -> QueryResult<Option<(KeptRow, String)>> {
    kept_dossiers::table
        .filter(kept_dossiers::user_id.eq(user_id))
        .filter(kept_dossiers::id.eq(id))
        .select((KeptRow::as_select(), kept_dossiers::text))
        .first(conn)
        .optional()
}

/// Forgets one of an account's kept dossiers; false when it has no such dossier.
pub fn forget(conn: &mut DbConnection, user_id: i64, id: i64) -> QueryResult<bool> {
    let removed = diesel::delete(
        kept_dossiers::table.filter(kept_dossiers::user_id.eq(user_id)).filter(kept_dossiers::id.eq(id)),
    )
    .execute(conn)?;
    Ok(removed > 0)
}
