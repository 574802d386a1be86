//! Sessions: sign-in (with lockout), refresh-token rotation with reuse detection, sign-out,
//! and password change. Blocking (argon2): run from the blocking pool.

use chrono::{Duration, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Origin, UserView, hash_new_password, record};
use crate::auth::caller::{Account, Standing};
use crate::auth::password;
use crate::auth::tokens::{self, TokenKeys};
use crate::db::users::{self, UserRow};
use crate::db::{DbConnection, write_transaction};
use crate::error::AppError;

/// Consecutive failed sign-ins that lock an account.
pub const LOCKOUT_FAILURES: i32 = 5;
/// How long a lock lasts.
pub const LOCKOUT_MINUTES: i64 = 15;

/// The answer of a sign-in or a refresh.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds the access token lives.
    pub expires_in: i64,
    pub refresh_token: String,
    pub user: UserView,
}

fn wrong_credentials() -> AppError {
    AppError::unauthenticated("invalid_credentials", "wrong username or password")
}

/// Signs in. Unknown usernames and wrong passwords give the same answer in the same time.
pub fn login(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    username: &str,
    password_text: &str,
    origin: &Origin,
) -> Result<TokenPair, AppError> {
    let username = username.trim().to_lowercase();
    let user = users::find_by_username(conn, &username)?;
    let matches = password::verify(password_text, user.as_ref().map(|u| u.password_hash.as_str()));
    let Some(user) = user else {
        // The same write as a wrong password does, so that timing does not tell the two apart.
        write_transaction(conn, |conn| {
            let detail = format!("unknown username `{}`", username.chars().take(64).collect::<String>());
            record(conn, None, None, "login_failed", Some(detail), origin)
        })?;
        return Err(wrong_credentials());
    };
    let now = Utc::now().naive_utc();
    if let Some(until) = user.locked_until.filter(|until| *until > now) {
        let minutes = ((until - now).num_seconds() + 59) / 60;
        return Err(AppError::TooManyRequests {
            code: "account_locked",
            message: format!("too many failed sign-ins: this account is locked for {minutes} more minutes"),
            retry_after: u64::try_from((until - now).num_seconds().max(1)).unwrap_or(1),
        });
    }
    if !matches {
        return Err(record_failure(conn, &user, origin)?);
    }
    let account = Account::from_row(&user, now).ok_or_else(wrong_credentials)?;
    match account.standing {
        Standing::Active => {}
        Standing::Pending => {
            return Err(AppError::forbidden(
                "account_pending",
                "your account is waiting for approval by your province",
            ));
        }
        Standing::Suspended => return Err(AppError::forbidden("account_suspended", "your account is suspended")),
        Standing::Expired => {
            return Err(AppError::forbidden(
                "account_expired",
                "your account has expired; ask your province to renew it",
            ));
        }
    }
    write_transaction(conn, |conn| {
        users::reset_failed_logins(conn, user.id)?;
        record(conn, Some(&user), Some(user.id), "login", None, origin)?;
        issue(conn, keys, &user, &tokens::new_family())
    })
}

/// Counts the failure, locks after too many, and answers like an unknown username would.
fn record_failure(conn: &mut DbConnection, user: &UserRow, origin: &Origin) -> Result<AppError, AppError> {
    write_transaction(conn, |conn| {
        let lock = (user.failed_logins + 1 >= LOCKOUT_FAILURES)
            .then(|| Utc::now().naive_utc() + Duration::minutes(LOCKOUT_MINUTES));
        users::record_failed_login(conn, user.id, lock)?;
        record(conn, Some(user), None, "login_failed", None, origin)?;
        if lock.is_some() {
            record(conn, Some(user), None, "login_locked", Some(format!("{LOCKOUT_MINUTES} minutes")), origin)?;
        }
        Ok(wrong_credentials())
    })
}

/// Issues an access token and a refresh token in `family`.
fn issue(conn: &mut DbConnection, keys: &TokenKeys, user: &UserRow, family: &str) -> Result<TokenPair, AppError> {
    let now = Utc::now().naive_utc();
    let (access_token, expires_in) = keys
        .issue(user.id, user.token_version, now)
        .map_err(|e| AppError::unauthenticated("invalid_token", e.to_string()))?;
    let (refresh_token, hash) = tokens::new_refresh_token();
    users::insert_refresh_token(conn, user.id, family, &hash, now, tokens::refresh_expiry(now))?;
    Ok(TokenPair { access_token, token_type: "Bearer", expires_in, refresh_token, user: UserView::from(user) })
}

/// Trades a refresh token for a new pair. A token used twice means it was stolen: the whole
/// family is revoked, the thief's copy and the owner's alike.
pub fn refresh(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    refresh_token: &str,
    origin: &Origin,
) -> Result<TokenPair, AppError> {
    let invalid = || AppError::unauthenticated("invalid_refresh_token", "the refresh token is invalid; sign in again");
    write_transaction(conn, |conn| {
        let now = Utc::now().naive_utc();
        let stored =
            users::find_refresh_token(conn, &tokens::hash_refresh_token(refresh_token))?.ok_or_else(invalid)?;
        let user = users::find_by_id(conn, stored.user_id)?.ok_or_else(invalid)?;
        if stored.revoked_at.is_some()
            || stored.used_at.is_some()
            || !users::mark_refresh_token_used(conn, stored.id, now)?
        {
            users::revoke_family(conn, &stored.family, now)?;
            record(conn, Some(&user), None, "refresh_token_reused", None, origin)?;
            return Ok(Err(AppError::unauthenticated(
                "refresh_token_reused",
                "this refresh token was already used; every session of this sign-in is closed, sign in again",
            )));
        }
        if stored.expires_at <= now {
            return Ok(Err(invalid()));
        }
        let account = Account::from_row(&user, now).ok_or_else(invalid)?;
        if account.standing != Standing::Active {
            return Ok(Err(AppError::forbidden("account_inactive", "this account cannot sign in now")));
        }
        issue(conn, keys, &user, &stored.family).map(Ok)
    })?
}

/// Signs out: the refresh token's family is revoked. Unknown tokens are ignored.
pub fn logout(conn: &mut DbConnection, refresh_token: &str) -> Result<(), AppError> {
    if let Some(stored) = users::find_refresh_token(conn, &tokens::hash_refresh_token(refresh_token))? {
        users::revoke_family(conn, &stored.family, Utc::now().naive_utc())?;
    }
    Ok(())
}

/// Changes the caller's password; every token issued before stops working.
pub fn change_password(
    conn: &mut DbConnection,
    account: &Account,
    current: &str,
    new: &str,
    origin: &Origin,
) -> Result<(), AppError> {
    let user = users::find_by_id(conn, account.id)?.ok_or_else(wrong_credentials)?;
    if !password::verify(current, Some(&user.password_hash)) {
        return Err(AppError::unauthenticated("invalid_credentials", "the current password is wrong"));
    }
    let hash = hash_new_password(new, &user.username)?;
    write_transaction(conn, |conn| {
        let now = Utc::now().naive_utc();
        users::set_password(conn, user.id, &hash, now)?;
        users::revoke_all_of_user(conn, user.id, now)?;
        record(conn, Some(&user), Some(user.id), "password_changed", None, origin)
    })
}
