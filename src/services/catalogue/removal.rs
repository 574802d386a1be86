//! Removing a record (admins): for a record that should never have been published (a duplicate,
//! a mistyped code). Withdrawn or replaced standards are not removed but given their status. The
//! removal writes a tombstone to the feed, kept forever; a standard whose texts were read is
//! refused, so that usage reports keep every read.

use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{DbConnection, audit, standards};
use crate::error::{AppError, ErrorCode};
use crate::feed::log::{self, Change};
use crate::feed::record;

/// What was removed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Removal {
    pub code: String,
    pub slug: String,
    /// The tombstone's sequence number in the feed.
    pub seq: i64,
}

/// Removes the standard a reference names, in the caller's catalogue transaction.
pub fn remove(conn: &mut DbConnection, reference: &str) -> Result<Removal, AppError> {
    let row = super::resolve(conn, reference)?;
    if audit::standard_was_read(conn, row.id)? {
        return Err(AppError::conflict(
            ErrorCode::StandardInUse,
            format!("the texts of {} have been read; withdraw it (its status) instead of removing it", row.fields.code),
        ));
    }
    let removed = record::build(conn, &row)?;
    standards::delete(conn, row.id)?;
    let change = Change { action: "removed", changed_at: Utc::now().naive_utc() };
    let seq = log::tombstone(conn, &removed, row.id, change, format!("{} removed", removed.code))?;
    Ok(Removal { code: removed.code, slug: removed.slug, seq })
}
