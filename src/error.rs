//! The one error type of the service, and its single mapping to an HTTP status and a stable
//! snake_case code inside the envelope `{"error": {"code", "message"}}` (API.md).
//!
//! Repository functions return diesel's `QueryResult`; services and handlers return
//! `Result<_, AppError>`. Nothing else builds an error response.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::services::catalogue::StandardLink;

/// Seconds a client should wait before retrying a 503.
const RETRY_AFTER_SECONDS: u32 = 5;

/// Every failure a request can meet.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A query parameter, path segment or body field is malformed or out of range.
    #[error("{0}")]
    InvalidParameter(String),
    /// No standard answers to the reference; `suggestions` lists close ones.
    #[error("no standard matches `{reference}`")]
    StandardNotFound { reference: String, suggestions: Vec<StandardLink> },
    #[error("there is nothing at this address")]
    RouteNotFound,
    #[error("this address does not accept that method")]
    MethodNotAllowed,
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// The database cannot be reached or has no free connection.
    #[error("the database is unavailable, try again shortly")]
    DatabaseUnavailable(#[from] diesel::r2d2::PoolError),
    /// A query failed for a reason that is ours, not the client's.
    #[error("internal error")]
    Database(#[from] diesel::result::Error),
    /// The blocking worker pool failed to run a task.
    #[error("internal error")]
    Blocking(#[from] actix_web::error::BlockingError),
    #[error("the service is not ready: {0}")]
    NotReady(String),
    /// Every search slot is busy; the client should retry shortly.
    #[error("too many searches at once; retry in a moment")]
    Overloaded,
    /// The search index failed for a reason that is ours.
    #[error("internal error")]
    Search(#[from] crate::search::SearchError),
    /// No valid credentials: not signed in, a bad or expired token, a wrong password.
    #[error("{message}")]
    Unauthenticated { code: &'static str, message: String },
    /// Signed in, but this account may not do this.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// Well-formed but invalid: a weak password, an unknown province.
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    /// The request conflicts with what exists: a username taken.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Something else that does not exist (an account).
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    /// Too many attempts; retry after the given seconds.
    #[error("{message}")]
    TooManyRequests { code: &'static str, message: String, retry_after: u64 },
    /// The body's media type is not one this address reads.
    #[error("{message}")]
    Unsupported { message: String },
    /// Password hashing failed (never a wrong password).
    #[error("internal error")]
    Hashing(#[from] crate::auth::password::HashingError),
}

impl From<crate::services::import::ImportError> for AppError {
    fn from(error: crate::services::import::ImportError) -> Self {
        match error {
            crate::services::import::ImportError::Database(e) => AppError::Database(e),
            error @ crate::services::import::ImportError::Text { .. } => {
                AppError::unprocessable("unreadable_text", error.to_string())
            }
            crate::services::import::ImportError::Store(e) => e.into(),
        }
    }
}

impl From<crate::texts::blob_store::BlobError> for AppError {
    fn from(error: crate::texts::blob_store::BlobError) -> Self {
        match error {
            crate::texts::blob_store::BlobError::Database(e) => AppError::Database(e),
            error @ crate::texts::blob_store::BlobError::Io(_) => AppError::NotReady(error.to_string()),
        }
    }
}

impl From<crate::services::import::ImportFileError> for AppError {
    fn from(error: crate::services::import::ImportFileError) -> Self {
        match error {
            crate::services::import::ImportFileError::Unreadable(reason) => AppError::invalid(reason),
            crate::services::import::ImportFileError::Import(e) => e.into(),
        }
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// What went wrong, for programs (`code`) and for people (`message`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code, e.g. `invalid_parameter`, `standard_not_found`.
    pub code: &'static str,
    pub message: String,
    /// For `standard_not_found`: standards the caller may have meant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Vec<StandardLink>>,
}

impl AppError {
    /// The status and stable code of each failure: the one table of the service.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::InvalidParameter(_) => (StatusCode::BAD_REQUEST, "invalid_parameter"),
            AppError::StandardNotFound { .. } => (StatusCode::NOT_FOUND, "standard_not_found"),
            AppError::RouteNotFound => (StatusCode::NOT_FOUND, "not_found"),
            AppError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            AppError::PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            AppError::DatabaseUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable"),
            AppError::NotReady(_) => (StatusCode::SERVICE_UNAVAILABLE, "not_ready"),
            AppError::Overloaded => (StatusCode::SERVICE_UNAVAILABLE, "overloaded"),
            AppError::Unauthenticated { code, .. } => (StatusCode::UNAUTHORIZED, code),
            AppError::Forbidden { code, .. } => (StatusCode::FORBIDDEN, code),
            AppError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code),
            AppError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            AppError::NotFound { code, .. } => (StatusCode::NOT_FOUND, code),
            AppError::TooManyRequests { code, .. } => (StatusCode::TOO_MANY_REQUESTS, code),
            AppError::Unsupported { .. } => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            AppError::Database(_) | AppError::Blocking(_) | AppError::Search(_) | AppError::Hashing(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal_error")
            }
        }
    }

    /// 401 with a code and a message.
    pub fn unauthenticated(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Unauthenticated { code, message: message.into() }
    }

    /// 403 with a code and a message.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Forbidden { code, message: message.into() }
    }

    /// 422 with a code and a message.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Unprocessable { code, message: message.into() }
    }

    /// 409 with a code and a message.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Conflict { code, message: message.into() }
    }

    /// Shorthand for a bad parameter with a message that says what to send instead.
    pub fn invalid(message: impl Into<String>) -> AppError {
        AppError::InvalidParameter(message.into())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status_and_code().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, code) = self.status_and_code();
        if status.is_server_error() {
            tracing::error!(error = ?self, code, "request failed");
        }
        let suggestions = match self {
            AppError::StandardNotFound { suggestions, .. } => Some(suggestions.clone()),
            _ => None,
        };
        let mut response = HttpResponse::build(status);
        match self {
            AppError::Overloaded => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from(1)));
            }
            AppError::TooManyRequests { retry_after, .. } => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from(*retry_after)));
            }
            _ if status == StatusCode::SERVICE_UNAVAILABLE => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS)));
            }
            AppError::Unauthenticated { .. } => {
                response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            _ => {}
        }
        let message = crate::domain::text::escape_controls(&self.to_string());
        response.json(ErrorEnvelope { error: ErrorBody { code, message, suggestions } })
    }
}

/// Maps the errors of actix's extractors (query strings, paths, JSON bodies) into the envelope.
pub mod extractors {
    use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
    use actix_web::{Error, HttpRequest};

    use super::AppError;

    pub fn query_error(error: QueryPayloadError, _: &HttpRequest) -> Error {
        let detail = match &error {
            QueryPayloadError::Deserialize(inner) => inner.to_string(),
            other => other.to_string(),
        };
        AppError::invalid(format!("invalid query parameter: {detail}")).into()
    }

    pub fn path_error(error: PathError, _: &HttpRequest) -> Error {
        AppError::invalid(format!("invalid path: {error}")).into()
    }

    pub fn json_error(error: JsonPayloadError, _: &HttpRequest) -> Error {
        match error {
            JsonPayloadError::Overflow { limit } | JsonPayloadError::OverflowKnownLength { limit, .. } => {
                AppError::PayloadTooLarge { limit }.into()
            }
            other => AppError::invalid(format!("invalid JSON body: {other}")).into(),
        }
    }
}
