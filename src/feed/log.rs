//! Writing the feed: each catalogue change appends one entry with the next sequence number, the
//! record after the change, its hash and the chain, inside the writer's own transaction. Callers
//! hold the catalogue writers' lock (`db::catalogue_transaction`), so the entry before is the
//! last committed one and no sequence number is skipped, even by a writer that rolls back.

use chrono::{NaiveDateTime, SecondsFormat, Utc};
use diesel::QueryResult;
use diesel::result::Error as DieselError;

use super::canonical::{EntryHead, canonical, genesis, next_chain};
use super::record::{self, PublicRecord};
use crate::db::DbConnection;
use crate::db::change_log::{self, Epoch, NewChangeEntry};
use crate::domain::FeedOp;
use crate::domain::digest::sha256_hex;

/// What changed, for the log's own columns (the search index reads `action`).
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub action: &'a str,
    pub changed_at: NaiveDateTime,
}

fn serialisation(error: serde_json::Error) -> DieselError {
    DieselError::SerializationError(Box::new(error))
}

/// Appends an upsert of the standard as it is now in this transaction; returns its sequence
/// number.
pub fn upsert(conn: &mut DbConnection, standard_id: i64, change: Change<'_>, summary: String) -> QueryResult<i64> {
    let record = record::of_standard(conn, standard_id)?.ok_or(DieselError::NotFound)?;
    append(conn, standard_id, Written::Upsert(&record), change, summary)
}

/// Appends the tombstone of a standard removed in this transaction (kept forever: the log is
/// append-only); `version` is the removed record's version, raised by one.
pub fn tombstone(
    conn: &mut DbConnection,
    removed: &PublicRecord,
    standard_id: i64,
    change: Change<'_>,
    summary: String,
) -> QueryResult<i64> {
    append(conn, standard_id, Written::Tombstone(removed), change, summary)
}

/// What an entry says of its standard.
#[derive(Clone, Copy)]
enum Written<'a> {
    /// The record as it is now.
    Upsert(&'a PublicRecord),
    /// The record as it was before its removal.
    Tombstone(&'a PublicRecord),
}

fn append(
    conn: &mut DbConnection,
    standard_id: i64,
    written: Written<'_>,
    change: Change<'_>,
    summary: String,
) -> QueryResult<i64> {
    let epoch = match change_log::current_epoch(conn)? {
        Some(epoch) => epoch,
        // The first change of a log without an epoch (a database migrated by a tool that did not
        // start one) opens it; this standard's own entry follows at once.
        None => open_epoch(conn, Some(standard_id))?,
    };
    let last = change_log::last(conn)?;
    let seq = last.as_ref().map_or(1, |entry| entry.seq + 1);
    let previous = match last {
        Some(entry) if entry.seq >= epoch.first_seq => entry.chain.ok_or(DieselError::NotFound)?,
        _ => genesis(&epoch.epoch),
    };
    let (op, record, version) = match written {
        Written::Upsert(record) => (FeedOp::Upsert, record, record.version),
        Written::Tombstone(record) => (FeedOp::Tombstone, record, record.version + 1),
    };
    let record_text = match written {
        Written::Upsert(record) => Some(canonical(record).map_err(serialisation)?),
        Written::Tombstone(_) => None,
    };
    let record_sha256 = record_text.as_deref().map(|text| sha256_hex(text.as_bytes()));
    let committed_at = committed_at(change.changed_at);
    let head = EntryHead {
        seq,
        epoch: &epoch.epoch,
        committed_at: &committed_at,
        op,
        code: &record.code,
        slug: &record.slug,
        version,
        record_sha256: record_sha256.as_deref(),
    };
    let chain = next_chain(&previous, &head).map_err(serialisation)?;
    change_log::insert(
        conn,
        &NewChangeEntry {
            seq,
            standard_id,
            code: record.code.clone(),
            action: change.action.to_string(),
            version,
            changed_at: change.changed_at,
            summary,
            op,
            slug: record.slug.clone(),
            record: record_text,
            record_sha256,
            chain: Some(chain),
        },
    )?;
    Ok(seq)
}

/// An entry's `committed_at`: RFC 3339, UTC, whole seconds.
pub fn committed_at(changed_at: NaiveDateTime) -> String {
    changed_at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The current epoch, started (with an upsert of every standard) if the log has none yet.
pub fn ensure_epoch(conn: &mut DbConnection) -> QueryResult<Epoch> {
    match change_log::current_epoch(conn)? {
        Some(epoch) => Ok(epoch),
        None => start_epoch(conn),
    }
}

/// Starts a new epoch: a fresh random name, from the next sequence number, opened by an upsert
/// of every standard in the catalogue, so that replaying an epoch from its start gives the
/// whole catalogue. Followers of an earlier epoch must start again from a snapshot.
pub fn start_epoch(conn: &mut DbConnection) -> QueryResult<Epoch> {
    open_epoch(conn, None)
}

/// Starts an epoch with an upsert of every standard but `except`, whose entry the caller writes.
fn open_epoch(conn: &mut DbConnection, except: Option<i64>) -> QueryResult<Epoch> {
    let now = Utc::now().naive_utc();
    let epoch = Epoch {
        epoch: crate::domain::digest::sha256_hex(&rand::random::<[u8; 32]>())[..32].to_string(),
        first_seq: change_log::latest_seq(conn)? + 1,
        started_at: now,
    };
    change_log::insert_epoch(conn, &epoch)?;
    let change = Change { action: "epoch_started", changed_at: now };
    record::each_record(conn, |conn, id, record| {
        if Some(id) == except {
            return Ok(());
        }
        append(conn, id, Written::Upsert(record), change, "the epoch's first record".into()).map(|_| ())
    })?;
    Ok(epoch)
}
