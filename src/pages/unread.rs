//! The header's count of unread notifications: looked up once per page request of a signed-in
//! account, before the page is made, and read by the page's frame.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, http::Method, web};

use super::session::{self, ACCESS_COOKIE};
use crate::services::watchlists::Watchlists;

/// Unread notifications of the account a page is for.
#[derive(Debug, Clone, Copy)]
pub struct Unread(pub i64);

/// Paths that are not pages.
const NOT_PAGES: [&str; 9] =
    ["/api/", "/feeds/", "/static/", "/oai", "/odata", "/.well-known/", "/healthz", "/readyz", "/metrics"];

/// Counts the signed-in account's unread notifications for a page's header.
pub async fn count(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let page = request.method() == Method::GET && !NOT_PAGES.iter().any(|p| request.path().starts_with(p));
    if page
        && request.cookie(ACCESS_COOKIE).is_some()
        && let Some(watchlists) = request.app_data::<web::Data<Watchlists>>().cloned()
    {
        let (caller, _) = session::page_caller(request.request()).await;
        if let Ok(unread) = watchlists.unread(&caller).await {
            request.extensions_mut().insert(Unread(unread));
        }
    }
    next.call(request).await
}
