//! Queries on `text_references`: the codes a standard's texts cite, as read from the texts and as
//! editors corrected them. Rows an editor rejected are kept but never shown.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{documents, standards, text_references};
use crate::domain::ReferenceOrigin;

/// A code a standard's text cites, shown (extracted or corrected).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = text_references)]
pub struct TextReferenceRow {
    pub target_code: String,
    pub target_key: String,
    pub section: Option<String>,
    pub origin: ReferenceOrigin,
}

/// A code to record as cited.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = text_references)]
pub struct NewTextReference {
    pub standard_id: i64,
    pub target_code: String,
    pub target_key: String,
    pub section: Option<String>,
    pub origin: ReferenceOrigin,
    pub changed_by: Option<i64>,
    pub changed_at: NaiveDateTime,
}

/// The codes one standard's texts cite (rejected ones left out), by code.
pub fn of_standard(conn: &mut DbConnection, standard_id: i64) -> QueryResult<Vec<TextReferenceRow>> {
    text_references::table
        .filter(text_references::standard_id.eq(standard_id))
        .filter(text_references::origin.ne(ReferenceOrigin::Rejected))
        .order(text_references::target_code.asc())
        .select(TextReferenceRow::as_select())
        .load(conn)
}

/// The standards whose texts cite this key (rejected citations left out): code and key of each.
pub fn citing(conn: &mut DbConnection, key: &str) -> QueryResult<Vec<(String, String)>> {
    text_references::table
        .inner_join(standards::table)
        .filter(text_references::target_key.eq(key))
        .filter(text_references::origin.ne(ReferenceOrigin::Rejected))
        .order(standards::code.asc())
        .select((standards::code, standards::code_key))
        .load(conn)
}

/// The row of one cited key on a standard, whatever its origin.
pub fn find(conn: &mut DbConnection, standard_id: i64, key: &str) -> QueryResult<Option<(i64, ReferenceOrigin)>> {
    text_references::table
        .filter(text_references::standard_id.eq(standard_id))
        .filter(text_references::target_key.eq(key))
        .select((text_references::id, text_references::origin))
        .first(conn)
        .optional()
}

/// Records the codes a text was read to cite, leaving alone the keys the standard already has a
/// row for (read from another text, corrected or rejected by an editor). Returns how many were new.
pub fn add_extracted(conn: &mut DbConnection, rows: &[NewTextReference]) -> QueryResult<usize> {
    let mut added = 0;
    for row in rows {
        if find(conn, row.standard_id, &row.target_key)?.is_none() {
            diesel::insert_into(text_references::table).values(row).execute(conn)?;
            added += 1;
        }
    }
    Ok(added)
}

/// Writes an editor's decision on one cited key: a corrected reference, or a rejection.
pub fn put(conn: &mut DbConnection, row: &NewTextReference) -> QueryResult<()> {
    match find(conn, row.standard_id, &row.target_key)? {
        Some((id, _)) => diesel::update(text_references::table.find(id))
            .set((
                text_references::target_code.eq(&row.target_code),
                text_references::section.eq(&row.section),
                text_references::origin.eq(row.origin),
                text_references::changed_by.eq(row.changed_by),
                text_references::changed_at.eq(row.changed_at),
            ))
            .execute(conn)?,
        None => diesel::insert_into(text_references::table).values(row).execute(conn)?,
    };
    Ok(())
}

/// Replaces every row of a standard with the given ones (a mirror holding the upstream's record).
pub fn replace_for_standard(conn: &mut DbConnection, standard_id: i64, rows: &[NewTextReference]) -> QueryResult<()> {
    diesel::delete(text_references::table.filter(text_references::standard_id.eq(standard_id))).execute(conn)?;
    for row in rows {
        diesel::insert_into(text_references::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// Standards with a text whose citations have not been read yet (texts attached before texts
/// were read for them), by id, at most `limit`.
pub fn standards_with_unread_texts(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<i64>> {
    documents::table
        .filter(documents::references_read.eq(false))
        .select(documents::standard_id)
        .distinct()
        .order(documents::standard_id.asc())
        .limit(limit)
        .load(conn)
}

/// Marks every text of a standard as read for its citations.
pub fn mark_standard_read(conn: &mut DbConnection, standard_id: i64) -> QueryResult<()> {
    diesel::update(documents::table.filter(documents::standard_id.eq(standard_id)))
        .set(documents::references_read.eq(true))
        .execute(conn)?;
    Ok(())
}

/// Marks one text as read for its citations.
pub fn mark_text_read(conn: &mut DbConnection, document_id: i64) -> QueryResult<()> {
    diesel::update(documents::table.find(document_id)).set(documents::references_read.eq(true)).execute(conn)?;
    Ok(())
}
