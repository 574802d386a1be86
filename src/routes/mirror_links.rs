//! Provincial mirrors, national side. Admins: `POST|GET /api/v1/mirrors`,
//! `DELETE /api/v1/mirrors/{id}` (issue, list, revoke credentials). Mirrors, with their
//! credential: `GET /api/v1/mirror/accounts`, `GET /api/v1/mirror/texts/{id}`,
//! `POST /api/v1/mirror/events`, `POST /api/v1/mirror/sign-in`, `POST /api/v1/mirror/refresh`.

use actix_web::http::header::{CACHE_CONTROL, ETAG};
use actix_web::{HttpResponse, delete, get, post, web};

use super::json_body::Body;
use crate::auth::Caller;
use crate::error::{AppError, ErrorEnvelope};
use crate::mirror::wire::{ForwardedRefresh, ForwardedSignIn, RelayBatch, RelayOutcome, ReplicaAccounts};
use crate::services::accounts::session::TokenPair;
use crate::services::mirror_links::{CredentialRequest, CredentialView, IssuedCredential, MirrorClient, MirrorLinks};

/// Issue a mirror's credential for one province (admins). The secret is in this answer only.
#[utoipa::path(tag = "mirrors", request_body = CredentialRequest, responses(
    (status = 201, body = IssuedCredential), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[post("/api/v1/mirrors")]
pub async fn issue_credential(
    links: web::Data<MirrorLinks>,
    caller: Caller,
    body: Body<CredentialRequest>,
) -> Result<HttpResponse, AppError> {
    let issued = links.issue(&caller, body.into_inner()).await?;
    Ok(HttpResponse::Created().insert_header((CACHE_CONTROL, "no-store")).json(issued))
}

/// The mirrors' credentials, newest first, without their secrets (admins).
#[utoipa::path(tag = "mirrors", responses((status = 200, body = [CredentialView]), (status = 403, body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[get("/api/v1/mirrors")]
pub async fn list_credentials(links: web::Data<MirrorLinks>, caller: Caller) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(links.list(&caller).await?))
}

/// Revoke a mirror's credential (admins): its next call is refused, and its officials' restricted
/// reading stops within a minute.
#[utoipa::path(tag = "mirrors", params(("id" = i64, Path)), responses((status = 200, body = CredentialView),
    (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)), security(("bearer" = [])))]
#[delete("/api/v1/mirrors/{id}")]
pub async fn revoke_credential(
    links: web::Data<MirrorLinks>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(links.revoke(&caller, id.into_inner()).await?))
}

/// The accounts of the mirror's province, which it keeps to decide access locally.
#[utoipa::path(tag = "mirrors", responses((status = 200, body = ReplicaAccounts), (status = 401, body = ErrorEnvelope)),
    security(("mirror" = [])))]
#[get("/api/v1/mirror/accounts")]
pub async fn mirror_accounts(links: web::Data<MirrorLinks>, client: MirrorClient) -> Result<HttpResponse, AppError> {
    let accounts = links.accounts(&client).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(accounts))
}

/// A text's bytes, restricted ones included; `ETag` is its SHA-256, which the mirror checks.
#[utoipa::path(tag = "mirrors", params(("id" = i64, Path)), responses(
    (status = 200, content_type = "application/octet-stream"), (status = 401, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope)), security(("mirror" = [])))]
#[get("/api/v1/mirror/texts/{id}")]
pub async fn mirror_text(
    links: web::Data<MirrorLinks>,
    _client: MirrorClient,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let text = links.text(id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type(text.format.media_type())
        .insert_header((ETAG, format!("\"{}\"", text.sha256)))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(text.bytes))
}

/// Relay access events recorded on the mirror (at most 500); each is stored once by its id, so a
/// batch sent again is counted once.
#[utoipa::path(tag = "mirrors", request_body = RelayBatch, responses((status = 200, body = RelayOutcome),
    (status = 401, body = ErrorEnvelope)), security(("mirror" = [])))]
#[post("/api/v1/mirror/events")]
pub async fn relay_events(
    links: web::Data<MirrorLinks>,
    client: MirrorClient,
    body: Body<RelayBatch>,
) -> Result<HttpResponse, AppError> {
    let outcome = links.relay(&client, body.into_inner().events).await?;
    Ok(HttpResponse::Ok().json(outcome))
}

/// A sign-in made on the mirror, with the official's address; accounts of the mirror's province
/// only.
#[utoipa::path(tag = "mirrors", request_body = ForwardedSignIn, responses((status = 200, body = TokenPair),
    (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)),
    security(("mirror" = [])))]
#[post("/api/v1/mirror/sign-in")]
pub async fn forwarded_sign_in(
    links: web::Data<MirrorLinks>,
    client: MirrorClient,
    body: Body<ForwardedSignIn>,
) -> Result<HttpResponse, AppError> {
    let pair = links.sign_in(&client, body.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(pair))
}

/// A refresh made on the mirror, with the official's address.
#[utoipa::path(tag = "mirrors", request_body = ForwardedRefresh, responses((status = 200, body = TokenPair),
    (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)), security(("mirror" = [])))]
#[post("/api/v1/mirror/refresh")]
pub async fn forwarded_refresh(
    links: web::Data<MirrorLinks>,
    client: MirrorClient,
    body: Body<ForwardedRefresh>,
) -> Result<HttpResponse, AppError> {
    let pair = links.refresh(&client, body.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(pair))
}
