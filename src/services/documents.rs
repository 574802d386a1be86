//! Texts of standards: upload (admin), the reader, and downloads, with entitlement decided by the
//! policy, every non-public read recorded, PDFs stamped for the reader, and a daily quota.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Duration, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::policy::{self, Action};
use crate::auth::{Account, Caller};
use crate::config::Settings;
use crate::db::change_log::{self, NewChangeEntry};
use crate::db::documents::{self, DocumentRow, NewDocument};
use crate::db::standards::StandardRow;
use crate::db::{DbConnection, provinces, write_transaction};
use crate::domain::{AccessAction, AccessLevel};
use crate::error::AppError;
use crate::services::allowances::{Allowance, DailyLimits};
use crate::services::import::TextSource;
use crate::services::usage;
use crate::texts::blob_store::{BlobError, BlobStore, DatabaseBlobStore, FileBlobStore, sha256_hex};
use crate::texts::extraction::{self, Extracted, ExtractionError, TextFormat};
use crate::texts::{reader, stamp};

/// Limits and storage of texts.
#[derive(Clone)]
pub struct TextService {
    pub store: Arc<dyn BlobStore>,
    pub max_upload_bytes: usize,
    pub max_pdf_pages: usize,
    pub limits: DailyLimits,
}

/// A text as listed with its standard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: i64,
    /// `pdf`, `markdown` or `text`.
    pub format: String,
    pub pages: Option<i32>,
    pub size_bytes: i64,
    pub sha256: String,
    /// A scan without a text layer: readable as a PDF, not searchable until OCR.
    pub needs_ocr: bool,
    pub access_level: String,
    pub sections: usize,
    pub uploaded_at: NaiveDateTime,
    /// Whether the caller may read it.
    pub can_read: bool,
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
            ExtractionError::Inflates(_) => AppError::unprocessable("pdf_over_limits", error.to_string()),
            _ => AppError::unprocessable("unreadable_file", error.to_string()),
        }
    }
}

impl TextService {
    /// The service the settings describe, with the blob store they name.
    pub fn from_settings(settings: &Settings) -> TextService {
        let store: Arc<dyn BlobStore> = match settings.blob_store.as_str() {
            "database" => Arc::new(DatabaseBlobStore),
            _ => Arc::new(FileBlobStore::new(settings.data_dir.join("blobs"))),
        };
        TextService {
            store,
            max_upload_bytes: settings.max_upload_bytes,
            max_pdf_pages: settings.max_pdf_pages,
            limits: DailyLimits { downloads: settings.daily_download_quota, reads: settings.daily_read_quota },
        }
    }

    /// Where an import reads and stores texts; `base_dir` is the catalogue file's directory
    /// (known only to the command line).
    pub fn import_source(&self, base_dir: Option<PathBuf>) -> TextSource {
        TextSource {
            store: self.store.clone(),
            base_dir,
            max_bytes: self.max_upload_bytes,
            max_pdf_pages: self.max_pdf_pages,
        }
    }

    /// Stores and extracts an uploaded text; re-uploading the same bytes changes nothing.
    /// Returns the text and whether it is new.
    pub fn upload(
        &self,
        conn: &mut DbConnection,
        caller: &Caller,
        standard: &StandardRow,
        upload: Upload,
    ) -> Result<(DocumentView, bool), AppError> {
        policy::authorize(caller, Action::EditCatalogue)?;
        let uploader = caller.require()?.id;
        let sha = sha256_hex(&upload.bytes);
        if let Some(existing) = documents::find_by_hash(conn, standard.id, &sha)? {
            return Ok((self.view(conn, caller, &existing)?, false));
        }
        let extracted = extraction::extract(&upload.bytes, upload.claimed, self.max_pdf_pages)?;
        let access_level =
            upload.access_level.map_or_else(|| standard.fields.access_level.clone(), |l| l.as_str().to_string());
        let new_text = NewText {
            bytes: &upload.bytes,
            sha256: sha,
            extracted,
            filename: upload.filename.clone(),
            access_level,
            uploaded_by: Some(uploader),
        };
        let document = write_transaction(conn, |conn| {
            let owner = (standard.id, standard.fields.code.as_str(), standard.version);
            let id = store_text(conn, self.store.as_ref(), owner, new_text)?;
            documents::find(conn, standard.id, id)?.ok_or(AppError::Database(diesel::result::Error::NotFound))
        })?;
        Ok((self.view(conn, caller, &document)?, true))
    }

    /// The texts of a standard, with what the caller may read.
    pub fn list(
        &self,
        conn: &mut DbConnection,
        caller: &Caller,
        standard_id: i64,
    ) -> Result<Vec<DocumentView>, AppError> {
        documents::of_standard(conn, standard_id)?.iter().map(|d| self.view(conn, caller, d)).collect()
    }

    fn view(&self, conn: &mut DbConnection, caller: &Caller, document: &DocumentRow) -> Result<DocumentView, AppError> {
        Ok(DocumentView {
            id: document.id,
            format: document.format.clone(),
            pages: document.pages,
            size_bytes: document.size_bytes,
            sha256: document.sha256.clone(),
            needs_ocr: document.needs_ocr,
            access_level: document.access_level.clone(),
            sections: usize::try_from(documents::section_count(conn, document.id)?).unwrap_or(0),
            uploaded_at: document.uploaded_at,
            can_read: policy::authorize(caller, Action::ReadText(level(document))).is_ok(),
        })
    }

