//! Queries on the `standards` table: one function per question the services ask.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::standards;
use crate::domain::{AccessLevel, Confidence, Equivalence, Kind, Status};

type Backend = <DbConnection as Connection>::Backend;

/// One stored standard, as read.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = standards)]
pub struct StandardRow {
    pub id: i64,
    #[diesel(embed)]
    pub fields: StandardFields,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The editable content of a standard: what an import or an edit writes.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = standards, treat_none_as_null = true)]
pub struct StandardFields {
    pub code: String,
    pub code_key: String,
    pub series_key: String,
    pub slug: String,
    pub kind: Kind,
    pub number: String,
    pub adopted_prefix: Option<String>,
    pub year: Option<i32>,
    pub issuer: Option<String>,
    pub issuer_code: Option<String>,
    pub title_vi: String,
    pub title_en: Option<String>,
    pub scope_vi: Option<String>,
    pub field: Option<String>,
    pub technical_committee: Option<String>,
    pub status: Status,
    pub status_note: Option<String>,
    pub legal_instrument: Option<String>,
    pub issued_date: Option<NaiveDate>,
    pub effective_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub international_equivalent: Option<String>,
    pub equivalence: Option<Equivalence>,
    pub access_level: AccessLevel,
    pub note: Option<String>,
    pub source: Option<String>,
    pub confidence: Option<Confidence>,
}

/// Filters of the plain listing; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct ListingFilter {
    pub kind: Option<Kind>,
    pub status: Option<Status>,
    pub issuer_code: Option<String>,
    pub field: Option<String>,
}

fn filtered(filter: &ListingFilter) -> standards::BoxedQuery<'_, Backend> {
    let mut query = standards::table.into_boxed();
    if let Some(kind) = &filter.kind {
        query = query.filter(standards::kind.eq(*kind));
    }
    if let Some(status) = &filter.status {
        query = query.filter(standards::status.eq(status));
    }
    if let Some(issuer) = &filter.issuer_code {
        query = query.filter(standards::issuer_code.eq(issuer));
    }
    if let Some(field) = &filter.field {
        query = query.filter(standards::field.eq(field));
    }
    query
}

/// A page of standards under the filter, newest first, and how many match in all.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListingFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<StandardRow>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .order((standards::year.is_null().asc(), standards::year.desc(), standards::code.asc()))
        .offset(offset)
        .limit(limit)
        .select(StandardRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The standard with this code key, if any.
pub fn find_by_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<StandardRow>> {
    standards::table.filter(standards::code_key.eq(key)).select(StandardRow::as_select()).first(conn).optional()
}

/// The standard with this slug, if any.
pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<StandardRow>> {
    standards::table.filter(standards::slug.eq(slug)).select(StandardRow::as_select()).first(conn).optional()
}

/// The standards holding any of these keys.
pub fn find_by_keys(conn: &mut DbConnection, keys: &[String]) -> QueryResult<Vec<StandardRow>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    standards::table.filter(standards::code_key.eq_any(keys)).select(StandardRow::as_select()).load(conn)
}

/// Every edition of a series (same kind and number), newest first.
pub fn editions_of_series(conn: &mut DbConnection, series_key: &str, limit: i64) -> QueryResult<Vec<StandardRow>> {
    standards::table
        .filter(standards::series_key.eq(series_key))
        .order((standards::year.is_null().asc(), standards::year.desc(), standards::code.asc()))
        .limit(limit)
        .select(StandardRow::as_select())
        .load(conn)
}

/// Standards whose number starts like the given one (`tcvn 557%`), for suggestions.
pub fn series_starting_with(conn: &mut DbConnection, prefix: &str, limit: i64) -> QueryResult<Vec<StandardRow>> {
    standards::table
        .filter(standards::series_key.like(format!("{prefix}%")))
        .order((standards::year.is_null().asc(), standards::year.desc(), standards::code.asc()))
        .limit(limit)
        .select(StandardRow::as_select())
        .load(conn)
}

/// How many standards the catalogue holds.
pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    standards::table.count().get_result(conn)
}

/// Every standard's Vietnamese title and scope (what abbreviations are learned from).
pub fn titles_and_scopes(conn: &mut DbConnection) -> QueryResult<Vec<(String, Option<String>)>> {
    standards::table.select((standards::title_vi, standards::scope_vi)).load(conn)
}

/// Inserts a new standard at version 1 and returns its id; a removal of the same code is forgotten.
pub fn insert(conn: &mut DbConnection, fields: &StandardFields, now: NaiveDateTime) -> QueryResult<i64> {
    super::removed::forget(conn, &fields.code_key, &fields.slug)?;
    diesel::insert_into(standards::table)
        .values((fields, standards::version.eq(1), standards::created_at.eq(now), standards::updated_at.eq(now)))
        .execute(conn)?;
    standards::table.filter(standards::code_key.eq(&fields.code_key)).select(standards::id).first(conn)
}

/// Overwrites a standard's content and bumps its version; returns the new version.
pub fn update(conn: &mut DbConnection, id: i64, fields: &StandardFields, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::update(standards::table.find(id))
        .set((fields, standards::version.eq(standards::version + 1), standards::updated_at.eq(now)))
        .execute(conn)?;
    standards::table.find(id).select(standards::version).first(conn)
}

/// Sets the status of one standard and bumps its version; returns the new version.
pub fn set_status(conn: &mut DbConnection, id: i64, status: Status, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::update(standards::table.find(id))
        .set((
            standards::status.eq(status),
            standards::version.eq(standards::version + 1),
            standards::updated_at.eq(now),
        ))
        .execute(conn)?;
    standards::table.find(id).select(standards::version).first(conn)
}

/// Bumps a standard's version for a change outside its fields (a text attached); returns the
/// new version.
pub fn touch(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::update(standards::table.find(id))
        .set((standards::version.eq(standards::version + 1), standards::updated_at.eq(now)))
        .execute(conn)?;
    standards::table.find(id).select(standards::version).first(conn)
}

/// Removes a standard with its relations, classes and texts (their rows cascade).
pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::delete(standards::table.find(id)).execute(conn).map(|_| ())
}

/// The standards with this status whose keys are among the given ones.
pub fn with_status_among(conn: &mut DbConnection, status: Status, keys: &[String]) -> QueryResult<Vec<StandardRow>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    standards::table
        .filter(standards::status.eq(status))
        .filter(standards::code_key.eq_any(keys))
        .select(StandardRow::as_select())
        .load(conn)
}

/// The standard with this id, if any.
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<StandardRow>> {
    standards::table.find(id).select(StandardRow::as_select()).first(conn).optional()
}

/// Standards by increasing id after `after_id`: the whole catalogue in batches.
pub fn batch_after_id(conn: &mut DbConnection, after_id: i64, limit: i64) -> QueryResult<Vec<StandardRow>> {
    standards::table
        .filter(standards::id.gt(after_id))
        .order(standards::id.asc())
        .limit(limit)
        .select(StandardRow::as_select())
        .load(conn)
}

/// Series key, issuer and year of one standard.
pub type SeriesYear = (String, Option<String>, Option<i32>);

/// Series key, issuer and year of every standard: enough to tell which edition is the newest.
pub fn series_years(conn: &mut DbConnection) -> QueryResult<Vec<SeriesYear>> {
    standards::table.select((standards::series_key, standards::issuer_code, standards::year)).load(conn)
}
