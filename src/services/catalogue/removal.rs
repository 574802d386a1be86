//! Removing a record (admins): for a record that should never have been published (a duplicate,
//! a mistyped code). Withdrawn or replaced standards are not removed but given their status. The
//! removal keeps why, and the record the code was confused with, so that the old address answers
//! `410 standard_removed` with a pointer; it writes a tombstone to the feed, kept forever. A
//! standard whose texts were read is refused, so that usage reports keep every read.

use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::removed::{self, RemovedRow};
use crate::db::{DbConnection, audit, standards};
use crate::domain::{CanonicalCode, StandardLink};
use crate::error::{AppError, ErrorCode};
use crate::feed::log::{self, Change};
use crate::feed::record;

const MAX_REASON_CHARS: usize = 2_000;

/// Why a record is removed.
#[derive(Debug, Clone)]
pub struct RemovalRequest {
    /// Why the record should never have been published (kept, and shown at its old address).
    pub reason: Option<String>,
    /// The record its code was confused with, when there is one (a code or a slug).
    pub confused_with: Option<String>,
}

/// What was removed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Removal {
    pub code: String,
    pub slug: String,
    pub reason: String,
    /// The code of the record it was confused with.
    pub confused_with: Option<String>,
    /// The tombstone's sequence number in the feed.
    pub seq: i64,
}

/// Removes the standard a reference names, in the caller's catalogue transaction.
pub fn remove(conn: &mut DbConnection, reference: &str, request: &RemovalRequest) -> Result<Removal, AppError> {
    let reason = request.reason.as_deref().map(str::trim).unwrap_or_default();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS || reason.chars().any(char::is_control) {
        return Err(AppError::invalid(format!(
            "`reason` says why the record is removed, in 1 to {MAX_REASON_CHARS} characters without control characters"
        )));
    }
    let row = super::resolve(conn, reference)?;
    let confused_with = match request.confused_with.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(other) => {
            let target = super::resolve(conn, other)?;
            if target.id == row.id {
                return Err(AppError::invalid("`confused_with` names the record being removed"));
            }
            Some(target.fields.code)
        }
    };
    if audit::standard_was_read(conn, row.id)? {
        return Err(AppError::conflict(
            ErrorCode::StandardInUse,
            format!("the texts of {} have been read; withdraw it (its status) instead of removing it", row.fields.code),
        ));
    }
    let removed = record::build(conn, &row)?;
    standards::delete(conn, row.id)?;
    let now = Utc::now().naive_utc();
    let reason = crate::domain::text::normalize(reason);
    removed::put(
        conn,
        &RemovedRow {
            code_key: row.fields.code_key.clone(),
            code: removed.code.clone(),
            slug: removed.slug.clone(),
            reason: reason.clone(),
            confused_with: confused_with.clone(),
            removed_at: now,
        },
    )?;
    let change = Change { action: "removed", changed_at: now };
    let seq = log::tombstone(conn, &removed, row.id, change, format!("{} removed: {reason}", removed.code))?;
    Ok(Removal { code: removed.code, slug: removed.slug, reason, confused_with, seq })
}

/// A removed record a reference names (a slug, or a code with this key), with the catalogued
/// record its code was confused with.
pub fn removal_of(
    conn: &mut DbConnection,
    reference: &str,
    code_key: Option<&str>,
) -> Result<Option<(RemovedRow, Option<StandardLink>)>, AppError> {
    let Some(found) = removed::find(conn, code_key, &reference.to_lowercase())? else { return Ok(None) };
    let see = match &found.confused_with {
        None => None,
        Some(code) => {
            let key = CanonicalCode::parse(code).map(|c| c.key()).unwrap_or_default();
            standards::find_by_key(conn, &key)?.map(|row| StandardLink::from(&row))
        }
    };
    Ok(Some((found, see)))
}

/// The answer for a reference that names a removed record: `410 standard_removed`, with the
/// record it was confused with as the suggestion.
pub fn removed_answer(
    conn: &mut DbConnection,
    reference: &str,
    code_key: Option<&str>,
) -> Result<Option<AppError>, AppError> {
    Ok(removal_of(conn, reference, code_key)?.map(|(found, see)| AppError::StandardRemoved {
        code: found.code,
        reason: found.reason,
        see: see.map(Box::new),
    }))
}
