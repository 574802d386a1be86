//! `POST` and `DELETE /api/v1/standards/{ref}/references` (editors): correcting what a standard's
//! texts are recorded as citing.

use actix_web::{HttpResponse, delete, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::json_body::Body;
use crate::auth::Editor;
use crate::error::{AppError, ErrorEnvelope};
use crate::services::references::{CitedCode, ReferenceCorrection, References};

/// The cited code to strike out.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StruckCode {
    /// The code, in any spelling (`QCVN 06:2021/BXD`, `ISO 834-1`).
    pub code: String,
}

/// Records that the standard's texts cite a code that reading them missed (`origin: corrected`);
/// answers what the standard now cites.
#[utoipa::path(
    tag = "catalogue",
    params(("reference" = String, Path, description = "The citing standard: a slug or a code in any spelling")),
    request_body = ReferenceCorrection,
    responses(
        (status = 200, description = "What the standard cites now, each with where it stands today", body = [CitedCode]),
        (status = 400, description = "The code does not parse, or is the standard's own", body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "`read_only_mirror`", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/standards/{reference:.*}/references")]
pub async fn add_reference(
    references: web::Data<References>,
    Editor(caller): Editor,
    reference: web::Path<String>,
    body: Body<ReferenceCorrection>,
) -> Result<HttpResponse, AppError> {
    let cited = references.add(&caller, &reference, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(cited))
}

/// Strikes out a code that reading the texts found but that they do not cite; reading them again
/// will not bring it back. Answers what the standard now cites.
#[utoipa::path(
    tag = "catalogue",
    params(("reference" = String, Path, description = "The citing standard: a slug or a code in any spelling"), StruckCode),
    responses(
        (status = 200, description = "What the standard cites now", body = [CitedCode]),
        (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, description = "The texts are not recorded as citing the code", body = ErrorEnvelope),
        (status = 409, description = "`declared_reference`: the record's source declared it; `read_only_mirror`", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
#[delete("/api/v1/standards/{reference:.*}/references")]
pub async fn strike_reference(
    references: web::Data<References>,
    Editor(caller): Editor,
    reference: web::Path<String>,
    code: web::Query<StruckCode>,
) -> Result<HttpResponse, AppError> {
    let cited = references.strike(&caller, &reference, &code.code).await?;
    Ok(HttpResponse::Ok().json(cited))
}
