//! Static assets served by the app itself (no CDN), cached with ETags.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, get};
use std::sync::LazyLock;

use crate::domain::digest::sha256_hex;

const APP_CSS: &str = include_str!("../../assets/static/app.css");
static APP_CSS_ETAG: LazyLock<String> = LazyLock::new(|| format!("\"{}\"", &sha256_hex(APP_CSS.as_bytes())[..16]));

/// The stylesheet; 304 when the client has it.
#[get("/static/app.css")]
pub async fn app_css(request: HttpRequest) -> HttpResponse {
    let etag = APP_CSS_ETAG.as_str();
    let fresh = request
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response.insert_header((ETAG, etag)).insert_header((CACHE_CONTROL, "public, max-age=3600, must-revalidate"));
    if fresh {
        response.finish()
    } else {
        response.insert_header((CONTENT_TYPE, "text/css; charset=utf-8")).body(APP_CSS)
    }
}
