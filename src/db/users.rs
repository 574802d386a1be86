//! Queries on `users` and `refresh_tokens`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{refresh_tokens, users};
use crate::domain::{AccountStatus, Role};

/// A stored account.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub province: Option<String>,
    pub commune: Option<String>,
    pub unit: Option<String>,
    pub status: AccountStatus,
    pub expires_at: Option<NaiveDateTime>,
    pub password_hash: String,
    pub token_version: i32,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub created_by: Option<i64>,
    pub approved_at: Option<NaiveDateTime>,
    pub approved_by: Option<i64>,
    pub updated_at: NaiveDateTime,
}

/// An account to create.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub province: Option<String>,
    pub commune: Option<String>,
    pub unit: Option<String>,
    pub status: AccountStatus,
    pub expires_at: Option<NaiveDateTime>,
    pub password_hash: String,
    pub created_at: NaiveDateTime,
    pub created_by: Option<i64>,
    pub approved_at: Option<NaiveDateTime>,
    pub approved_by: Option<i64>,
    pub updated_at: NaiveDateTime,
}

/// Filters of the account listing; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub status: Option<AccountStatus>,
    pub province: Option<String>,
    pub role: Option<Role>,
}

/// The account with this id.
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<UserRow>> {
    users::table.find(id).select(UserRow::as_select()).first(conn).optional()
}

/// The account with this (lowercase) username.
pub fn find_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<UserRow>> {
    users::table.filter(users::username.eq(username)).select(UserRow::as_select()).first(conn).optional()
}

/// Whether an account already uses this (lowercase) email.
pub fn email_taken(conn: &mut DbConnection, email: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(users::table.filter(users::email.eq(email)))).get_result(conn)
}

/// Creates an account and returns its id.
pub fn insert(conn: &mut DbConnection, user: &NewUser) -> QueryResult<i64> {
    diesel::insert_into(users::table).values(user).execute(conn)?;
    users::table.filter(users::username.eq(&user.username)).select(users::id).first(conn)
}

/// A page of accounts under the filter, newest first, and how many match.
pub fn list(conn: &mut DbConnection, filter: &UserFilter, offset: i64, limit: i64) -> QueryResult<(Vec<UserRow>, i64)> {
    let filtered = || {
        let mut query = users::table.into_boxed();
        if let Some(status) = &filter.status {
            query = query.filter(users::status.eq(*status));
        }
        if let Some(province) = &filter.province {
            query = query.filter(users::province.eq(province.clone()));
        }
        if let Some(role) = &filter.role {
            query = query.filter(users::role.eq(*role));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((users::created_at.desc(), users::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(UserRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Activates an account (approval) with its expiry.
pub fn approve(
    conn: &mut DbConnection,
    id: i64,
    by: i64,
    expires_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::status.eq(AccountStatus::Active),
            users::expires_at.eq(expires_at),
            users::approved_at.eq(now),
            users::approved_by.eq(by),
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
            users::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Sets an account's status.
pub fn set_status(conn: &mut DbConnection, id: i64, status: AccountStatus, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::status.eq(status), users::updated_at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

/// Suspends an account and invalidates its tokens, so that none issued before works again even
/// after a new approval.
pub fn suspend(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::status.eq(AccountStatus::Suspended),
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// How many active admins there are.
pub fn active_admins(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table
        .filter(users::role.eq(Role::Admin))
        .filter(users::status.eq(AccountStatus::Active))
        .count()
        .get_result(conn)
}

/// Sets an account's expiry.
pub fn set_expiry(conn: &mut DbConnection, id: i64, expires_at: NaiveDateTime, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::expires_at.eq(expires_at), users::updated_at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

/// Changes the role and invalidates the account's tokens.
pub fn set_role(conn: &mut DbConnection, id: i64, role: Role, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::role.eq(role), users::token_version.eq(users::token_version + 1), users::updated_at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

/// Replaces the password hash and invalidates the account's tokens.
pub fn set_password(conn: &mut DbConnection, id: i64, hash: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A stored refresh token (only its hash is kept).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub family: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// Stores a refresh token's hash.
pub fn insert_refresh_token(
    conn: &mut DbConnection,
    user_id: i64,
    family: &str,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family.eq(family),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::created_at.eq(now),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The refresh token with this hash.
pub fn find_refresh_token(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<RefreshTokenRow>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()
}

/// Marks a refresh token used, if nobody used it first; returns whether this call did.
pub fn mark_refresh_token_used(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(refresh_tokens::table.find(id).filter(refresh_tokens::used_at.is_null()))
        .set(refresh_tokens::used_at.eq(now))
        .execute(conn)
        .map(|changed| changed == 1)
}

/// Revokes every token of a family (a rotation chain).
pub fn revoke_family(conn: &mut DbConnection, family: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        refresh_tokens::table.filter(refresh_tokens::family.eq(family)).filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)
    .map(|_| ())
}

/// Revokes every refresh token of an account.
pub fn revoke_all_of_user(conn: &mut DbConnection, user_id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id)).filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)
    .map(|_| ())
}
