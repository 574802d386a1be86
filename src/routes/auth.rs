//! `POST /api/v1/auth/register|login|refresh|logout`, `GET /api/v1/me`, `PUT /api/v1/me/password`.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::json_body::Body;
use crate::auth::Caller;
use crate::client_address::origin;
use crate::error::{AppError, ErrorEnvelope};
use crate::services::accounts::session::TokenPair;
use crate::services::accounts::validation::RegistrationBody;
use crate::services::accounts::{Accounts, UserView};

/// Register as an official or inspector; the account waits for approval by the province.
#[utoipa::path(tag = "accounts", request_body = RegistrationBody, responses(
    (status = 201, body = UserView), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope),
    (status = 429, description = "Too many registrations from this address (see Retry-After)", body = ErrorEnvelope)))]
#[post("/api/v1/auth/register")]
pub async fn register(
    accounts: web::Data<Accounts>,
    request: HttpRequest,
    body: Body<RegistrationBody>,
) -> Result<HttpResponse, AppError> {
    let view = accounts.register(body.into_inner(), origin(&request)).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Username and password.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Credentials {
    #[schema(max_length = 64)]
    pub username: String,
    #[schema(max_length = 1024)]
    pub password: String,
}

/// Sign in.
#[utoipa::path(tag = "accounts", request_body = Credentials, responses(
    (status = 200, body = TokenPair), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
    (status = 429, description = "Too many attempts or the account is locked (see Retry-After)", body = ErrorEnvelope)))]
#[post("/api/v1/auth/login")]
pub async fn login(
    accounts: web::Data<Accounts>,
    request: HttpRequest,
    body: Body<Credentials>,
) -> Result<HttpResponse, AppError> {
    let Credentials { username, password } = body.into_inner();
    let pair = accounts.sign_in(username, password, origin(&request)).await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// A refresh token.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RefreshBody {
    pub refresh_token: String,
}

/// Trade a refresh token for a new pair; the old one stops working.
#[utoipa::path(tag = "accounts", request_body = RefreshBody, responses((status = 200, body = TokenPair), (status = 401, body = ErrorEnvelope)))]
#[post("/api/v1/auth/refresh")]
pub async fn refresh(
    accounts: web::Data<Accounts>,
    request: HttpRequest,
    body: Body<RefreshBody>,
) -> Result<HttpResponse, AppError> {
    let pair = accounts.refresh(body.into_inner().refresh_token, origin(&request)).await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// Sign out: the refresh token and its family stop working.
#[utoipa::path(tag = "accounts", request_body = RefreshBody, responses((status = 204)))]
#[post("/api/v1/auth/logout")]
pub async fn logout(accounts: web::Data<Accounts>, body: Body<RefreshBody>) -> Result<HttpResponse, AppError> {
    accounts.sign_out(body.into_inner().refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's profile, role, province, status and expiry.
#[utoipa::path(tag = "accounts", responses((status = 200, body = UserView), (status = 401, body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[get("/api/v1/me")]
pub async fn me(accounts: web::Data<Accounts>, caller: Caller) -> Result<HttpResponse, AppError> {
    let view = accounts.profile(&caller).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The current password and the new one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PasswordChange {
    #[schema(max_length = 1024)]
    pub current_password: String,
    #[schema(min_length = 12, max_length = 256)]
    pub new_password: String,
}

/// Change one's password; every token issued before stops working.
#[utoipa::path(tag = "accounts", request_body = PasswordChange, responses(
    (status = 204), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope),
    (status = 429, description = "Too many wrong current passwords from this address (see Retry-After)", body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[put("/api/v1/me/password")]
pub async fn change_password(
    accounts: web::Data<Accounts>,
    caller: Caller,
    request: HttpRequest,
    body: Body<PasswordChange>,
) -> Result<HttpResponse, AppError> {
    let PasswordChange { current_password, new_password } = body.into_inner();
    accounts.change_password(&caller, current_password, new_password, origin(&request)).await?;
    Ok(HttpResponse::NoContent().finish())
}
