//! A page of the feed and its entries, as a node serves them and as a follower reads them (a
//! mirror, the conformance checker): the one shape of the connection standard's wire format.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::ToSchema;

use super::record::PublicRecord;
use crate::domain::FeedOp;

/// One entry of the feed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FeedEntry {
    pub seq: i64,
    pub epoch: String,
    /// RFC 3339, UTC, whole seconds.
    pub committed_at: String,
    pub op: FeedOp,
    pub code: String,
    pub slug: String,
    pub version: i32,
    /// The whole public record after the change; `null` for a tombstone.
    #[schema(value_type = Option<PublicRecord>)]
    pub record: Option<Box<RawValue>>,
    /// SHA-256 (hex) of the record's canonical JSON (RFC 8785).
    pub record_sha256: Option<String>,
    /// SHA-256 (hex) of the previous entry's chain, a newline and this entry's canonical head.
    pub chain: String,
}

/// A page of the feed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChangesPage {
    pub epoch: String,
    /// The epoch's first sequence number.
    pub first_seq: i64,
    /// The position the page starts after.
    pub after: i64,
    pub entries: Vec<FeedEntry>,
    /// Where the next page starts (`after` of the next request).
    pub next_after: i64,
    /// Whether this is a full page, which never changes.
    pub complete: bool,
    /// The chain before the page's first entry.
    pub previous_chain: String,
}
