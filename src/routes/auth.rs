//! `POST /api/v1/auth/register|login|refresh|logout`, `GET /api/v1/me`, `PUT /api/v1/me/password`.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::auth::rate_limit::LoginLimiter;
use crate::auth::tokens::TokenKeys;
use crate::client_address::{client_address, client_ip};
use crate::error::{AppError, ErrorEnvelope};
use crate::services::DbPool;
use crate::services::accounts::session::{self, TokenPair};
use crate::services::accounts::validation::RegistrationBody;
use crate::services::accounts::{self, Creation, Origin, UserView, validate_registration};
use crate::services::with_connection;

/// Where a request came from (the peer address; forwarded headers can be forged).
pub fn origin(request: &HttpRequest) -> Origin {
    Origin { ip: client_ip(request) }
}

/// Register as an official or inspector; the account waits for approval by the province.
#[utoipa::path(tag = "accounts", request_body = RegistrationBody, responses(
    (status = 201, body = UserView), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope),
    (status = 429, description = "Too many registrations from this address (see Retry-After)", body = ErrorEnvelope)))]
#[post("/api/v1/auth/register")]
pub async fn register(
    pool: web::Data<DbPool>,
    limiter: web::Data<LoginLimiter>,
    request: HttpRequest,
    body: web::Json<RegistrationBody>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let registration = validate_registration(&body, false)?;
    limiter.check_registration(client_address(&request))?;
    let origin = origin(&request);
    let view = with_connection(&pool, move |conn| {
        let hash = accounts::hash_new_password(&body.password, &registration.username)?;
        accounts::create(conn, registration, hash, Creation::Registration, &origin)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Username and password.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// Sign in.
#[utoipa::path(tag = "accounts", request_body = Credentials, responses(
    (status = 200, body = TokenPair), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
    (status = 429, description = "Too many attempts or the account is locked (see Retry-After)", body = ErrorEnvelope)))]
#[post("/api/v1/auth/login")]
pub async fn login(
    pool: web::Data<DbPool>,
    keys: web::Data<TokenKeys>,
    limiter: web::Data<LoginLimiter>,
    request: HttpRequest,
    body: web::Json<Credentials>,
) -> Result<HttpResponse, AppError> {
    let Credentials { username, password } = body.into_inner();
    if username.chars().count() > 64 || password.chars().count() > 1024 {
        return Err(AppError::unauthenticated("invalid_credentials", "wrong username or password"));
    }
    limiter.check(client_address(&request), &username)?;
    let origin = origin(&request);
    let keys = keys.into_inner();
    let pair = with_connection(&pool, move |conn| session::login(conn, &keys, &username, &password, &origin)).await?;
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
    pool: web::Data<DbPool>,
    keys: web::Data<TokenKeys>,
    request: HttpRequest,
    body: web::Json<RefreshBody>,
) -> Result<HttpResponse, AppError> {
    let token = body.into_inner().refresh_token;
    let origin = origin(&request);
    let keys = keys.into_inner();
    let pair = with_connection(&pool, move |conn| session::refresh(conn, &keys, &token, &origin)).await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// Sign out: the refresh token and its family stop working.
#[utoipa::path(tag = "accounts", request_body = RefreshBody, responses((status = 204)))]
#[post("/api/v1/auth/logout")]
pub async fn logout(pool: web::Data<DbPool>, body: web::Json<RefreshBody>) -> Result<HttpResponse, AppError> {
    let token = body.into_inner().refresh_token;
    with_connection(&pool, move |conn| session::logout(conn, &token)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's profile, role, province, status and expiry.
#[utoipa::path(tag = "accounts", responses((status = 200, body = UserView), (status = 401, body = ErrorEnvelope)),
    security(("bearer" = [])))]
#[get("/api/v1/me")]
pub async fn me(pool: web::Data<DbPool>, caller: Caller) -> Result<HttpResponse, AppError> {
    policy::authorize(&caller, Action::ReadOwnProfile)?;
    let id = caller.require()?.id;
    let view = with_connection(&pool, move |conn| accounts::profile(conn, id)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The current password and the new one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Change one's password; every token issued before stops working.
#[utoipa::path(tag = "accounts", request_body = PasswordChange, responses(
    (status = 204), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)), security(("bearer" = [])))]
#[put("/api/v1/me/password")]
pub async fn change_password(
    pool: web::Data<DbPool>,
    caller: Caller,
    request: HttpRequest,
    body: web::Json<PasswordChange>,
) -> Result<HttpResponse, AppError> {
    policy::authorize(&caller, Action::ChangeOwnPassword)?;
    let account = caller.require()?.clone();
    let PasswordChange { current_password, new_password } = body.into_inner();
    let origin = origin(&request);
    with_connection(&pool, move |conn| {
        session::change_password(conn, &account, &current_password, &new_password, &origin)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
