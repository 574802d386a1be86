//! Queries on `webhooks` and `webhook_deliveries`: the portals' receivers, and each change-log
//! entry's delivery to each of them with its attempts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{webhook_deliveries, webhooks};
use crate::domain::DeliveryState;

/// A registered webhook (its secret only where it signs).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub removed_at: Option<NaiveDateTime>,
}

/// One delivery of one entry to one webhook.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: i64,
    pub webhook_id: i64,
    pub seq: i64,
    pub state: DeliveryState,
    pub attempts: i32,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub next_attempt_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Registers a webhook; returns it.
pub fn add(conn: &mut DbConnection, url: &str, secret: &str, by: i64, now: NaiveDateTime) -> QueryResult<WebhookRow> {
    diesel::insert_into(webhooks::table)
        .values((
            webhooks::url.eq(url),
            webhooks::secret.eq(secret),
            webhooks::created_by.eq(Some(by)),
            webhooks::created_at.eq(now),
        ))
        .execute(conn)?;
    webhooks::table.order(webhooks::id.desc()).select(WebhookRow::as_select()).first(conn)
}

/// The webhooks not removed, oldest first.
pub fn active(conn: &mut DbConnection) -> QueryResult<Vec<WebhookRow>> {
    webhooks::table
        .filter(webhooks::removed_at.is_null())
        .order(webhooks::id.asc())
        .select(WebhookRow::as_select())
        .load(conn)
}

/// Removes a webhook (its log stays); false when there is no such active webhook.
pub fn remove(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let removed = diesel::update(webhooks::table.find(id).filter(webhooks::removed_at.is_null()))
        .set(webhooks::removed_at.eq(Some(now)))
        .execute(conn)?;
    // What was still to be sent is not sent any more.
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(id))
            .filter(webhook_deliveries::state.eq(DeliveryState::Pending)),
    )
    .set((webhook_deliveries::state.eq(DeliveryState::Failed), webhook_deliveries::last_error.eq("webhook removed")))
    .execute(conn)?;
    Ok(removed > 0)
}

/// Queues the delivery of an entry to a webhook (once).
pub fn enqueue(conn: &mut DbConnection, webhook_id: i64, seq: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let exists: i64 = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .filter(webhook_deliveries::seq.eq(seq))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::webhook_id.eq(webhook_id),
            webhook_deliveries::seq.eq(seq),
            webhook_deliveries::state.eq(DeliveryState::Pending),
            webhook_deliveries::next_attempt_at.eq(now),
            webhook_deliveries::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The oldest pending deliveries of a webhook, in the order of their entries.
pub fn pending_of(conn: &mut DbConnection, webhook_id: i64, limit: i64) -> QueryResult<Vec<DeliveryRow>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .filter(webhook_deliveries::state.eq(DeliveryState::Pending))
        .order(webhook_deliveries::seq.asc())
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(conn)
}

/// Records an attempt: delivered, or to be tried again at `next` (or given up when `next` is
/// `None`).
pub fn record_attempt(
    conn: &mut DbConnection,
    id: i64,
    status: Option<i32>,
    error: Option<&str>,
    delivered: bool,
    next: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let state = match (delivered, next) {
        (true, _) => DeliveryState::Delivered,
        (false, Some(_)) => DeliveryState::Pending,
        (false, None) => DeliveryState::Failed,
    };
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::state.eq(state),
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
            webhook_deliveries::last_status.eq(status),
            webhook_deliveries::last_error.eq(error),
            webhook_deliveries::next_attempt_at.eq(next.unwrap_or(now)),
            webhook_deliveries::delivered_at.eq(delivered.then_some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The newest deliveries of a webhook (its delivery log).
pub fn log_of(conn: &mut DbConnection, webhook_id: i64, limit: i64) -> QueryResult<Vec<DeliveryRow>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(conn)
}

/// How many deliveries of a webhook are in each state.
pub fn counts(conn: &mut DbConnection, webhook_id: i64) -> QueryResult<Vec<(DeliveryState, i64)>> {
    let mut counts = Vec::new();
    for state in DeliveryState::ALL {
        let n: i64 = webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(webhook_id))
            .filter(webhook_deliveries::state.eq(*state))
            .count()
            .get_result(conn)?;
        counts.push((*state, n));
    }
    Ok(counts)
}
