//! Watchlists and alerts (`Watchlists`): an official or inspector watches standards, whole series,
//! fields or issuers; every change of what they watch becomes one notification (the engine, a
//! follower of the change log with its own cursor), shown on the account page, sent by email at
//! once or in a weekly digest, and in a private Atom feed at a secret address.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::{self, Action};
use crate::auth::{Account, Caller};
use crate::db::watches::{self, NewWatch, WatchRow};
use crate::db::{DbConnection, DbPool, write_transaction};
use crate::domain::text::normalize_typed;
use crate::domain::{CanonicalCode, WatchKind};
use crate::error::{AppError, ErrorCode};
use crate::services::{catalogue, with_connection};

pub mod changes;
pub mod engine;
mod inbox;
pub mod mail;
pub mod targets;

pub use inbox::{AlertSettings, Inbox, InboxAction, NotificationPage, NotificationView};

/// The longest field or issuer watched.
const MAX_TARGET_CHARS: usize = 100;
/// The most watches an account keeps.
pub const MAX_WATCHES: usize = 500;

/// What to watch: exactly one of a standard, a series, a field or an issuer.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WatchRequest {
    /// A standard: a slug or any spelling of its code.
    pub standard: Option<String>,
    /// A whole series, every edition and amendment, present and future: `TCVN 5574`, or any code
    /// or slug of it (`QCVN 06:2022/BXD` watches QCVN 06 of BXD).
    pub series: Option<String>,
    /// A field (`fire_safety`).
    pub field: Option<String>,
    /// An issuer's code (`BXD`).
    pub issuer: Option<String>,
}

/// One watch.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WatchView {
    pub id: i64,
    pub kind: WatchKind,
    /// What it matches (a code's key, a series, a field, an issuer).
    pub target: String,
    /// As the pages show it.
    pub label: String,
    /// The watched standard's page, for a standard.
    pub slug: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
}

/// The watchlists of one node.
#[derive(Clone)]
pub struct Watchlists {
    pool: DbPool,
    /// On a mirror: accounts, and so watchlists, live at the upstream.
    mirror_of: Option<String>,
}

impl Watchlists {
    /// The watchlists in `pool`; on a mirror of `mirror_of` they are refused.
    pub fn new(pool: DbPool, mirror_of: Option<&str>) -> Watchlists {
        Watchlists { pool, mirror_of: mirror_of.map(str::to_string) }
    }

    /// The caller's account, when it may keep a watchlist here.
    fn keeper<'a>(&self, caller: &'a Caller) -> Result<&'a Account, AppError> {
        if let Some(upstream) = &self.mirror_of {
            return Err(AppError::conflict(
                ErrorCode::AccountsAtUpstream,
                format!("watchlists are kept with the accounts at {upstream}"),
            ));
        }
        policy::authorize(caller, Action::KeepOwnData)?;
        caller.require()
    }

    /// Watches something; watching it again changes nothing. Returns the watch and whether it is new.
    pub async fn watch(&self, caller: &Caller, request: WatchRequest) -> Result<(WatchView, bool), AppError> {
        let user_id = self.keeper(caller)?.id;
        with_connection(&self.pool, move |conn| {
            let (target_kind, target, label, _) = target_of(conn, &request)?;
            write_transaction(conn, |conn| {
                if watches::of_user(conn, user_id)?.len() >= MAX_WATCHES {
                    return Err(AppError::invalid(format!("an account watches at most {MAX_WATCHES} things")));
                }
                let now = Utc::now().naive_utc();
                let watch = NewWatch { user_id, target_kind, target, label, created_at: now };
                let (row, created) = watches::add(conn, &watch)?;
                Ok((view(conn, row)?, created))
            })
        })
        .await
    }

    /// Stops a watch of the caller's.
    pub async fn unwatch(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        let user_id = self.keeper(caller)?.id;
        with_connection(&self.pool, move |conn| {
            if watches::remove(conn, user_id, id)? {
                Ok(())
            } else {
                Err(AppError::NotFound { code: ErrorCode::NotFound, message: format!("you have no watch {id}") })
            }
        })
        .await
    }

    /// The caller's watches, newest first.
    pub async fn watches(&self, caller: &Caller) -> Result<Vec<WatchView>, AppError> {
        let user_id = self.keeper(caller)?.id;
        with_connection(&self.pool, move |conn| {
            watches::of_user(conn, user_id)?.into_iter().map(|row| view(conn, row)).collect()
        })
        .await
    }
}

/// What a request watches: its kind, target, label, and the standard's slug for a standard.
fn target_of(
    conn: &mut DbConnection,
    request: &WatchRequest,
) -> Result<(WatchKind, String, String, Option<String>), AppError> {
    let given = [&request.standard, &request.series, &request.field, &request.issuer];
    if given.iter().filter(|v| v.is_some()).count() != 1 {
        return Err(AppError::invalid("watch exactly one of `standard`, `series`, `field` or `issuer`"));
    }
    if let Some(reference) = &request.standard {
        let row = catalogue::resolve(conn, reference)?;
        return Ok((WatchKind::Standard, row.fields.code_key, row.fields.code, Some(row.fields.slug)));
    }
    if let Some(series) = &request.series {
        // A slug or code of a catalogued standard names its series; so does any code of it.
        let catalogued = catalogue::resolve(conn, series).ok().map(|row| row.fields.code);
        let code = CanonicalCode::parse(&catalogued.unwrap_or_else(|| normalize_typed(series)))
            .map_err(|e| AppError::invalid(format!("`series` is not a code: {e}")))?;
        let base = code.amended_base().unwrap_or_else(|| code.clone());
        let label = match &base.issuer {
            Some(issuer) => format!("{} {}/{issuer}", base.kind, base.number),
            None => format!("{} {}", base.kind, base.number),
        };
        return Ok((WatchKind::Series, targets::series_of(&code), label, None));
    }
    let (kind, value) = match (&request.field, &request.issuer) {
        (Some(field), _) => (WatchKind::Field, field.trim().to_string()),
        (_, Some(issuer)) => (WatchKind::Issuer, targets::issuer_target(issuer)),
        _ => return Err(AppError::invalid("nothing to watch")),
    };
    if value.is_empty() || value.chars().count() > MAX_TARGET_CHARS || value.chars().any(char::is_control) {
        return Err(AppError::invalid(format!("a field or issuer has 1 to {MAX_TARGET_CHARS} characters")));
    }
    Ok((kind, value.clone(), value, None))
}

fn view(conn: &mut DbConnection, row: WatchRow) -> Result<WatchView, AppError> {
    let slug = match row.target_kind {
        WatchKind::Standard => crate::db::standards::find_by_key(conn, &row.target)?.map(|r| r.fields.slug),
        _ => None,
    };
    Ok(WatchView {
        id: row.id,
        kind: row.target_kind,
        target: row.target,
        label: row.label,
        slug,
        created_at: row.created_at.and_utc(),
    })
}
