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

pub mod code;
pub mod envelope;

pub use code::ErrorCode;

use crate::domain::StandardLink;

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
    /// The reference names an international document (`ISO 9001:2015`), which the catalogue does
    /// not hold; `adoptions` are the TCVN that adopt it.
    #[error("{code} is an international document, not a Vietnamese code; the TCVN that adopt it are in `suggestions`")]
    InternationalDocument { code: String, adoptions: Vec<StandardLink> },
    /// The record was removed as erroneous; `see` is the record its code was confused with.
    #[error("{code} was removed from the catalogue: {reason}")]
    StandardRemoved { code: String, reason: String, see: Option<Box<StandardLink>> },
    #[error("there is nothing at this address")]
    RouteNotFound,
    /// The path exists with other methods, listed in `Allow`.
    #[error("this address does not accept that method")]
    MethodNotAllowed { allowed: Vec<&'static str> },
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// A `Range` outside a file of `length` bytes.
    #[error("the range asked for lies outside the file's {length} bytes")]
    RangeNotSatisfiable { length: u64 },
    #[error("the address is longer than {limit} bytes")]
    UriTooLong { limit: usize },
    #[error("the request's headers are larger than {limit} bytes together")]
    HeadersTooLarge { limit: usize },
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
    /// Something of ours failed (the search index, password hashing); logged, never shown.
    #[error("internal error")]
    Internal(String),
    /// No valid credentials: not signed in, a bad or expired token, a wrong password.
    #[error("{message}")]
    Unauthenticated { code: ErrorCode, message: String },
    /// Signed in, but this account may not do this.
    #[error("{message}")]
    Forbidden { code: ErrorCode, message: String },
    /// Well-formed but invalid: a weak password, an unknown province.
    #[error("{message}")]
    Unprocessable { code: ErrorCode, message: String },
    /// The request conflicts with what exists: a username taken.
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    /// Something else that does not exist (an account).
    #[error("{message}")]
    NotFound { code: ErrorCode, message: String },
    /// Too many attempts; retry after the given seconds.
    #[error("{message}")]
    TooManyRequests { code: ErrorCode, message: String, retry_after: u64 },
    /// Valid for the protocol, but not something this service does (an OData option).
    #[error("{message}")]
    NotImplemented { message: String },
    /// The body's media type is not one this address reads.
    #[error("{message}")]
    Unsupported { message: String },
    /// Something this node needs from elsewhere (its upstream) is out of reach for now.
    #[error("{message}")]
    Unavailable { code: ErrorCode, message: String },
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
    pub code: ErrorCode,
    pub message: String,
    /// For `standard_not_found`: standards the caller may have meant; for `standard_removed`, the
    /// record the removed code was confused with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Vec<StandardLink>>,
}

impl AppError {
    /// The status and stable code of each failure: the one table of the service.
    pub fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            AppError::InvalidParameter(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidParameter),
            AppError::StandardNotFound { .. } => (StatusCode::NOT_FOUND, ErrorCode::StandardNotFound),
            AppError::StandardRemoved { .. } => (StatusCode::GONE, ErrorCode::StandardRemoved),
            AppError::InternationalDocument { .. } => (StatusCode::NOT_FOUND, ErrorCode::InternationalDocument),
            AppError::RouteNotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            AppError::MethodNotAllowed { .. } => (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed),
            AppError::PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge),
            AppError::RangeNotSatisfiable { .. } => (StatusCode::RANGE_NOT_SATISFIABLE, ErrorCode::RangeNotSatisfiable),
            AppError::UriTooLong { .. } => (StatusCode::URI_TOO_LONG, ErrorCode::UriTooLong),
            AppError::HeadersTooLarge { .. } => {
                (StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, ErrorCode::HeadersTooLarge)
            }
            AppError::DatabaseUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::DatabaseUnavailable),
            AppError::NotReady(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::NotReady),
            AppError::Overloaded => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Overloaded),
            AppError::Unauthenticated { code, .. } => (StatusCode::UNAUTHORIZED, *code),
            AppError::Forbidden { code, .. } => (StatusCode::FORBIDDEN, *code),
            AppError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, *code),
            AppError::Conflict { code, .. } => (StatusCode::CONFLICT, *code),
            AppError::NotFound { code, .. } => (StatusCode::NOT_FOUND, *code),
            AppError::TooManyRequests { code, .. } => (StatusCode::TOO_MANY_REQUESTS, *code),
            AppError::Unsupported { .. } => (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMediaType),
            AppError::NotImplemented { .. } => (StatusCode::NOT_IMPLEMENTED, ErrorCode::NotImplemented),
            AppError::Unavailable { code, .. } => (StatusCode::SERVICE_UNAVAILABLE, *code),
            AppError::Database(diesel::result::Error::NotFound) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            AppError::Database(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => (StatusCode::CONFLICT, ErrorCode::AlreadyExists),
            AppError::Database(_) | AppError::Blocking(_) | AppError::Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::InternalError)
            }
        }
    }

    /// 401 with a code and a message.
    pub fn unauthenticated(code: ErrorCode, message: impl Into<String>) -> AppError {
        AppError::Unauthenticated { code, message: message.into() }
    }

    /// 403 with a code and a message.
    pub fn forbidden(code: ErrorCode, message: impl Into<String>) -> AppError {
        AppError::Forbidden { code, message: message.into() }
    }

    /// 422 with a code and a message.
    pub fn unprocessable(code: ErrorCode, message: impl Into<String>) -> AppError {
        AppError::Unprocessable { code, message: message.into() }
    }

    /// 409 with a code and a message.
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> AppError {
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
        if status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED {
            tracing::error!(error = ?self, code = code.as_str(), "request failed");
        }
        let suggestions = match self {
            AppError::StandardNotFound { suggestions, .. } => Some(suggestions.clone()),
            AppError::InternationalDocument { adoptions, .. } => Some(adoptions.clone()),
            AppError::StandardRemoved { see, .. } => Some(see.iter().map(|link| link.as_ref().clone()).collect()),
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
            AppError::RangeNotSatisfiable { length } => {
                if let Ok(value) = HeaderValue::from_str(&format!("bytes */{length}")) {
                    response.insert_header((header::CONTENT_RANGE, value));
                }
            }
            AppError::MethodNotAllowed { allowed } => {
                if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
                    response.insert_header((header::ALLOW, value));
                }
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
