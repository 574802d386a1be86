//! OData v4 (read-only) under `/odata`: the service document, `$metadata`, `Standards` with its
//! query options, `Standards/$count` and `Standards('{slug}')`. Every answer carries
//! `OData-Version: 4.0`; errors are OData's `{"error": {"code", "message"}}`.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde_json::{Value, json};

use crate::error::{AppError, ErrorEnvelope};
use crate::odata::metadata;
use crate::odata::options::{self, ODataQuery};
use crate::services::feed::Feed;
use crate::services::odata::ODataService;

const JSON: &str = "application/json;odata.metadata=minimal";

fn pairs(request: &HttpRequest) -> Vec<(String, String)> {
    url::form_urlencoded::parse(request.query_string().as_bytes()).into_owned().collect()
}

fn base(feed: &Feed) -> String {
    format!("{}/odata", feed.origin())
}

/// The scope, with the version header on every answer.
pub fn scope() -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    web::scope("/odata")
        .wrap(actix_web::middleware::DefaultHeaders::new().add(("OData-Version", "4.0")))
        .service(service_document)
        .service(metadata_document)
        .service(count_standards)
        .service(standard)
        .service(standards)
}

/// The service document: the entity sets.
#[utoipa::path(tag = "odata", path = "/odata/", responses((status = 200, content_type = "application/json")))]
#[get("/")]
pub async fn service_document(feed: web::Data<Feed>) -> HttpResponse {
    HttpResponse::Ok().content_type(JSON).json(metadata::service_document(&base(&feed)))
}

/// The entity data model (CSDL XML).
#[utoipa::path(tag = "odata", path = "/odata/$metadata", responses((status = 200, content_type = "application/xml")))]
#[get("/$metadata")]
pub async fn metadata_document() -> Result<HttpResponse, AppError> {
    let body = metadata::document().map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/xml")
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(body))
}

/// The standards, with `$filter`, `$select`, `$orderby`, `$top`, `$skip` and `$count`.
#[utoipa::path(tag = "odata", path = "/odata/Standards",
    params(("$filter" = Option<String>, Query, max_length = 2000), ("$select" = Option<String>, Query, max_length = 500),
        ("$orderby" = Option<String>, Query, max_length = 500), ("$top" = Option<i64>, Query, minimum = 0, maximum = 10000000),
        ("$skip" = Option<i64>, Query, minimum = 0, maximum = 10000000), ("$count" = Option<bool>, Query)),
    responses((status = 200, content_type = "application/json"), (status = 400, body = ErrorEnvelope),
        (status = 501, body = ErrorEnvelope, description = "Valid OData that this service does not implement")))]
#[get("/Standards")]
pub async fn standards(
    odata: web::Data<ODataService>,
    feed: web::Data<Feed>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let given = pairs(&request);
    let query: ODataQuery = options::parse(&given)?;
    let page = odata.query(query).await?;
    let base = base(&feed);
    let mut body = json!({ "@odata.context": format!("{base}/$metadata#Standards") });
    if let Some(total) = page.count {
        body["@odata.count"] = json!(total);
    }
    body["value"] = Value::Array(page.entities);
    if let Some((skip, top)) = page.next {
        let mut next = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in given.iter().filter(|(key, _)| key != "$skip" && key != "$top") {
            next.append_pair(key, value);
        }
        next.append_pair("$skip", &skip.to_string());
        if let Some(top) = top {
            next.append_pair("$top", &top.to_string());
        }
        body["@odata.nextLink"] = json!(format!("{base}/Standards?{}", next.finish()));
    }
    Ok(HttpResponse::Ok().content_type(JSON).json(body))
}

/// How many standards the `$filter` selects, as plain text.
#[utoipa::path(tag = "odata", path = "/odata/Standards/$count", params(("$filter" = Option<String>, Query, max_length = 2000)),
    responses((status = 200, content_type = "text/plain"), (status = 400, body = ErrorEnvelope), (status = 501, body = ErrorEnvelope)))]
#[get("/Standards/$count")]
pub async fn count_standards(odata: web::Data<ODataService>, request: HttpRequest) -> Result<HttpResponse, AppError> {
    let mut query = options::parse(&pairs(&request))?;
    query.count = true;
    query.top = Some(0);
    let page = odata.query(query).await?;
    Ok(HttpResponse::Ok().content_type("text/plain").body(page.count.unwrap_or_default().to_string()))
}

/// One standard by its key, the slug: `Standards('qcvn-06-2022-bxd')`.
#[utoipa::path(tag = "odata", path = "/odata/Standards('{key}')", params(("key" = String, Path)),
    responses((status = 200, content_type = "application/json"), (status = 404, body = ErrorEnvelope)))]
#[get("/Standards('{key}')")]
pub async fn standard(
    odata: web::Data<ODataService>,
    feed: web::Data<Feed>,
    key: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let mut entity = odata.entity(&key).await?;
    entity["@odata.context"] = json!(format!("{}/$metadata#Standards/$entity", base(&feed)));
    Ok(HttpResponse::Ok().content_type(JSON).json(entity))
}
