//! Webhooks for portals (`Webhooks`): an admin registers a URL with a secret; every catalogue
//! change is POSTed to it as its feed entry (the connection standard's JSON), signed with
//! HMAC-SHA256 over the timestamp and the body, retried with backoff, with a delivery log. The
//! deliveries are queued by a follower of the change log with its own cursor and lease, in one
//! transaction with the cursor (each entry queued once per webhook), and sent in entry order.

use chrono::{Duration, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::webhooks::{self, DeliveryRow, WebhookRow};
use crate::db::{DbConnection, DbPool, change_cursors, change_log, write_transaction};
use crate::domain::DeliveryState;
use crate::domain::digest::hex;
use crate::error::{AppError, ErrorCode};
use crate::services::{CatalogueWrites, with_connection};

/// The cursor webhooks follow.
pub const CURSOR: &str = "webhooks";
/// Entries queued in one transaction.
pub const BATCH: i64 = 500;
/// Deliveries sent to one webhook in one round.
const PER_ROUND: i64 = 50;
/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i32 = 10;
/// Deliveries shown in a webhook's log.
const LOG: i64 = 20;

/// A webhook to register.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// Where to POST (`https://…`; `http://` for a receiver on the same network).
    pub url: String,
    /// The HMAC key, 32 to 256 characters; it is not shown again.
    pub secret: String,
}

/// One delivery as its log shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    /// The change-log entry delivered.
    pub seq: i64,
    pub state: DeliveryState,
    pub attempts: i32,
    /// The receiver's last HTTP status, or why the last attempt failed.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub next_attempt_at: chrono::DateTime<Utc>,
    pub delivered_at: Option<chrono::DateTime<Utc>>,
}

/// A webhook, its counts and its newest deliveries (never its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    pub created_at: chrono::DateTime<Utc>,
    pub pending: i64,
    pub delivered: i64,
    pub failed: i64,
    pub deliveries: Vec<DeliveryView>,
}

/// The webhooks of one node's catalogue.
#[derive(Clone)]
pub struct Webhooks {
    pool: DbPool,
    writes: CatalogueWrites,
}

impl Webhooks {
    /// The webhooks in `pool`; registered on a national node only (`writes` refuses on a mirror,
    /// whose portals register at the upstream).
    pub fn new(pool: DbPool, writes: CatalogueWrites) -> Webhooks {
        Webhooks { pool, writes }
    }

    /// Registers a webhook (admins); it receives the changes committed from now on.
    pub async fn register(&self, caller: &Caller, request: WebhookRequest) -> Result<WebhookView, AppError> {
        self.writes.refuse_on_mirror()?;
        policy::authorize(caller, Action::ManageWebhooks)?;
        let by = caller.require()?.id;
        let parsed = url::Url::parse(request.url.trim()).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
        let Some(url) = parsed.filter(|u| u.host_str().is_some() && request.url.len() <= 2000) else {
            return Err(AppError::invalid("`url` is an http:// or https:// address of at most 2000 characters"));
        };
        if !(32..=256).contains(&request.secret.chars().count()) {
            return Err(AppError::invalid("`secret` has 32 to 256 characters"));
        }
        with_connection(&self.pool, move |conn| {
            let row = webhooks::add(conn, url.as_str(), &request.secret, by, Utc::now().naive_utc())?;
            view(conn, row)
        })
        .await
    }

    /// The webhooks with their delivery logs (admins).
    pub async fn list(&self, caller: &Caller) -> Result<Vec<WebhookView>, AppError> {
        policy::authorize(caller, Action::ManageWebhooks)?;
        with_connection(&self.pool, |conn| webhooks::active(conn)?.into_iter().map(|row| view(conn, row)).collect())
            .await
    }

    /// Removes a webhook (admins); what it was still to receive is not sent.
    pub async fn remove(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        policy::authorize(caller, Action::ManageWebhooks)?;
        with_connection(&self.pool, move |conn| match webhooks::remove(conn, id, Utc::now().naive_utc())? {
            true => Ok(()),
            false => Err(AppError::NotFound { code: ErrorCode::NotFound, message: format!("no webhook {id}") }),
        })
        .await
    }
}

fn view(conn: &mut DbConnection, row: WebhookRow) -> Result<WebhookView, AppError> {
    let counts = webhooks::counts(conn, row.id)?;
    let count = |state| counts.iter().find(|(s, _)| *s == state).map_or(0, |(_, n)| *n);
    Ok(WebhookView {
        id: row.id,
        url: row.url,
        created_at: row.created_at.and_utc(),
        pending: count(DeliveryState::Pending),
        delivered: count(DeliveryState::Delivered),
        failed: count(DeliveryState::Failed),
        deliveries: webhooks::log_of(conn, row.id, LOG)?.into_iter().map(DeliveryView::from).collect(),
    })
}

impl From<DeliveryRow> for DeliveryView {
    fn from(row: DeliveryRow) -> Self {
        DeliveryView {
            id: row.id,
            seq: row.seq,
            state: row.state,
            attempts: row.attempts,
            last_status: row.last_status,
            last_error: row.last_error,
            next_attempt_at: row.next_attempt_at.and_utc(),
            delivered_at: row.delivered_at.map(|at| at.and_utc()),
        }
    }
}

