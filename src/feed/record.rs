//! The public record of a standard, as the connection standard carries it: every field a caller
//! without an account may see, the relations stored on this standard (not those other standards
//! hold on it, so that a record changes only when its own entry does), the codes its texts cite,
//! and its texts, with the hash of the public ones only.

use chrono::{NaiveDate, SecondsFormat};
use diesel::QueryResult;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::canonical::canonical;
use crate::db::standards::{self, StandardRow};
use crate::db::{DbConnection, corrections, documents, ics, relations, text_references};
use crate::domain::digest::sha256_hex;
use crate::domain::{AccessLevel, Confidence, Equivalence, Kind, ReferenceOrigin, RelationKind, Status, TextFormat};

/// Standards read at a time when the whole catalogue is walked.
const BATCH: i64 = 500;

/// A standard as the feed carries it (the formats built on the feed are to carry the same).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicRecord {
    /// The code as published (`QCVN 06:2022/BXD`).
    pub code: String,
    pub slug: String,
    pub kind: Kind,
    pub number: String,
    pub year: Option<i32>,
    /// `ISO`, `IEC`, `ISO/IEC`… for an adopted international standard.
    pub adopted_prefix: Option<String>,
    pub issuer: Option<String>,
    /// The regulation's issuer suffix (`BXD`).
    pub issuer_code: Option<String>,
    pub title_vi: String,
    pub title_en: Option<String>,
    pub scope_vi: Option<String>,
    pub field: Option<String>,
    /// ICS classes, sorted.
    pub ics: Vec<String>,
    pub technical_committee: Option<String>,
    pub status: Status,
    pub status_note: Option<String>,
    pub legal_instrument: Option<String>,
    pub issued_date: Option<NaiveDate>,
    pub effective_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub international_equivalent: Option<String>,
    pub equivalence: Option<Equivalence>,
    /// Who may read the texts.
    pub access_level: AccessLevel,
    pub note: Option<String>,
    pub source: Option<String>,
    pub confidence: Option<Confidence>,
    /// The sourced corrections applied to the record since it was catalogued, oldest first.
    pub corrections: Vec<RecordCorrection>,
    /// Relations stored on this standard, sorted by kind then code.
    pub relations: Vec<RecordRelation>,
    /// The texts, oldest first.
    pub texts: Vec<RecordText>,
    /// Raised by one on every change of the record.
    pub version: i32,
    /// RFC 3339, UTC, whole seconds.
    pub updated_at: String,
}

/// A relation from this standard to a code (which may be outside the catalogue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRelation {
    pub kind: RelationKind,
    pub code: String,
    /// For a `references` relation found in the standard's texts: `extracted` (read by the service)
    /// or `corrected` (added by an editor); `null` when the record's source declared the relation.
    pub origin: Option<ReferenceOrigin>,
    /// For a relation found in the texts: the heading of the part that cites the code.
    pub section: Option<String>,
}

/// A sourced correction of the record: its source, what it changed and the source's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordCorrection {
    pub source: String,
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
    /// The fields it changed (none when it confirmed what the record said).
    pub changed: Vec<String>,
    /// RFC 3339, UTC, whole seconds.
    pub applied_at: String,
}

/// A text of the standard. Public texts carry their SHA-256, by which they are fetched from
/// `/api/v1/texts/{sha256}`; others only say that they exist and who may read them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordText {
    pub id: i64,
    pub format: TextFormat,
    pub access_level: AccessLevel,
    pub size_bytes: i64,
    pub sha256: Option<String>,
    /// Where the text came from.
    pub source: Option<String>,
    /// What a reader should know of it (tables kept only as markers, a source that breaks off).
    pub note: Option<String>,
}

/// The public record of the standard with this id, as it is in this transaction; `None` when
/// there is no such standard.
pub fn of_standard(conn: &mut DbConnection, id: i64) -> QueryResult<Option<PublicRecord>> {
    let Some(row) = standards::find_by_id(conn, id)? else { return Ok(None) };
    build(conn, &row).map(Some)
}

