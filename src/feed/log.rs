//! Writing the feed: each catalogue change appends one entry with the next sequence number, the
//! record after the change, its hash and the chain, inside the writer's own transaction. Callers
//! hold the catalogue writers' lock (`db::catalogue_transaction`), so the entry before is the
//! last committed one and no sequence number is skipped, even by a writer that rolls back.

use chrono::{NaiveDateTime, SecondsFormat, Utc};
use diesel::QueryResult;
use diesel::result::Error as DieselError;

use super::canonical::{EntryHead, canonical, genesis, next_chain, sha256_hex};
use super::record::{self, PublicRecord};
use crate::db::DbConnection;
use crate::db::change_log::{self, Epoch, NewChangeEntry};
use crate::db::standards;
use crate::domain::FeedOp;

/// Standards read at a time when an epoch begins.
const EPOCH_BATCH: i64 = 500;

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
    append(
        conn,
        standard_id,
        FeedOp::Upsert,
        Some(&record),
        (&record.code, &record.slug, record.version),
        change,
        summary,
    )
}

/// Appends the tombstone of a removed standard (kept forever).
pub fn tombstone(
    conn: &mut DbConnection,
    standard_id: i64,
    (code, slug, version): (&str, &str, i32),
    change: Change<'_>,
    summary: String,
) -> QueryResult<i64> {
    append(conn, standard_id, FeedOp::Tombstone, None, (code, slug, version), change, summary)
}

fn append(
    conn: &mut DbConnection,
    standard_id: i64,
    op: FeedOp,
    record: Option<&PublicRecord>,
    (code, slug, version): (&str, &str, i32),
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
    let record_text = record.map(canonical).transpose().map_err(serialisation)?;
    let record_sha256 = record_text.as_deref().map(|text| sha256_hex(text.as_bytes()));
    let committed_at = committed_at(change.changed_at);
    let head = EntryHead {
        seq,
        epoch: &epoch.epoch,
        committed_at: &committed_at,
        op,
        code,
        slug,
        version,
        record_sha256: record_sha256.as_deref(),
    };
    let chain = next_chain(&previous, &head).map_err(serialisation)?;
    change_log::insert(
        conn,
        &NewChangeEntry {
            seq,
            standard_id,
            code: code.to_string(),
            action: change.action.to_string(),
            version,
            changed_at: change.changed_at,
            summary,
            op,
            slug: slug.to_string(),
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
    let mut after_id = 0;
    loop {
        let batch = standards::batch_after_id(conn, after_id, EPOCH_BATCH)?;
        let Some(last) = batch.last() else { break };
        after_id = last.id;
        for row in batch.iter().filter(|row| Some(row.id) != except) {
            let record = record::build(conn, row)?;
            let key = (record.code.as_str(), record.slug.as_str(), record.version);
            append(conn, row.id, FeedOp::Upsert, Some(&record), key, change, "the epoch's first record".into())?;
        }
    }
    Ok(epoch)
}
