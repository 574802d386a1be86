//! `/api/v1/webhooks` (admins): register, list (with each one's delivery log) and remove the
//! webhooks portals receive catalogue changes on.

use actix_web::{HttpResponse, delete, get, post, web};

use super::json_body::Body;
use crate::auth::Caller;
use crate::error::{AppError, ErrorEnvelope};
use crate::services::webhooks::{WebhookRequest, WebhookView, Webhooks};

/// Registers a webhook: every catalogue change committed from now on is POSTed to it as its feed
/// entry (JSON), with `X-Tieuchuan-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
/// `X-Tieuchuan-Delivery`, `X-Tieuchuan-Seq`; retried with backoff until it answers 2xx.
#[utoipa::path(tag = "webhooks", request_body = WebhookRequest, responses(
    (status = 201, body = WebhookView), (status = 400, body = ErrorEnvelope),
    (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)), security(("bearer" = [])))]
#[post("/api/v1/webhooks")]
pub async fn register_webhook(
    webhooks: web::Data<Webhooks>,
    caller: Caller,
    body: Body<WebhookRequest>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(webhooks.register(&caller, body.into_inner()).await?))
}

/// The webhooks, each with its counts and newest deliveries (never its secret).
#[utoipa::path(tag = "webhooks", responses((status = 200, body = [WebhookView]),
    (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)), security(("bearer" = [])))]
#[get("/api/v1/webhooks")]
pub async fn list_webhooks(webhooks: web::Data<Webhooks>, caller: Caller) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(webhooks.list(&caller).await?))
}

/// Removes a webhook; what it was still to receive is not sent.
#[utoipa::path(tag = "webhooks", params(("id" = i64, Path, description = "The webhook")), responses(
    (status = 204, description = "Removed"), (status = 401, body = ErrorEnvelope),
    (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)), security(("bearer" = [])))]
#[delete("/api/v1/webhooks/{id}")]
pub async fn remove_webhook(
    webhooks: web::Data<Webhooks>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    webhooks.remove(&caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
