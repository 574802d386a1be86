//! Storing a text: its bytes in the blob store, its sections, and its change-log entry, in the
//! caller's catalogue transaction (uploads and imports alike).

use chrono::Utc;

use crate::db::DbConnection;
use crate::db::change_log::{self, NewChangeEntry};
use crate::db::documents::{self, NewDocument};
use crate::domain::AccessLevel;
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
}

/// Stores a text of a standard (id, code, version): its bytes in the blob store, its sections,
/// and a change-log entry, inside the caller's transaction. Returns the text's id.
pub fn store_text(
    conn: &mut DbConnection,
    store: &dyn BlobStore,
    (standard_id, code, version): (i64, &str, i32),
    text: NewText<'_>,
) -> Result<i64, BlobError> {
    store.put(conn, &text.sha256, text.bytes)?;
    let now = Utc::now().naive_utc();
    let sections: Vec<(String, String)> = text.extracted.sections.into_iter().map(|s| (s.heading, s.body)).collect();
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
        },
        &sections,
    )?;
    change_log::append(
        conn,
        &NewChangeEntry {
            standard_id,
            code: code.to_string(),
            action: "text_added".into(),
            version,
            changed_at: now,
            summary: format!("text {id} ({}, {} sections)", text.extracted.format, sections.len()),
        },
    )?;
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
