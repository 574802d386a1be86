//! Checking what a node of the connection standard publishes, before a follower uses any of it:
//! a page's position and previous chain, each entry's position (no gap), its record against
//! `record_sha256` (RFC 8785) and the hash chain; signatures of checkpoints and manifests. The
//! mirror and the conformance checker both read the feed through this.

use serde_json::Value;

use super::entry::ChangesPage;

use super::canonical::{EntryHead, canonical, next_chain};
use super::record::PublicRecord;
use super::signing::{PublicJwk, verify};
use crate::domain::FeedOp;
use crate::domain::digest::sha256_hex;

/// What made the mirror stop: the upstream sent something that does not check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    #[error("entry {got} came where entry {expected} was due (a gap or a reordering)")]
    Gap { expected: i64, got: i64 },
    #[error("entry {0}: its record does not match record_sha256")]
    Hash(i64),
    #[error("entry {0}: the hash chain is broken (a rewrite or a reordering)")]
    Chain(i64),
    #[error("entry {seq}: {reason}")]
    Record { seq: i64, reason: String },
    #[error("a page of the upstream does not continue the mirror's chain")]
    PreviousChain,
    #[error("the {0} does not verify with the publisher's key")]
    Signature(&'static str),
    #[error("the signed checkpoint's chain is not the feed's at its seq")]
    CheckpointChain,
    #[error("the snapshot does not match its manifest: {0}")]
    Snapshot(String),
}

/// A checked entry, ready to apply.
#[derive(Debug, Clone)]
pub struct Checked {
    pub seq: i64,
    pub chain: String,
    pub committed_at: String,
    pub change: Change,
}

/// What an entry does.
#[derive(Debug, Clone)]
pub enum Change {
    Upsert(Box<PublicRecord>),
    Tombstone { code: String },
}

/// Checks a page that should continue from `seq` with `chain`; returns its entries, checked.
pub fn page(page: &ChangesPage, seq: i64, chain: &str) -> Result<Vec<Checked>, Broken> {
    if page.after != seq || page.previous_chain != chain {
        return Err(Broken::PreviousChain);
    }
    let (mut expected, mut previous) = (seq + 1, chain.to_string());
    let mut checked = Vec::with_capacity(page.entries.len());
    for entry in &page.entries {
        if entry.seq != expected || entry.epoch != page.epoch {
            return Err(Broken::Gap { expected, got: entry.seq });
        }
        let record: Option<Value> = (entry.record.as_deref())
            .map(|raw| serde_json::from_str(raw.get()))
            .transpose()
            .map_err(|e| Broken::Record { seq: entry.seq, reason: e.to_string() })?;
        let change = match (entry.op, record) {
            (FeedOp::Upsert, Some(record)) => {
                let text = canonical(&record).map_err(|e| Broken::Record { seq: entry.seq, reason: e.to_string() })?;
                if entry.record_sha256.as_deref() != Some(sha256_hex(text.as_bytes()).as_str()) {
                    return Err(Broken::Hash(entry.seq));
                }
                let record: PublicRecord = serde_json::from_value(record)
                    .map_err(|e| Broken::Record { seq: entry.seq, reason: e.to_string() })?;
                Change::Upsert(Box::new(record))
            }
            (FeedOp::Tombstone, None) if entry.record_sha256.is_none() => {
                Change::Tombstone { code: entry.code.clone() }
            }
            _ => return Err(Broken::Hash(entry.seq)),
        };
        let head = EntryHead {
            seq: entry.seq,
            epoch: &entry.epoch,
            committed_at: &entry.committed_at,
            op: entry.op,
            code: &entry.code,
            slug: &entry.slug,
            version: entry.version,
            record_sha256: entry.record_sha256.as_deref(),
        };
        let chain =
            next_chain(&previous, &head).map_err(|e| Broken::Record { seq: entry.seq, reason: e.to_string() })?;
        if chain != entry.chain {
            return Err(Broken::Chain(entry.seq));
        }
        if let Change::Upsert(record) = &change
            && record.code != entry.code
        {
            return Err(Broken::Record { seq: entry.seq, reason: "the record is of another code".into() });
        }
        checked.push(Checked {
            seq: entry.seq,
            chain: chain.clone(),
            committed_at: entry.committed_at.clone(),
            change,
        });
        previous = chain;
        expected += 1;
    }
    Ok(checked)
}

/// Checks `signed[field]` against `signed.signature` with the upstream's key.
pub fn signed(key: &PublicJwk, signed: &Value, field: &'static str) -> Result<(), Broken> {
    let message = canonical(&signed[field]).map_err(|_| Broken::Signature(field))?;
    let signature = signed["signature"].as_str().ok_or(Broken::Signature(field))?;
    verify(key, message.as_bytes(), signature).then_some(()).ok_or(Broken::Signature(field))
}
