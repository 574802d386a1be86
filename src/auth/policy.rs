//! The access policy of DESIGN §5, decided in one place. Handlers describe what the caller wants
//! to do as an `Action` and ask `authorize`; they never compare roles themselves.

use chrono::NaiveDateTime;

use super::caller::{Account, Caller, Standing};
use crate::db::audit::UsageScope;
use crate::db::users::UserRow;
use crate::domain::{AccessLevel, Role};
use crate::error::{AppError, ErrorCode};

/// Everything a caller can ask to do that the policy distinguishes.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// Search, metadata, relations: public.
    ReadCatalogue,
    /// Read or download a text of this access level.
    ReadText(AccessLevel),
    /// See one's own profile.
    ReadOwnProfile,
    /// Change one's own password.
    ChangeOwnPassword,
    /// List accounts, optionally of one province.
    ListAccounts { province: Option<&'a str> },
    /// See one account.
    ViewAccount(&'a UserRow),
    /// Approve, suspend or renew one account.
    ManageAccount(&'a UserRow),
    /// Approve or renew an account that is suspended; `by_ministry` when an admin suspended it.
    LiftSuspension { by_ministry: bool },
    /// Create an account of any role.
    CreateAccount,
    /// Change an account's role.
    ChangeRole,
    /// Read usage in this scope.
    ViewUsage(&'a UsageScope),
    /// Create, edit or import catalogue records, attach texts.
    EditCatalogue,
    /// Issue, list or revoke the credentials of provincial mirrors.
    ManageMirrors,
    /// Keep what is one's own: a watchlist, its notifications and how alerts come, kept dossiers.
    KeepOwnData,
    /// Register, list or remove the webhooks portals receive catalogue changes on.
    ManageWebhooks,
}

/// Allows the action or says why not: 401 when an account is needed, 403 when this one may not.
pub fn authorize(caller: &Caller, action: Action<'_>) -> Result<(), AppError> {
    if matches!(action, Action::ReadCatalogue | Action::ReadText(AccessLevel::Public)) {
        return Ok(());
    }
    let account = match caller {
        Caller::Anonymous => return Err(AppError::unauthenticated(ErrorCode::NotSignedIn, "sign in to do this")),
        Caller::Account(account) => account,
    };
    if matches!(action, Action::ReadOwnProfile) {
        return Ok(());
    }
    usable(account)?;
    let allowed = match action {
        Action::ReadCatalogue | Action::ReadOwnProfile | Action::ChangeOwnPassword | Action::KeepOwnData => true,
        Action::ReadText(AccessLevel::Public | AccessLevel::Registered) => true,
        Action::ReadText(AccessLevel::Inspectors) => matches!(account.role, Role::Inspector | Role::Admin),
        Action::ListAccounts { province } => match account.role {
            Role::Admin => true,
            Role::ProvinceAdmin => province.is_none_or(|p| account.province.as_deref() == Some(p)),
            Role::Official | Role::Inspector => false,
        },
        Action::ViewAccount(target) => target.id == account.id || manages(account, target),
        Action::ManageAccount(target) => manages(account, target),
        // A province does not overrule the Ministry.
        Action::LiftSuspension { by_ministry } => match account.role {
            Role::Admin => true,
            Role::ProvinceAdmin => !by_ministry,
            Role::Official | Role::Inspector => false,
        },
        Action::CreateAccount
        | Action::ChangeRole
        | Action::EditCatalogue
        | Action::ManageMirrors
        | Action::ManageWebhooks => account.role == Role::Admin,
        Action::ViewUsage(scope) => match (account.role, scope) {
            (Role::Admin, _) => true,
            (Role::ProvinceAdmin, UsageScope::Province(p)) => account.province.as_deref() == Some(p.as_str()),
            (_, UsageScope::User(id)) => *id == account.id,
            _ => false,
        },
    };
    if allowed { Ok(()) } else { Err(AppError::forbidden(ErrorCode::Forbidden, "your account may not do this")) }
}

/// The access levels of the texts a caller may read: the only texts whose words a search of
/// theirs may match, count or quote (DESIGN §5: "see body snippets of a text in search: as
/// reading it").
pub fn readable_text_levels(caller: &Caller) -> Vec<AccessLevel> {
    AccessLevel::ALL.iter().copied().filter(|level| authorize(caller, Action::ReadText(*level)).is_ok()).collect()
}

/// Admins manage everyone; a provincial admin manages the officials and inspectors of their
/// own province only.
fn manages(account: &Account, target: &UserRow) -> bool {
    match account.role {
        Role::Admin => true,
        Role::ProvinceAdmin => {
            account.province.is_some()
                && target.province == account.province
                && matches!(target.role, Role::Official | Role::Inspector)
        }
        Role::Official | Role::Inspector => false,
    }
}

/// A pending, suspended or expired account may read public things and its own profile only; so
/// may one a mirror could not confirm with its upstream lately.
fn usable(account: &Account) -> Result<(), AppError> {
    match account.standing {
        Standing::Active => Ok(()),
        Standing::Pending => {
            Err(AppError::forbidden(ErrorCode::AccountPending, "your account is waiting for approval by your province"))
        }
        Standing::Suspended => Err(AppError::forbidden(ErrorCode::AccountSuspended, "your account is suspended")),
        Standing::Expired => Err(AppError::forbidden(
            ErrorCode::AccountExpired,
            "your account has expired; ask your province to renew it",
        )),
        Standing::Unconfirmed => Err(AppError::Unavailable {
            code: ErrorCode::UpstreamUnreachable,
            message: "this mirror cannot confirm your account with the national library right now; public texts and \
                      search still work here"
                .into(),
        }),
    }
}

/// The accounts a caller may list: everyone (admin) or their province (provincial admin).
pub fn account_scope(caller: &Caller) -> Option<String> {
    match caller {
        Caller::Account(account) if account.role == Role::ProvinceAdmin => account.province.clone(),
        _ => None,
    }
}

/// The usage scope a caller gets when they ask for none: all (admin), their province
/// (provincial admin), their own reading (everyone else).
pub fn default_usage_scope(caller: &Caller) -> Option<UsageScope> {
    match caller {
        Caller::Anonymous => None,
        Caller::Account(account) => Some(match account.role {
            Role::Admin => UsageScope::All,
            Role::ProvinceAdmin => account.province.clone().map_or(UsageScope::User(account.id), UsageScope::Province),
            Role::Official | Role::Inspector => UsageScope::User(account.id),
        }),
    }
}

/// Whether an expiry has passed.
pub fn is_expired(expires_at: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    expires_at.is_some_and(|at| at <= now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role, standing: Standing) -> Caller {
        Caller::Account(Account {
            id: 1,
            username: "u".into(),
            full_name: "U".into(),
            role,
            province: Some("ha-tinh".into()),
            unit: None,
            standing,
        })
    }

    fn status(caller: &Caller, action: Action<'_>) -> u16 {
        match authorize(caller, action) {
            Ok(()) => 200,
            Err(error) => error.status_and_code().0.as_u16(),
        }
    }

    /// DESIGN §5, the rows without an endpoint yet: texts by access level and catalogue editing.
    #[test]
    fn texts_and_catalogue_editing_follow_the_design_table() {
        let callers = [
            Caller::Anonymous,
            caller(Role::Official, Standing::Pending),
            caller(Role::Official, Standing::Expired),
            caller(Role::Official, Standing::Suspended),
            caller(Role::Official, Standing::Active),
            caller(Role::Inspector, Standing::Active),
            caller(Role::ProvinceAdmin, Standing::Active),
            caller(Role::Admin, Standing::Active),
            caller(Role::Inspector, Standing::Unconfirmed),
        ];
        let table: [(Action<'_>, [u16; 9]); 6] = [
            (Action::ReadText(AccessLevel::Public), [200, 200, 200, 200, 200, 200, 200, 200, 200]),
            (Action::ReadText(AccessLevel::Registered), [401, 403, 403, 403, 200, 200, 200, 200, 503]),
            (Action::ReadText(AccessLevel::Inspectors), [401, 403, 403, 403, 403, 200, 403, 200, 503]),
            (Action::EditCatalogue, [401, 403, 403, 403, 403, 403, 403, 200, 503]),
            (Action::ManageMirrors, [401, 403, 403, 403, 403, 403, 403, 200, 503]),
            (Action::ReadOwnProfile, [401, 200, 200, 200, 200, 200, 200, 200, 200]),
        ];
        for (action, expected) in table {
            let got: Vec<u16> = callers.iter().map(|c| status(c, action)).collect();
            assert_eq!(got, expected, "{action:?}");
        }
    }
}
