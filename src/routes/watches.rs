//! The caller's watchlist and alerts: `/api/v1/me/watches`, `/api/v1/me/notifications`,
//! `/api/v1/me/alerts` (how alerts come, and the private feed), and the private Atom feed itself
//! at `/feeds/alerts/{secret}`.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json_body::{Body, OptionalBody};
use super::params::PageParams;
use crate::auth::Caller;
use crate::domain::AlertEmail;
use crate::error::{AppError, ErrorEnvelope};
use crate::services::feed::Feed;
use crate::services::watchlists::{AlertSettings, NotificationPage, WatchRequest, WatchView, Watchlists};

/// Unread notifications only.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnreadParam {
    /// `true` for unread notifications only.
    pub unread: Option<bool>,
}

/// Which notifications to mark read: these, or all when `ids` is left out.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadMark {
    pub ids: Option<Vec<i64>>,
}

/// How many notifications were marked read.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Marked {
    pub marked: usize,
}

/// How alerts should come by email.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailChoice {
    pub email: AlertEmail,
}

/// The private feed's address, shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PrivateFeed {
    pub url: String,
}

/// The caller's watches, newest first.
#[utoipa::path(tag = "watchlists", responses((status = 200, body = [WatchView]),
    (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)), security(("bearer" = [])))]
#[get("/api/v1/me/watches")]
pub async fn list_watches(watchlists: web::Data<Watchlists>, caller: Caller) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(watchlists.watches(&caller).await?))
}

/// Watches a standard, a whole series (every edition and amendment, present and future), a field
/// or an issuer: 201 when new, 200 when it was watched already.
#[utoipa::path(tag = "watchlists", request_body = WatchRequest, responses(
    (status = 201, body = WatchView), (status = 200, description = "Watched already", body = WatchView),
    (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
    (status = 404, description = "No such standard", body = ErrorEnvelope),
    (status = 409, description = "`accounts_at_upstream` on a mirror", body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[post("/api/v1/me/watches")]
pub async fn add_watch(
    watchlists: web::Data<Watchlists>,
    caller: Caller,
    body: Body<WatchRequest>,
) -> Result<HttpResponse, AppError> {
    let (watch, created) = watchlists.watch(&caller, body.into_inner()).await?;
    Ok(if created { HttpResponse::Created().json(watch) } else { HttpResponse::Ok().json(watch) })
}

/// Stops a watch.
#[utoipa::path(tag = "watchlists", params(("id" = i64, Path, description = "The watch")), responses(
    (status = 204, description = "Stopped"), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope)), security(("bearer" = [])))]
#[delete("/api/v1/me/watches/{id}")]
pub async fn remove_watch(
    watchlists: web::Data<Watchlists>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    watchlists.unwatch(&caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(tag = "watchlists", params(UnreadParam, PageParams), responses(
    (status = 200, body = NotificationPage), (status = 400, body = ErrorEnvelope),
    (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)), security(("bearer" = [])))]
#[get("/api/v1/me/notifications")]
pub async fn notifications(
    watchlists: web::Data<Watchlists>,
    caller: Caller,
    unread: web::Query<UnreadParam>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let unread_only = unread.unread.unwrap_or(false);
    let (page, per_page) = paging.resolve()?;
    Ok(HttpResponse::Ok().json(watchlists.notifications(&caller, unread_only, page, per_page).await?))
}

/// Marks notifications read: the `ids` given, or all.
#[utoipa::path(tag = "watchlists", request_body(content = ReadMark, description = "Optional: all when absent"),
    responses((status = 200, body = Marked), (status = 400, body = ErrorEnvelope),
    (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)), security(("bearer" = [])))]
#[post("/api/v1/me/notifications/read")]
pub async fn mark_read(
    watchlists: web::Data<Watchlists>,
    caller: Caller,
    body: OptionalBody<ReadMark>,
) -> Result<HttpResponse, AppError> {
    let ids = body.0.unwrap_or_default().ids;
    Ok(HttpResponse::Ok().json(Marked { marked: watchlists.mark_read(&caller, ids).await? }))
}

/// How the caller's alerts come.
#[utoipa::path(tag = "watchlists", responses((status = 200, body = AlertSettings),
    (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)), security(("bearer" = [])))]
#[get("/api/v1/me/alerts")]
pub async fn alert_settings(watchlists: web::Data<Watchlists>, caller: Caller) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(watchlists.settings(&caller).await?))
}

/// Chooses how alerts come by email: `off`, `immediate` or `weekly`.
#[utoipa::path(tag = "watchlists", request_body = EmailChoice, responses((status = 200, body = AlertSettings),
    (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[put("/api/v1/me/alerts")]
pub async fn set_alert_email(
    watchlists: web::Data<Watchlists>,
    caller: Caller,
    body: Body<EmailChoice>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(watchlists.set_email(&caller, body.into_inner().email).await?))
}

/// Makes a private Atom feed of the caller's notifications at a secret address (shown this once;
/// an older address stops working).
#[utoipa::path(tag = "watchlists", responses((status = 201, body = PrivateFeed),
    (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)), security(("bearer" = [])))]
#[post("/api/v1/me/alerts/feed")]
pub async fn make_feed(
    watchlists: web::Data<Watchlists>,
    feed: web::Data<Feed>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let secret = watchlists.new_feed(&caller).await?;
    Ok(HttpResponse::Created().json(PrivateFeed { url: format!("{}/feeds/alerts/{secret}", feed.origin()) }))
}

/// Revokes the private feed: its address answers 404 from now on.
#[utoipa::path(tag = "watchlists", responses((status = 204, description = "Revoked"),
    (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)), security(("bearer" = [])))]
#[delete("/api/v1/me/alerts/feed")]
pub async fn revoke_feed(watchlists: web::Data<Watchlists>, caller: Caller) -> Result<HttpResponse, AppError> {
    watchlists.revoke_feed(&caller).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The private Atom feed of one account's notifications; the address is its only key.
#[utoipa::path(tag = "watchlists", params(("secret" = String, Path, description = "The feed's secret")),
    responses((status = 200, description = "Atom", content_type = "application/atom+xml"),
    (status = 404, description = "Unknown or revoked", body = ErrorEnvelope)))]
#[get("/feeds/alerts/{secret}")]
pub async fn private_feed(
    watchlists: web::Data<Watchlists>,
    feed: web::Data<Feed>,
    secret: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (owner, items) = watchlists.feed(&secret).await?;
    let origin = feed.origin();
    let body = crate::atom::render_alerts(&items, &owner, origin, &crate::feed::authority(origin))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((CACHE_CONTROL, "private, no-store"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(body))
}
