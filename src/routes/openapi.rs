//! The OpenAPI document at `/api/v1/openapi.json` and Swagger UI at `/api/docs` (vendored assets).

use utoipa::OpenApi;

use super::{operations, search, standards};
use crate::error::{ErrorBody, ErrorEnvelope};
use crate::search::SearchResponse;
use crate::search::searcher::{Facets, Highlight, SearchHit};
use crate::search::suggest::Suggestion;
use crate::services::catalogue::{
    DocumentSummary, Provenance, Relations, StandardDetail, StandardLink, StandardPage, StandardSummary,
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
        search::search,
        search::suggest,
        standards::list_standards,
        standards::get_standard,
        operations::healthz,
        operations::readyz,
        operations::metrics,
    ),
    components(schemas(
        StandardPage, StandardSummary, StandardDetail, StandardLink, Relations, DocumentSummary, Provenance,
        ErrorEnvelope, ErrorBody, operations::Health, SearchResponse, SearchHit, Highlight, Facets,
        search::SuggestResponse, Suggestion,
    )),
    tags(
        (name = "search", description = "Full-text and code search, search-as-you-type"),
        (name = "catalogue", description = "Standards and regulations: metadata, status, relations"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;
