//! The envelope everywhere: a middleware that rewrites the error answers actix and its extractors
//! make on their own (a missing multipart `Content-Type`, a payload error, a default 404 or 405,
//! each a plain-text or empty body) into `{"error": {"code", "message"}}`. Answers already in
//! JSON, and the pages' HTML, pass untouched.

use actix_web::body::{BoxBody, MessageBody, to_bytes_limited};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use actix_web::middleware::Next;

use super::{ErrorBody, ErrorCode, ErrorEnvelope};

/// The longest plain-text message carried over into the envelope.
const MAX_MESSAGE_BYTES: usize = 1_024;

/// Middleware: error answers that are not JSON or HTML become the envelope.
pub async fn ensure(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(request).await?.map_into_boxed_body();
    let status = response.status();
    let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let enveloped = content_type.starts_with("application/json") || content_type.starts_with("text/html");
    if !(status.is_client_error() || status.is_server_error()) || enveloped {
        return Ok(response);
    }
    let (request, response) = response.into_parts();
    let (mut response, body) = response.into_parts();
    let text = match to_bytes_limited(body, MAX_MESSAGE_BYTES).await {
        Ok(Ok(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => String::new(),
    };
    let code = code_of(status);
    let message = if text.trim().is_empty() || status.is_server_error() {
        status.canonical_reason().unwrap_or("error").to_lowercase()
    } else {
        crate::domain::text::escape_controls(text.trim())
    };
    let envelope = ErrorEnvelope { error: ErrorBody { code, message, suggestions: None } };
    let json = serde_json::to_vec(&envelope).unwrap_or_default();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.remove(CONTENT_LENGTH);
    Ok(ServiceResponse::new(request, response.set_body(BoxBody::new(json))))
}

/// The code of an error answer no handler wrote, by its status.
fn code_of(status: StatusCode) -> ErrorCode {
    match status {
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::RANGE_NOT_SATISFIABLE => ErrorCode::RangeNotSatisfiable,
        StatusCode::URI_TOO_LONG => ErrorCode::UriTooLong,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => ErrorCode::HeadersTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::UNAUTHORIZED => ErrorCode::NotSignedIn,
        StatusCode::FORBIDDEN => ErrorCode::Forbidden,
        StatusCode::TOO_MANY_REQUESTS => ErrorCode::Overloaded,
        StatusCode::SERVICE_UNAVAILABLE => ErrorCode::NotReady,
        status if status.is_server_error() => ErrorCode::InternalError,
        _ => ErrorCode::InvalidParameter,
    }
}
