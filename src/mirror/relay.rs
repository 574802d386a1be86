//! The relay of the mirror's access events: each read of a restricted text on the mirror is
//! recorded here with its own id and queued in the outbox in the same transaction; every few
//! seconds the oldest queued events go to the upstream in a batch, and leave the outbox once the
//! upstream has answered for each (stored, already stored, or rejected). A batch sent twice, after
//! a crash or a lost answer, is stored once: the upstream keeps an event id once.

use std::sync::Arc;
use std::time::Duration;

use super::link::{LinkError, UpstreamLink};
use super::wire::{MAX_RELAY_EVENTS, RelayBatch, RelayedEvent};
use crate::db::{DbPool, outbox};
use crate::services::with_connection;

/// How long the relay rests when the outbox is empty or the upstream is out of reach.
pub const RELAY_INTERVAL: Duration = Duration::from_secs(5);

/// Relays one batch; returns how many events left the outbox.
pub async fn relay_once(pool: &DbPool, link: &UpstreamLink) -> Result<usize, String> {
    let queued = with_connection(pool, |conn| Ok(outbox::queued(conn, MAX_RELAY_EVENTS as i64)?))
        .await
        .map_err(|e| e.to_string())?;
    if queued.is_empty() {
        return Ok(0);
    }
    let mut done: Vec<String> = Vec::new();
    let mut events = Vec::new();
    for (event, code) in queued {
        let Some(event_id) = event.event_id else { continue };
        let Some(code) = code else {
            tracing::warn!(event = %event_id, "an access event names a standard the mirror no longer has; not relayed");
            done.push(event_id);
            continue;
        };
        events.push(RelayedEvent {
            event_id,
            user_id: event.user_id,
            code,
            document_id: event.document_id,
            action: event.action,
            province: event.province,
            unit: event.unit,
            at: event.at,
        });
    }
    let batch = RelayBatch { events };
    let outcome = link.relay(&batch).await.map_err(|e: LinkError| e.to_string())?;
    for rejected in &outcome.rejected {
        tracing::warn!(event = %rejected.event_id, reason = %rejected.reason, "the upstream rejected an access event");
    }
    done.extend(batch.events.into_iter().map(|e| e.event_id));
    let count = done.len();
    with_connection(pool, move |conn| Ok(outbox::dequeue(conn, &done)?)).await.map_err(|e| e.to_string())?;
    tracing::debug!(count, stored = outcome.stored, duplicates = outcome.duplicates, "access events relayed");
    Ok(count)
}

/// Relays for as long as the process lives: batch after batch while events wait, then a rest.
pub fn spawn(pool: DbPool, link: Arc<UpstreamLink>) {
    actix_web::rt::spawn(async move {
        let mut failing = false;
        loop {
            match relay_once(&pool, &link).await {
                Ok(count) if count > 0 => {
                    failing = false;
                    continue;
                }
                Ok(_) => failing = false,
                Err(error) => {
                    if !failing {
                        tracing::warn!(%error, "the mirror cannot relay its access events now; they wait in its outbox");
                    }
                    failing = true;
                }
            }
            tokio::time::sleep(RELAY_INTERVAL).await;
        }
    });
}
