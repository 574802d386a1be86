//! HTTP routes: thin handlers that parse, call one service, and shape the answer.

pub mod openapi;
pub mod operations;
pub mod params;
pub mod search;
pub mod standards;

use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::AppError;

/// Registers every route of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(search::search)
        .service(search::suggest)
        .service(standards::list_standards)
        .service(standards::get_standard)
        .service(operations::healthz)
        .service(operations::readyz)
        .service(operations::metrics)
        .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/v1/openapi.json", openapi::ApiDoc::openapi()))
        .route("/api/docs", web::get().to(redirect_to_docs));
}

async fn redirect_to_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header(("Location", "/api/docs/")).finish()
}

/// Anything no route matched: 404, or 405 for a known path with the wrong method.
pub async fn fallback(request: HttpRequest) -> Result<HttpResponse, AppError> {
    let path = request.path();
    let known = ["/api/v1/standards", "/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"];
    if known.contains(&path) || path.starts_with("/api/v1/standards/") {
        Err(AppError::MethodNotAllowed)
    } else {
        Err(AppError::RouteNotFound)
    }
}
