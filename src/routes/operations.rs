//! Operations: liveness, readiness and Prometheus metrics.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, ErrorEnvelope};
use crate::metrics::Metrics;
use crate::services::DbPool;
use crate::services::catalogue::Catalogue;
use crate::services::search::SearchService;

/// The answer of the health endpoints.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
    /// Standards in the catalogue (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standards: Option<i64>,
    /// Standards in the search index (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indexed: Option<u64>,
    /// Change-log entries the index has not applied yet (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_lag: Option<i64>,
}

/// The process is up.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok", standards: None, indexed: None, index_lag: None })
}

/// The database answers and the search index is open; the node can take traffic.
#[utoipa::path(tag = "operations", responses(
    (status = 200, body = Health),
    (status = 503, description = "The database is unreachable", body = ErrorEnvelope),
))]
#[get("/readyz")]
pub async fn readyz(
    catalogue: web::Data<Catalogue>,
    search: web::Data<SearchService>,
) -> Result<HttpResponse, AppError> {
    let (count, seq) = catalogue.figures().await.map_err(|e| AppError::NotReady(e.to_string()))?;
    let (indexed, applied) = search.index().stats().map_err(|e| AppError::NotReady(e.to_string()))?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ready",
        standards: Some(count),
        indexed: Some(indexed),
        index_lag: Some((seq - applied).max(0)),
    }))
}

/// Prometheus text exposition.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Prometheus metrics", content_type = "text/plain")))]
#[get("/metrics")]
pub async fn metrics(
    catalogue: web::Data<Catalogue>,
    pool: web::Data<DbPool>,
    metrics: web::Data<Metrics>,
    search: web::Data<SearchService>,
) -> Result<HttpResponse, AppError> {
    let figures = catalogue.figures().await;
    if let Ok((count, seq)) = figures {
        metrics.set_gauges(&pool, count, seq);
    }
    if let Ok((indexed, applied)) = search.index().stats() {
        metrics.set_index_gauges(indexed, applied);
    }
    let body = metrics.render().map_err(|e| AppError::NotReady(format!("metrics unavailable: {e}")))?;
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(body))
}
