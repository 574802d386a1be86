//! What the API shows of texts: a text as listed with its standard (with whether the caller may
//! read it), the reader's sections, and how extraction failures are answered.

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::DbConnection;
use crate::db::documents::{self, DocumentRow};
use crate::domain::{AccessLevel, TextFormat};
use crate::error::{AppError, ErrorCode};
use crate::texts::extraction::ExtractionError;

/// A text as listed with its standard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: i64,
    pub format: TextFormat,
    pub pages: Option<i32>,
    pub size_bytes: i64,
    pub sha256: String,
    /// A scan without a text layer: readable as a PDF, not searchable until OCR.
    pub needs_ocr: bool,
    pub access_level: AccessLevel,
    pub sections: usize,
    #[serde(serialize_with = "crate::domain::time::utc_instant")]
    #[schema(value_type = String, format = DateTime)]
    pub uploaded_at: NaiveDateTime,
    /// Whether the caller may read it.
    pub can_read: bool,
    /// Where the text came from.
    pub source: Option<String>,
    /// What a reader should know of it (tables kept only as markers, a source that breaks off).
    pub note: Option<String>,
}

/// One section of the reader.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SectionView {
    pub index: usize,
    pub heading: String,
    /// Sanitised HTML.
    pub html: String,
}

/// The reader's answer: all sections, or the one asked for, and the table of contents.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TextView {
    pub document_id: i64,
    /// Whether the text is not public (its pages must not be kept by caches).
    #[serde(skip)]
    pub restricted: bool,
    pub total_sections: usize,
    pub contents: Vec<String>,
    pub sections: Vec<SectionView>,
}

impl From<ExtractionError> for AppError {
    fn from(error: ExtractionError) -> Self {
        match error {
            ExtractionError::Empty => AppError::invalid(error.to_string()),
            ExtractionError::Unsupported | ExtractionError::NotWhatItClaims { .. } => {
                AppError::Unsupported { message: error.to_string() }
            }
            ExtractionError::Inflates(_) => AppError::unprocessable(ErrorCode::PdfOverLimits, error.to_string()),
            _ => AppError::unprocessable(ErrorCode::UnreadableFile, error.to_string()),
        }
    }
}

/// The texts of a standard, with what the caller may read.
pub fn list(conn: &mut DbConnection, caller: &Caller, standard_id: i64) -> Result<Vec<DocumentView>, AppError> {
    documents::of_standard(conn, standard_id)?.iter().map(|d| view(conn, caller, d)).collect()
}

pub(super) fn view(conn: &mut DbConnection, caller: &Caller, document: &DocumentRow) -> Result<DocumentView, AppError> {
    Ok(DocumentView {
        id: document.id,
        format: document.format,
        pages: document.pages,
        size_bytes: document.size_bytes,
        sha256: document.sha256.clone(),
        needs_ocr: document.needs_ocr,
        access_level: document.access_level,
        sections: usize::try_from(documents::section_count(conn, document.id)?).unwrap_or(0),
        uploaded_at: document.uploaded_at,
        can_read: policy::authorize(caller, Action::ReadText(document.access_level)).is_ok(),
        source: document.source.clone(),
        note: document.note.clone(),
    })
}
