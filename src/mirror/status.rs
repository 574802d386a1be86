//! What a mirror says of itself: its upstream, its position in the upstream's feed, its lag, and
//! why it stopped following if it did (`/readyz`, `/metrics`).

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
