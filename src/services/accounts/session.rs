//! Sessions: sign-in (with lockout), refresh-token rotation with reuse detection, sign-out,
//! and password change, as units of work; the password checks between them run off the pool (see
//! `Accounts`).

use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Origin, UserView, hash_new_password, record};
use crate::auth::caller::{Account, Standing};
use crate::auth::password;
use crate::auth::tokens::{self, TokenKeys};
use crate::db::sign_in_attempts::{self, Attempt};
use crate::db::users::{self, UserRow};
use crate::db::{DbConnection, write_transaction};
use crate::domain::text::username_key;
use crate::error::{AppError, ErrorCode};

/// Consecutive failed sign-ins that lock an account.
pub const LOCKOUT_FAILURES: i32 = 5;
/// How long a lock lasts.
pub const LOCKOUT_MINUTES: i64 = 15;

/// The answer of a sign-in or a refresh.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds the access token lives.
    pub expires_in: i64,
    pub refresh_token: String,
    pub user: UserView,
}

fn wrong_credentials() -> AppError {
    AppError::unauthenticated(ErrorCode::InvalidCredentials, "wrong username or password")
}

/// The first unit of work of a sign-in: the account of the username, if any, with an attempt
/// taken from the caller's address (429 while locked out). The password is checked after it,
/// holding no connection.
pub fn begin_sign_in(conn: &mut DbConnection, username: &str, origin: &Origin) -> Result<Option<UserRow>, AppError> {
    let user = users::find_by_username(conn, &username_key(username))?;
    if let Some(user) = &user {
        take_attempt(conn, user, origin)?;
    }
    Ok(user)
}

/// The last unit of work of a sign-in, once the password was checked against `user` (or, for an
/// unknown username, against a dummy hash, so that both take the same time and give the same
/// answer).
pub fn finish_sign_in(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    username: &str,
    user: Option<UserRow>,
    matches: bool,
    origin: &Origin,
) -> Result<TokenPair, AppError> {
    let Some(user) = user else {
        // The same write as a wrong password does, so that timing does not tell the two apart.
        write_transaction(conn, |conn| {
            let shown: String = username_key(username).chars().take(64).collect();
            let detail = format!("unknown username `{}`", crate::domain::text::escape_controls(&shown));
            record(conn, None, None, "login_failed", Some(detail), origin)
        })?;
        return Err(wrong_credentials());
    };
    let now = Utc::now().naive_utc();
    if !matches {
        return Err(record_failure(conn, &user, origin)?);
    }
    let account = Account::from_row(&user, now);
    match account.standing {
        // A row read here is never unconfirmed: only a mirror marks the accounts it cannot vouch for.
        Standing::Active | Standing::Unconfirmed => {}
        Standing::Pending => {
            return Err(AppError::forbidden(
                ErrorCode::AccountPending,
                "your account is waiting for approval by your province",
            ));
        }
        Standing::Suspended => {
            return Err(AppError::forbidden(ErrorCode::AccountSuspended, "your account is suspended"));
        }
        Standing::Expired => {
            return Err(AppError::forbidden(
                ErrorCode::AccountExpired,
                "your account has expired; ask your province to renew it",
            ));
        }
    }
    write_transaction(conn, |conn| {
        sign_in_attempts::succeeded(conn, user.id, address_of(origin))?;
        record(conn, Some(&user), Some(user.id), "login", None, origin)?;
        issue(conn, keys, &user, &tokens::new_family())
    })
}

/// The address attempts are counted for (empty when the peer is unknown).
fn address_of(origin: &Origin) -> &str {
    origin.ip.as_deref().unwrap_or_default()
}

/// Counts an attempt at an account's password from the caller's address before it is checked:
/// 429 while that address is locked out of the account, or while `LOCKOUT_FAILURES` attempts are
/// being checked at once. Locking per address and account means guessing costs the guesser their
/// address, never the owner, who signs in from elsewhere; the per-username limit bounds guessing
/// from many addresses.
fn take_attempt(conn: &mut DbConnection, user: &UserRow, origin: &Origin) -> Result<(), AppError> {
    let now = Utc::now().naive_utc();
    match sign_in_attempts::begin(conn, user.id, address_of(origin), LOCKOUT_FAILURES, now)? {
        Attempt::Allowed => Ok(()),
        Attempt::Refused(Some(until)) if until > now => {
            let minutes = ((until - now).num_seconds() + 59) / 60;
            Err(AppError::TooManyRequests {
                code: ErrorCode::AccountLocked,
                message: format!(
                    "too many failed sign-ins: this account is locked from your address for {minutes} more minutes"
                ),
                retry_after: u64::try_from((until - now).num_seconds().max(1)).unwrap_or(1),
            })
        }
        Attempt::Refused(_) => Err(AppError::TooManyRequests {
            code: ErrorCode::TooManyAttempts,
            message: "too many attempts at once; try again in a few seconds".into(),
            retry_after: 2,
        }),
    }
}

