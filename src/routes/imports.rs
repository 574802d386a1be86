//! `POST /api/v1/imports`: an admin imports a catalogue file (JSON Lines or CSV) through the
//! same path as `tieuchuan import`, with a dry run that reports before anything is written.

use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Editor;
use crate::config::Settings;
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
#[utoipa::path(tag = "catalogue", params(ImportParams), request_body(description = "The catalogue file, streamed; up to the import limit (64 MiB by default)",
    content((String = "text/csv"), (String = "application/x-ndjson"))),
    responses((status = 200, body = ImportReport), (status = 403, body = ErrorEnvelope), (status = 415, body = ErrorEnvelope),
    (status = 422, body = ImportReport, description = "Rejected: invalid rows")), security(("bearer" = [])))]
#[post("/api/v1/imports")]
pub async fn import_catalogue(
    catalogue: web::Data<Catalogue>,
    Editor(caller): Editor,
    request: HttpRequest,
    settings: web::Data<Settings>,
    params: web::Query<ImportParams>,
    payload: web::Payload,
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
    let file = read_limited(&request, payload, settings.max_import_bytes).await?;
    let report = catalogue.import(&caller, file, format, choice).await?;
    let rejected = !report.invalid.is_empty() && !choice.skip_invalid;
    Ok(if rejected { HttpResponse::UnprocessableEntity() } else { HttpResponse::Ok() }.json(report))
}

/// Reads a body of at most `limit` bytes as it arrives (the import's own limit, not the API's
/// body limit): a declared length over it is refused before anything is read.
async fn read_limited(request: &HttpRequest, mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, AppError> {
    let declared = request.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(AppError::PayloadTooLarge { limit });
    }
    let mut file = Vec::with_capacity(declared.map_or(64 * 1024, |l| l as usize));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::invalid(format!("the body was not received whole: {e}")))?;
        if file.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge { limit });
        }
        file.extend_from_slice(&chunk);
    }
    Ok(file)
}