    /// The reader: every section, or one. A non-public read is recorded.
    pub fn read(
        &self,
        conn: &mut DbConnection,
        caller: &Caller,
        standard: &StandardRow,
        document_id: i64,
        section: Option<usize>,
    ) -> Result<TextView, AppError> {
        let document = entitled(conn, caller, standard, document_id)?;
        let format = format_of(&document);
        let stored = documents::sections(conn, document.id)?;
        let total = stored.len();
        if section.is_some_and(|index| index >= total) {
            return Err(AppError::invalid(format!("`section` must be below {total}")));
        }
        if level(&document) != AccessLevel::Public {
            self.limits.take(conn, caller.require()?, Allowance::Read)?;
        }
        let sections = stored
            .iter()
            .enumerate()
            .filter(|(index, _)| section.is_none_or(|wanted| wanted == *index))
            .map(|(index, s)| SectionView {
                index,
                heading: s.heading.clone(),
                html: reader::section_html(format, &s.body),
            })
            .collect();
        record(conn, caller, standard, &document, AccessAction::View)?;
        Ok(TextView {
            document_id: document.id,
            restricted: level(&document) != AccessLevel::Public,
            total_sections: total,
            contents: stored.into_iter().map(|s| s.heading).collect(),
            sections,
        })
    }

    /// The PDF: the original for public texts, stamped for the reader otherwise (within the
    /// daily quota). Returns the bytes and a file name.
    pub fn pdf(
        &self,
        conn: &mut DbConnection,
        caller: &Caller,
        standard: &StandardRow,
        document_id: i64,
    ) -> Result<(Vec<u8>, String), AppError> {
        let document = entitled(conn, caller, standard, document_id)?;
        if format_of(&document) != TextFormat::Pdf {
            return Err(AppError::NotFound {
                code: "no_pdf",
                message: "this text is not a PDF; read it with `/text`".into(),
            });
        }
        let bytes = self
            .store
            .get(conn, &document.sha256)
            .map_err(|e| AppError::NotReady(e.to_string()))?
            .ok_or_else(|| AppError::NotReady("the file of this text is missing from the store".into()))?;
        let name = format!("{}.pdf", standard.fields.slug);
        if level(&document) == AccessLevel::Public {
            return Ok((bytes, name));
        }
        let account = caller.require()?;
        let grant = self.limits.take(conn, account, Allowance::Download)?;
        let stamped = stamp_line(conn, account).and_then(|line| {
            stamp::stamp(&bytes, &line).map_err(|e| AppError::unprocessable("unstampable_pdf", e.to_string()))
        });
        match stamped {
            Ok(stamped) => {
                record(conn, caller, standard, &document, AccessAction::Download)?;
                Ok((stamped, name))
            }
            Err(error) => {
                self.limits.give_back(conn, &grant)?;
                Err(error)
            }
        }
    }
}

/// A checked text ready to be stored.
pub struct NewText<'a> {
    pub bytes: &'a [u8],
    pub sha256: String,
    pub extracted: Extracted,
    pub filename: Option<String>,
    pub access_level: String,
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
    let format = text.extracted.format.as_str();
    let sections: Vec<(String, String)> = text.extracted.sections.into_iter().map(|s| (s.heading, s.body)).collect();
    let id = documents::insert(
        conn,
        &NewDocument {
            standard_id,
            sha256: text.sha256,
            format: format.to_string(),
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
            summary: format!("text {id} ({format}, {} sections)", sections.len()),
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

fn level(document: &DocumentRow) -> AccessLevel {
    document.access_level.parse().unwrap_or(AccessLevel::Inspectors)
}

fn format_of(document: &DocumentRow) -> TextFormat {
    match document.format.as_str() {
        "pdf" => TextFormat::Pdf,
        "markdown" => TextFormat::Markdown,
        _ => TextFormat::Text,
    }
}

fn entitled(
    conn: &mut DbConnection,
    caller: &Caller,
    standard: &StandardRow,
    document_id: i64,
) -> Result<DocumentRow, AppError> {
    let document = documents::find(conn, standard.id, document_id)?.ok_or_else(|| AppError::NotFound {
        code: "document_not_found",
        message: format!("no text {document_id} for {}", standard.fields.code),
    })?;
    policy::authorize(caller, Action::ReadText(level(&document)))?;
    Ok(document)
}

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    standard: &StandardRow,
    document: &DocumentRow,
    action: AccessAction,
) -> Result<(), AppError> {
    match caller.account() {
        Some(account) if level(document) != AccessLevel::Public => {
            usage::record_access(conn, account, standard.id, Some(document.id), action)
        }
        _ => Ok(()),
    }
}

/// "Cấp cho: full name – unit – province – date; chỉ sử dụng cho công vụ".
fn stamp_line(conn: &mut DbConnection, account: &Account) -> Result<String, AppError> {
    let province = match &account.province {
        Some(slug) => provinces::all(conn)?.into_iter().find(|p| &p.slug == slug).map_or(slug.clone(), |p| p.name),
        None => "Bộ Khoa học và Công nghệ".into(),
    };
    let date = (Utc::now() + Duration::hours(7)).format("%d/%m/%Y");
    let unit = account.unit.clone().unwrap_or_else(|| "—".into());
    Ok(format!("Cấp cho: {} – {unit} – {province} – {date}; chỉ sử dụng cho công vụ", account.full_name))
}
