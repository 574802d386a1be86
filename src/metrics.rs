//! Prometheus metrics: request counts and latencies by route, and gauges of the pool and the
//! catalogue. The registry belongs to the application state, not to a global.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder};

use crate::db::DbPool;

/// The metrics of one running service.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
    standards: IntGauge,
    change_log_seq: IntGauge,
    index_documents: IntGauge,
    index_seq: IntGauge,
    mirror: MirrorGauges,
}

/// A mirror's position in its upstream's feed.
#[derive(Clone)]
struct MirrorGauges {
    upstream_seq: IntGauge,
    seq: IntGauge,
    lag_seconds: IntGauge,
    halted: IntGauge,
}

impl Metrics {
    /// Registers every metric in a fresh registry.
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new_custom(Some("tieuchuan".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route pattern, method and status"),
            &["route", "method", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency by route pattern and method")
                .buckets(vec![0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]),
            &["route", "method"],
        )?;
        let pool_connections = IntGauge::new("db_pool_connections", "Open database connections")?;
        let pool_idle = IntGauge::new("db_pool_idle_connections", "Idle database connections")?;
        let standards = IntGauge::new("catalogue_standards", "Standards in the catalogue")?;
        let change_log_seq = IntGauge::new("change_log_sequence", "Latest change-log sequence number")?;
        let index_documents = IntGauge::new("search_index_documents", "Standards in this node's search index")?;
        let index_seq = IntGauge::new("search_index_sequence", "Change-log sequence the search index reflects")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool_connections.clone()))?;
        registry.register(Box::new(pool_idle.clone()))?;
        registry.register(Box::new(standards.clone()))?;
        registry.register(Box::new(change_log_seq.clone()))?;
        registry.register(Box::new(index_documents.clone()))?;
        registry.register(Box::new(index_seq.clone()))?;
        let mirror = MirrorGauges {
            upstream_seq: IntGauge::new(
                "mirror_upstream_sequence",
                "The upstream's feed head as this mirror last saw it",
            )?,
            seq: IntGauge::new("mirror_sequence", "The last upstream entry this mirror applied")?,
            lag_seconds: IntGauge::new(
                "mirror_lag_seconds",
                "Seconds since this mirror last held all the upstream published",
            )?,
            halted: IntGauge::new("mirror_halted", "1 when this mirror stopped applying (see /readyz)")?,
        };
        for gauge in [&mirror.upstream_seq, &mirror.seq, &mirror.lag_seconds, &mirror.halted] {
            registry.register(Box::new(gauge.clone()))?;
        }
        Ok(Metrics {
            registry,
            requests,
            latency,
            pool_connections,
            pool_idle,
            standards,
            change_log_seq,
            index_documents,
            index_seq,
            mirror,
        })
    }

    /// Records one finished request. Unmatched paths share one label so that scanners cannot
    /// grow the label set without bound.
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests.with_label_values(&[route, method, &status.to_string()]).inc();
        self.latency.with_label_values(&[route, method]).observe(seconds);
    }

    /// Updates the gauges from the pool and the catalogue figures.
    pub fn set_gauges(&self, pool: &DbPool, standards: i64, change_log_seq: i64) {
        let state = pool.state();
        self.pool_connections.set(i64::from(state.connections));
        self.pool_idle.set(i64::from(state.idle_connections));
        self.standards.set(standards);
        self.change_log_seq.set(change_log_seq);
    }

    /// Updates the search index gauges.
    pub fn set_index_gauges(&self, documents: u64, applied_seq: i64) {
        self.index_documents.set(i64::try_from(documents).unwrap_or(i64::MAX));
        self.index_seq.set(applied_seq);
    }

    /// Updates a mirror's gauges.
    pub fn set_mirror_gauges(&self, mirror: &crate::mirror::MirrorHealth) {
        self.mirror.upstream_seq.set(mirror.upstream_seq);
        self.mirror.seq.set(mirror.seq);
        self.mirror.lag_seconds.set(mirror.lag_seconds);
        self.mirror.halted.set(i64::from(mirror.halted.is_some()));
    }

    /// The text exposition format.
    pub fn render(&self) -> Result<String, prometheus::Error> {
        let mut buffer = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer)?;
        Ok(String::from_utf8_lossy(&buffer).into_owned())
    }
}

/// The method as a label: the methods HTTP defines, and `other` for anything a client made up
/// (a method name is any token, and each new one would be a new series).
fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// Middleware that times every request and counts it by matched route pattern.
pub async fn track(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = method_label(request.method());
    let metrics = request.app_data::<web::Data<Metrics>>().cloned();
    let response = next.call(request).await?;
    if let Some(metrics) = metrics {
        let route = response.request().match_pattern().unwrap_or_else(|| "unmatched".to_string());
        metrics.observe(&route, method, response.status().as_u16(), started.elapsed().as_secs_f64());
    }
    Ok(response)
}
