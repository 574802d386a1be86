//! `POST /api/v1/checks` (a text in JSON) and `POST /api/v1/checks/files` (a PDF, DOCX, XLSX or
//! text file): check what a dossier cites, as of a date.

use actix_multipart::form::MultipartForm;
use actix_web::{HttpResponse, post, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::json_body::Body;
use super::params::{ReportFormat, day};
use crate::domain::time::vietnam_today;
use crate::error::{AppError, ErrorEnvelope};
use crate::services::checks::{CheckReport, CheckRequest, Checks, csv::report_csv};
use crate::uploads::DossierForm;

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

/// The answer's format.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckFormat {
    /// `json` (default) or `csv`, a line per cited code.
    #[param(value_type = Option<ReportFormat>)]
    pub format: Option<String>,
}

/// Every code the text cites, with what the catalogue says of it on the date. Nothing is kept.
#[utoipa::path(tag = "catalogue", params(CheckFormat), request_body = CheckBody, responses(
    (status = 200, description = "The report: JSON, or CSV with `format=csv`", content(
        (CheckReport = "application/json"), (String = "text/csv"))),
    (status = 400, body = ErrorEnvelope)))]
#[post("/api/v1/checks")]
pub async fn check_dossier(
    checks: web::Data<Checks>,
    format: web::Query<CheckFormat>,
    body: Body<CheckBody>,
) -> Result<HttpResponse, AppError> {
    let format = ReportFormat::parse(format.format.as_deref())?;
    let CheckBody { text, as_of } = body.into_inner();
    let as_of = as_of_date(as_of.as_deref())?;
    shaped(checks.check(CheckRequest { text, as_of }).await?, format)
}

/// The report in the format asked for.
pub(crate) fn shaped(report: CheckReport, format: ReportFormat) -> Result<HttpResponse, AppError> {
    match format {
        ReportFormat::Json => Ok(HttpResponse::Ok().json(report)),
        ReportFormat::Csv => Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(("Content-Disposition", format!("attachment; filename=\"kiem-tra-{}.csv\"", report.as_of)))
            .body(report_csv(&report)?)),
    }
}

/// Every code a file cites (PDF, DOCX, XLSX or UTF-8 text), or pasted `text` when no file is sent,
/// with what the catalogue says of it on the date. Nothing is kept.
#[utoipa::path(tag = "catalogue", params(CheckFormat), request_body(content = DossierForm, content_type = "multipart/form-data"), responses(
    (status = 200, description = "The report: JSON, or CSV with `format=csv`", content(
        (CheckReport = "application/json"), (String = "text/csv"))), (status = 400, body = ErrorEnvelope), (status = 413, body = ErrorEnvelope),
    (status = 415, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
#[post("/api/v1/checks/files")]
pub async fn check_dossier_file(
    checks: web::Data<Checks>,
    format: web::Query<CheckFormat>,
    form: MultipartForm<DossierForm>,
) -> Result<HttpResponse, AppError> {
    let format = ReportFormat::parse(format.format.as_deref())?;
    let dossier = form.into_inner().into_dossier();
    let as_of = as_of_date(dossier.as_of.as_deref())?;
    let report = match dossier.file {
        Some((bytes, name)) => checks.check_file(bytes, name, as_of).await?,
        None => checks.check(CheckRequest { text: dossier.text, as_of }).await?,
    };
    shaped(report, format)
}

/// The date a check holds on: the one given, or today in Vietnam.
pub(crate) fn as_of_date(given: Option<&str>) -> Result<NaiveDate, AppError> {
    Ok(day(given, "as_of")?.unwrap_or_else(vietnam_today))
}
