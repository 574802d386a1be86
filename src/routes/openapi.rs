//! The OpenAPI document at `/api/v1/openapi.json` and Swagger UI at `/api/docs` (vendored assets).

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::{
    atom, auth, checks, documents, feed, imports, mirror_links, oai, odata, operations, record_schema, references,
    relaton, reports, search, snapshot, standards, users, watches, webhooks,
};
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
        watches::list_watches,
        watches::add_watch,
        watches::remove_watch,
        watches::notifications,
        watches::mark_read,
        watches::alert_settings,
        watches::set_alert_email,
        watches::make_feed,
        watches::revoke_feed,
        watches::private_feed,
        webhooks::register_webhook,
        webhooks::list_webhooks,
        webhooks::remove_webhook,
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
        standards::remove_standard,
        references::add_reference,
        references::strike_reference,
        checks::check_dossier,
        checks::check_dossier_file,
        checks::kept_dossiers,
        checks::recheck_dossier,
        checks::forget_dossier,
        feed::changes,
        feed::checkpoint,
        feed::key_set,
        snapshot::manifest,
        oai::harvest_get,
        atom::changes_feed,
        record_schema::record_json_schema,
        relaton::relaton_all,
        odata::service_document,
        odata::metadata_document,
        odata::standards,
        odata::count_standards,
        odata::standard,
        relaton::relaton_one,
        oai::harvest_post,
        oai::native_schema,
        snapshot::data_file,
        snapshot::text,
        mirror_links::issue_credential,
        mirror_links::list_credentials,
        mirror_links::revoke_credential,
        mirror_links::mirror_accounts,
        mirror_links::mirror_text,
        mirror_links::relay_events,
        mirror_links::forwarded_sign_in,
        mirror_links::forwarded_refresh,
        operations::healthz,
        operations::readyz,
        operations::metrics,
    ),
    components(schemas(
        StandardPage, StandardSummary, StandardDetail, StandardLink, Relations, Provenance,
        crate::services::checks::KeptDossier, crate::services::references::CitedCode, crate::services::references::ReferenceCorrection,
        crate::services::watchlists::WatchRequest, crate::services::watchlists::WatchView,
        crate::services::watchlists::NotificationPage, crate::services::watchlists::NotificationView,
        crate::services::watchlists::AlertSettings, watches::ReadMark, watches::Marked, watches::EmailChoice,
        watches::PrivateFeed, crate::services::webhooks::WebhookRequest, crate::services::webhooks::WebhookView,
        crate::services::webhooks::DeliveryView,
        ErrorEnvelope, ErrorBody, operations::Health, SearchResponse, SearchHit, Highlight, Facets,
        search::SuggestResponse, Suggestion, UserView, UserPage, TokenPair, RegistrationBody, ExpiryChange,
        auth::Credentials, auth::RefreshBody, auth::PasswordChange, users::RoleChange, UsageReport, UsageRow,
        ImportReport, RowError, DocumentView, TextView, SectionView, super::params::ReportFormat,
        crate::services::feed::ChangesPage, crate::services::feed::FeedEntry, crate::services::feed::SignedCheckpoint,
        crate::services::feed::Checkpoint, crate::feed::record::PublicRecord, crate::feed::signing::KeySet,
        crate::services::snapshots::SignedManifest, crate::services::catalogue::Removal, crate::services::snapshots::SnapshotManifest,
        crate::services::snapshots::SnapshotFile, crate::services::snapshots::SnapshotText,
        crate::services::mirror_links::CredentialRequest, crate::services::mirror_links::CredentialView,
        crate::services::mirror_links::IssuedCredential, crate::mirror::wire::ReplicaAccounts,
        crate::mirror::wire::ReplicaAccount, crate::mirror::wire::RelayBatch, crate::mirror::wire::RelayedEvent,
        crate::mirror::wire::RelayOutcome, crate::mirror::wire::RejectedEvent, crate::mirror::wire::ForwardedSignIn,
        crate::mirror::wire::ForwardedRefresh, checks::CheckBody, crate::uploads::DossierForm, crate::services::checks::CheckReport,
        crate::services::checks::CheckedCode, crate::services::checks::DatedLink, crate::services::checks::Outcome,
    )),
    tags(
        (name = "accounts", description = "Registration, sign-in, tokens, accounts and their approval"),
        (name = "texts", description = "Full texts: upload, reader, stamped PDFs"),
        (name = "reports", description = "Usage reports: who read what"),
        (name = "search", description = "Full-text and code search, search-as-you-type"),
        (name = "watchlists", description = "What an account watches, its notifications, and how its alerts come"),
        (name = "webhooks", description = "Webhooks for portals: each catalogue change POSTed, signed, retried"),
        (name = "catalogue", description = "Standards and regulations: metadata, status, relations"),
        (name = "odata", description = "OData v4, read-only: the entity set Standards"),
        (name = "connection", description = "The connection standard (chuẩn kết nối): the change feed, checkpoints, keys"),
        (name = "mirrors", description = "Provincial mirrors: their credentials, and what they ask the national library with them"),
        (name = "operations", description = "Health and metrics"),
    ),
    modifiers(&BearerAuth, &CommonAnswers)
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
        components.add_security_scheme(
            "mirror",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("tcm_")
                    .description(Some("A provincial mirror's credential, issued by an admin"))
                    .build(),
            ),
        );
    }
}

