//! `GET /api/v1/search` and `GET /api/v1/suggest`.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{CatalogueFilterParams, PageParams};
use crate::auth::Caller;
use crate::error::{AppError, ErrorEnvelope};
use crate::search::suggest::{MAX_SUGGESTIONS, Suggestion};
use crate::search::understanding::MAX_QUERY_CHARS;
use crate::search::{SearchFilters, SearchRequest, SearchResponse};
use crate::services::search::SearchService;

/// The query and the year range of a search.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look for: codes (`QCVN 06:2022/BXD`, `tcvn 5574`, `5574:2018`) and words, with or
    /// without diacritics. Empty lists everything under the filters.
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// Earliest year of issue.
    #[param(value_type = Option<i32>, minimum = 1900, maximum = 2100)]
    pub year_from: Option<String>,
    /// Latest year of issue (not before `year_from`).
    #[param(value_type = Option<i32>, minimum = 1900, maximum = 2100)]
    pub year_to: Option<String>,
}

/// Search the catalogue.
#[utoipa::path(
    tag = "search",
    params(SearchParams, CatalogueFilterParams, PageParams),
    responses(
        (status = 200, description = "Hits, facet counts, highlights", body = SearchResponse),
        (status = 400, description = "A parameter is invalid", body = ErrorEnvelope),
        (status = 503, description = "Too many searches at once (see Retry-After)", body = ErrorEnvelope),
    )
)]
#[get("/api/v1/search")]
pub async fn search(
    service: web::Data<SearchService>,
    caller: Caller,
    query: web::Query<SearchParams>,
    filters: web::Query<CatalogueFilterParams>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let request = search_request(&query, &filters, &paging)?;
    let response = service.search(&caller, request).await?;
    Ok(HttpResponse::Ok().json(response))
}

/// The search a query string asks for, every value checked: the API's search and the search
/// page read their parameters through this one function.
pub fn search_request(
    query: &SearchParams,
    filters: &CatalogueFilterParams,
    paging: &PageParams,
) -> Result<SearchRequest, AppError> {
    let q = bounded_query(query.q.as_deref())?;
    let listing = filters.resolve()?;
    let (page, per_page) = paging.resolve()?;
    let year_from = year(query.year_from.as_deref(), "year_from")?;
    let year_to = year(query.year_to.as_deref(), "year_to")?;
    if let (Some(from), Some(to)) = (year_from, year_to)
        && from > to
    {
        return Err(AppError::invalid("`year_from` is after `year_to`"));
    }
    let filters = SearchFilters {
        kind: listing.kind,
        status: listing.status,
        issuer: listing.issuer_code,
        field: listing.field,
        year_from,
        year_to,
    };
    Ok(SearchRequest { query: q, filters, page, per_page, ..SearchRequest::default() })
}

/// The prefix typed so far.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// What the user has typed so far.
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// How many suggestions (1 to 10, default 8).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10)]
    pub limit: Option<String>,
}

/// Completions for search-as-you-type.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuggestResponse {
    pub query: String,
    pub suggestions: Vec<Suggestion>,
}

/// Codes and titles that start like what was typed.
#[utoipa::path(
    tag = "search",
    params(SuggestParams),
    responses(
        (status = 200, description = "Completions, best first", body = SuggestResponse),
        (status = 400, description = "A parameter is invalid", body = ErrorEnvelope),
    )
)]
#[get("/api/v1/suggest")]
pub async fn suggest(
    service: web::Data<SearchService>,
    params: web::Query<SuggestParams>,
) -> Result<HttpResponse, AppError> {
    let q = bounded_query(params.q.as_deref())?;
    let limit =
        match params.limit.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            None => 8,
            Some(l) => l.parse::<usize>().ok().filter(|l| (1..=MAX_SUGGESTIONS).contains(l)).ok_or_else(|| {
                AppError::invalid(format!("`limit` must be a whole number from 1 to {MAX_SUGGESTIONS}"))
            })?,
        };
    let suggestions = if q.trim().is_empty() { Vec::new() } else { service.suggest(q.clone(), limit).await? };
    Ok(HttpResponse::Ok().json(SuggestResponse { query: q, suggestions }))
}

fn bounded_query(q: Option<&str>) -> Result<String, AppError> {
    let q = q.unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::invalid(format!("`q` is longer than {MAX_QUERY_CHARS} characters")));
    }
    Ok(q.chars().map(|c| if c.is_control() { ' ' } else { c }).collect())
}

fn year(value: Option<&str>, name: &str) -> Result<Option<i64>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|y| (1900..=2100).contains(y))
            .map(Some)
            .ok_or_else(|| AppError::invalid(format!("`{name}` must be a year from 1900 to 2100"))),
    }
}
