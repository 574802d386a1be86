//! Queries on `standard_ics`: the ICS classification codes of each standard.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::standard_ics;

/// The ICS codes of one standard, sorted.
pub fn of_standard(conn: &mut DbConnection, standard_id: i64) -> QueryResult<Vec<String>> {
    standard_ics::table
        .filter(standard_ics::standard_id.eq(standard_id))
        .order(standard_ics::ics_code.asc())
        .select(standard_ics::ics_code)
        .load(conn)
}

/// Replaces the ICS codes of one standard.
pub fn replace_for_standard(conn: &mut DbConnection, standard_id: i64, codes: &[String]) -> QueryResult<()> {
    diesel::delete(standard_ics::table.filter(standard_ics::standard_id.eq(standard_id))).execute(conn)?;
    // MultiConnection has no batch insert; the lists are short.
    for code in codes {
        diesel::insert_into(standard_ics::table)
            .values((standard_ics::standard_id.eq(standard_id), standard_ics::ics_code.eq(code)))
            .execute(conn)?;
    }
    Ok(())
}