/// The answers every operation of a kind can give, whatever its handler: the service's own rules,
/// written once here rather than on each handler.
/// - Every operation: 414 and 431 (the request head's limits, `request_head`).
/// - Every operation but `/healthz`: 503 (the database or a gate is busy, `Retry-After`).
/// - With parameters or a body: 400 (`invalid_parameter`).
/// - Under `/api/v1/` but the sign-in operations (which read no token): 401, since any
///   `Authorization` header is checked (an invalid or revoked token is refused even on a read);
///   reads without a security requirement get an optional one (anonymous, or a bearer token).
/// - With path parameters: 404.
/// - With a body: 413 and 415.
/// - Changes of an account (`/api/v1/users/{id}/...`): 404, 409 (own account, last admin), 422.
struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for operation in
                [&mut item.get, &mut item.post, &mut item.put, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                add_common_answers(path, operation);
            }
        }
    }
}

fn add_common_answers(path: &str, operation: &mut Operation) {
    let has_body = operation.request_body.is_some();
    let has_parameters = operation.parameters.as_ref().is_some_and(|p| !p.is_empty()) || has_body;
    let mut answers: Vec<(&str, &str)> =
        vec![("414", "The address is longer than 8 KiB"), ("431", "The headers are larger than 32 KiB together")];
    if path != "/healthz" {
        answers.push(("503", "Busy or unavailable; retry after `Retry-After`"));
    }
    if has_parameters {
        answers.push(("400", "A parameter or the body is malformed"));
    }
    if path.starts_with("/api/v1/") && !path.starts_with("/api/v1/auth/") {
        answers.push(("401", "The `Authorization` header is invalid, expired or revoked"));
        if operation.security.is_none() {
            operation.security =
                Some(vec![SecurityRequirement::default(), SecurityRequirement::new("bearer", [""; 0])]);
        }
    }
    if path.contains('{') {
        answers.push(("404", "Nothing answers to the path's reference or id"));
    }
    if has_body {
        answers.push(("413", "The body is larger than the limit"));
        answers.push(("415", "The body's media type is not one this operation reads"));
    }
    if path.starts_with("/api/v1/users/{id}") {
        answers.push(("409", "Not allowed on one's own account, or on the last admin"));
        answers.push(("422", "The change cannot be made (expiry out of range, no province)"));
    }
    for (status, description) in answers {
        operation.responses.responses.entry(status.to_string()).or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content("application/json", Content::new(Some(Ref::from_schema_name("ErrorEnvelope"))))
                    .build(),
            )
        });
    }
}
