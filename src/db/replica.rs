//! What a mirror writes: the upstream's public records exactly as they are (their version, their
//! time and the ids of their texts kept), so that the mirror's own record of a standard is the
//! upstream's byte for byte; and the mirror's position in the upstream's feed, written in the same
//! transaction as the records it covers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::corrections::{self, CorrectionRow};
use super::ics;
use super::relations::{self, NewRelation};
use super::schema::{documents, mirror_state, standards};
use super::standards::StandardFields;
use super::text_references::{self, NewTextReference};
use crate::domain::{CanonicalCode, Reference};
use crate::feed::record::{PublicRecord, RecordRelation};

/// Where a mirror is in its upstream's feed.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = mirror_state)]
pub struct MirrorState {
    pub id: i32,
    pub upstream: String,
    pub epoch: String,
    /// The last upstream entry applied.
    pub seq: i64,
    /// Its chain.
    pub chain: String,
    /// The upstream's head as last seen.
    pub upstream_seq: i64,
    /// When the mirror last held everything the upstream had published.
    pub caught_up_at: NaiveDateTime,
    pub applied_at: NaiveDateTime,
    /// Why applying stopped (a broken chain, a bad signature); `None` while it goes on.
    pub halted: Option<String>,
}

impl MirrorState {
    /// Seconds since the mirror last held everything the upstream had published; 0 while it does.
    pub fn lag_seconds(&self, now: NaiveDateTime) -> i64 {
        if self.seq < self.upstream_seq { (now - self.caught_up_at).num_seconds().max(0) } else { 0 }
    }
}

/// A record the mirror cannot store as the upstream sent it.
#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    #[error("the upstream's record {code} cannot be stored: {reason}")]
    Unstorable { code: String, reason: String },
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// The mirror's position, if it has one.
pub fn state(conn: &mut DbConnection) -> QueryResult<Option<MirrorState>> {
    mirror_state::table.find(1).select(MirrorState::as_select()).first(conn).optional()
}

/// Saves the mirror's position (the one row).
pub fn save_state(conn: &mut DbConnection, state: &MirrorState) -> QueryResult<()> {
    let updated = diesel::update(mirror_state::table.find(1)).set(state).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(mirror_state::table).values(state).execute(conn)?;
    }
    Ok(())
}

fn unstorable(record: &PublicRecord, reason: impl std::fmt::Display) -> ReplicaError {
    ReplicaError::Unstorable { code: record.code.clone(), reason: reason.to_string() }
}

fn key_of(code: &str) -> String {
    Reference::parse(code).map(|c| c.key()).unwrap_or_else(|_| code.to_lowercase())
}

/// Stores a record as the upstream sent it; returns the standard's local id.
pub fn put_record(conn: &mut DbConnection, record: &PublicRecord) -> Result<i64, ReplicaError> {
    let code = CanonicalCode::parse(&record.code).map_err(|e| unstorable(record, e))?;
    let updated_at =
        chrono::DateTime::parse_from_rfc3339(&record.updated_at).map_err(|e| unstorable(record, e))?.naive_utc();
    let fields = StandardFields {
        code: record.code.clone(),
        code_key: code.key(),
        series_key: code.series_key(),
        slug: record.slug.clone(),
        kind: record.kind,
        number: record.number.clone(),
        adopted_prefix: record.adopted_prefix.clone(),
        year: record.year,
        issuer: record.issuer.clone(),
        issuer_code: record.issuer_code.clone(),
        title_vi: record.title_vi.clone(),
        title_en: record.title_en.clone(),
        scope_vi: record.scope_vi.clone(),
        field: record.field.clone(),
        technical_committee: record.technical_committee.clone(),
        status: record.status,
        status_note: record.status_note.clone(),
        legal_instrument: record.legal_instrument.clone(),
        issued_date: record.issued_date,
        effective_date: record.effective_date,
        end_date: record.end_date,
        international_equivalent: record.international_equivalent.clone(),
        equivalence: record.equivalence,
        access_level: record.access_level,
        note: record.note.clone(),
        source: record.source.clone(),
        confidence: record.confidence,
    };
    let existing: Option<i64> = standards::table
        .filter(standards::code_key.eq(&fields.code_key))
        .select(standards::id)
        .first(conn)
        .optional()?;
    let id = match existing {
        Some(id) => {
            diesel::update(standards::table.find(id))
                .set((&fields, standards::version.eq(record.version), standards::updated_at.eq(updated_at)))
                .execute(conn)?;
            id
        }
        None => {
            diesel::insert_into(standards::table)
                .values((
                    &fields,
                    standards::version.eq(record.version),
                    standards::created_at.eq(updated_at),
                    standards::updated_at.eq(updated_at),
                ))
                .execute(conn)?;
            standards::table.filter(standards::code_key.eq(&fields.code_key)).select(standards::id).first(conn)?
        }
    };
    let (declared, read): (Vec<&RecordRelation>, Vec<&RecordRelation>) =
        record.relations.iter().partition(|r| r.origin.is_none());
    let links: Vec<NewRelation> = (declared.iter())
        .map(|r| NewRelation {
            standard_id: id,
            kind: r.kind,
            target_code: r.code.clone(),
            target_key: key_of(&r.code),
        })
        .collect();
    relations::replace_for_standard(conn, id, &links)?;
    let cited: Vec<NewTextReference> = (read.iter())
        .filter_map(|r| r.origin.map(|origin| (r, origin)))
        .map(|(r, origin)| NewTextReference {
            standard_id: id,
            target_code: r.code.clone(),
            target_key: key_of(&r.code),
            section: r.section.clone(),
            origin,
            changed_by: None,
            changed_at: updated_at,
        })
        .collect();
    text_references::replace_for_standard(conn, id, &cited)?;
    ics::replace_for_standard(conn, id, &record.ics)?;
    put_texts(conn, id, record, updated_at)?;
    put_corrections(conn, id, record)?;
    Ok(id)
}

