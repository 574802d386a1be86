//! The append-only audit trail: account events and access events, and what usage reports read.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{access_event_outbox, access_events, account_events, standards, users};
use crate::domain::AccessAction;

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
    pub action: AccessAction,
    pub province: Option<String>,
    pub unit: Option<String>,
    pub at: NaiveDateTime,
    /// The Vietnam day of `at`, by which reports count.
    pub day: String,
    /// The event's own id (random), by which a relayed copy is recognised.
    pub event_id: Option<String>,
}

/// A stored access event.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = access_events)]
pub struct AccessEventRow {
    pub id: i64,
    pub user_id: i64,
    pub standard_id: i64,
    pub document_id: Option<i64>,
    pub action: AccessAction,
    pub province: Option<String>,
    pub unit: Option<String>,
    pub at: NaiveDateTime,
    pub day: String,
    pub event_id: Option<String>,
    /// The mirror credential that relayed it, for one relayed from a mirror.
    pub relayed_by: Option<i64>,
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

/// Appends an access event; on a mirror (`relay`), also queues it for the upstream, in the same
/// transaction.
pub fn record_access_event(conn: &mut DbConnection, event: &NewAccessEvent, relay: bool) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::insert_into(access_events::table).values(event).execute(conn)?;
        if let (true, Some(event_id)) = (relay, &event.event_id) {
            diesel::insert_into(access_event_outbox::table)
                .values((access_event_outbox::event_id.eq(event_id), access_event_outbox::queued_at.eq(event.at)))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Which access events a report may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageScope {
    All,
    Province(String),
    User(i64),
}

/// What a report groups access events by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageKey {
    Province,
    Unit,
    Standard,
    User,
    Day,
}

/// The events of one group and action: its key, the label shown for it, and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageCount {
    pub key: Option<String>,
    pub label: Option<String>,
    pub action: AccessAction,
    pub events: i64,
}

/// Counts the access events of the Vietnam days `from..=to` (`YYYY-MM-DD`) within the scope, by
/// group and action, in the database (never loading the events themselves).
pub fn usage_counts(
    conn: &mut DbConnection,
    scope: &UsageScope,
    from: &str,
    to: &str,
    key: UsageKey,
) -> QueryResult<Vec<UsageCount>> {
    macro_rules! counted {
        ($key:expr, $label:expr) => {{
            let query = access_events::table
                .inner_join(users::table.on(users::id.eq(access_events::user_id)))
                .inner_join(standards::table.on(standards::id.eq(access_events::standard_id)))
                .filter(access_events::day.ge(from.to_string()))
                .filter(access_events::day.le(to.to_string()))
                .group_by(($key, $label, access_events::action))
                .select(($key.nullable(), $label.nullable(), access_events::action, diesel::dsl::count_star()));
            let rows: Vec<(Option<String>, Option<String>, AccessAction, i64)> = match scope {
                UsageScope::All => query.load(conn)?,
                UsageScope::Province(province) => {
                    query.filter(access_events::province.eq(province.clone())).load(conn)?
                }
                UsageScope::User(id) => query.filter(access_events::user_id.eq(*id)).load(conn)?,
            };
            rows
        }};
    }
    let rows = match key {
        UsageKey::Province => counted!(access_events::province, access_events::province),
        UsageKey::Unit => counted!(access_events::unit, access_events::unit),
        UsageKey::Standard => counted!(standards::code, standards::title_vi),
        UsageKey::User => counted!(users::username, users::full_name),
        UsageKey::Day => counted!(access_events::day, access_events::day),
    };
    Ok(rows.into_iter().map(|(key, label, action, events)| UsageCount { key, label, action, events }).collect())
}

/// Whether any read or download of this standard's texts was recorded.
pub fn standard_was_read(conn: &mut DbConnection, standard_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(access_events::table.filter(access_events::standard_id.eq(standard_id))))
        .get_result(conn)
}
