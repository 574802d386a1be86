//! Accounts: registration, creation by an admin, approval, suspension, renewal, roles, and the
//! views the API answers. Every change is an account event in the same transaction.

mod mirrored;
mod service;
pub mod session;
pub mod validation;

use std::net::IpAddr;

use chrono::{Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::{self, Action};
use crate::auth::{Caller, password};
use crate::db::audit::{self, NewAccountEvent};
use crate::db::provinces;
pub use crate::db::provinces::Province;
pub use crate::db::users::UserFilter;
use crate::db::users::{self, NewUser, UserRow};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{AccountStatus, Role};
use crate::error::{AppError, ErrorCode};
pub use service::Accounts;
pub use validation::{Registration, validate_registration};

/// How long an approval lasts when the approver gives no date.
pub const DEFAULT_VALIDITY_DAYS: i64 = 365;
/// The furthest an expiry may be set.
const MAX_VALIDITY_DAYS: i64 = 5 * 366;

/// An account as the API shows it (never its password hash); a mirror reads it back from its
/// upstream's answers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub province: Option<String>,
    pub commune: Option<String>,
    pub unit: Option<String>,
    pub status: AccountStatus,
    #[serde(
        serialize_with = "crate::domain::time::optional_utc_instant",
        deserialize_with = "crate::domain::time::optional_instant"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<NaiveDateTime>,
    /// Whether the expiry has passed (the account cannot sign in until renewed).
    pub expired: bool,
    #[serde(serialize_with = "crate::domain::time::utc_instant", deserialize_with = "crate::domain::time::instant")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    #[serde(
        serialize_with = "crate::domain::time::optional_utc_instant",
        deserialize_with = "crate::domain::time::optional_instant"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub approved_at: Option<NaiveDateTime>,
}

impl From<&UserRow> for UserView {
    fn from(row: &UserRow) -> Self {
        UserView {
            id: row.id,
            username: row.username.clone(),
            email: row.email.clone(),
            full_name: row.full_name.clone(),
            role: row.role,
            province: row.province.clone(),
            commune: row.commune.clone(),
            unit: row.unit.clone(),
            status: row.status,
            expires_at: row.expires_at,
            expired: policy::is_expired(row.expires_at, Utc::now().naive_utc()),
            created_at: row.created_at,
            approved_at: row.approved_at,
        }
    }
}

/// A page of accounts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserPage {
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<UserView>,
}

/// The body of an approval or renewal.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ExpiryChange {
    /// When the account stops working: RFC 3339 with an offset, or a date (the end of that day in
    /// Vietnam); default one year from now.
    #[serde(default, deserialize_with = "crate::domain::time::optional_instant")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<NaiveDateTime>,
}

/// Where the request came from: for the audit trail and the limits per address.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub address: Option<IpAddr>,
}

impl Origin {
    /// A request from this client address (unknown when `None`).
    pub fn new(address: Option<IpAddr>) -> Origin {
        Origin { ip: address.map(|a| a.to_string()), address }
    }
}

/// Appends an account event.
pub(crate) fn record(
    conn: &mut DbConnection,
    subject: Option<&UserRow>,
    actor: Option<i64>,
    event: &str,
    detail: Option<String>,
    origin: &Origin,
) -> Result<(), AppError> {
    audit::record_account_event(
        conn,
        &NewAccountEvent {
            user_id: subject.map(|u| u.id),
            actor_id: actor,
            event: event.to_string(),
            detail,
            province: subject.and_then(|u| u.province.clone()),
            ip: origin.ip.clone(),
            at: Utc::now().naive_utc(),
        },
    )?;
    Ok(())
}

/// Who brings an account into being.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Creation {
    /// Self-registration: `pending` until the province approves.
    Registration,
    /// Created by an admin: `active` at once.
    ByAdmin(i64),
    /// The first admin, from the command line: `active`.
    Bootstrap,
}

