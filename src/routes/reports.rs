//! `GET /api/v1/reports/usage`: JSON or CSV.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::params::{ReportFormat, day, province_slug};
use crate::auth::Caller;
use crate::error::{AppError, ErrorEnvelope};
use crate::services::usage::{self, Grouping, Usage, UsageQuery, UsageReport};

/// The period, scope, grouping and format of a report.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageParams {
    /// First day (`2026-01-01`); default 30 days before `to`.
    #[param(value_type = Option<NaiveDate>)]
    pub from: Option<String>,
    /// Last day, included; default today (in Vietnam).
    #[param(value_type = Option<NaiveDate>)]
    pub to: Option<String>,
    /// A province slug (admins: any; provincial admins: their own).
    #[param(max_length = 64, pattern = "^[a-z0-9-]*$")]
    pub province: Option<String>,
    /// How rows are grouped (default `standard`).
    #[param(value_type = Option<Grouping>)]
    pub group_by: Option<String>,
    /// The answer's format (default `json`).
    #[param(value_type = Option<ReportFormat>)]
    pub format: Option<String>,
}

/// Who used what, scoped by role.
#[utoipa::path(tag = "reports", params(UsageParams), responses(
    (status = 200, description = "The report: JSON, or CSV with `format=csv`", content(
        (UsageReport = "application/json"),
        (String = "text/csv", example = json!("key,label,views,downloads,total\nqcvn-06-2022-bxd,QCVN 06:2022/BXD,12,3,15\n")))),
    (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[get("/api/v1/reports/usage")]
pub async fn usage_report(
    usage: web::Data<Usage>,
    caller: Caller,
    params: web::Query<UsageParams>,
) -> Result<HttpResponse, AppError> {
    let grouping: Grouping = params.group_by.as_deref().unwrap_or("standard").parse()?;
    let format = ReportFormat::parse(params.format.as_deref())?;
    let province = province_slug(params.province.as_deref())?;
    let query =
        UsageQuery::new(day(params.from.as_deref(), "from")?, day(params.to.as_deref(), "to")?, province, grouping)?;
    let report = usage.report(&caller, query).await?;
    if format == ReportFormat::Csv {
        let name = format!("attachment; filename=\"usage-{}-{}.csv\"", report.from, report.to);
        Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(("Content-Disposition", name))
            .body(usage::to_csv(&report)))
    } else {
        Ok(HttpResponse::Ok().json(report))
    }
}
