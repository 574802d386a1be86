//! Queries on `watches` and `notifications`: what each account watches, who watches a standard's
//! targets, and the notifications written for them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{notifications, users, watches};
use crate::domain::{AccountStatus, AlertChange, AlertEmail, WatchKind};

/// A watch of one account.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = watches)]
pub struct WatchRow {
    pub id: i64,
    pub user_id: i64,
    pub target_kind: WatchKind,
    pub target: String,
    pub label: String,
    pub created_at: NaiveDateTime,
}

/// A watch to store.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = watches)]
pub struct NewWatch {
    pub user_id: i64,
    pub target_kind: WatchKind,
    pub target: String,
    pub label: String,
    pub created_at: NaiveDateTime,
}

/// A notification of one account.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: i64,
    pub user_id: i64,
    pub seq: i64,
    pub change: AlertChange,
    pub code: String,
    pub slug: String,
    pub message: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
    pub mailed_at: Option<NaiveDateTime>,
}

/// A notification to store.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notifications)]
pub struct NewNotification {
    pub user_id: i64,
    pub seq: i64,
    pub change: AlertChange,
    pub code: String,
    pub slug: String,
    pub message: String,
    pub created_at: NaiveDateTime,
}

/// The watches of an account, newest first.
pub fn of_user(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<WatchRow>> {
    watches::table
        .filter(watches::user_id.eq(user_id))
        .order(watches::id.desc())
        .select(WatchRow::as_select())
        .load(conn)
}

/// Stores a watch unless the account has it already; returns it either way.
pub fn add(conn: &mut DbConnection, watch: &NewWatch) -> QueryResult<(WatchRow, bool)> {
    let existing = |conn: &mut DbConnection| {
        watches::table
            .filter(watches::user_id.eq(watch.user_id))
            .filter(watches::target_kind.eq(watch.target_kind))
            .filter(watches::target.eq(&watch.target))
            .select(WatchRow::as_select())
            .first(conn)
            .optional()
    };
    if let Some(found) = existing(conn)? {
        return Ok((found, false));
    }
    diesel::insert_into(watches::table).values(watch).execute(conn)?;
    Ok((existing(conn)?.ok_or(diesel::result::Error::NotFound)?, true))
}

/// Removes one of an account's watches; false when it has no such watch.
pub fn remove(conn: &mut DbConnection, user_id: i64, id: i64) -> QueryResult<bool> {
    let removed =
        diesel::delete(watches::table.filter(watches::id.eq(id)).filter(watches::user_id.eq(user_id))).execute(conn)?;
    Ok(removed > 0)
}

/// The active accounts with a watch on any of these targets made by `at`, each once.
pub fn watchers(conn: &mut DbConnection, targets: &[(WatchKind, String)], at: NaiveDateTime) -> QueryResult<Vec<i64>> {
    let mut found = Vec::new();
    for (kind, target) in targets {
        let ids: Vec<i64> = watches::table
            .inner_join(users::table)
            .filter(watches::target_kind.eq(*kind))
            .filter(watches::target.eq(target))
            .filter(watches::created_at.le(at))
            .filter(users::status.eq(AccountStatus::Active))
            .select(watches::user_id)
            .load(conn)?;
        found.extend(ids);
    }
    found.sort_unstable();
    found.dedup();
    Ok(found)
}

/// Stores a notification unless the account has one for this change already; true when stored.
/// A standard is replaced or removed once: an account told so is not told again by a later entry
/// (the replacing record's entry names the successor; the replaced one's own status entry follows).
pub fn notify(conn: &mut DbConnection, notification: &NewNotification) -> QueryResult<bool> {
    let mut same = notifications::table
        .filter(notifications::user_id.eq(notification.user_id))
        .filter(notifications::code.eq(&notification.code))
        .filter(notifications::change.eq(notification.change))
        .into_boxed();
    if !matches!(notification.change, AlertChange::Replaced | AlertChange::Removed) {
        same = same.filter(notifications::seq.eq(notification.seq));
    }
    let exists: i64 = same.count().get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(notifications::table).values(notification).execute(conn)?;
    Ok(true)
}

/// An account's notifications, newest first, unread only if asked.
pub fn notifications_of(
    conn: &mut DbConnection,
    user_id: i64,
    unread_only: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<NotificationRow>> {
    let mut query = notifications::table.filter(notifications::user_id.eq(user_id)).into_boxed();
    if unread_only {
        query = query.filter(notifications::read_at.is_null());
    }
    query.order(notifications::id.desc()).offset(offset).limit(limit).select(NotificationRow::as_select()).load(conn)
}

/// How many notifications an account has, and how many of them are unread.
pub fn counts(conn: &mut DbConnection, user_id: i64) -> QueryResult<(i64, i64)> {
    let all: i64 = notifications::table.filter(notifications::user_id.eq(user_id)).count().get_result(conn)?;
    let unread: i64 = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?;
    Ok((all, unread))
}

/// Marks an account's notifications read: these ids, or all when `ids` is `None`.
pub fn mark_read(conn: &mut DbConnection, user_id: i64, ids: Option<&[i64]>, at: NaiveDateTime) -> QueryResult<usize> {
    let mut query = diesel::update(notifications::table)
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .into_boxed();
    if let Some(ids) = ids {
        query = query.filter(notifications::id.eq_any(ids));
    }
    query.set(notifications::read_at.eq(Some(at))).execute(conn)
}

/// One account's notifications not mailed yet, oldest first.
pub fn unmailed_of(conn: &mut DbConnection, user_id: i64, limit: i64) -> QueryResult<Vec<NotificationRow>> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::mailed_at.is_null())
        .order(notifications::id.asc())
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(conn)
}

