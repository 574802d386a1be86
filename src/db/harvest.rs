//! What harvesting (OAI-PMH, Atom) reads: the standards changed in a time window, selected by
//! kind, issuer or field, in pages by id; the tombstones of removed records; the sets there are.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::change_log::ChangeEntry;
use super::schema::{change_log, standards};
use super::standards::StandardRow;
use crate::domain::{FeedOp, Kind};

type Backend = <DbConnection as Connection>::Backend;

/// Which standards a harvest wants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HarvestFilter {
    /// Changed at or after.
    pub from: Option<NaiveDateTime>,
    /// Changed before.
    pub before: Option<NaiveDateTime>,
    pub kind: Option<Kind>,
    /// `Some(None)`: any standard with an issuer code; `Some(Some(code))`: that one.
    pub issuer_code: Option<Option<String>>,
    /// `Some(None)`: any standard with a field; `Some(Some(field))`: that one.
    pub field: Option<Option<String>>,
}

fn filtered(filter: &HarvestFilter) -> standards::BoxedQuery<'_, Backend> {
    let mut query = standards::table.into_boxed();
    if let Some(from) = filter.from {
        query = query.filter(standards::updated_at.ge(from));
    }
    if let Some(before) = filter.before {
        query = query.filter(standards::updated_at.lt(before));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(standards::kind.eq(kind));
    }
    match &filter.issuer_code {
        Some(Some(code)) => query = query.filter(standards::issuer_code.eq(code)),
        Some(None) => query = query.filter(standards::issuer_code.is_not_null()),
        None => {}
    }
    match &filter.field {
        Some(Some(field)) => query = query.filter(standards::field.eq(field)),
        Some(None) => query = query.filter(standards::field.is_not_null()),
        None => {}
    }
    query
}

/// Standards under the filter with an id above `after_id`, by id, at most `limit`.
pub fn page(
    conn: &mut DbConnection,
    filter: &HarvestFilter,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<StandardRow>> {
    filtered(filter)
        .filter(standards::id.gt(after_id))
        .order(standards::id.asc())
        .limit(limit)
        .select(StandardRow::as_select())
        .load(conn)
}

/// How many standards are under the filter.
pub fn count(conn: &mut DbConnection, filter: &HarvestFilter) -> QueryResult<i64> {
    filtered(filter).count().get_result(conn)
}

/// Every tombstone in the log, oldest first (removals are rare; each is kept forever).
pub fn tombstones(conn: &mut DbConnection) -> QueryResult<Vec<ChangeEntry>> {
    change_log::table
        .filter(change_log::op.eq(FeedOp::Tombstone))
        .order(change_log::seq.asc())
        .select(ChangeEntry::as_select())
        .load(conn)
}

/// The last entry with a record for this slug before `seq`: what a removed record was.
pub fn last_record_before(conn: &mut DbConnection, slug: &str, seq: i64) -> QueryResult<Option<ChangeEntry>> {
    change_log::table
        .filter(change_log::slug.eq(slug))
        .filter(change_log::seq.lt(seq))
        .filter(change_log::record.is_not_null())
        .order(change_log::seq.desc())
        .select(ChangeEntry::as_select())
        .first(conn)
        .optional()
}

/// The earliest time any standard was last changed.
pub fn earliest_change(conn: &mut DbConnection) -> QueryResult<Option<NaiveDateTime>> {
    standards::table.select(diesel::dsl::min(standards::updated_at)).first(conn)
}

/// The issuer codes in use with an issuer's name, sorted by code.
pub fn issuers(conn: &mut DbConnection) -> QueryResult<Vec<(String, Option<String>)>> {
    let mut rows: Vec<(Option<String>, Option<String>)> = standards::table
        .filter(standards::issuer_code.is_not_null())
        .select((standards::issuer_code, standards::issuer))
        .distinct()
        .load(conn)?;
    rows.sort();
    let mut issuers: Vec<(String, Option<String>)> = Vec::new();
    for (code, name) in rows {
        let Some(code) = code else { continue };
        if issuers.last().is_none_or(|(last, _)| last != &code) {
            issuers.push((code, name));
        }
    }
    Ok(issuers)
}

/// The fields in use, sorted.
pub fn fields(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    let mut fields: Vec<String> = standards::table
        .filter(standards::field.is_not_null())
        .select(standards::field)
        .distinct()
        .load::<Option<String>>(conn)?
        .into_iter()
        .flatten()
        .collect();
    fields.sort();
    Ok(fields)
}