/// Stores a validated registration.
pub fn create(
    conn: &mut DbConnection,
    registration: Registration,
    password_hash: String,
    creation: Creation,
    origin: &Origin,
) -> Result<UserView, AppError> {
    let created_by = match creation {
        Creation::ByAdmin(id) => Some(id),
        Creation::Registration | Creation::Bootstrap => None,
    };
    write_transaction(conn, |conn| {
        if users::find_by_username(conn, &registration.username)?.is_some() {
            return Err(AppError::conflict(ErrorCode::UsernameTaken, "this username is taken; choose another"));
        }
        if users::email_taken(conn, &registration.email)? {
            return Err(AppError::conflict(ErrorCode::EmailTaken, "an account already uses this email"));
        }
        validation::check_province(conn, registration.province.as_deref())?;
        let now = Utc::now().naive_utc();
        let active = creation != Creation::Registration;
        let expires_at = match (active, registration.expires_at, registration.role) {
            (true, Some(at), _) => Some(bounded_expiry(Some(at), now)?),
            (true, None, Role::Official | Role::Inspector) => Some(now + Duration::days(DEFAULT_VALIDITY_DAYS)),
            _ => None,
        };
        let id = users::insert(
            conn,
            &NewUser {
                username: registration.username,
                email: registration.email,
                full_name: registration.full_name,
                role: registration.role,
                province: registration.province,
                commune: registration.commune,
                unit: registration.unit,
                status: if active { AccountStatus::Active } else { AccountStatus::Pending },
                expires_at,
                password_hash,
                created_at: now,
                created_by,
                approved_at: active.then_some(now),
                approved_by: created_by,
                updated_at: now,
            },
        )?;
        let row = users::find_by_id(conn, id)?.ok_or(AppError::Database(diesel::result::Error::NotFound))?;
        let event = match creation {
            Creation::Registration => "registered",
            Creation::ByAdmin(_) => "created",
            Creation::Bootstrap => "created_from_command_line",
        };
        record(conn, Some(&row), created_by, event, Some(format!("role {}", row.role)), origin)?;
        Ok(UserView::from(&row))
    })
}

/// The account with this id, if the caller may see it.
pub fn view(conn: &mut DbConnection, caller: &Caller, id: i64) -> Result<UserView, AppError> {
    let row = target(conn, id)?;
    policy::authorize(caller, Action::ViewAccount(&row))?;
    Ok(UserView::from(&row))
}

/// Accounts under the filter, restricted to the caller's province for a provincial admin.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    mut filter: UserFilter,
    page: u32,
    per_page: u32,
) -> Result<UserPage, AppError> {
    policy::authorize(caller, Action::ListAccounts { province: filter.province.as_deref() })?;
    if let Some(own) = policy::account_scope(caller) {
        filter.province = Some(own);
    }
    let (rows, total) = users::list(conn, &filter, i64::from(page - 1) * i64::from(per_page), i64::from(per_page))?;
    Ok(UserPage { total, page, per_page, items: rows.iter().map(UserView::from).collect() })
}

/// What an account manager can do to an account.
#[derive(Debug, Clone)]
pub enum AccountChange {
    Approve(ExpiryChange),
    Suspend,
    Renew(ExpiryChange),
    Role(Role),
}

/// Applies a change the caller is allowed to make, with its account event.
pub fn change(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    change: AccountChange,
    origin: &Origin,
) -> Result<UserView, AppError> {
    let actor = caller.require()?.id;
    write_transaction(conn, |conn| {
        let row = target(conn, id)?;
        match &change {
            AccountChange::Role(_) => policy::authorize(caller, Action::ChangeRole)?,
            _ => policy::authorize(caller, Action::ManageAccount(&row))?,
        }
        if matches!(change, AccountChange::Approve(_) | AccountChange::Renew(_))
            && row.status == AccountStatus::Suspended
        {
            let by =
                audit::last_actor(conn, id, "suspended")?.map(|actor| users::find_by_id(conn, actor)).transpose()?;
            let by_ministry = by.flatten().is_none_or(|actor| actor.role == Role::Admin);
            policy::authorize(caller, Action::LiftSuspension { by_ministry })?;
        }
        keeps_an_admin(conn, actor, &row, &change)?;
        let now = Utc::now().naive_utc();
        let (event, detail) = match change {
            AccountChange::Approve(expiry) => {
                let expires_at = account_expiry(&row, expiry.expires_at, now)?;
                users::approve(conn, id, actor, expires_at, now)?;
                ("approved", expires_at.map(|at| format!("until {at}")))
            }
            AccountChange::Suspend => {
                users::suspend(conn, id, now)?;
                users::revoke_all_of_user(conn, id, now)?;
                ("suspended", None)
            }
            AccountChange::Renew(expiry) => {
                let expires_at = bounded_expiry(expiry.expires_at, now)?;
                users::set_expiry(conn, id, expires_at, now)?;
                ("renewed", Some(format!("until {expires_at}")))
            }
            AccountChange::Role(role) => {
                if role != Role::Admin && row.province.is_none() {
                    return Err(AppError::unprocessable(
                        ErrorCode::ProvinceRequired,
                        "give the account a province first",
                    ));
                }
                users::set_role(conn, id, role, now)?;
                ("role_changed", Some(format!("{} → {}", row.role, role)))
            }
        };
        record(conn, Some(&row), Some(actor), event, detail, origin)?;
        Ok(UserView::from(&target(conn, id)?))
    })
}

