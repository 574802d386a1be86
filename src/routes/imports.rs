//! `POST /api/v1/imports`: an admin imports a catalogue file (JSON Lines or CSV) through the
//! same path as `tieuchuan import`, with a dry run that reports before anything is written.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::error::{AppError, ErrorEnvelope};
use crate::services::catalogue::{Catalogue, ImportChoice};
use crate::services::import::{FileFormat, ImportReport};

/// How to import.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Report what would change and write nothing.
    pub dry_run: Option<bool>,
    /// Import the valid rows of a file that has invalid ones.
    pub skip_invalid: Option<bool>,
}

/// Import a catalogue file (admin). The body is the file: `text/csv`, or JSON Lines
/// (`application/x-ndjson`, `application/jsonl`). A file with an invalid row is rejected whole
/// (422, with the rows and reasons) unless `skip_invalid`.
#[utoipa::path(tag = "catalogue", params(ImportParams), request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportReport), (status = 403, body = ErrorEnvelope), (status = 415, body = ErrorEnvelope),
    (status = 422, body = ImportReport, description = "Rejected: invalid rows")), security(("bearer" = [])))]
#[post("/api/v1/imports")]
pub async fn import_catalogue(
    catalogue: web::Data<Catalogue>,
    caller: Caller,
    request: HttpRequest,
    params: web::Query<ImportParams>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let content_type = request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let format = match content_type.split(';').next().unwrap_or_default().trim() {
        "text/csv" => FileFormat::Csv,
        "application/x-ndjson" | "application/jsonl" | "application/json-lines" | "application/json" => {
            FileFormat::JsonLines
        }
        _ => {
            return Err(AppError::Unsupported {
                message: "send the file as text/csv or application/x-ndjson (JSON Lines)".into(),
            });
        }
    };
    let choice =
        ImportChoice { dry_run: params.dry_run.unwrap_or(false), skip_invalid: params.skip_invalid.unwrap_or(false) };
    let report = catalogue.import(&caller, body.to_vec(), format, choice).await?;
    let rejected = !report.invalid.is_empty() && !choice.skip_invalid;
    Ok(if rejected { HttpResponse::UnprocessableEntity() } else { HttpResponse::Ok() }.json(report))
}
