//! The append-only audit trail: account events and access events, and what usage reports read.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{access_events, account_events, standards, users};

/// An account event to append (registered, approved, suspended, role changed, login failed...).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = account_events)]
pub struct NewAccountEvent {
    pub user_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub event: String,
    pub detail: Option<String>,
    pub province: Option<String>,
    pub ip: Option<String>,
    pub at: NaiveDateTime,
}

/// A stored account event.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = account_events)]
pub struct AccountEventRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub event: String,
    pub detail: Option<String>,
    pub province: Option<String>,
    pub ip: Option<String>,
    pub at: NaiveDateTime,
}

/// An access event to append: who read or downloaded which text.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = access_events)]
pub struct NewAccessEvent {
    pub user_id: i64,
    pub standard_id: i64,
    pub document_id: Option<i64>,
    pub action: String,
    pub province: Option<String>,
    pub unit: Option<String>,
    pub at: NaiveDateTime,
}

/// Appends an account event.
pub fn record_account_event(conn: &mut DbConnection, event: &NewAccountEvent) -> QueryResult<()> {
    diesel::insert_into(account_events::table).values(event).execute(conn).map(|_| ())
}

/// Who made the newest event of a kind about an account (`None` for none, or none by anyone).
pub fn last_actor(conn: &mut DbConnection, user_id: i64, event: &str) -> QueryResult<Option<i64>> {
    let actor: Option<Option<i64>> = account_events::table
        .filter(account_events::user_id.eq(user_id))
        .filter(account_events::event.eq(event))
        .order(account_events::id.desc())
        .select(account_events::actor_id)
        .first(conn)
        .optional()?;
    Ok(actor.flatten())
}

/// The account events about one account, newest first.
pub fn account_events_of(conn: &mut DbConnection, user_id: i64, limit: i64) -> QueryResult<Vec<AccountEventRow>> {
    account_events::table
        .filter(account_events::user_id.eq(user_id))
        .order(account_events::id.desc())
        .limit(limit)
        .select(AccountEventRow::as_select())
        .load(conn)
}

/// Appends an access event.
pub fn record_access_event(conn: &mut DbConnection, event: &NewAccessEvent) -> QueryResult<()> {
    diesel::insert_into(access_events::table).values(event).execute(conn).map(|_| ())
}

/// One access event with what a report shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRecord {
    pub at: NaiveDateTime,
    pub action: String,
    pub province: Option<String>,
    pub unit: Option<String>,
    pub user_id: i64,
    pub username: String,
    pub full_name: String,
    pub standard_code: String,
    pub standard_title: String,
}

/// Which access events a report may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageScope {
    All,
    Province(String),
    User(i64),
}

/// The columns `usage_records` reads: at, action, province, unit, user id, username, full name,
/// standard code, standard title.
type UsageColumns = (NaiveDateTime, String, Option<String>, Option<String>, i64, String, String, String, String);

/// Access events in `[from, to)` within the scope, oldest first.
pub fn usage_records(
    conn: &mut DbConnection,
    scope: &UsageScope,
    from: NaiveDateTime,
    to: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<UsageRecord>> {
    let mut query = access_events::table
        .inner_join(users::table.on(users::id.eq(access_events::user_id)))
        .inner_join(standards::table.on(standards::id.eq(access_events::standard_id)))
        .filter(access_events::at.ge(from))
        .filter(access_events::at.lt(to))
        .into_boxed();
    query = match scope {
        UsageScope::All => query,
        UsageScope::Province(province) => query.filter(access_events::province.eq(province.clone())),
        UsageScope::User(id) => query.filter(access_events::user_id.eq(*id)),
    };
    let rows: Vec<UsageColumns> = query
        .order(access_events::id.asc())
        .limit(limit)
        .select((
            access_events::at,
            access_events::action,
            access_events::province,
            access_events::unit,
            access_events::user_id,
            users::username,
            users::full_name,
            standards::code,
            standards::title_vi,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(at, action, province, unit, user_id, username, full_name, standard_code, standard_title)| UsageRecord {
            at,
            action,
            province,
            unit,
            user_id,
            username,
            full_name,
            standard_code,
            standard_title,
        })
        .collect())
}