/// Nobody suspends their own account, and the last active admin is neither suspended nor given
/// another role: the Ministry must keep a way in.
fn keeps_an_admin(conn: &mut DbConnection, actor: i64, row: &UserRow, change: &AccountChange) -> Result<(), AppError> {
    if matches!(change, AccountChange::Suspend) && row.id == actor {
        return Err(AppError::conflict(ErrorCode::OwnAccount, "you cannot suspend your own account"));
    }
    let removes_admin = match change {
        AccountChange::Suspend => true,
        AccountChange::Role(role) => *role != Role::Admin,
        AccountChange::Approve(_) | AccountChange::Renew(_) => false,
    };
    if removes_admin
        && row.role == Role::Admin
        && row.status == AccountStatus::Active
        && users::active_admins(conn)? <= 1
    {
        return Err(AppError::conflict(
            ErrorCode::LastAdmin,
            "this is the last active admin; make another admin first",
        ));
    }
    Ok(())
}

/// The profile of a signed-in account (401 when the account is gone).
pub fn profile(conn: &mut DbConnection, id: i64) -> Result<UserView, AppError> {
    let row = users::find_by_id(conn, id)?
        .ok_or_else(|| AppError::unauthenticated(ErrorCode::InvalidToken, "the account no longer exists"))?;
    Ok(UserView::from(&row))
}

/// The 34 provinces, in their order.
pub fn provinces(conn: &mut DbConnection) -> Result<Vec<Province>, AppError> {
    Ok(provinces::all(conn)?)
}

fn target(conn: &mut DbConnection, id: i64) -> Result<UserRow, AppError> {
    users::find_by_id(conn, id)?
        .ok_or_else(|| AppError::NotFound { code: ErrorCode::UserNotFound, message: format!("no account {id}") })
}

/// Officials and inspectors expire (a year by default); administrators do unless told otherwise.
fn account_expiry(
    row: &UserRow,
    requested: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<Option<NaiveDateTime>, AppError> {
    match (requested, row.role) {
        (Some(_), _) | (None, Role::Official | Role::Inspector) => bounded_expiry(requested, now).map(Some),
        (None, _) => Ok(row.expires_at),
    }
}

/// A future expiry within five years; one year when none is given.
fn bounded_expiry(requested: Option<NaiveDateTime>, now: NaiveDateTime) -> Result<NaiveDateTime, AppError> {
    let at = requested.unwrap_or(now + Duration::days(DEFAULT_VALIDITY_DAYS));
    if at <= now || at > now + Duration::days(MAX_VALIDITY_DAYS) {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidExpiry,
            "the expiry must be in the future and within five years",
        ));
    }
    Ok(at)
}

/// Hashes a password that passed the policy (blocking: call from the blocking pool).
pub fn hash_new_password(password_text: &str, username: &str) -> Result<String, AppError> {
    password::check_strength(password_text, username)
        .map_err(|e| AppError::unprocessable(ErrorCode::WeakPassword, e.to_string()))?;
    Ok(password::hash(password_text)?)
}
