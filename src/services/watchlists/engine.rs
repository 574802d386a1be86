//! The alert engine: a follower of the change log with its own stored cursor. Each step takes the
//! cursor's lease (one node at a time sends, on several nodes), reads the entries after it, writes
//! the notifications they mean and moves the cursor, all in one transaction: a crash before the
//! commit leaves the entries to be handled again, and a notification exists at most once per
//! account and change, so none is lost and none is written twice.

use chrono::{NaiveDateTime, Utc};

use super::changes::{Happening, happenings};
use super::targets;
use crate::db::watches::{self, NewNotification};
use crate::db::{DbConnection, change_cursors, change_log, relations, standards, text_references, write_transaction};
use crate::domain::{AlertChange, CanonicalCode, FeedOp, RelationKind, WatchKind};
use crate::error::AppError;
use crate::feed::record::PublicRecord;

/// The cursor notifications follow.
pub const CURSOR: &str = "notifications";
/// Entries handled in one transaction.
pub const BATCH: i64 = 500;
/// How long a lease lasts without being renewed.
pub const LEASE_SECONDS: i64 = 30;

/// What one step did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Step {
    /// Change-log entries handled.
    pub entries: usize,
    /// Notifications written.
    pub notifications: usize,
    /// Whether another node holds the lease (nothing was done).
    pub waiting: bool,
}

/// Handles up to one batch of entries after the cursor, as `node`.
pub fn step(conn: &mut DbConnection, node: &str) -> Result<Step, AppError> {
    write_transaction(conn, |conn| {
        let now = Utc::now().naive_utc();
        let until = now + chrono::Duration::seconds(LEASE_SECONDS);
        if !change_cursors::take_lease(conn, CURSOR, node, until, now)? {
            return Ok(Step { waiting: true, ..Step::default() });
        }
        let after = change_cursors::position(conn, CURSOR)?.unwrap_or(0);
        let entries = change_log::since(conn, after, BATCH)?;
        let Some(last) = entries.last().map(|e| e.seq) else { return Ok(Step::default()) };
        let mut step = Step { entries: entries.len(), ..Step::default() };
        for entry in &entries {
            step.notifications += notify_entry(conn, entry, now)?;
        }
        if !change_cursors::advance(conn, CURSOR, node, last, now)? {
            // Another node took the lease meanwhile: it handles these entries; write nothing.
            return Err(AppError::NotReady("the alert cursor's lease was lost".into()));
        }
        Ok(step)
    })
}

/// The notifications one entry means; returns how many were written.
fn notify_entry(
    conn: &mut DbConnection,
    entry: &change_log::ChangeEntry,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let parse = |json: Option<&str>| json.and_then(|json| serde_json::from_str::<PublicRecord>(json).ok());
    let previous = match change_log::previous_of(conn, entry.standard_id, entry.seq)? {
        Some(previous) => parse(previous.record.as_deref()),
        None => None,
    };
    // A tombstone carries no record: what was removed is the record as it last was.
    let removed = entry.op == FeedOp::Tombstone;
    let (before, after) = match (removed, parse(entry.record.as_deref())) {
        (false, Some(after)) => (previous, after),
        (true, now) => match now.or(previous) {
            Some(last) => (None, last),
            None => return Ok(0),
        },
        (false, None) => return Ok(0),
    };
    let mut told = happenings(before.as_ref(), &after, removed);
    let cited: Vec<Happening> = told
        .iter()
        .filter(|h| h.change == AlertChange::Replaced && !h.successors.is_empty())
        .map(|h| cited_replaced(conn, h))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    told.extend(cited);
    // Who is told what: each account once per standard and kind of change; one told that a
    // standard was replaced by this entry is not told again that the new edition arrived.
    let mut by_user: Vec<(i64, &Happening, String)> = Vec::new();
    for happening in &told {
        let (targets, slug) = targets_of(conn, happening, &after)?;
        for user in watches::watchers(conn, &targets, entry.changed_at)? {
            by_user.push((user, happening, slug.clone()));
        }
    }
    let replaced_for: Vec<i64> =
        by_user.iter().filter(|(_, h, _)| h.change == AlertChange::Replaced).map(|(user, _, _)| *user).collect();
    let mut written = 0;
    for (user, happening, slug) in by_user {
        if happening.change == AlertChange::NewEdition && replaced_for.contains(&user) {
            continue;
        }
        let notification = NewNotification {
            user_id: user,
            seq: entry.seq,
            change: happening.change,
            code: happening.code.clone(),
            slug,
            message: happening.message.clone(),
            created_at: now,
        };
        written += usize::from(watches::notify(conn, &notification)?);
    }
    Ok(written)
}

/// The targets a happening's standard falls under, and its slug: the entry's own record, or
/// another standard as the catalogue holds it (or as its code says, when it is not catalogued).
fn targets_of(
    conn: &mut DbConnection,
    happening: &Happening,
    record: &PublicRecord,
) -> Result<(Vec<(WatchKind, String)>, String), AppError> {
    let Ok(code) = CanonicalCode::parse(&happening.code) else { return Ok((Vec::new(), String::new())) };
    if happening.code == record.code {
        let targets = targets::of_standard(&code, record.field.as_deref(), record.issuer_code.as_deref());
        return Ok((targets, record.slug.clone()));
    }
    let only_itself = happening.change == AlertChange::CitedReplaced;
    Ok(match standards::find_by_key(conn, &code.key())? {
        Some(row) => {
            let mut targets =
                targets::of_standard(&code, row.fields.field.as_deref(), row.fields.issuer_code.as_deref());
            if only_itself {
                targets.retain(|(kind, _)| matches!(kind, WatchKind::Standard | WatchKind::Series));
            }
            (targets, row.fields.slug)
        }
        None => (targets::of_standard(&code, None, None), code.slug()),
    })
}

/// For a standard that was replaced, a happening about each standard that cites it (its texts, or
/// its record's declared references): their watchers are told what they rely on changed.
fn cited_replaced(conn: &mut DbConnection, replaced: &Happening) -> Result<Vec<Happening>, AppError> {
    let Ok(code) = CanonicalCode::parse(&replaced.code) else { return Ok(Vec::new()) };
    let key = code.key();
    let mut citing: Vec<String> = text_references::citing(conn, &key)?.into_iter().map(|(code, _)| code).collect();
    citing.extend(
        relations::pointing_at(conn, &key)?
            .into_iter()
            .filter(|incoming| incoming.kind == RelationKind::References)
            .map(|incoming| incoming.source_code),
    );
    citing.sort();
    citing.dedup();
    let successors = replaced.successors.join(", ");
    Ok(citing
        .into_iter()
        .filter(|citing| *citing != replaced.code && !replaced.successors.contains(citing))
        .map(|citing| Happening {
            message: format!("{} mà {citing} viện dẫn đã được thay thế bởi {successors}", replaced.code),
            code: citing,
            change: AlertChange::CitedReplaced,
            successors: replaced.successors.clone(),
        })
        .collect())
}
