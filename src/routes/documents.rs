//! Texts: `POST /api/v1/standards/{ref}/documents` (admin, multipart), and the reader and PDF of
//! a text: `GET .../documents/{id}/text`, `GET .../documents/{id}/pdf`.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, get, post, web};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::config::Settings;
use crate::domain::AccessLevel;
use crate::error::{AppError, ErrorEnvelope};
use crate::services::DbPool;
use crate::services::catalogue;
use crate::services::documents::{DocumentView, TextService, TextView, Upload};
use crate::services::with_connection;
use crate::texts::extraction::TextFormat;

/// Upload a text (admin): multipart field `file` (PDF, or UTF-8 Markdown/text), optional field
/// `access_level`. Re-uploading the same bytes answers 200 with the existing text.
#[utoipa::path(tag = "texts", params(("reference" = String, Path)), request_body(content_type = "multipart/form-data"),
    responses((status = 201, body = DocumentView), (status = 200, body = DocumentView, description = "Already uploaded"),
    (status = 413, body = ErrorEnvelope), (status = 415, body = ErrorEnvelope),
    (status = 422, description = "Unreadable, or over the PDF limits (`pdf_over_limits`)", body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[post("/api/v1/standards/{reference}/documents")]
pub async fn upload(
    pool: web::Data<DbPool>,
    texts: web::Data<TextService>,
    settings: web::Data<Settings>,
    caller: Caller,
    reference: web::Path<String>,
    mut form: Multipart,
) -> Result<HttpResponse, AppError> {
    crate::auth::authorize(&caller, crate::auth::Action::EditCatalogue)?;
    let mut upload = Upload { bytes: Vec::new(), filename: None, claimed: None, access_level: None };
    let mut seen_file = false;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| AppError::invalid(format!("invalid multipart body: {e}")))?;
        let name = field.name().unwrap_or_default().to_string();
        let limit = if name == "file" { settings.max_upload_bytes } else { 1024 };
        if name == "file" {
            seen_file = true;
            upload.filename =
                field.content_disposition().and_then(|d| d.get_filename()).map(|f| f.chars().take(200).collect());
            upload.claimed =
                TextFormat::claimed(upload.filename.as_deref(), field.content_type().map(|m| m.essence_str()));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| AppError::invalid(format!("invalid multipart body: {e}")))?;
            if bytes.len() + chunk.len() > limit {
                return Err(AppError::PayloadTooLarge { limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "file" => upload.bytes = bytes,
            "access_level" => {
                let text = String::from_utf8(bytes).map_err(|_| AppError::invalid("`access_level` is not text"))?;
                upload.access_level = Some(
                    text.parse::<AccessLevel>()
                        .map_err(|e| AppError::unprocessable("invalid_access_level", e.to_string()))?,
                );
            }
            _ => {}
        }
    }
    if !seen_file {
        return Err(AppError::invalid("send the text in a multipart field named `file`"));
    }
    let reference = reference.into_inner();
    let texts = texts.into_inner();
    let (view, created) = with_connection(&pool, move |conn| {
        let standard = catalogue::resolve(conn, &reference)?;
        texts.upload(conn, &caller, &standard, upload)
    })
    .await?;
    Ok(if created { HttpResponse::Created().json(view) } else { HttpResponse::Ok().json(view) })
}

/// One section or all.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReaderParams {
    /// Index of the one section wanted (from 0); all when absent.
    pub section: Option<usize>,
}

/// The text as sanitised HTML sections (entitled callers; non-public reads are recorded).
#[utoipa::path(tag = "texts", params(("reference" = String, Path), ("id" = i64, Path), ReaderParams),
    responses((status = 200, body = TextView), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 429, description = "The daily reading allowance is spent (`read_quota`, see Retry-After)", body = ErrorEnvelope)))]
#[get("/api/v1/standards/{reference}/documents/{id}/text")]
pub async fn read_text(
    pool: web::Data<DbPool>,
    texts: web::Data<TextService>,
    caller: Caller,
    path: web::Path<(String, i64)>,
    params: web::Query<ReaderParams>,
) -> Result<HttpResponse, AppError> {
    let (reference, id) = path.into_inner();
    let section = params.section;
    let texts = texts.into_inner();
    let view = with_connection(&pool, move |conn| {
        let standard = catalogue::resolve(conn, &reference)?;
        texts.read(conn, &caller, &standard, id, section)
    })
    .await?;
    let cache = if view.restricted { "private, no-store" } else { "public, max-age=300" };
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", cache)).json(view))
}

/// The PDF, stamped for the caller unless public (entitled callers; recorded; daily quota).
#[utoipa::path(tag = "texts", params(("reference" = String, Path), ("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 401, body = ErrorEnvelope),
    (status = 403, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope, description = "Daily quota (see Retry-After)")))]
#[get("/api/v1/standards/{reference}/documents/{id}/pdf")]
pub async fn download_pdf(
    pool: web::Data<DbPool>,
    texts: web::Data<TextService>,
    caller: Caller,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (reference, id) = path.into_inner();
    let texts = texts.into_inner();
    let (bytes, name) = with_connection(&pool, move |conn| {
        let standard = catalogue::resolve(conn, &reference)?;
        texts.pdf(conn, &caller, &standard, id)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes))
}
