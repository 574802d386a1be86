//! An account's notifications: listed with the unread count, marked read, how they come by email,
//! and the private Atom feed at a secret address the account can revoke (only the secret's
//! SHA-256 is kept).

use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Watchlists;
use crate::auth::Caller;
use crate::auth::tokens::{hash_refresh_token, new_opaque_secret};
use crate::db::watches::{self, NotificationRow};
use crate::domain::{AlertChange, AlertEmail};
use crate::error::{AppError, ErrorCode};
use crate::services::with_connection;

/// Notifications in a private feed.
pub const FEED_ENTRIES: i64 = 50;

/// One notification.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    pub change: AlertChange,
    /// The standard it is about, and its page.
    pub code: String,
    pub slug: String,
    /// What happened, in Vietnamese.
    pub message: String,
    /// The change-log entry that caused it.
    pub seq: i64,
    pub created_at: chrono::DateTime<Utc>,
    pub read: bool,
}

/// A page of notifications, newest first, with the counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationPage {
    pub total: i64,
    pub unread: i64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<NotificationView>,
}

/// How an account's alerts come.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertSettings {
    /// `off`, `immediate` (a mail per batch of changes, within a minute) or `weekly` (a digest).
    pub email: AlertEmail,
    /// Whether a private Atom feed exists (its address is shown only when it is made).
    #[serde(default)]
    pub feed: bool,
}

impl From<NotificationRow> for NotificationView {
    fn from(row: NotificationRow) -> Self {
        NotificationView {
            id: row.id,
            change: row.change,
            code: row.code,
            slug: row.slug,
            message: row.message,
            seq: row.seq,
            created_at: row.created_at.and_utc(),
            read: row.read_at.is_some(),
        }
    }
}

impl Watchlists {
    /// A page of the caller's notifications, newest first (unread only if asked).
    pub async fn notifications(
        &self,
        caller: &Caller,
        unread_only: bool,
        page: u32,
        per_page: u32,
    ) -> Result<NotificationPage, AppError> {
        let user_id = self.keeper(caller)?.id;
        with_connection(&self.pool, move |conn| {
            let offset = i64::from(page - 1) * i64::from(per_page);
            let rows = watches::notifications_of(conn, user_id, unread_only, offset, i64::from(per_page))?;
            let (total, unread) = watches::counts(conn, user_id)?;
            Ok(NotificationPage { total, unread, page, per_page, items: rows.into_iter().map(Into::into).collect() })
        })
        .await
    }

    /// How many unread notifications the caller has (0 for a visitor, and on a mirror).
    pub async fn unread(&self, caller: &Caller) -> Result<i64, AppError> {
        let Ok(account) = self.keeper(caller) else { return Ok(0) };
        let user_id = account.id;
        with_connection(&self.pool, move |conn| Ok(watches::counts(conn, user_id)?.1)).await
    }

    /// Marks the caller's notifications read (these, or all); returns how many were unread.
    pub async fn mark_read(&self, caller: &Caller, ids: Option<Vec<i64>>) -> Result<usize, AppError> {
        let user_id = self.keeper(caller)?.id;
        if ids.as_ref().is_some_and(|ids| ids.len() > 1000) {
            return Err(AppError::invalid("mark at most 1000 notifications at once"));
        }
        with_connection(&self.pool, move |conn| {
            Ok(watches::mark_read(conn, user_id, ids.as_deref(), Utc::now().naive_utc())?)
        })
        .await
    }

    /// How the caller's alerts come.
    pub async fn settings(&self, caller: &Caller) -> Result<AlertSettings, AppError> {
        let user_id = self.keeper(caller)?.id;
        with_connection(&self.pool, move |conn| {
            let (email, feed) = watches::alert_settings(conn, user_id)?;
            Ok(AlertSettings { email, feed })
        })
        .await
    }

    /// Chooses how the caller's alerts come by email.
    pub async fn set_email(&self, caller: &Caller, how: AlertEmail) -> Result<AlertSettings, AppError> {
        let user_id = self.keeper(caller)?.id;
        with_connection(&self.pool, move |conn| {
            watches::set_alert_email(conn, user_id, how, Utc::now().naive_utc())?;
            let (email, feed) = watches::alert_settings(conn, user_id)?;
            Ok(AlertSettings { email, feed })
        })
        .await
    }

    /// Makes the caller a new private feed secret (an older one stops working); shown this once.
    pub async fn new_feed(&self, caller: &Caller) -> Result<String, AppError> {
        let user_id = self.keeper(caller)?.id;
        let (secret, hash) = new_opaque_secret();
        with_connection(&self.pool, move |conn| Ok(watches::set_feed_hash(conn, user_id, Some(&hash))?)).await?;
        Ok(secret)
    }

    /// Revokes the caller's private feed.
    pub async fn revoke_feed(&self, caller: &Caller) -> Result<(), AppError> {
        let user_id = self.keeper(caller)?.id;
        with_connection(&self.pool, move |conn| Ok(watches::set_feed_hash(conn, user_id, None)?)).await
    }

    /// The newest notifications of the account whose private feed has this secret, with its
    /// owner's name; an unknown or revoked secret is not found, as if no feed were there.
    pub async fn feed(&self, secret: &str) -> Result<(String, Vec<NotificationView>), AppError> {
        let not_found = || AppError::NotFound { code: ErrorCode::NotFound, message: "no such feed".into() };
        if self.mirror_of.is_some() || secret.is_empty() || secret.len() > 100 {
            return Err(not_found());
        }
        let hash = hash_refresh_token(secret);
        with_connection(&self.pool, move |conn| {
            let (user_id, name) = watches::feed_owner(conn, &hash)?.ok_or_else(not_found)?;
            let rows = watches::notifications_of(conn, user_id, false, 0, FEED_ENTRIES)?;
            Ok((name, rows.into_iter().map(Into::into).collect()))
        })
        .await
    }
}

/// What the notifications page shows: a page of notifications, the watches, how alerts come.
#[derive(Debug, Clone)]
pub struct Inbox {
    pub notifications: NotificationPage,
    pub watches: Vec<super::WatchView>,
    pub settings: AlertSettings,
}

/// What the notifications page's forms ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxAction {
    ReadAll,
    Email(AlertEmail),
    NewFeed,
    RevokeFeed,
    Unwatch(i64),
}

impl Watchlists {
    /// The notifications page of the caller.
    pub async fn inbox(&self, caller: &Caller, page: u32, per_page: u32) -> Result<Inbox, AppError> {
        let notifications = self.notifications(caller, false, page, per_page).await?;
        let watches = self.watches(caller).await?;
        let settings = self.settings(caller).await?;
        Ok(Inbox { notifications, watches, settings })
    }

    /// Does what a form of the notifications page asks; a new feed's secret when one was made.
    pub async fn act(&self, caller: &Caller, action: InboxAction) -> Result<Option<String>, AppError> {
        match action {
            InboxAction::ReadAll => self.mark_read(caller, None).await.map(|_| None),
            InboxAction::Email(how) => self.set_email(caller, how).await.map(|_| None),
            InboxAction::NewFeed => self.new_feed(caller).await.map(Some),
            InboxAction::RevokeFeed => self.revoke_feed(caller).await.map(|_| None),
            InboxAction::Unwatch(id) => self.unwatch(caller, id).await.map(|_| None),
        }
    }
}
