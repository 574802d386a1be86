//! Query parameters shared by listings and reports: pagination, the catalogue filters, dates and
//! the answer's format, validated into values the services accept (bad values are 400 with a message that says what to send).

use std::str::FromStr;

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::domain::code::canonical_issuer;
use crate::domain::{Kind, Status, UnknownTerm};
use crate::error::AppError;
use crate::services::catalogue::{ListingFilter, RemovalRequest};

/// Largest page size; larger requests are capped to it.
pub const MAX_PER_PAGE: u32 = 100;
const DEFAULT_PER_PAGE: u32 = 20;
/// Pages past this are refused: deep paging is a crawler's tool, and costly.
pub const MAX_PAGE: u32 = 10_000;

/// `page` and `per_page`, read as text so that a bad value gets a message naming it.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1 (default 1).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    pub page: Option<String>,
    /// Hits per page, 1 to 100 (default 20; larger values are capped at 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub per_page: Option<String>,
}

impl PageParams {
    /// The page and page size, validated.
    pub fn resolve(&self) -> Result<(u32, u32), AppError> {
        let page = whole_number(self.page.as_deref(), "page")?.unwrap_or(1);
        if !(1..=u64::from(MAX_PAGE)).contains(&page) {
            return Err(AppError::invalid(format!("`page` must be between 1 and {MAX_PAGE}")));
        }
        let per_page = whole_number(self.per_page.as_deref(), "per_page")?.unwrap_or(u64::from(DEFAULT_PER_PAGE));
        if per_page == 0 {
            return Err(AppError::invalid("`per_page` must be at least 1"));
        }
        let per_page = per_page.min(u64::from(MAX_PER_PAGE));
        Ok((page as u32, per_page as u32))
    }
}

fn whole_number(value: Option<&str>, name: &str) -> Result<Option<u64>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.len() <= 12 && v.chars().all(|c| c.is_ascii_digit()) => {
            v.parse().map(Some).map_err(|_| AppError::invalid(format!("`{name}` must be a whole number")))
        }
        Some(_) => Err(AppError::invalid(format!("`{name}` must be a whole number from 1"))),
    }
}

/// The filters of the catalogue listing.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogueFilterParams {
    /// The kind of document (also accepted without diacritics and in any case: `qcdp`).
    #[param(value_type = Option<Kind>)]
    pub kind: Option<String>,
    /// The legal status.
    #[param(value_type = Option<Status>)]
    pub status: Option<String>,
    /// Issuer suffix of regulations, e.g. `BXD`, `BLĐTBXH`.
    #[param(max_length = 64)]
    pub issuer: Option<String>,
    /// Subject area slug, e.g. `construction`, `fire_safety`.
    #[param(max_length = 64, pattern = "^[a-z0-9_]*$")]
    pub field: Option<String>,
}

impl CatalogueFilterParams {
    /// The filter, with every value checked.
    pub fn resolve(&self) -> Result<ListingFilter, AppError> {
        Ok(ListingFilter {
            kind: term::<Kind>(self.kind.as_deref(), "kind")?,
            status: term::<Status>(self.status.as_deref(), "status")?,
            issuer_code: slug_like(self.issuer.as_deref(), "issuer", |c| c.is_alphanumeric() || c == '&')?
                .map(|issuer| canonical_issuer(&issuer.to_uppercase())),
            field: slug_like(self.field.as_deref(), "field", |c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
            })?,
        })
    }
}

/// A value of a closed vocabulary, or 400 naming the parameter and the accepted values.
pub fn term<T: FromStr<Err = UnknownTerm>>(value: Option<&str>, name: &str) -> Result<Option<T>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|e: UnknownTerm| AppError::invalid(format!("`{name}`: {e}"))),
    }
}

/// A province slug (`ha-noi`), or 400: lowercase letters, digits and hyphens, at most 64.
pub fn province_slug(value: Option<&str>) -> Result<Option<String>, AppError> {
    slug_like(value, "province", |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn slug_like(value: Option<&str>, name: &str, allowed: fn(char) -> bool) -> Result<Option<String>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() <= 64 && v.chars().all(allowed) => Ok(Some(v.to_string())),
        Some(_) => Err(AppError::invalid(format!("`{name}` has characters it cannot contain"))),
    }
}

/// Why an admin removes a record (`DELETE /api/v1/standards/{reference}`).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemovalParams {
    /// Why the record should never have been published (kept, and shown at its old address); required.
    pub reason: Option<String>,
    /// The record its code was confused with, when there is one (a code or a slug).
    pub confused_with: Option<String>,
}

impl RemovalParams {
    /// The service's request.
    pub fn resolve(self) -> RemovalRequest {
        RemovalRequest { reason: self.reason, confused_with: self.confused_with }
    }
}

/// The format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ReportFormat {
    /// A JSON object (`UsageReport`, `CheckReport`).
    Json,
    /// `text/csv`, one line per row, with a header.
    Csv,
}

impl ReportFormat {
    /// The format a `format` parameter names (`json` when absent).
    pub(crate) fn parse(value: Option<&str>) -> Result<Self, AppError> {
        match value.map(str::trim).unwrap_or("json") {
            "json" | "" => Ok(ReportFormat::Json),
            "csv" => Ok(ReportFormat::Csv),
            _ => Err(AppError::invalid("`format` is `json` or `csv`")),
        }
    }
}

/// A `YYYY-MM-DD` date parameter, `None` when absent or blank.
pub fn day(value: Option<&str>, name: &str) -> Result<Option<NaiveDate>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::invalid(format!("`{name}` must be a date like 2026-01-31"))),
    }
}
