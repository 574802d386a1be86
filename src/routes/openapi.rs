//! The OpenAPI document at `/api/v1/openapi.json` and Swagger UI at `/api/docs` (vendored assets).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{auth, documents, imports, operations, reports, search, standards, users};
use crate::error::{ErrorBody, ErrorEnvelope};
use crate::search::SearchResponse;
use crate::search::searcher::{Facets, Highlight, SearchHit};
use crate::search::suggest::Suggestion;
use crate::services::accounts::session::TokenPair;
use crate::services::accounts::validation::RegistrationBody;
use crate::services::accounts::{ExpiryChange, UserPage, UserView};
use crate::services::catalogue::{Provenance, Relations, StandardDetail, StandardLink, StandardPage, StandardSummary};
use crate::services::documents::{DocumentView, SectionView, TextView};
use crate::services::import::{ImportReport, RowError};
use crate::services::usage::{UsageReport, UsageRow};

/// The API description, assembled from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "tieuchuan",
        description = "The national library of Vietnamese standards and technical regulations (TCVN, QCVN, ĐLVN). \
                       Every error is `{\"error\": {\"code\", \"message\"}}`."
    ),
    paths(
        auth::register,
        auth::login,
        auth::refresh,
        auth::logout,
        auth::me,
        auth::change_password,
        users::list_users,
        users::create_user,
        users::get_user,
        users::approve,
        users::suspend,
        users::renew,
        users::change_role,
        reports::usage_report,
        imports::import_catalogue,
        documents::upload,
        documents::read_text,
        documents::download_pdf,
        search::search,
        search::suggest,
        standards::list_standards,
        standards::get_standard,
        operations::healthz,
        operations::readyz,
        operations::metrics,
    ),
    components(schemas(
        StandardPage, StandardSummary, StandardDetail, StandardLink, Relations, Provenance,
        ErrorEnvelope, ErrorBody, operations::Health, SearchResponse, SearchHit, Highlight, Facets,
        search::SuggestResponse, Suggestion, UserView, UserPage, TokenPair, RegistrationBody, ExpiryChange,
        auth::Credentials, auth::RefreshBody, auth::PasswordChange, users::RoleChange, UsageReport, UsageRow,
        ImportReport, RowError, DocumentView, TextView, SectionView,
    )),
    tags(
        (name = "accounts", description = "Registration, sign-in, tokens, accounts and their approval"),
        (name = "texts", description = "Full texts: upload, reader, stamped PDFs"),
        (name = "reports", description = "Usage reports: who read what"),
        (name = "search", description = "Full-text and code search, search-as-you-type"),
        (name = "catalogue", description = "Standards and regulations: metadata, status, relations"),
        (name = "operations", description = "Health and metrics"),
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Declares the `Authorization: Bearer <access_token>` scheme the protected paths use.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}
