//! Structured logs with `tracing`: human-readable text or JSON lines, filtered by `RUST_LOG`, and
//! the span each request is logged in.

use std::io::IsTerminal;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use tracing::Span;
use tracing::field::Empty;
use tracing_actix_web::RootSpanBuilder;
use tracing_subscriber::EnvFilter;

use crate::client_address::client_address;

/// Installs the process-wide log subscriber; a second call is a no-op.
pub fn init(log_format: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = if log_format == "json" { builder.json().try_init() } else { builder.try_init() };
}

/// The span of each request: the client's address as `client_address` reads it (forwarded
/// headers only from trusted proxies), and every value a client sends (path, user agent, error
/// messages that echo its input) recorded escaped, so that no request can forge a log line.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let client = client_address(request.request()).map_or_else(|| "-".to_string(), |a| a.to_string());
        let user_agent =
            request.headers().get(header::USER_AGENT).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %request.match_pattern().unwrap_or_default(),
            http.target = ?request.uri().to_string(),
            http.user_agent = ?user_agent.unwrap_or_default(),
            http.client_ip = %client,
            http.status_code = Empty,
            exception.message = Empty,
            otel.status_code = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, actix_web::Error>) {
        let (status, error) = match outcome {
            Ok(response) => (response.status(), response.response().error().map(ToString::to_string)),
            Err(error) => (error.as_response_error().status_code(), Some(error.to_string())),
        };
        span.record("http.status_code", status.as_u16());
        if let Some(message) = error {
            span.record("exception.message", tracing::field::debug(message));
        }
        span.record("otel.status_code", if status.is_server_error() { "ERROR" } else { "OK" });
    }
}
