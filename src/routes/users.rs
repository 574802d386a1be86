//! `GET|POST /api/v1/users`, `GET /api/v1/users/{id}`, approve, suspend, renew, role.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::json_body::{Body, OptionalBody};
use super::params::{PageParams, province_slug, term};
use crate::auth::Caller;
use crate::client_address::origin;
use crate::domain::{AccountStatus, Role, UnknownTerm};
use crate::error::{AppError, ErrorCode, ErrorEnvelope};
use crate::services::accounts::UserFilter;
use crate::services::accounts::validation::RegistrationBody;
use crate::services::accounts::{AccountChange, Accounts, ExpiryChange, UserPage, UserView};

/// Filters of the account listing.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilterParams {
    /// The account's status.
    #[param(value_type = Option<AccountStatus>)]
    pub status: Option<String>,
    /// Province slug; a provincial admin sees only their own.
    #[param(max_length = 64, pattern = "^[a-z0-9-]*$")]
    pub province: Option<String>,
    /// The account's role.
    #[param(value_type = Option<Role>)]
    pub role: Option<String>,
}

/// Accounts (provincial admins: their province only; admins: all).
#[utoipa::path(tag = "accounts", params(UserFilterParams, PageParams), responses(
    (status = 200, body = UserPage), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[get("/api/v1/users")]
pub async fn list_users(
    accounts: web::Data<Accounts>,
    caller: Caller,
    filters: web::Query<UserFilterParams>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let filter = UserFilter {
        status: term::<AccountStatus>(filters.status.as_deref(), "status")?,
        province: province_slug(filters.province.as_deref())?,
        role: term::<Role>(filters.role.as_deref(), "role")?,
    };
    let (page, per_page) = paging.resolve()?;
    let listing = accounts.list(&caller, filter, page, per_page).await?;
    Ok(HttpResponse::Ok().json(listing))
}

/// Create an account of any role, active at once (admin).
#[utoipa::path(tag = "accounts", request_body = RegistrationBody, responses(
    (status = 201, body = UserView), (status = 403, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope)), security(("bearer" = [])))]
#[post("/api/v1/users")]
pub async fn create_user(
    accounts: web::Data<Accounts>,
    caller: Caller,
    request: HttpRequest,
    body: Body<RegistrationBody>,
) -> Result<HttpResponse, AppError> {
    let view = accounts.create(&caller, body.into_inner(), origin(&request)).await?;
    Ok(HttpResponse::Created().json(view))
}

/// One account.
#[utoipa::path(tag = "accounts", params(("id" = i64, Path)), responses(
    (status = 200, body = UserView), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[get("/api/v1/users/{id}")]
pub async fn get_user(
    accounts: web::Data<Accounts>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let view = accounts.view(&caller, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

async fn apply(
    accounts: web::Data<Accounts>,
    caller: Caller,
    request: HttpRequest,
    id: i64,
    change: AccountChange,
) -> Result<HttpResponse, AppError> {
    let view = accounts.change(&caller, id, change, origin(&request)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Approve (or reactivate) an account, optionally with its expiry.
#[utoipa::path(tag = "accounts", params(("id" = i64, Path)), request_body(content = ExpiryChange, description = "optional"),
    responses((status = 200, body = UserView), (status = 403, body = ErrorEnvelope)), security(("bearer" = [])))]
#[post("/api/v1/users/{id}/approve")]
pub async fn approve(
    accounts: web::Data<Accounts>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<i64>,
    body: OptionalBody<ExpiryChange>,
) -> Result<HttpResponse, AppError> {
    let expiry = body.0.unwrap_or_default();
    apply(accounts, caller, request, id.into_inner(), AccountChange::Approve(expiry)).await
}

/// Suspend an account; its sessions end.
#[utoipa::path(tag = "accounts", params(("id" = i64, Path)), responses((status = 200, body = UserView), (status = 403, body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[post("/api/v1/users/{id}/suspend")]
pub async fn suspend(
    accounts: web::Data<Accounts>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    apply(accounts, caller, request, id.into_inner(), AccountChange::Suspend).await
}

/// Renew an account until a date.
#[utoipa::path(tag = "accounts", params(("id" = i64, Path)), request_body = ExpiryChange,
    responses((status = 200, body = UserView), (status = 403, body = ErrorEnvelope)), security(("bearer" = [])))]
#[post("/api/v1/users/{id}/renew")]
pub async fn renew(
    accounts: web::Data<Accounts>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<i64>,
    body: Body<ExpiryChange>,
) -> Result<HttpResponse, AppError> {
    apply(accounts, caller, request, id.into_inner(), AccountChange::Renew(body.into_inner())).await
}

/// A new role.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RoleChange {
    /// The new role.
    #[schema(value_type = Role)]
    pub role: String,
}

/// Change an account's role (admin); it takes effect on the account's next request.
#[utoipa::path(tag = "accounts", params(("id" = i64, Path)), request_body = RoleChange,
    responses((status = 200, body = UserView), (status = 403, body = ErrorEnvelope)), security(("bearer" = [])))]
#[put("/api/v1/users/{id}/role")]
pub async fn change_role(
    accounts: web::Data<Accounts>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<i64>,
    body: Body<RoleChange>,
) -> Result<HttpResponse, AppError> {
    let role: Role =
        body.0.role.parse().map_err(|e: UnknownTerm| AppError::unprocessable(ErrorCode::InvalidRole, e.to_string()))?;
    apply(accounts, caller, request, id.into_inner(), AccountChange::Role(role)).await
}
