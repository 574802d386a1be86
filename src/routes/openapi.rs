//! The OpenAPI document at `/api/v1/openapi.json` and Swagger UI at `/api/docs` (vendored assets).

use utoipa::OpenApi;

use super::{operations, standards};
use crate::error::{ErrorBody, ErrorEnvelope};
use crate::services::catalogue::{
    DocumentSummary, Provenance, Relations, StandardDetail, StandardLink, StandardPage,
    StandardSummary,
};

/// The API description, assembled from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "tieuchuan",
        description = "The national library of Vietnamese standards and technical regulations (TCVN, QCVN, ĐLVN). \
                       Every error is `{\"error\": {\"code\", \"message\"}}`."
    ),
    paths(
        standards::list_standards,
        standards::get_standard,
        operations::healthz,
        operations::readyz,
        operations::metrics,
    ),
    components(schemas(
        StandardPage, StandardSummary, StandardDetail, StandardLink, Relations, DocumentSummary, Provenance,
        ErrorEnvelope, ErrorBody, operations::Health,
    )),
    tags(
        (name = "catalogue", description = "Standards and regulations: metadata, status, relations"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;
