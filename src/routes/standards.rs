//! `GET /api/v1/standards`, `GET /api/v1/standards/{ref}` and (admins) `DELETE /api/v1/standards/{ref}`.

use actix_web::{HttpResponse, delete, get, web};

use super::params::{CatalogueFilterParams, PageParams, RemovalParams};
use crate::auth::{Caller, Editor};
use crate::error::{AppError, ErrorEnvelope};
use crate::services::catalogue::{Catalogue, Removal, StandardDetail, StandardPage};

/// The catalogue, newest first, under the filters.
#[utoipa::path(
    tag = "catalogue",
    params(CatalogueFilterParams, PageParams),
    responses(
        (status = 200, description = "A page of standards", body = StandardPage),
        (status = 400, description = "A filter or paging value is invalid", body = ErrorEnvelope),
    )
)]
#[get("/api/v1/standards")]
pub async fn list_standards(
    catalogue: web::Data<Catalogue>,
    filters: web::Query<CatalogueFilterParams>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let filter = filters.resolve()?;
    let (page, per_page) = paging.resolve()?;
    let listing = catalogue.list(filter, page, per_page).await?;
    Ok(HttpResponse::Ok().json(listing))
}

/// One standard by slug or by any spelling of its code (URL-encoded).
#[utoipa::path(
    tag = "catalogue",
    params(("reference" = String, Path, description = "A slug (`qcvn-06-2022-bxd`) or a code in any spelling (`QCVN 06:2022/BXD`, `qcvn 06 2022 bxd`)")),
    responses(
        (status = 200, description = "The standard", body = StandardDetail),
        (status = 404, description = "No such standard; `error.suggestions` lists close ones", body = ErrorEnvelope),
        (status = 410, description = "`standard_removed`: removed as erroneous; `error.suggestions` holds the record it was confused with", body = ErrorEnvelope),
    )
)]
#[get("/api/v1/standards/{reference:.*}")]
pub async fn get_standard(
    catalogue: web::Data<Catalogue>,
    caller: Caller,
    reference: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let detail = catalogue.detail(&caller, &reference).await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Removes a record that should never have been published (admins): its tombstone is written to
/// the feed and kept forever. Withdrawn or replaced standards are given their status instead; a
/// standard whose texts were read is refused (409 `standard_in_use`).
#[utoipa::path(
    tag = "catalogue",
    params(("reference" = String, Path, description = "A slug or a code in any spelling"), RemovalParams),
    responses(
        (status = 200, description = "Removed; `seq` is the tombstone's place in the feed", body = Removal),
        (status = 400, description = "No `reason`, or `confused_with` names the record itself", body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, description = "`standard_in_use`: its texts have been read", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
#[delete("/api/v1/standards/{reference:.*}")]
pub async fn remove_standard(
    catalogue: web::Data<Catalogue>,
    Editor(caller): Editor,
    reference: web::Path<String>,
    params: web::Query<RemovalParams>,
) -> Result<HttpResponse, AppError> {
    let removal = catalogue.remove(&caller, &reference, params.into_inner().resolve()).await?;
    Ok(HttpResponse::Ok().json(removal))
}
