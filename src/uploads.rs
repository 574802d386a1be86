//! The multipart forms the API and the pages accept, one extractor for each shape of input
//! (`MultipartForm`): a field sent twice is refused, a body cut off midway keeps nothing, and a
//! part larger than the limits is answered 413 before it is all held.

use actix_multipart::MultipartError;
use actix_multipart::form::bytes::Bytes;
use actix_multipart::form::text::Text;
use actix_multipart::form::{MultipartForm, MultipartFormConfig};
use actix_web::HttpRequest;
use actix_web::error::PayloadError;
use utoipa::ToSchema;

use crate::domain::AccessLevel;
use crate::error::{AppError, ErrorCode};
use crate::services::documents::Upload;
use crate::texts::extraction::TextFormat;

/// The largest catalogue file the import page takes.
pub const MAX_CATALOGUE_FILE_BYTES: usize = 64 * 1024 * 1024;
/// Room for the form's other fields and part headers.
const FORM_OVERHEAD_BYTES: usize = 64 * 1024;
/// Longest file name kept.
const MAX_FILE_NAME_CHARS: usize = 200;

/// A text of a standard: the multipart form of an upload.
// The API's upload and the edit page's (which adds `csrf`); the OpenAPI schema is derived from
// the form itself, so the document and the extractor cannot drift.
#[derive(MultipartForm, ToSchema)]
#[multipart(duplicate_field = "deny")]
#[schema(as = TextUpload)]
pub struct TextForm {
    /// The PDF, or UTF-8 Markdown or plain text (its type is read from the bytes, the part's
    /// `Content-Type` and the file name).
    #[schema(value_type = String, format = Binary)]
    pub file: Bytes,
    /// Who may read the text; the standard's level when absent.
    #[schema(value_type = Option<AccessLevel>)]
    pub access_level: Option<Text<String>>,
    /// The pages' CSRF token (not part of the API).
    #[schema(ignore)]
    pub csrf: Option<Text<String>>,
}

impl TextForm {
    /// The upload, with the file within `max_bytes` and the access level understood.
    pub fn into_upload(self, max_bytes: usize) -> Result<(Upload, Option<String>), AppError> {
        if self.file.data.len() > max_bytes {
            return Err(AppError::PayloadTooLarge { limit: max_bytes });
        }
        let access_level = match self.access_level.map(|t| t.into_inner()) {
            None => None,
            Some(text) if text.trim().is_empty() => None,
            Some(text) => Some(
                text.trim()
                    .parse::<AccessLevel>()
                    .map_err(|e| AppError::unprocessable(ErrorCode::InvalidAccessLevel, e.to_string()))?,
            ),
        };
        let filename = self.file.file_name.map(|name| name.chars().take(MAX_FILE_NAME_CHARS).collect::<String>());
        let claimed =
            TextFormat::claimed(filename.as_deref(), self.file.content_type.as_ref().map(|m| m.essence_str()));
        let upload = Upload { bytes: self.file.data.to_vec(), filename, claimed, access_level };
        Ok((upload, self.csrf.map(|t| t.into_inner())))
    }
}

/// A catalogue file on the import page.
#[derive(MultipartForm)]
#[multipart(duplicate_field = "deny")]
pub struct CatalogueFileForm {
    pub file: Bytes,
    pub csrf: Option<Text<String>>,
}

impl CatalogueFileForm {
    /// The file's bytes and name, and the CSRF token.
    pub fn into_parts(self) -> (Vec<u8>, String, String) {
        let name = self.file.file_name.unwrap_or_default();
        (self.file.data.to_vec(), name, self.csrf.map(|t| t.into_inner()).unwrap_or_default())
    }
}

/// A dossier to check: a file, or pasted text (the page sends either), and the date.
#[derive(MultipartForm, ToSchema)]
#[multipart(duplicate_field = "deny")]
#[schema(as = DossierUpload)]
pub struct DossierForm {
    /// A PDF, DOCX, XLSX or UTF-8 text file.
    #[schema(value_type = Option<String>, format = Binary)]
    pub file: Option<Bytes>,
    /// Pasted text, checked when no file is sent (the page's text area).
    #[schema(value_type = Option<String>)]
    pub text: Option<Text<String>>,
    /// The date the outcomes should hold on (`2026-01-31`); default today in Vietnam.
    #[schema(value_type = Option<String>, format = Date)]
    pub as_of: Option<Text<String>>,
    /// `true` keeps the text (a file's text, never its bytes) for the signed-in caller, to check
    /// again later.
    #[schema(value_type = Option<bool>)]
    pub keep: Option<Text<String>>,
    /// The kept dossier's name (default: the date).
    #[schema(value_type = Option<String>)]
    pub name: Option<Text<String>>,
    /// The pages' CSRF token (not part of the API).
    #[schema(ignore)]
    pub csrf: Option<Text<String>>,
    /// The page's choice of answer, `csv` for the report as CSV (the API takes `?format=`).
    #[schema(ignore)]
    pub format: Option<Text<String>>,
}

/// What a dossier form holds.
pub struct Dossier {
    /// A file's bytes and name, if one was sent with content.
    pub file: Option<(Vec<u8>, String)>,
    pub text: String,
    pub as_of: Option<String>,
    pub csrf: String,
    pub format: Option<String>,
    /// `Some(name)` when the sender asked to keep it.
    pub keep: Option<Option<String>>,
}

impl DossierForm {
    /// The form's parts; an empty file part (a page sent without choosing one) is no file.
    pub fn into_dossier(self) -> Dossier {
        let file = self.file.filter(|file| !file.data.is_empty()).map(|file| {
            let name = file.file_name.map(|n| n.chars().take(MAX_FILE_NAME_CHARS).collect()).unwrap_or_default();
            (file.data.to_vec(), name)
        });
        let text = |field: Option<Text<String>>| field.map(|t| t.into_inner());
        Dossier {
            file,
            text: text(self.text).unwrap_or_default(),
            as_of: text(self.as_of),
            csrf: text(self.csrf).unwrap_or_default(),
            format: text(self.format),
            keep: matches!(text(self.keep).as_deref().map(str::trim), Some("true" | "on" | "1"))
                .then(|| text(self.name).filter(|n| !n.trim().is_empty())),
        }
    }
}

/// The limits of every form: the larger of a text upload and a catalogue file, held in memory
/// (each form checks its own file's limit), with errors in the API's envelope.
pub fn config(max_upload_bytes: usize) -> MultipartFormConfig {
    let file_limit = max_upload_bytes.max(MAX_CATALOGUE_FILE_BYTES);
    let limit = file_limit + FORM_OVERHEAD_BYTES;
    MultipartFormConfig::default()
        .total_limit(limit)
        .memory_limit(limit)
        .error_handler(move |error, _: &HttpRequest| form_error(error, file_limit))
}

fn form_error(error: MultipartError, limit: usize) -> actix_web::Error {
    match error {
        MultipartError::Payload(PayloadError::Overflow) => AppError::PayloadTooLarge { limit }.into(),
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => {
            AppError::Unsupported { message: "send the form as multipart/form-data".into() }.into()
        }
        MultipartError::DuplicateField(name) => {
            AppError::invalid(format!("the field `{name}` was sent more than once; send it once")).into()
        }
        MultipartError::MissingField(name) => {
            AppError::invalid(format!("send the {name} in a multipart field named `{name}`")).into()
        }
        other => AppError::invalid(format!("invalid multipart body: {other}")).into(),
    }
}
