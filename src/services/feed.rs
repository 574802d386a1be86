//! The connection standard as a service: pages of the change feed (long-polled when a follower
//! is at the head), and the signed checkpoint. Entries are served as stored, so their records
//! are byte for byte the canonical text their hash was taken of.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::ToSchema;

use super::with_connection;
use crate::db::DbPool;
use crate::db::change_log::{self, ChangeEntry, Epoch};
use crate::error::{AppError, ErrorCode};
use crate::feed::canonical::{canonical, genesis};
pub use crate::feed::entry::{ChangesPage, FeedEntry};
use crate::feed::log::committed_at;
use crate::feed::signing::{FeedKey, KeySet};

/// Entries in a full page; full pages never change.
pub const PAGE_SIZE: i64 = 1_000;
/// The longest a follower may wait for new entries.
pub const MAX_WAIT_SECONDS: u64 = 60;
/// How often a waiting follower's position is looked at again.
const POLL_EVERY: Duration = Duration::from_millis(250);

/// What a follower asks for.
#[derive(Debug, Clone)]
pub struct ChangesRequest {
    pub after: i64,
    pub limit: i64,
    pub wait: Duration,
    /// The epoch the follower is in; another one is refused (409 `epoch_changed`).
    pub epoch: Option<String>,
}

/// A checkpoint: the head of the feed as this node saw it, to be signed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Checkpoint {
    pub origin: String,
    pub epoch: String,
    pub seq: i64,
    pub chain: String,
    pub signed_at: String,
}

/// A checkpoint with its Ed25519 signature over its canonical JSON.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SignedCheckpoint {
    pub checkpoint: Checkpoint,
    pub key_id: String,
    /// `Ed25519`.
    pub algorithm: String,
    /// base64url without padding.
    pub signature: String,
}

/// The feed of the database in `pool`, signed with `key`.
#[derive(Clone)]
pub struct Feed {
    pool: DbPool,
    key: Arc<FeedKey>,
    origin: String,
}

impl Feed {
    pub fn new(pool: DbPool, key: Arc<FeedKey>, origin: String) -> Feed {
        Feed { pool, key, origin }
    }

    /// The public key set followers check checkpoints with.
    pub fn key_set(&self) -> KeySet {
        self.key.key_set()
    }

    /// A page of entries after `after`, up to `limit` and never past the end of the page
    /// `after` is in; when there are none yet, waits up to `wait` for some.
    pub async fn changes(&self, request: ChangesRequest) -> Result<ChangesPage, AppError> {
        let deadline = Instant::now() + request.wait;
        loop {
            let pool_request = request.clone();
            let page = with_connection(&self.pool, move |conn| {
                let epoch = change_log::current_epoch(conn)?.ok_or_else(|| AppError::NotReady("no feed yet".into()))?;
                page(conn, &epoch, &pool_request)
            })
            .await?;
            if !page.entries.is_empty() || Instant::now() >= deadline {
                return Ok(page);
            }
            tokio::time::sleep(POLL_EVERY.min(deadline.saturating_duration_since(Instant::now()))).await;
        }
    }

    /// The head of the feed, signed.
    pub async fn checkpoint(&self) -> Result<SignedCheckpoint, AppError> {
        let (epoch, head) = with_connection(&self.pool, |conn| {
            let epoch = change_log::current_epoch(conn)?.ok_or_else(|| AppError::NotReady("no feed yet".into()))?;
            let head = change_log::last(conn)?.filter(|entry| entry.seq >= epoch.first_seq);
            Ok((epoch, head))
        })
        .await?;
        let (seq, chain) = match head {
            Some(entry) => (entry.seq, entry.chain.unwrap_or_default()),
            None => (epoch.first_seq - 1, genesis(&epoch.epoch)),
        };
        self.checkpoint_of(epoch.epoch, seq, chain)
    }

    /// A signed checkpoint of the feed of `epoch` at `seq`, whose entry has `chain`.
    pub fn checkpoint_of(&self, epoch: String, seq: i64, chain: String) -> Result<SignedCheckpoint, AppError> {
        let checkpoint = Checkpoint {
            origin: self.origin.clone(),
            epoch,
            seq,
            chain,
            signed_at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        };
        Ok(SignedCheckpoint {
            signature: self.sign(&checkpoint)?,
            key_id: self.key.key_id().to_string(),
            algorithm: "Ed25519".into(),
            checkpoint,
        })
    }

    /// The Ed25519 signature (base64url) over the canonical JSON of `value`.
    pub fn sign(&self, value: &impl Serialize) -> Result<String, AppError> {
        let message = canonical(value).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(self.key.sign(message.as_bytes()))
    }

    /// The id of the key that signs.
    pub fn key_id(&self) -> &str {
        self.key.key_id()
    }

    /// The address this node publishes the feed at.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

fn page(conn: &mut crate::db::DbConnection, epoch: &Epoch, request: &ChangesRequest) -> Result<ChangesPage, AppError> {
    if let Some(theirs) = &request.epoch
        && theirs != &epoch.epoch
    {
        return Err(AppError::conflict(
            ErrorCode::EpochChanged,
            format!("the feed is in epoch {}; start again from a snapshot", epoch.epoch),
        ));
    }
    let head = change_log::latest_seq(conn)?;
    if request.after > head {
        return Err(AppError::conflict(
            ErrorCode::BeyondHead,
            format!("`after` {} is past the feed's head {head}; start again from a snapshot", request.after),
        ));
    }
    // An epoch begins with the whole catalogue: a follower from before it starts at its start.
    let after = request.after.max(epoch.first_seq - 1);
    let page_end = (after / PAGE_SIZE + 1) * PAGE_SIZE;
    let through = (after + request.limit).min(page_end);
    let rows = change_log::between(conn, after, through)?;
    let previous_chain = match change_log::at(conn, after)? {
        Some(entry) if after >= epoch.first_seq => entry.chain.unwrap_or_default(),
        _ => genesis(&epoch.epoch),
    };
    let entries = rows.into_iter().map(|row| entry(row, &epoch.epoch)).collect::<Result<Vec<_>, _>>()?;
    let next_after = entries.last().map_or(after, |e| e.seq);
    let complete = after % PAGE_SIZE == 0 && entries.len() as i64 == PAGE_SIZE;
    Ok(ChangesPage {
        epoch: epoch.epoch.clone(),
        first_seq: epoch.first_seq,
        after,
        entries,
        next_after,
        complete,
        previous_chain,
    })
}

/// A change-log row as the feed (and a webhook) carries it.
pub(crate) fn entry(row: ChangeEntry, epoch: &str) -> Result<FeedEntry, AppError> {
    let record = row.record.map(RawValue::from_string).transpose().map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(FeedEntry {
        seq: row.seq,
        epoch: epoch.to_string(),
        committed_at: committed_at(row.changed_at),
        op: row.op,
        code: row.code,
        slug: row.slug,
        version: row.version,
        record,
        record_sha256: row.record_sha256,
        chain: row.chain.unwrap_or_default(),
    })
}
