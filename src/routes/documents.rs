//! Texts: `POST /api/v1/standards/{ref}/documents` (admin, multipart), and the reader and PDF of
//! a text: `GET .../documents/{id}/text`, `GET .../documents/{id}/pdf`.

use actix_multipart::form::MultipartForm;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Caller, Editor};
use crate::error::{AppError, ErrorEnvelope};
use crate::services::documents::{DocumentView, SectionChoice, TextView, Texts};
use crate::uploads::TextForm;

/// Upload a text (admin): multipart field `file` (PDF, or UTF-8 Markdown/text), optional field
/// `access_level`. Re-uploading the same bytes answers 200 with the existing text.
#[utoipa::path(tag = "texts", params(("reference" = String, Path)), request_body(content = TextForm, content_type = "multipart/form-data"),
    responses((status = 201, body = DocumentView), (status = 200, body = DocumentView, description = "Already uploaded"),
    (status = 413, body = ErrorEnvelope), (status = 415, body = ErrorEnvelope),
    (status = 422, description = "Unreadable, or over the PDF limits (`pdf_over_limits`)", body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[post("/api/v1/standards/{reference}/documents")]
pub async fn upload(
    texts: web::Data<Texts>,
    Editor(caller): Editor,
    reference: web::Path<String>,
    form: MultipartForm<TextForm>,
) -> Result<HttpResponse, AppError> {
    let (upload, _) = form.into_inner().into_upload(texts.storage().max_upload_bytes)?;
    let (view, created, _) = texts.upload(&caller, &reference, upload).await?;
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
    texts: web::Data<Texts>,
    caller: Caller,
    path: web::Path<(String, i64)>,
    params: web::Query<ReaderParams>,
) -> Result<HttpResponse, AppError> {
    let (reference, id) = path.into_inner();
    let choice = params.section.map_or(SectionChoice::Whole, SectionChoice::At);
    let view = texts.read(&caller, &reference, id, choice).await?.text;
    let cache = if view.restricted { "private, no-store" } else { "public, max-age=300" };
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", cache)).json(view))
}

/// The PDF, stamped for the caller unless public (entitled callers; recorded; daily quota).
#[utoipa::path(tag = "texts", params(("reference" = String, Path), ("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 401, body = ErrorEnvelope),
    (status = 403, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope, description = "Daily quota (see Retry-After)")))]
#[get("/api/v1/standards/{reference}/documents/{id}/pdf")]
pub async fn download_pdf(
    texts: web::Data<Texts>,
    caller: Caller,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (reference, id) = path.into_inner();
    let (bytes, name) = texts.download(&caller, &reference, id).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes))
}
