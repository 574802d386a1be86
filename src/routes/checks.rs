//! `POST /api/v1/checks` (a text in JSON) and `POST /api/v1/checks/files` (a PDF, DOCX, XLSX or
//! text file): check what a dossier cites, as of a date; `/api/v1/me/checks`: the dossiers the
//! caller kept, checked again.

use actix_multipart::form::MultipartForm;
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::json_body::Body;
use super::params::{ReportFormat, day};
use crate::auth::Caller;
use crate::domain::time::vietnam_today;
use crate::error::{AppError, ErrorEnvelope};
use crate::services::checks::{CheckReport, Checks, DossierCheck, KeptDossier, csv::report_csv};
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
    /// Keep the text for the signed-in caller, to check again later (`/api/v1/me/checks`);
    /// nothing is kept otherwise.
    pub keep: Option<bool>,
    /// The kept dossier's name (default: the date).
    #[schema(max_length = 200)]
    pub name: Option<String>,
}

/// The answer's format.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckFormat {
    /// `json` (default) or `csv`, a line per cited code.
    #[param(value_type = Option<ReportFormat>)]
    pub format: Option<String>,
}

/// Every code the text cites, with what the catalogue says of it on the date. Nothing is kept
/// unless `keep` asks (the text, for the signed-in caller).
#[utoipa::path(tag = "catalogue", params(CheckFormat), request_body = CheckBody, responses(
    (status = 200, description = "The report: JSON, or CSV with `format=csv`", content(
        (CheckReport = "application/json"), (String = "text/csv"))),
    (status = 400, body = ErrorEnvelope)))]
#[post("/api/v1/checks")]
pub async fn check_dossier(
    checks: web::Data<Checks>,
    caller: Caller,
    format: web::Query<CheckFormat>,
    body: Body<CheckBody>,
) -> Result<HttpResponse, AppError> {
    let format = ReportFormat::parse(format.format.as_deref())?;
    let CheckBody { text, as_of, keep, name } = body.into_inner();
    let as_of = as_of_date(as_of.as_deref())?;
    let dossier = DossierCheck { file: None, text, as_of, keep: keep.unwrap_or(false).then_some(name) };
    shaped(checks.run(&caller, dossier).await?, format)
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
/// with what the catalogue says of it on the date. Nothing is kept unless `keep` asks (the file's
/// text, never its bytes).
#[utoipa::path(tag = "catalogue", params(CheckFormat), request_body(content = DossierForm, content_type = "multipart/form-data"), responses(
    (status = 200, description = "The report: JSON, or CSV with `format=csv`", content(
        (CheckReport = "application/json"), (String = "text/csv"))), (status = 400, body = ErrorEnvelope), (status = 413, body = ErrorEnvelope),
    (status = 415, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
#[post("/api/v1/checks/files")]
pub async fn check_dossier_file(
    checks: web::Data<Checks>,
    caller: Caller,
    format: web::Query<CheckFormat>,
    form: MultipartForm<DossierForm>,
) -> Result<HttpResponse, AppError> {
    let format = ReportFormat::parse(format.format.as_deref())?;
    let dossier = form.into_inner().into_dossier();
    let as_of = as_of_date(dossier.as_of.as_deref())?;
    let check = DossierCheck { file: dossier.file, text: dossier.text, as_of, keep: dossier.keep };
    shaped(checks.run(&caller, check).await?, format)
}

/// The date a check holds on: the one given, or today in Vietnam.
pub(crate) fn as_of_date(given: Option<&str>) -> Result<NaiveDate, AppError> {
    Ok(day(given, "as_of")?.unwrap_or_else(vietnam_today))
}

/// When to check a kept dossier again, and in which format.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecheckParams {
    /// The date the outcomes should hold on; default today in Vietnam.
    #[param(value_type = Option<NaiveDate>)]
    pub as_of: Option<String>,
    /// `json` (default) or `csv`.
    #[param(value_type = Option<ReportFormat>)]
    pub format: Option<String>,
}

/// The dossiers the caller kept, newest first.
#[utoipa::path(tag = "catalogue", responses((status = 200, body = [KeptDossier]),
    (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)), security(("bearer" = [])))]
#[get("/api/v1/me/checks")]
pub async fn kept_dossiers(checks: web::Data<Checks>, caller: Caller) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(checks.kept(&caller).await?))
}

/// A kept dossier checked again, as of today or `as_of`.
#[utoipa::path(tag = "catalogue", params(("id" = i64, Path, description = "The kept dossier"), RecheckParams),
    responses((status = 200, description = "The report: JSON, or CSV with `format=csv`", content(
        (CheckReport = "application/json"), (String = "text/csv"))), (status = 400, body = ErrorEnvelope),
    (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[get("/api/v1/me/checks/{id}")]
pub async fn recheck_dossier(
    checks: web::Data<Checks>,
    caller: Caller,
    id: web::Path<i64>,
    params: web::Query<RecheckParams>,
) -> Result<HttpResponse, AppError> {
    let format = ReportFormat::parse(params.format.as_deref())?;
    let as_of = as_of_date(params.as_of.as_deref())?;
    let (_, _, report) = checks.recheck(&caller, id.into_inner(), as_of).await?;
    shaped(report, format)
}

/// Forgets a kept dossier.
#[utoipa::path(tag = "catalogue", params(("id" = i64, Path, description = "The kept dossier")), responses(
    (status = 204, description = "Forgotten"), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope)), security(("bearer" = [])))]
#[delete("/api/v1/me/checks/{id}")]
pub async fn forget_dossier(
    checks: web::Data<Checks>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    checks.forget(&caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
