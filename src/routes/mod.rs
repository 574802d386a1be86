//! HTTP routes: thin handlers that parse, call one service, and shape the answer.

pub mod atom;
pub mod auth;
pub mod checks;
pub mod conditional;
pub mod documents;
pub mod feed;
pub mod imports;
pub mod json_body;
pub mod mirror_links;
pub mod oai;
pub mod odata;
pub mod openapi;
pub mod operations;
pub mod params;
pub mod record_schema;
pub mod references;
pub mod relaton;
pub mod reports;
mod route_table;
pub mod search;
pub mod snapshot;
pub mod standards;
pub mod users;
pub mod watches;
pub mod webhooks;

use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::AppError;

/// Registers every route of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(auth::register)
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::me)
        .service(auth::change_password)
        .service(watches::list_watches)
        .service(watches::add_watch)
        .service(watches::remove_watch)
        .service(watches::notifications)
        .service(watches::mark_read)
        .service(watches::alert_settings)
        .service(watches::set_alert_email)
        .service(watches::make_feed)
        .service(watches::revoke_feed)
        .service(watches::private_feed)
        .service(webhooks::register_webhook)
        .service(webhooks::list_webhooks)
        .service(webhooks::remove_webhook)
        .service(users::list_users)
        .service(users::create_user)
        .service(users::get_user)
        .service(users::approve)
        .service(users::suspend)
        .service(users::renew)
        .service(users::change_role)
        .service(reports::usage_report)
        .service(imports::import_catalogue)
        .service(checks::check_dossier)
        .service(checks::check_dossier_file)
        .service(checks::kept_dossiers)
        .service(checks::recheck_dossier)
        .service(checks::forget_dossier)
        .service(search::search)
        .service(search::suggest)
        .service(documents::upload)
        .service(documents::read_text)
        .service(documents::download_pdf)
        .service(references::add_reference)
        .service(references::strike_reference)
        .service(standards::list_standards)
        .service(standards::get_standard)
        .service(standards::remove_standard)
        .service(feed::changes)
        .service(feed::checkpoint)
        .service(feed::key_set)
        .service(snapshot::manifest)
        .service(oai::native_schema)
        .service(atom::changes_feed)
        .service(record_schema::record_json_schema)
        .service(relaton::relaton_all)
        .service(odata::scope())
        .service(relaton::relaton_one)
        .service(oai::harvest_get)
        .service(oai::harvest_post)
        .service(snapshot::data_file)
        .service(snapshot::text)
        .service(mirror_links::issue_credential)
        .service(mirror_links::list_credentials)
        .service(mirror_links::revoke_credential)
        .service(mirror_links::mirror_accounts)
        .service(mirror_links::mirror_text)
        .service(mirror_links::relay_events)
        .service(mirror_links::forwarded_sign_in)
        .service(mirror_links::forwarded_refresh)
        .service(operations::healthz)
        .service(operations::readyz)
        .service(operations::metrics)
        .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/v1/openapi.json", openapi::ApiDoc::openapi()))
        .route("/api/docs", web::get().to(redirect_to_docs));
}

async fn redirect_to_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header(("Location", "/api/docs/")).finish()
}

/// Anything no route matched: 405 with `Allow` for a path some route answers with another
/// method, 404 otherwise.
pub async fn fallback(request: HttpRequest) -> Result<HttpResponse, AppError> {
    match route_table::allowed_methods(request.path()) {
        Some(allowed) => Err(AppError::MethodNotAllowed { allowed }),
        None => Err(AppError::RouteNotFound),
    }
}