/// Queues the entries after the webhooks cursor for every webhook registered before them, and
/// moves the cursor, in one transaction, as the node holding the lease. Returns the entries
/// handled, or `None` when another node holds the lease.
pub fn enqueue_step(conn: &mut DbConnection, node: &str) -> Result<Option<usize>, AppError> {
    write_transaction(conn, |conn| {
        let now = Utc::now().naive_utc();
        let until = now + Duration::seconds(crate::services::watchlists::engine::LEASE_SECONDS);
        if !change_cursors::take_lease(conn, CURSOR, node, until, now)? {
            return Ok(None);
        }
        let after = change_cursors::position(conn, CURSOR)?.unwrap_or(0);
        let entries = change_log::since(conn, after, BATCH)?;
        let Some(last) = entries.last().map(|e| e.seq) else { return Ok(Some(0)) };
        let receivers = webhooks::active(conn)?;
        for entry in &entries {
            for webhook in receivers.iter().filter(|w| w.created_at <= entry.changed_at) {
                webhooks::enqueue(conn, webhook.id, entry.seq, now)?;
            }
        }
        if !change_cursors::advance(conn, CURSOR, node, last, now)? {
            return Err(AppError::NotReady("the webhooks cursor's lease was lost".into()));
        }
        Ok(Some(entries.len()))
    })
}

/// The signature header's value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length: this never fails.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("an HMAC key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={timestamp},v1={}", hex(&mac.finalize().into_bytes()))
}

/// How long before the next attempt after `attempts` failed ones: 5 s, doubling, at most an hour.
fn backoff(attempts: i32) -> Duration {
    Duration::seconds((5_i64 << attempts.clamp(0, 10)).min(3600))
}

/// Sends what is due to every webhook, each in entry order, stopping at a webhook's first failure
/// (the rest wait for its retry). Returns how many were delivered.
pub fn deliver_due(conn: &mut DbConnection, client: &reqwest::blocking::Client) -> Result<usize, AppError> {
    let mut delivered = 0;
    let epoch = change_log::current_epoch(conn)?.map(|e| e.epoch).unwrap_or_default();
    for webhook in webhooks::active(conn)? {
        for delivery in webhooks::pending_of(conn, webhook.id, PER_ROUND)? {
            let now = Utc::now().naive_utc();
            if delivery.next_attempt_at > now {
                break;
            }
            let (ok, status, error) = match payload(conn, delivery.seq, &epoch)? {
                Some(body) => send(client, &webhook, &delivery, body),
                None => (true, None, Some("the entry is no longer in the change log".to_string())),
            };
            let next = (!ok && delivery.attempts + 1 < MAX_ATTEMPTS).then(|| now + backoff(delivery.attempts));
            webhooks::record_attempt(conn, delivery.id, status, error.as_deref(), ok, next, now)?;
            if !ok {
                break;
            }
            delivered += 1;
        }
    }
    Ok(delivered)
}

fn payload(conn: &mut DbConnection, seq: i64, epoch: &str) -> Result<Option<Vec<u8>>, AppError> {
    let Some(row) = change_log::at(conn, seq)? else { return Ok(None) };
    let entry = crate::services::feed::entry(row, epoch)?;
    Ok(Some(serde_json::to_vec(&entry).map_err(|e| AppError::Internal(e.to_string()))?))
}

fn send(
    client: &reqwest::blocking::Client,
    webhook: &WebhookRow,
    delivery: &DeliveryRow,
    body: Vec<u8>,
) -> (bool, Option<i32>, Option<String>) {
    let timestamp = Utc::now().timestamp();
    let signed = signature(&webhook.secret, timestamp, &body);
    let sent = client
        .post(&webhook.url)
        .header("content-type", "application/json")
        .header("x-tieuchuan-event", "change")
        .header("x-tieuchuan-delivery", delivery.id.to_string())
        .header("x-tieuchuan-seq", delivery.seq.to_string())
        .header("x-tieuchuan-signature", signed)
        .body(body)
        .send();
    match sent {
        Ok(response) if response.status().is_success() => (true, Some(i32::from(response.status().as_u16())), None),
        Ok(response) => {
            (false, Some(i32::from(response.status().as_u16())), Some("the receiver did not answer 2xx".into()))
        }
        Err(error) => (false, None, Some(error.to_string().chars().take(500).collect())),
    }
}

#[cfg(test)]
mod tests {
    use super::{backoff, signature};

    #[test]
    fn the_signature_is_hmac_sha256_over_the_timestamp_and_the_body() {
        // The integration test `webhooks` checks the value against an HMAC computed independently.
        let signed = signature("k", 1_700_000_000, b"{}");
        assert!(signed.starts_with("t=1700000000,v1="), "{signed}");
        assert_eq!(signed.len(), "t=1700000000,v1=".len() + 64);
        assert_ne!(signed, signature("k", 1_700_000_001, b"{}"), "the timestamp is signed");
        assert_ne!(signed, signature("l", 1_700_000_000, b"{}"), "so is the key");
    }

    #[test]
    fn attempts_back_off_from_five_seconds_to_an_hour() {
        assert_eq!(backoff(0).num_seconds(), 5);
        assert_eq!(backoff(3).num_seconds(), 40);
        assert_eq!(backoff(9).num_seconds(), 2560);
        assert_eq!(backoff(12).num_seconds(), 3600);
    }
}
