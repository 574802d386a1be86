//! Storing a text: its bytes in the blob store, its sections, the codes it cites, and its change-log
//! entry, in the caller's catalogue transaction (uploads and imports alike).

use chrono::Utc;

use crate::db::DbConnection;
use crate::db::documents::{self, NewDocument};
use crate::db::standards;
use crate::domain::AccessLevel;
use crate::feed::log::{self as feed_log, Change};
use crate::texts::blob_store::{BlobError, BlobStore};
use crate::texts::extraction::{Extracted, TextFormat};

/// A checked text ready to be stored.
pub struct NewText<'a> {
    pub bytes: &'a [u8],
    pub sha256: String,
    pub extracted: Extracted,
    pub filename: Option<String>,
    pub access_level: AccessLevel,
    pub uploaded_by: Option<i64>,
    /// Where the text came from, and what a reader should know of it.
    pub source: Option<String>,
    pub note: Option<String>,
}

/// Stores a text of a standard: its bytes in the blob store, its sections, a new version of the
/// standard and a change-log entry, inside the caller's transaction. Returns the text's id.
pub fn store_text(
    conn: &mut DbConnection,
    store: &dyn BlobStore,
    standard_id: i64,
    text: NewText<'_>,
) -> Result<i64, BlobError> {
    store.put(conn, &text.sha256, text.bytes)?;
    let now = Utc::now().naive_utc();
    let extracted_sections = text.extracted.sections;
    let sections: Vec<(String, String)> =
        extracted_sections.iter().map(|s| (s.heading.clone(), s.body.clone())).collect();
    let id = documents::insert(
        conn,
        &NewDocument {
            standard_id,
            sha256: text.sha256,
            format: text.extracted.format,
            size_bytes: i64::try_from(text.bytes.len()).unwrap_or(i64::MAX),
            pages: text.extracted.pages,
            needs_ocr: text.extracted.needs_ocr,
            language: "vi".into(),
            filename: text.filename,
            access_level: text.access_level,
            uploaded_by: text.uploaded_by,
            uploaded_at: now,
            source: text.source,
            note: text.note,
        },
        &sections,
    )?;
    crate::services::references::record_cited(conn, standard_id, &extracted_sections, now)?;
    crate::db::text_references::mark_text_read(conn, id)?;
    standards::touch(conn, standard_id, now)?;
    let summary = format!("text {id} ({}, {} sections)", text.extracted.format, sections.len());
    feed_log::upsert(conn, standard_id, Change { action: "text_added", changed_at: now }, summary)?;
    Ok(id)
}

/// What an upload sends.
#[derive(Debug, Clone)]
pub struct Upload {
    pub bytes: Vec<u8>,
    pub filename: Option<String>,
    pub claimed: Option<TextFormat>,
    pub access_level: Option<AccessLevel>,
}
