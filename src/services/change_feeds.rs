//! The Atom feeds of changes as a service: the newest changes of the catalogue, whole or of one
//! kind, issuer or field, a page at a time going back in the change log (RFC 5005 paging). Each
//! change is its record's entry as updated then; a removal is a deleted entry (RFC 6721).

use std::collections::HashSet;

use chrono::NaiveDateTime;

use super::with_connection;
use crate::db::change_log::{self, ChangeEntry};
use crate::db::{DbConnection, DbPool, harvest};
use crate::domain::{FeedOp, Kind};
use crate::error::AppError;
use crate::feed::record::PublicRecord;

/// Entries in one page.
pub const PAGE_SIZE: usize = 50;
/// Log entries one request looks at; a sparse filter's page may end sooner, with a next link.
const MAX_SCANNED: usize = 5_000;
const BATCH: i64 = 250;

/// Which changes a feed carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedFilter {
    pub kind: Option<Kind>,
    pub issuer_code: Option<String>,
    pub field: Option<String>,
}

impl FeedFilter {
    fn admits(&self, record: &PublicRecord) -> bool {
        self.kind.is_none_or(|kind| record.kind == kind)
            && self.issuer_code.as_ref().is_none_or(|code| record.issuer_code.as_ref() == Some(code))
            && self.field.as_ref().is_none_or(|field| record.field.as_ref() == Some(field))
    }
}

/// One change as a feed shows it.
#[derive(Debug, Clone)]
pub struct FeedChange {
    pub seq: i64,
    pub slug: String,
    pub code: String,
    pub committed_at: NaiveDateTime,
    pub summary: String,
    /// The record after the change; `None` for a removal.
    pub record: Option<PublicRecord>,
}

/// A page of a feed, newest first.
#[derive(Debug, Clone)]
pub struct FeedPage {
    pub changes: Vec<FeedChange>,
    /// Where the next (older) page starts, when there is one.
    pub next_before: Option<i64>,
}

/// The change feeds of the database in `pool`.
#[derive(Clone)]
pub struct ChangeFeeds {
    pool: DbPool,
}

impl ChangeFeeds {
    pub fn new(pool: DbPool) -> ChangeFeeds {
        ChangeFeeds { pool }
    }

    /// The changes the filter admits before `before` (the newest when `None`), newest first.
    pub async fn page(&self, filter: FeedFilter, before: Option<i64>) -> Result<FeedPage, AppError> {
        with_connection(&self.pool, move |conn| page(conn, &filter, before)).await
    }
}

fn page(conn: &mut DbConnection, filter: &FeedFilter, before: Option<i64>) -> Result<FeedPage, AppError> {
    let mut position = before.unwrap_or(i64::MAX);
    let (mut changes, mut seen, mut scanned) = (Vec::new(), HashSet::new(), 0);
    while changes.len() < PAGE_SIZE && scanned < MAX_SCANNED {
        let entries = change_log::before(conn, position, BATCH)?;
        if entries.is_empty() {
            return Ok(FeedPage { changes, next_before: None });
        }
        for entry in entries {
            scanned += 1;
            position = entry.seq;
            if let Some(change) = admitted(conn, filter, entry)?
                // A record changed twice in one page shows its newest change.
                && seen.insert(change.slug.clone())
            {
                changes.push(change);
                if changes.len() == PAGE_SIZE {
                    break;
                }
            }
        }
    }
    let more = !change_log::before(conn, position, 1)?.is_empty();
    Ok(FeedPage { changes, next_before: more.then_some(position) })
}

fn admitted(conn: &mut DbConnection, filter: &FeedFilter, entry: ChangeEntry) -> Result<Option<FeedChange>, AppError> {
    let record = match (entry.op, entry.record.as_deref()) {
        (FeedOp::Upsert, Some(text)) => Some(parse(text)?),
        _ => None,
    };
    let judged = match &record {
        Some(record) => filter.admits(record),
        None if *filter == FeedFilter::default() => true,
        // What a removed record was decides whether a filtered feed tells of its removal.
        None => harvest::last_record_before(conn, &entry.slug, entry.seq)?
            .and_then(|before| before.record)
            .map(|text| parse(&text))
            .transpose()?
            .is_some_and(|was| filter.admits(&was)),
    };
    Ok(judged.then_some(FeedChange {
        seq: entry.seq,
        slug: entry.slug,
        code: entry.code,
        committed_at: entry.changed_at,
        summary: entry.summary,
        record,
    }))
}

fn parse(text: &str) -> Result<PublicRecord, AppError> {
    serde_json::from_str(text).map_err(|e| AppError::Internal(format!("a stored record does not parse: {e}")))
}
