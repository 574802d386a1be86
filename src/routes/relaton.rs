//! Relaton exports: `GET /api/v1/relaton/{ref}` (one standard) and `GET /api/v1/relaton` (the
//! whole catalogue, a list), as YAML (the default, relaton-bib's own) or JSON (`format=json`).

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::error::{AppError, ErrorEnvelope};
use crate::relaton::item;
use crate::services::catalogue::Catalogue;
use crate::services::feed::Feed;

/// YAML or JSON.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RelatonParams {
    /// `yaml` (default) or `json`.
    #[param(max_length = 4)]
    pub format: Option<String>,
}

fn shaped(value: &impl Serialize, format: Option<&str>) -> Result<HttpResponse, AppError> {
    let internal = |e: &dyn std::fmt::Display| AppError::Internal(e.to_string());
    let (media_type, body) = match format.map(str::trim).filter(|f| !f.is_empty()) {
        None | Some("yaml") => {
            ("application/yaml; charset=utf-8", serde_norway::to_string(value).map_err(|e| internal(&e))?)
        }
        Some("json") => ("application/json", serde_json::to_string(value).map_err(|e| internal(&e))?),
        Some(_) => return Err(AppError::invalid("`format` is yaml or json")),
    };
    Ok(HttpResponse::Ok().content_type(media_type).insert_header((CACHE_CONTROL, "public, max-age=300")).body(body))
}

/// Every standard as a list of Relaton bibliographic items.
#[utoipa::path(tag = "connection", params(RelatonParams),
    responses((status = 200, content_type = "application/yaml"), (status = 400, body = ErrorEnvelope)))]
#[get("/api/v1/relaton")]
pub async fn relaton_all(
    catalogue: web::Data<Catalogue>,
    feed: web::Data<Feed>,
    params: web::Query<RelatonParams>,
) -> Result<HttpResponse, AppError> {
    let records = catalogue.public_records().await?;
    let items: Vec<_> = records.iter().map(|record| item(record, feed.origin())).collect();
    shaped(&items, params.format.as_deref())
}

/// One standard as a Relaton bibliographic item.
#[utoipa::path(tag = "connection", params(("reference" = String, Path, description = "A slug or a code in any spelling"), RelatonParams),
    responses((status = 200, content_type = "application/yaml"), (status = 400, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
#[get("/api/v1/relaton/{reference:.*}")]
pub async fn relaton_one(
    catalogue: web::Data<Catalogue>,
    feed: web::Data<Feed>,
    reference: web::Path<String>,
    params: web::Query<RelatonParams>,
) -> Result<HttpResponse, AppError> {
    let record = catalogue.public_record(&reference).await?;
    shaped(&item(&record, feed.origin()), params.format.as_deref())
}
