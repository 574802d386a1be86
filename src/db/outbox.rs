//! A mirror's outbox of access events: the events its upstream has not taken yet (each queued in
//! the transaction that records it, `audit::record_access_event`), read oldest first by the relay
//! and taken out once the upstream has answered for them.

use diesel::prelude::*;

use super::DbConnection;
use super::audit::AccessEventRow;
use super::schema::{access_event_outbox, access_events, standards};

/// The oldest access events waiting for the upstream, at most `limit`, each with its standard's
/// code (`None` if the standard is gone).
pub fn queued(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<(AccessEventRow, Option<String>)>> {
    access_events::table
        .inner_join(access_event_outbox::table.on(access_event_outbox::event_id.nullable().eq(access_events::event_id)))
        .left_join(standards::table.on(standards::id.eq(access_events::standard_id)))
        .order(access_events::id)
        .limit(limit)
        .select((AccessEventRow::as_select(), standards::code.nullable()))
        .load(conn)
}

/// Takes events the upstream has out of the outbox.
pub fn dequeue(conn: &mut DbConnection, event_ids: &[String]) -> QueryResult<usize> {
    diesel::delete(access_event_outbox::table.filter(access_event_outbox::event_id.eq_any(event_ids))).execute(conn)
}