/// Marks notifications mailed.
pub fn mark_mailed(conn: &mut DbConnection, ids: &[i64], at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(notifications::table.filter(notifications::id.eq_any(ids)))
        .set(notifications::mailed_at.eq(Some(at)))
        .execute(conn)
}

/// How an account wants its alerts by email, and whether it has a private feed.
pub fn alert_settings(conn: &mut DbConnection, user_id: i64) -> QueryResult<(AlertEmail, bool)> {
    let (email, feed): (AlertEmail, Option<String>) =
        users::table.find(user_id).select((users::alert_email, users::alert_feed_hash)).first(conn)?;
    Ok((email, feed.is_some()))
}

/// Sets how an account wants its alerts by email; a weekly digest's first week starts now.
pub fn set_alert_email(conn: &mut DbConnection, user_id: i64, how: AlertEmail, now: NaiveDateTime) -> QueryResult<()> {
    let (was, _) = alert_settings(conn, user_id)?;
    diesel::update(users::table.find(user_id)).set(users::alert_email.eq(how)).execute(conn)?;
    if how == AlertEmail::Weekly && was != AlertEmail::Weekly {
        set_digest_sent(conn, user_id, now)?;
    }
    Ok(())
}

/// Sets (or with `None` revokes) the hash of an account's private feed secret.
pub fn set_feed_hash(conn: &mut DbConnection, user_id: i64, hash: Option<&str>) -> QueryResult<()> {
    diesel::update(users::table.find(user_id)).set(users::alert_feed_hash.eq(hash)).execute(conn)?;
    Ok(())
}

/// The active account whose private feed secret has this hash: its id and full name.
pub fn feed_owner(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<(i64, String)>> {
    users::table
        .filter(users::alert_feed_hash.eq(hash))
        .filter(users::status.eq(AccountStatus::Active))
        .select((users::id, users::full_name))
        .first(conn)
        .optional()
}

/// An account that wants mail, as the mailer needs it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Recipient {
    pub id: i64,
    pub email: String,
    pub full_name: String,
    pub digest_sent_at: Option<NaiveDateTime>,
}

/// The accounts with notifications not mailed yet that want mail this way.
pub fn recipients(conn: &mut DbConnection, how: AlertEmail) -> QueryResult<Vec<Recipient>> {
    let mut found: Vec<Recipient> = notifications::table
        .inner_join(users::table)
        .filter(notifications::mailed_at.is_null())
        .filter(users::alert_email.eq(how))
        .filter(users::status.eq(AccountStatus::Active))
        .select((users::id, users::email, users::full_name, users::digest_sent_at))
        .distinct()
        .load(conn)?;
    found.sort_by_key(|r| r.id);
    Ok(found)
}

/// Notes when an account's last digest went.
pub fn set_digest_sent(conn: &mut DbConnection, user_id: i64, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(user_id)).set(users::digest_sent_at.eq(Some(at))).execute(conn)?;
    Ok(())
}
