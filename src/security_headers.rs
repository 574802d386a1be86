//! The security headers of every response: no framing (`frame-ancestors 'none'`), no script on
//! the pages (a content security policy without inline script), no sniffing of content types, no
//! referrer sent to other sites, and HSTS when the request came over HTTPS.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;

/// The pages: nothing but this site's own stylesheet and images, no script at all.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
     base-uri 'none'; frame-ancestors 'none'";
/// Swagger UI (`/api/docs`) runs its own scripts and styles, from this site only.
const DOCS_POLICY: &str = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

/// Middleware that adds the headers (a handler that set one keeps its own).
pub async fn add(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let policy = if request.path().starts_with("/api/docs") { DOCS_POLICY } else { PAGE_POLICY };
    let https = crate::pages::session::is_https(request.request());
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::CONTENT_SECURITY_POLICY, policy);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    Ok(response)
}
