//! What a mirror says of itself: its upstream, its position in the upstream's feed, its lag, and
//! why it stopped following if it did (`/readyz`, `/metrics`); and when it last synced, for the
//! pages (`SyncClock`).

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::replica::MirrorState;

/// A mirror's position and lag.
#[derive(Debug, Serialize, ToSchema)]
pub struct MirrorHealth {
    pub upstream: String,
    pub epoch: String,
    /// The upstream's head as last seen.
    pub upstream_seq: i64,
    /// The last upstream entry applied here.
    pub seq: i64,
    /// Seconds since the mirror last held everything the upstream had published (0 when it does).
    pub lag_seconds: i64,
    /// When a page was last applied (RFC 3339).
    pub last_sync: String,
    /// Why applying stopped, when it did.
    pub halted: Option<String>,
}

impl MirrorHealth {
    /// What a mirror's stored position says, now.
    pub fn of(state: MirrorState) -> MirrorHealth {
        let lag = state.lag_seconds(chrono::Utc::now().naive_utc());
        MirrorHealth {
            upstream: state.upstream,
            epoch: state.epoch,
            upstream_seq: state.upstream_seq,
            seq: state.seq,
            lag_seconds: lag,
            last_sync: crate::feed::log::committed_at(state.applied_at),
            halted: state.halted,
        }
    }
}

/// When the mirror last held everything its upstream had published, as the pages say it; kept
/// in memory by the follower (which saves the same moment in `mirror_state`).
#[derive(Debug)]
pub struct SyncClock {
    upstream: String,
    /// Unix seconds; 0 before the first sync.
    caught_up_at: AtomicI64,
}

impl SyncClock {
    pub fn new(upstream: &str) -> SyncClock {
        SyncClock { upstream: upstream.to_string(), caught_up_at: AtomicI64::new(0) }
    }

    /// The upstream this node mirrors.
    pub fn upstream(&self) -> &str {
        &self.upstream
    }

    /// The mirror held the upstream's head at `at` (a later moment than any before wins).
    pub fn mark(&self, at: NaiveDateTime) {
        self.caught_up_at.fetch_max(at.and_utc().timestamp(), Ordering::Relaxed);
    }

    /// The last such moment, if any.
    pub fn last(&self) -> Option<NaiveDateTime> {
        let at = self.caught_up_at.load(Ordering::Relaxed);
        (at > 0).then(|| chrono::DateTime::from_timestamp(at, 0).map(|t| t.naive_utc())).flatten()
    }
}