/// The public record of a stored standard.
pub fn build(conn: &mut DbConnection, row: &StandardRow) -> QueryResult<PublicRecord> {
    let f = &row.fields;
    let mut relations: Vec<RecordRelation> = relations::of_standard(conn, row.id)?
        .into_iter()
        .map(|r| RecordRelation { kind: r.kind, code: r.target_code, origin: None, section: None })
        .collect();
    relations.extend(text_references::of_standard(conn, row.id)?.into_iter().map(|r| RecordRelation {
        kind: RelationKind::References,
        code: r.target_code,
        origin: Some(r.origin),
        section: r.section,
    }));
    relations.sort_by(|a, b| {
        (a.kind.as_str(), &a.code, a.origin.map(ReferenceOrigin::as_str)).cmp(&(
            b.kind.as_str(),
            &b.code,
            b.origin.map(ReferenceOrigin::as_str),
        ))
    });
    relations.dedup();
    let texts = documents::of_standard(conn, row.id)?
        .into_iter()
        .map(|d| RecordText {
            id: d.id,
            format: d.format,
            access_level: d.access_level,
            size_bytes: d.size_bytes,
            sha256: (d.access_level == AccessLevel::Public).then_some(d.sha256),
            source: d.source,
            note: d.note,
        })
        .collect();
    let corrections = corrections_of(conn, row.id)?;
    Ok(PublicRecord {
        code: f.code.clone(),
        slug: f.slug.clone(),
        kind: f.kind,
        number: f.number.clone(),
        year: f.year,
        adopted_prefix: f.adopted_prefix.clone(),
        issuer: f.issuer.clone(),
        issuer_code: f.issuer_code.clone(),
        title_vi: f.title_vi.clone(),
        title_en: f.title_en.clone(),
        scope_vi: f.scope_vi.clone(),
        field: f.field.clone(),
        ics: ics::of_standard(conn, row.id)?,
        technical_committee: f.technical_committee.clone(),
        status: f.status,
        status_note: f.status_note.clone(),
        legal_instrument: f.legal_instrument.clone(),
        issued_date: f.issued_date,
        effective_date: f.effective_date,
        end_date: f.end_date,
        international_equivalent: f.international_equivalent.clone(),
        equivalence: f.equivalence,
        access_level: f.access_level,
        note: f.note.clone(),
        source: f.source.clone(),
        confidence: f.confidence,
        corrections,
        relations,
        texts,
        version: row.version,
        updated_at: row.updated_at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true),
    })
}

/// The sourced corrections of a standard, oldest first.
pub fn corrections_of(conn: &mut DbConnection, standard_id: i64) -> QueryResult<Vec<RecordCorrection>> {
    Ok(corrections::of_standard(conn, standard_id)?
        .into_iter()
        .map(|c| RecordCorrection {
            source: c.source,
            confidence: c.confidence,
            note: c.note,
            changed: c.changed.split(',').filter(|name| !name.is_empty()).map(str::to_string).collect(),
            applied_at: c.applied_at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true),
        })
        .collect())
}

/// Calls `visit` with the id and public record of every standard, by increasing id, reading the
/// catalogue in batches.
pub fn each_record(
    conn: &mut DbConnection,
    mut visit: impl FnMut(&mut DbConnection, i64, &PublicRecord) -> QueryResult<()>,
) -> QueryResult<()> {
    let mut after_id = 0;
    loop {
        let batch = standards::batch_after_id(conn, after_id, BATCH)?;
        let Some(last) = batch.last() else { return Ok(()) };
        after_id = last.id;
        for row in &batch {
            let record = build(conn, row)?;
            visit(conn, row.id, &record)?;
        }
    }
}

/// The canonical digest of the whole public catalogue: SHA-256 (hex) of the canonical JSON of the
/// array of every public record, sorted by code. A follower that holds the same records computes
/// the same digest.
pub fn catalogue_digest(conn: &mut DbConnection) -> QueryResult<String> {
    let records = all_by_code(conn)?;
    let text = canonical(&records).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    Ok(sha256_hex(text.as_bytes()))
}

/// Every public record, sorted by code.
pub fn all_by_code(conn: &mut DbConnection) -> QueryResult<Vec<PublicRecord>> {
    let mut records = Vec::new();
    each_record(conn, |_, _, record| {
        records.push(record.clone());
        Ok(())
    })?;
    records.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(records)
}
