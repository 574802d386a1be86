//! OAI-PMH 2.0 at `/oai` (GET with a query string, or POST with a form, as §3.1.1 allows), and the
//! native record's schema at `/oai/tieuchuan.xsd`. The protocol's errors are its own XML answers
//! with status 200, as the specification says, not the API's envelope.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpRequest, HttpResponse, get, post, web};

use crate::error::AppError;
use crate::oai::metadata::NATIVE_SCHEMA;
use crate::oai::xml::{Context, render};
use crate::oai::{Answer, request};
use crate::services::harvest::Harvest;

const XML: &str = "text/xml; charset=utf-8";

/// Harvest the catalogue with OAI-PMH 2.0: `verb` is `Identify`, `ListMetadataFormats`,
/// `ListSets`, `ListIdentifiers`, `ListRecords` or `GetRecord`; formats `oai_dc` and `tieuchuan`.
#[utoipa::path(tag = "connection", params(("verb" = String, Query)),
    responses((status = 200, content_type = "text/xml", description = "An OAI-PMH answer (errors included)")))]
#[get("/oai")]
pub async fn harvest_get(harvest: web::Data<Harvest>, request: HttpRequest) -> Result<HttpResponse, AppError> {
    answer(&harvest, request.query_string().as_bytes()).await
}

/// The arguments of an OAI-PMH request (§3.1.1 of the specification), as the form's fields.
#[derive(utoipa::ToSchema)]
#[allow(dead_code, non_snake_case)]
pub struct OaiArguments {
    /// `Identify`, `ListMetadataFormats`, `ListSets`, `ListIdentifiers`, `ListRecords` or `GetRecord`.
    verb: String,
    #[schema(required = false)]
    identifier: String,
    #[schema(required = false)]
    metadataPrefix: String,
    #[schema(required = false)]
    from: String,
    #[schema(required = false)]
    until: String,
    #[schema(required = false)]
    set: String,
    #[schema(required = false)]
    resumptionToken: String,
}

/// OAI-PMH with the arguments in an `application/x-www-form-urlencoded` body.
#[utoipa::path(tag = "connection", request_body(content = OaiArguments, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, content_type = "text/xml", description = "An OAI-PMH answer (errors included)")))]
#[post("/oai")]
pub async fn harvest_post(
    harvest: web::Data<Harvest>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = request.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !form.starts_with("application/x-www-form-urlencoded") {
        return Err(AppError::Unsupported { message: "OAI-PMH requests are application/x-www-form-urlencoded".into() });
    }
    answer(&harvest, &body).await
}

async fn answer(harvest: &Harvest, arguments: &[u8]) -> Result<HttpResponse, AppError> {
    let arguments: Vec<(String, String)> = url::form_urlencoded::parse(arguments).into_owned().collect();
    let answer = match request::parse(&arguments) {
        Ok(request) => harvest.answer(request).await?,
        Err(errors) => Answer::Errors(errors),
    };
    let identity = harvest.identity();
    let origin = identity.base_url.trim_end_matches("/oai");
    let context = Context {
        base_url: &identity.base_url,
        origin,
        repository_identifier: &identity.repository_identifier,
        arguments: &arguments,
    };
    let body = render(&answer, &context).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().content_type(XML).insert_header((CACHE_CONTROL, "no-cache")).body(body))
}

/// The schema of the native record (`metadataPrefix=tieuchuan`).
#[utoipa::path(tag = "connection", responses((status = 200, content_type = "application/xml")))]
#[get("/oai/tieuchuan.xsd")]
pub async fn native_schema() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(NATIVE_SCHEMA)
}
