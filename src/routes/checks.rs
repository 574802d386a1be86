//! `POST /api/v1/checks`: check what a dossier's text cites, as of a date.

use actix_web::{HttpResponse, post, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::json_body::Body;
use crate::domain::time::vietnam_today;
use crate::error::{AppError, ErrorEnvelope};
use crate::services::checks::{CheckReport, CheckRequest, Checks};

/// A text to check (pasted from a design file, a test report, a list of cited codes).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CheckBody {
    /// The text; every code it cites is checked.
    #[schema(max_length = 2000000)]
    pub text: String,
    /// The date the outcomes should hold on (`2026-01-31`); default today in Vietnam.
    #[schema(value_type = Option<NaiveDate>)]
    pub as_of: Option<String>,
}

/// Every code the text cites, with what the catalogue says of it on the date. Nothing is kept.
#[utoipa::path(tag = "catalogue", request_body = CheckBody, responses(
    (status = 200, body = CheckReport), (status = 400, body = ErrorEnvelope)))]
#[post("/api/v1/checks")]
pub async fn check_dossier(checks: web::Data<Checks>, body: Body<CheckBody>) -> Result<HttpResponse, AppError> {
    let CheckBody { text, as_of } = body.into_inner();
    let as_of = match as_of.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => vietnam_today(),
        Some(day) => NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map_err(|_| AppError::invalid("`as_of` must be a date like 2026-01-31"))?,
    };
    let report = checks.check(CheckRequest { text, as_of }).await?;
    Ok(HttpResponse::Ok().json(report))
}
