//! Applying what the upstream published, in the mirror's own catalogue transactions: each page
//! (or a whole snapshot) and the mirror's position together, so that a crash leaves either all of
//! a page applied or none of it, and no entry is applied twice. Each applied record is written to
//! the mirror's own change log (its search index follows it), and must come out of the mirror's
//! database as the upstream's record byte for byte.

use chrono::{NaiveDateTime, Utc};

use super::upstream::Snapshot;
use crate::db::replica::{self, MirrorState, ReplicaError};
use crate::db::{DbConnection, catalogue_transaction};
use crate::feed::log::{self, Change as LogChange};
use crate::feed::record::{self, PublicRecord};
use crate::feed::verify::{Change, Checked};

/// A failure to apply.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Replica(#[from] ReplicaError),
    #[error("the mirror's record of {0} differs from the upstream's after applying it")]
    Diverged(String),
}

impl From<diesel::result::Error> for ApplyError {
    fn from(error: diesel::result::Error) -> Self {
        ApplyError::Replica(ReplicaError::Database(error))
    }
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Stores one record unless the mirror holds it already as it is; logs it locally.
fn put(conn: &mut DbConnection, record: &PublicRecord, summary: &str) -> Result<(), ApplyError> {
    if let Some(id) = replica::id_of(conn, &record.code)?
        && record::of_standard(conn, id)?.as_ref() == Some(record)
    {
        return Ok(());
    }
    let id = replica::put_record(conn, record)?;
    if record::of_standard(conn, id)?.as_ref() != Some(record) {
        return Err(ApplyError::Diverged(record.code.clone()));
    }
    log::upsert(conn, id, LogChange { action: "mirrored", changed_at: now() }, summary.to_string())?;
    Ok(())
}

fn remove(conn: &mut DbConnection, code: &str, summary: &str) -> Result<(), ApplyError> {
    let Some(id) = replica::id_of(conn, code)? else { return Ok(()) };
    let Some(was) = record::of_standard(conn, id)? else { return Ok(()) };
    replica::remove_record(conn, code)?;
    log::tombstone(conn, &was, id, LogChange { action: "mirrored", changed_at: now() }, summary.to_string())?;
    Ok(())
}

/// Makes the mirror's catalogue the snapshot's, and its position the snapshot's.
pub fn snapshot(conn: &mut DbConnection, upstream: &str, snapshot: &Snapshot) -> Result<(), ApplyError> {
    catalogue_transaction(conn, |conn| {
        let summary = format!("snapshot of {upstream} at {}", snapshot.seq);
        let kept: std::collections::HashSet<&str> = snapshot.records.iter().map(|r| r.code.as_str()).collect();
        for code in replica::codes(conn)?.into_iter().filter(|code| !kept.contains(code.as_str())) {
            remove(conn, &code, &summary)?;
        }
        for record in &snapshot.records {
            put(conn, record, &summary)?;
        }
        let at = now();
        replica::save_state(
            conn,
            &MirrorState {
                id: 1,
                upstream: upstream.to_string(),
                epoch: snapshot.epoch.clone(),
                seq: snapshot.seq,
                chain: snapshot.chain.clone(),
                upstream_seq: snapshot.seq,
                caught_up_at: at,
                applied_at: at,
                halted: None,
            },
        )?;
        Ok(())
    })
}

/// Applies a checked page after `state`, and moves the position; returns the new position and
/// the standards whose records name public texts.
pub fn page(
    conn: &mut DbConnection,
    state: &MirrorState,
    entries: &[Checked],
) -> Result<(MirrorState, Vec<i64>), ApplyError> {
    catalogue_transaction(conn, |conn| {
        let mut next = state.clone();
        let mut with_texts = Vec::new();
        for entry in entries {
            let summary = format!("{} entry {}", state.upstream, entry.seq);
            match &entry.change {
                Change::Upsert(record) => {
                    put(conn, record, &summary)?;
                    if record.texts.iter().any(|t| t.sha256.is_some())
                        && let Some(id) = replica::id_of(conn, &record.code)?
                    {
                        with_texts.push(id);
                    }
                }
                Change::Tombstone { code } => remove(conn, code, &summary)?,
            }
            next.seq = entry.seq;
            next.chain = entry.chain.clone();
        }
        next.applied_at = now();
        next.upstream_seq = next.upstream_seq.max(next.seq);
        next.halted = None;
        replica::save_state(conn, &next)?;
        Ok((next, with_texts))
    })
}
