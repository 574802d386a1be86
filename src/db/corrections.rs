//! Queries on `standard_corrections`: the sourced corrections applied to each record.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::standard_corrections;
use crate::domain::Confidence;

/// A correction applied to a standard, with its own source.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = standard_corrections)]
pub struct CorrectionRow {
    pub standard_id: i64,
    pub source: String,
    pub confidence: Option<Confidence>,
    /// The source's words.
    pub note: Option<String>,
    /// The names of the fields it changed, comma-separated (empty when it confirmed them).
    pub changed: String,
    pub applied_at: NaiveDateTime,
}

/// The corrections of a standard, oldest first.
pub fn of_standard(conn: &mut DbConnection, standard_id: i64) -> QueryResult<Vec<CorrectionRow>> {
    standard_corrections::table
        .filter(standard_corrections::standard_id.eq(standard_id))
        .order(standard_corrections::id.asc())
        .select(CorrectionRow::as_select())
        .load(conn)
}

/// Whether a correction from this source was applied to the standard already.
pub fn applied(conn: &mut DbConnection, standard_id: i64, source: &str) -> QueryResult<bool> {
    let found: i64 = standard_corrections::table
        .filter(standard_corrections::standard_id.eq(standard_id))
        .filter(standard_corrections::source.eq(source))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Records a correction.
pub fn insert(conn: &mut DbConnection, correction: &CorrectionRow) -> QueryResult<()> {
    diesel::insert_into(standard_corrections::table).values(correction).execute(conn).map(|_| ())
}

/// Makes the standard's corrections exactly these (a mirror storing its upstream's record).
pub fn replace_for_standard(conn: &mut DbConnection, standard_id: i64, rows: &[CorrectionRow]) -> QueryResult<()> {
    diesel::delete(standard_corrections::table.filter(standard_corrections::standard_id.eq(standard_id)))
        .execute(conn)?;
    for row in rows {
        insert(conn, &CorrectionRow { standard_id, ..row.clone() })?;
    }
    Ok(())
}
