//! Queries on `documents`, `document_sections` and `blobs`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{blobs, document_sections, documents};
use crate::domain::{AccessLevel, TextFormat};

/// A stored text of a standard.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = documents)]
pub struct DocumentRow {
    pub id: i64,
    pub standard_id: i64,
    pub sha256: String,
    pub format: TextFormat,
    pub size_bytes: i64,
    pub pages: Option<i32>,
    pub needs_ocr: bool,
    pub language: String,
    pub filename: Option<String>,
    pub access_level: AccessLevel,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: NaiveDateTime,
    /// Where the text came from (a publication, a repository's file at a commit).
    pub source: Option<String>,
    /// What a reader should know of it (tables kept only as markers, a source that breaks off).
    pub note: Option<String>,
}

/// A text to store.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = documents)]
pub struct NewDocument {
    pub standard_id: i64,
    pub sha256: String,
    pub format: TextFormat,
    pub size_bytes: i64,
    pub pages: Option<i32>,
    pub needs_ocr: bool,
    pub language: String,
    pub filename: Option<String>,
    pub access_level: AccessLevel,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: NaiveDateTime,
    /// Where the text came from (a publication, a repository's file at a commit).
    pub source: Option<String>,
    /// What a reader should know of it (tables kept only as markers, a source that breaks off).
    pub note: Option<String>,
}

/// One stored section.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = document_sections)]
pub struct SectionRow {
    pub id: i64,
    pub document_id: i64,
    pub position: i32,
    pub heading: String,
    pub body: String,
}

/// The text with this id, of whichever standard.
pub fn by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<DocumentRow>> {
    documents::table.find(id).select(DocumentRow::as_select()).first(conn).optional()
}

/// The texts of a standard, oldest first.
pub fn of_standard(conn: &mut DbConnection, standard_id: i64) -> QueryResult<Vec<DocumentRow>> {
    documents::table
        .filter(documents::standard_id.eq(standard_id))
        .order(documents::id.asc())
        .select(DocumentRow::as_select())
        .load(conn)
}

/// The text with this id of this standard.
pub fn find(conn: &mut DbConnection, standard_id: i64, id: i64) -> QueryResult<Option<DocumentRow>> {
    documents::table
        .filter(documents::standard_id.eq(standard_id))
        .filter(documents::id.eq(id))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()
}

/// The text of this standard with these bytes, if it was uploaded before.
pub fn find_by_hash(conn: &mut DbConnection, standard_id: i64, sha256: &str) -> QueryResult<Option<DocumentRow>> {
    documents::table
        .filter(documents::standard_id.eq(standard_id))
        .filter(documents::sha256.eq(sha256))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()
}

/// A public text with these bytes, of any standard (the connection standard fetches texts by
/// hash; bytes published once are public wherever else they are attached).
pub fn public_by_hash(conn: &mut DbConnection, sha256: &str) -> QueryResult<Option<DocumentRow>> {
    documents::table
        .filter(documents::sha256.eq(sha256))
        .filter(documents::access_level.eq(AccessLevel::Public))
        .order(documents::id.asc())
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()
}

/// Stores a text and its sections; returns the text's id.
pub fn insert(conn: &mut DbConnection, document: &NewDocument, sections: &[(String, String)]) -> QueryResult<i64> {
    diesel::insert_into(documents::table).values(document).execute(conn)?;
    let id: i64 = documents::table
        .filter(documents::standard_id.eq(document.standard_id))
        .filter(documents::sha256.eq(&document.sha256))
        .select(documents::id)
        .first(conn)?;
    for (position, (heading, body)) in sections.iter().enumerate() {
        diesel::insert_into(document_sections::table)
            .values((
                document_sections::document_id.eq(id),
                document_sections::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                document_sections::heading.eq(heading),
                document_sections::body.eq(body),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

/// The sections of a text, in order.
pub fn sections(conn: &mut DbConnection, document_id: i64) -> QueryResult<Vec<SectionRow>> {
    document_sections::table
        .filter(document_sections::document_id.eq(document_id))
        .order(document_sections::position.asc())
        .select(SectionRow::as_select())
        .load(conn)
}

/// The sections of every text of a standard, with their text's format and access level, in order.
pub fn sections_of_standard(
    conn: &mut DbConnection,
    standard_id: i64,
) -> QueryResult<Vec<(String, String, SectionRow)>> {
    document_sections::table
        .inner_join(documents::table)
        .filter(documents::standard_id.eq(standard_id))
        .order((documents::id.asc(), document_sections::position.asc()))
        .select((documents::format, documents::access_level, SectionRow::as_select()))
        .load(conn)
}

/// Whether blob bytes are stored under a hash.
pub fn has_blob(conn: &mut DbConnection, sha256: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(blobs::table.find(sha256))).get_result(conn)
}

/// The public texts, of the given standards only when some are named.
pub fn public_texts(conn: &mut DbConnection, standards: Option<&[i64]>) -> QueryResult<Vec<DocumentRow>> {
    let mut query = documents::table.filter(documents::access_level.eq(AccessLevel::Public)).into_boxed();
    if let Some(ids) = standards {
        query = query.filter(documents::standard_id.eq_any(ids.to_vec()));
    }
    query.order(documents::id.asc()).select(DocumentRow::as_select()).load(conn)
}

/// Replaces a text's sections and what extraction found of it (a mirror, once it has the bytes).
pub fn replace_sections(
    conn: &mut DbConnection,
    document_id: i64,
    sections: &[(String, String)],
    pages: Option<i32>,
    needs_ocr: bool,
) -> QueryResult<()> {
    diesel::delete(document_sections::table.filter(document_sections::document_id.eq(document_id))).execute(conn)?;
    for (position, (heading, body)) in sections.iter().enumerate() {
        diesel::insert_into(document_sections::table)
            .values((
                document_sections::document_id.eq(document_id),
                document_sections::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                document_sections::heading.eq(heading),
                document_sections::body.eq(body),
            ))
            .execute(conn)?;
    }
    diesel::update(documents::table.find(document_id))
        .set((documents::pages.eq(pages), documents::needs_ocr.eq(needs_ocr)))
        .execute(conn)?;
    Ok(())
}

/// Names the bytes of a text by their hash (a mirror, once it has fetched a restricted text).
pub fn set_sha256(conn: &mut DbConnection, id: i64, sha256: &str) -> QueryResult<()> {
    diesel::update(documents::table.find(id)).set(documents::sha256.eq(sha256)).execute(conn).map(|_| ())
}

/// Stores blob bytes unless they are stored already.
pub fn put_blob(conn: &mut DbConnection, sha256: &str, bytes: &[u8], now: NaiveDateTime) -> QueryResult<()> {
    let exists: bool = diesel::select(diesel::dsl::exists(blobs::table.find(sha256))).get_result(conn)?;
    if !exists {
        diesel::insert_into(blobs::table)
            .values((
                blobs::sha256.eq(sha256),
                blobs::bytes.eq(bytes),
                blobs::size_bytes.eq(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
                blobs::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The bytes of a blob.
pub fn get_blob(conn: &mut DbConnection, sha256: &str) -> QueryResult<Option<Vec<u8>>> {
    blobs::table.find(sha256).select(blobs::bytes).first(conn).optional()
}

/// How many sections a text has.
pub fn section_count(conn: &mut DbConnection, document_id: i64) -> QueryResult<i64> {
    document_sections::table.filter(document_sections::document_id.eq(document_id)).count().get_result(conn)
}