/// The record's sourced corrections, as the upstream holds them.
fn put_corrections(conn: &mut DbConnection, id: i64, record: &PublicRecord) -> Result<(), ReplicaError> {
    let mut rows = Vec::new();
    for correction in &record.corrections {
        let applied_at = chrono::DateTime::parse_from_rfc3339(&correction.applied_at)
            .map_err(|e| unstorable(record, e))?
            .naive_utc();
        rows.push(CorrectionRow {
            standard_id: id,
            source: correction.source.clone(),
            confidence: correction.confidence,
            note: correction.note.clone(),
            changed: correction.changed.join(","),
            applied_at,
        });
    }
    corrections::replace_for_standard(conn, id, &rows)?;
    Ok(())
}

/// The texts' rows under the upstream's ids. A text whose bytes the mirror has not fetched yet is
/// stored under `upstream-{id}` in place of its hash (restricted texts' hashes are not published).
fn put_texts(conn: &mut DbConnection, id: i64, record: &PublicRecord, at: NaiveDateTime) -> Result<(), ReplicaError> {
    let wanted: Vec<i64> = record.texts.iter().map(|t| t.id).collect();
    diesel::delete(documents::table.filter(documents::standard_id.eq(id)).filter(documents::id.ne_all(&wanted)))
        .execute(conn)?;
    for text in &record.texts {
        let known: Option<(i64, String)> = documents::table
            .find(text.id)
            .select((documents::standard_id, documents::sha256))
            .first(conn)
            .optional()?;
        let sha256 = match (&text.sha256, known) {
            (Some(hash), _) => hash.clone(),
            (None, Some((owner, hash))) if owner == id && !hash.is_empty() => hash,
            (None, _) => format!("upstream-{}", text.id),
        };
        let values = (
            documents::standard_id.eq(id),
            documents::sha256.eq(&sha256),
            documents::format.eq(text.format),
            documents::size_bytes.eq(text.size_bytes),
            documents::access_level.eq(text.access_level),
            documents::source.eq(&text.source),
            documents::note.eq(&text.note),
        );
        if diesel::update(documents::table.find(text.id)).set(values).execute(conn)? == 0 {
            diesel::insert_into(documents::table)
                .values((documents::id.eq(text.id), values, documents::uploaded_at.eq(at)))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The local id of the standard with this code.
pub fn id_of(conn: &mut DbConnection, code: &str) -> QueryResult<Option<i64>> {
    standards::table.filter(standards::code_key.eq(key_of(code))).select(standards::id).first(conn).optional()
}

/// Removes the standard with this code, if the mirror has it; returns its local id.
pub fn remove_record(conn: &mut DbConnection, code: &str) -> QueryResult<Option<i64>> {
    let id: Option<i64> =
        standards::table.filter(standards::code_key.eq(key_of(code))).select(standards::id).first(conn).optional()?;
    if let Some(id) = id {
        super::standards::delete(conn, id)?;
    }
    Ok(id)
}

/// The codes of every standard the mirror holds.
pub fn codes(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    standards::table.select(standards::code).load(conn)
}
