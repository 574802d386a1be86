//! Who is calling: the extractor that turns an `Authorization: Bearer` header into a `Caller`,
//! reading the account from the database on every request so that a suspension, role change,
//! expiry or password change takes effect at once.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use chrono::{NaiveDateTime, Utc};

use super::policy::is_expired;
use super::tokens::{TokenError, TokenKeys};
use crate::db::DbConnection;
use crate::db::users::{self, UserRow};
use crate::domain::{AccountStatus, Role};
use crate::error::{AppError, ErrorCode};
use crate::services::accounts::Accounts;

/// The caller of a request.
#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    Account(Account),
}

/// Whether an account may act now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Active,
    Pending,
    Suspended,
    Expired,
    /// Known to a mirror, which has not heard from its upstream lately enough to vouch for it (a
    /// suspension made there might not have arrived).
    Unconfirmed,
}

/// A signed-in account, as read from the database for this request.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub province: Option<String>,
    pub unit: Option<String>,
    pub standing: Standing,
}

impl Account {
    /// The account of a stored user at a moment.
    pub fn from_row(row: &UserRow, now: NaiveDateTime) -> Account {
        let standing = match row.status {
            AccountStatus::Pending => Standing::Pending,
            AccountStatus::Suspended => Standing::Suspended,
            AccountStatus::Active if is_expired(row.expires_at, now) => Standing::Expired,
            AccountStatus::Active => Standing::Active,
        };
        Account {
            id: row.id,
            username: row.username.clone(),
            full_name: row.full_name.clone(),
            role: row.role,
            province: row.province.clone(),
            unit: row.unit.clone(),
            standing,
        }
    }
}

impl Caller {
    /// The signed-in account, if any.
    pub fn account(&self) -> Option<&Account> {
        match self {
            Caller::Anonymous => None,
            Caller::Account(account) => Some(account),
        }
    }

    /// The signed-in account, or 401.
    pub fn require(&self) -> Result<&Account, AppError> {
        self.account().ok_or_else(|| AppError::unauthenticated(ErrorCode::NotSignedIn, "sign in to do this"))
    }
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, AppError>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let header =
            request.headers().get(actix_web::http::header::AUTHORIZATION).map(|v| v.to_str().map(str::to_string));
        let keys = request.app_data::<web::Data<TokenKeys>>().cloned();
        let accounts = request.app_data::<web::Data<Accounts>>().cloned();
        Box::pin(async move {
            let token = match header {
                None => return Ok(Caller::Anonymous),
                Some(Err(_)) => return Err(invalid_token()),
                Some(Ok(value)) => bearer(&value).ok_or_else(invalid_token)?,
            };
            let (keys, accounts) = keys.zip(accounts).ok_or_else(invalid_token)?;
            let claims = keys.verify(&token).map_err(|error| match error {
                TokenError::Expired => AppError::unauthenticated(ErrorCode::TokenExpired, error.to_string()),
                TokenError::KeysNotYetKnown => {
                    AppError::Unavailable { code: ErrorCode::UpstreamUnreachable, message: error.to_string() }
                }
                TokenError::NotYetValid | TokenError::Invalid | TokenError::NotIssuer => invalid_token(),
            })?;
            let id: i64 = claims.sub.parse().map_err(|_| invalid_token())?;
            accounts.caller(id, claims.tv).await
        })
    }
}

/// Reads the account behind a verified token (the API's extractor and the pages' session alike).
pub fn resolve(conn: &mut DbConnection, id: i64, version: i32) -> Result<Caller, AppError> {
    let row = users::find_by_id(conn, id)?.ok_or_else(invalid_token)?;
    if row.token_version != version {
        return Err(AppError::unauthenticated(ErrorCode::TokenRevoked, "this token was revoked; sign in again"));
    }
    Ok(Caller::Account(Account::from_row(&row, Utc::now().naive_utc())))
}

fn bearer(value: &str) -> Option<String> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() < 4096).then(|| token.to_string())
}

fn invalid_token() -> AppError {
    AppError::unauthenticated(ErrorCode::InvalidToken, "the access token is invalid; sign in again")
}
