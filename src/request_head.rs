//! Limits on the request head, answered by the service in the API's envelope: an address longer
//! than `MAX_URI_BYTES` is 414, headers larger than `MAX_HEADER_BYTES` together are 431.
//!
//! Both limits sit well below actix-http's own, so every head a client can reasonably send is
//! answered here. Past actix-http's limits (an address over 64 KiB, which the `http` crate
//! cannot hold; a head over actix-http's read buffer; a request line that does not parse) the
//! connection is answered by actix-http's parser before any of the service's code runs: a bare
//! 400 or 431 with an empty body, then closed. That is a limit of actix-http, which has no hook
//! for those answers.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::error::AppError;

/// The longest address (path and query) read: a search at its longest, every filter set and
/// every character percent-encoded, is under 6 KiB.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// The largest the headers may be together (names and values): a session cookie and a bearer
/// token take about 2 KiB.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Middleware: refuses a head over the limits before anything else reads it.
pub async fn check(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let uri = request.uri();
    let uri_bytes = uri.path().len() + uri.query().map_or(0, |q| q.len() + 1);
    let header_bytes: usize = request.headers().iter().map(|(name, value)| name.as_str().len() + value.len()).sum();
    let refusal = if uri_bytes > MAX_URI_BYTES {
        Some(AppError::UriTooLong { limit: MAX_URI_BYTES })
    } else if header_bytes > MAX_HEADER_BYTES {
        Some(AppError::HeadersTooLarge { limit: MAX_HEADER_BYTES })
    } else {
        None
    };
    match refusal {
        Some(error) => Ok(request.error_response(error)),
        None => Ok(next.call(request).await?.map_into_boxed_body()),
    }
}
