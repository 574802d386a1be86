//! `GET /api/v1/reports/usage`: JSON or CSV.

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::error::{AppError, ErrorEnvelope};
use crate::services::usage::{self, Grouping, Usage, UsageQuery, UsageReport};

/// The period, scope, grouping and format of a report.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageParams {
    /// First day (`2026-01-01`); default 30 days before `to`.
    pub from: Option<String>,
    /// Last day, included; default today.
    pub to: Option<String>,
    /// A province slug (admins: any; provincial admins: their own).
    pub province: Option<String>,
    /// `province`, `unit`, `standard`, `user` or `day` (default `standard`).
    pub group_by: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

fn day(value: Option<&str>, name: &str) -> Result<Option<NaiveDate>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::invalid(format!("`{name}` must be a date like 2026-01-31"))),
    }
}

/// Who used what, scoped by role.
#[utoipa::path(tag = "reports", params(UsageParams), responses(
    (status = 200, body = UsageReport, description = "JSON, or CSV with `format=csv`"),
    (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[get("/api/v1/reports/usage")]
pub async fn usage_report(
    usage: web::Data<Usage>,
    caller: Caller,
    params: web::Query<UsageParams>,
) -> Result<HttpResponse, AppError> {
    let grouping: Grouping = params.group_by.as_deref().unwrap_or("standard").parse()?;
    let csv = match params.format.as_deref().unwrap_or("json") {
        "json" => false,
        "csv" => true,
        _ => return Err(AppError::invalid("`format` is `json` or `csv`")),
    };
    let province = params.province.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
    let query =
        UsageQuery::new(day(params.from.as_deref(), "from")?, day(params.to.as_deref(), "to")?, province, grouping)?;
    let report = usage.report(&caller, query).await?;
    if csv {
        let name = format!("attachment; filename=\"usage-{}-{}.csv\"", report.from, report.to);
        Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(("Content-Disposition", name))
            .body(usage::to_csv(&report)))
    } else {
        Ok(HttpResponse::Ok().json(report))
    }
}
