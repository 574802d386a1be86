//! The mirror's follower: it loads a snapshot when it has no position (or the upstream's epoch
//! changed), then follows the feed with long-polling, checking each page before it applies it with
//! its position in one transaction; at the head it checks the signed checkpoint against its chain.
//! A page that does not check stops applying (the reason is kept, shown on `/readyz` and logged)
//! and is tried again after a while; an unreachable upstream is retried with backoff, and public
//! reading and search on the mirror go on meanwhile.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::apply::{self, ApplyError};
use super::status::SyncClock;
use super::texts::TextFetcher;
use super::upstream::{Fetch, Upstream};
use crate::db::DbPool;
use crate::db::replica::{self, MirrorState};
use crate::error::AppError;
use crate::feed::verify;
use crate::services::documents::TextStorage;
use crate::services::with_connection;

/// Seconds a page request waits at the upstream's head.
const WAIT_SECONDS: u64 = 30;
/// The longest pause after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// The pause before a halted mirror tries again.
const HALTED_RETRY: Duration = Duration::from_secs(60);

/// Starts following `upstream` into the database in `pool` (texts into `storage`), for the life
/// of the process.
pub fn spawn(pool: DbPool, upstream: Upstream, storage: TextStorage, clock: Arc<SyncClock>) {
    let texts = TextFetcher::spawn(pool.clone(), upstream.clone(), storage);
    // Whatever an earlier run left unfetched.
    texts.want(None);
    actix_web::rt::spawn(async move {
        let mut backoff = Duration::from_secs(1);
        loop {
            match step(&pool, &upstream, &clock, &texts).await {
                // Applied something, or at the head: go on at once (the next request long-polls).
                Ok(()) => backoff = Duration::from_secs(1),
                Err(Fetch::Unreachable(reason)) => {
                    tracing::warn!(%reason, upstream = %upstream.base, "the upstream is unreachable; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
                Err(Fetch::Resync) => {
                    tracing::warn!(upstream = %upstream.base, "the upstream's epoch changed; resyncing from a snapshot");
                    match resync(&pool, &upstream).await {
                        Ok(()) => texts.want(None),
                        Err(error) => {
                            tracing::warn!(%error, "the resync failed; retrying");
                            tokio::time::sleep(backoff).await;
                        }
                    }
                }
                Err(Fetch::Broken(broken)) => {
                    tracing::error!(reason = %broken, upstream = %upstream.base, "the mirror stopped applying");
                    let _ = halt(&pool, broken.to_string()).await;
                    tokio::time::sleep(HALTED_RETRY).await;
                }
            }
        }
    });
}

fn unreachable(error: AppError) -> Fetch {
    Fetch::Unreachable(format!("the mirror's database: {error}"))
}

fn applied(error: ApplyError) -> AppError {
    match error {
        ApplyError::Replica(replica::ReplicaError::Database(e)) => AppError::Database(e),
        other => AppError::Internal(other.to_string()),
    }
}

async fn state(pool: &DbPool) -> Result<Option<MirrorState>, Fetch> {
    with_connection(pool, |conn| Ok(replica::state(conn)?)).await.map_err(unreachable)
}

async fn halt(pool: &DbPool, reason: String) -> Result<(), AppError> {
    with_connection(pool, move |conn| {
        if let Some(mut state) = replica::state(conn)? {
            state.halted = Some(reason);
            replica::save_state(conn, &state)?;
        }
        Ok(())
    })
    .await
}

async fn resync(pool: &DbPool, upstream: &Upstream) -> Result<(), Fetch> {
    let snapshot = upstream.snapshot().await?;
    let (base, count) = (upstream.base.clone(), snapshot.records.len());
    with_connection(pool, move |conn| apply::snapshot(conn, &base, &snapshot).map_err(applied))
        .await
        .map_err(|e| Fetch::Broken(verify::Broken::Snapshot(e.to_string())))?;
    tracing::info!(records = count, upstream = %upstream.base, "the mirror loaded a snapshot");
    Ok(())
}

async fn step(pool: &DbPool, upstream: &Upstream, clock: &SyncClock, texts: &TextFetcher) -> Result<(), Fetch> {
    let Some(state) = state(pool).await?.filter(|s| s.upstream == upstream.base) else {
        resync(pool, upstream).await?;
        texts.want(None);
        return Ok(());
    };
    clock.mark(state.caught_up_at);
    let page = upstream.page(state.seq, &state.epoch, WAIT_SECONDS).await?;
    if page.epoch != state.epoch {
        return Err(Fetch::Resync);
    }
    let entries = verify::page(&page, state.seq, &state.chain)?;
    if entries.is_empty() {
        let (epoch, seq, chain) = upstream.checkpoint().await?;
        if epoch == state.epoch && seq == state.seq && chain != state.chain {
            return Err(Fetch::Broken(verify::Broken::CheckpointChain));
        }
        with_connection(pool, move |conn| {
            let mut at_head = state;
            at_head.upstream_seq = seq.max(at_head.seq);
            if at_head.upstream_seq == at_head.seq {
                at_head.caught_up_at = Utc::now().naive_utc();
            }
            at_head.halted = None;
            Ok(replica::save_state(conn, &at_head)?)
        })
        .await
        .map_err(unreachable)?;
        return Ok(());
    }
    let (_, with_texts) = with_connection(pool, move |conn| apply::page(conn, &state, &entries).map_err(applied))
        .await
        .map_err(unreachable)?;
    if !with_texts.is_empty() {
        texts.want(Some(with_texts));
    }
    Ok(())
}
