//! Operations: liveness, readiness and Prometheus metrics.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, ErrorEnvelope};
use crate::metrics::Metrics;
use crate::mirror::MirrorHealth;
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
    /// Where a mirror is in its upstream's feed (readiness of a mirror only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror: Option<MirrorHealth>,
}

/// The process is up.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok", standards: None, indexed: None, index_lag: None, mirror: None })
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
    let mirror = catalogue.mirror_health().await.map_err(|e| AppError::NotReady(e.to_string()))?;
    // A halted mirror still serves what it holds; it says why it stopped following.
    let status = if mirror.as_ref().is_some_and(|m| m.halted.is_some()) { "halted" } else { "ready" };
    Ok(HttpResponse::Ok().json(Health {
        status,
        standards: Some(count),
        indexed: Some(indexed),
        index_lag: Some((seq - applied).max(0)),
        mirror,
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
    if let Ok(Some(mirror)) = catalogue.mirror_health().await {
        metrics.set_mirror_gauges(&mirror);
    }
    let body = metrics.render().map_err(|e| AppError::NotReady(format!("metrics unavailable: {e}")))?;
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(body))
}