/// Counts a failed attempt (taken by `take_attempt`): after too many, the address is locked out
/// of the account for `LOCKOUT_MINUTES`.
fn count_failure(conn: &mut DbConnection, user: &UserRow, origin: &Origin, event: &str) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let until = Utc::now().naive_utc() + Duration::minutes(LOCKOUT_MINUTES);
        let locked = sign_in_attempts::failed(conn, user.id, address_of(origin), LOCKOUT_FAILURES, until)?;
        record(conn, Some(user), None, event, None, origin)?;
        if locked {
            record(conn, Some(user), None, "login_locked", Some(format!("{LOCKOUT_MINUTES} minutes")), origin)?;
        }
        Ok(())
    })
}

/// Counts the failure, locks after too many, and answers like an unknown username would.
fn record_failure(conn: &mut DbConnection, user: &UserRow, origin: &Origin) -> Result<AppError, AppError> {
    count_failure(conn, user, origin, "login_failed")?;
    Ok(wrong_credentials())
}

/// Issues an access token and a refresh token in `family`.
fn issue(conn: &mut DbConnection, keys: &TokenKeys, user: &UserRow, family: &str) -> Result<TokenPair, AppError> {
    let now = Utc::now().naive_utc();
    let (access_token, expires_in) = keys
        .issue(user.id, user.token_version, now)
        .map_err(|e| AppError::unauthenticated(ErrorCode::InvalidToken, e.to_string()))?;
    let (refresh_token, hash) = tokens::new_refresh_token();
    users::insert_refresh_token(conn, user.id, family, &hash, now, tokens::refresh_expiry(now))?;
    Ok(TokenPair { access_token, token_type: "Bearer".into(), expires_in, refresh_token, user: UserView::from(user) })
}

/// Trades a refresh token for a new pair. A token used twice means it was stolen: the whole
/// family is revoked, the thief's copy and the owner's alike.
pub fn refresh(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    refresh_token: &str,
    origin: &Origin,
) -> Result<TokenPair, AppError> {
    let invalid =
        || AppError::unauthenticated(ErrorCode::InvalidRefreshToken, "the refresh token is invalid; sign in again");
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
                ErrorCode::RefreshTokenReused,
                "this refresh token was already used; every session of this sign-in is closed, sign in again",
            )));
        }
        if stored.expires_at <= now {
            return Ok(Err(invalid()));
        }
        let account = Account::from_row(&user, now);
        if account.standing != Standing::Active {
            return Ok(Err(AppError::forbidden(ErrorCode::AccountInactive, "this account cannot sign in now")));
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

/// The first unit of work of a password change: the account, with an attempt taken.
pub fn begin_password_change(conn: &mut DbConnection, account: &Account, origin: &Origin) -> Result<UserRow, AppError> {
    let user = users::find_by_id(conn, account.id)?.ok_or_else(wrong_credentials)?;
    take_attempt(conn, &user, origin)?;
    Ok(user)
}

/// What checking a password change found, off the pool: whether the current password was right,
/// and the new password's hash (or why it cannot be used).
pub struct CheckedChange {
    pub current_matches: bool,
    pub new_hash: Result<String, AppError>,
}

/// Checks the current password and, when it is right, the new one's strength, and hashes it.
pub fn check_password_change(user: &UserRow, current: &str, new: &str) -> CheckedChange {
    let current_matches = password::verify(current, Some(&user.password_hash));
    let new_hash = if current_matches {
        hash_new_password(new, &user.username)
    } else {
        Err(AppError::unauthenticated(ErrorCode::InvalidCredentials, "the current password is wrong"))
    };
    CheckedChange { current_matches, new_hash }
}

/// The last unit of work of a password change: the failure counted, or the new hash stored and
/// every token issued before revoked.
pub fn finish_password_change(
    conn: &mut DbConnection,
    user: &UserRow,
    checked: CheckedChange,
    origin: &Origin,
) -> Result<(), AppError> {
    if !checked.current_matches {
        count_failure(conn, user, origin, "password_change_failed")?;
        return checked.new_hash.map(|_| ());
    }
    let hash = match checked.new_hash {
        Ok(hash) => hash,
        Err(refused) => {
            // The current password was right: the attempt does not count against the address.
            sign_in_attempts::succeeded(conn, user.id, address_of(origin))?;
            return Err(refused);
        }
    };
    write_transaction(conn, |conn| {
        sign_in_attempts::succeeded(conn, user.id, address_of(origin))?;
        let now = Utc::now().naive_utc();
        users::set_password(conn, user.id, &hash, now)?;
        users::revoke_all_of_user(conn, user.id, now)?;
        record(conn, Some(user), Some(user.id), "password_changed", None, origin)
    })
}
