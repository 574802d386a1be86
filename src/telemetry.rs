//! Structured logs with `tracing`: human-readable text or JSON lines, filtered by `RUST_LOG`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the process-wide log subscriber; a second call is a no-op.
pub fn init(log_format: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = if log_format == "json" { builder.json().try_init() } else { builder.try_init() };
}
