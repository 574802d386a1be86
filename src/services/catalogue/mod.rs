//! Reading the catalogue: resolving any reference to a standard, its detail with relations
//! resolved in both directions, and the plain listing.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::change_log;
use crate::db::standards;
pub use crate::db::standards::{ListingFilter, StandardRow};
use crate::db::{DbConnection, ics, relations, text_references};
pub use crate::domain::StandardLink;
use crate::domain::text::fold_diacritics;
use crate::domain::{AccessLevel, Confidence, Equivalence, Kind, Status};
use crate::domain::{CanonicalCode, InternationalCode, RelationKind};
use crate::error::AppError;
use crate::feed::record::RecordCorrection;
use crate::services::documents::DocumentView;
use crate::services::references::CitedCode;

pub mod adoption;
pub mod removal;
mod service;
pub use removal::{Removal, RemovalRequest};
pub use service::{Catalogue, CheckedFile, ImportChoice};

/// Longest reference worth looking up.
const MAX_REFERENCE_CHARS: usize = 200;
/// How many suggestions a 404 carries.
const SUGGESTION_LIMIT: usize = 5;

/// A standard as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandardSummary {
    pub code: String,
    pub slug: String,
    pub kind: Kind,
    pub number: String,
    pub year: Option<i32>,
    pub issuer_code: Option<String>,
    pub title_vi: String,
    pub title_en: Option<String>,
    pub status: Status,
    pub field: Option<String>,
}

/// Where a record came from, and the sourced corrections applied to it since.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Provenance {
    pub source: Option<String>,
    pub confidence: Option<Confidence>,
    /// Oldest first, each with its own source.
    pub corrections: Vec<RecordCorrection>,
}

/// Relations of a standard, each a list of links (targets may be outside the catalogue).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Relations {
    pub replaces: Vec<StandardLink>,
    pub replaced_by: Vec<StandardLink>,
    pub amends: Vec<StandardLink>,
    pub amended_by: Vec<StandardLink>,
    pub references: Vec<StandardLink>,
    pub referenced_by: Vec<StandardLink>,
    pub adopts: Vec<StandardLink>,
}

/// The full record of one standard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandardDetail {
    #[serde(flatten)]
    pub summary: StandardSummary,
    pub adopted_prefix: Option<String>,
    pub issuer: Option<String>,
    pub scope_vi: Option<String>,
    pub ics: Vec<String>,
    pub technical_committee: Option<String>,
    pub status_note: Option<String>,
    pub legal_instrument: Option<String>,
    pub issued_date: Option<NaiveDate>,
    pub effective_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub international_equivalent: Option<String>,
    pub equivalence: Option<Equivalence>,
    /// Who may read this standard's texts.
    pub access_level: AccessLevel,
    pub note: Option<String>,
    pub relations: Relations,
    /// What the standard cites (declared by its source, read from its texts, corrected by
    /// editors), each with where the cited code stands today.
    pub cited: Vec<CitedCode>,
    /// A derived hint, never an official status: when no source says whether this edition is in
    /// force, the newest later edition of the same series (and issuer) that the catalogue holds.
    pub newer_edition: Option<StandardLink>,
    /// The texts, with whether the caller may read each.
    pub documents: Vec<DocumentView>,
    pub provenance: Provenance,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One page of a listing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandardPage {
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<StandardSummary>,
}

impl From<&StandardRow> for StandardSummary {
    fn from(row: &StandardRow) -> Self {
        StandardSummary {
            code: row.fields.code.clone(),
            slug: row.fields.slug.clone(),
            kind: row.fields.kind,
            number: row.fields.number.clone(),
            year: row.fields.year,
            issuer_code: row.fields.issuer_code.clone(),
            title_vi: row.fields.title_vi.clone(),
            title_en: row.fields.title_en.clone(),
            status: row.fields.status,
            field: row.fields.field.clone(),
        }
    }
}

impl From<&StandardRow> for StandardLink {
    fn from(row: &StandardRow) -> Self {
        StandardLink {
            code: row.fields.code.clone(),
            slug: Some(row.fields.slug.clone()),
            title_vi: Some(row.fields.title_vi.clone()),
            status: Some(row.fields.status),
        }
    }
}

/// Finds the standard a reference names: a slug, or any spelling of a code. An undated code
/// (`TCVN 5574`) means its newest edition, as an undated normative reference does.
pub fn resolve(conn: &mut DbConnection, reference: &str) -> Result<StandardRow, AppError> {
    let reference = reference.trim();
    if reference.is_empty() || reference.chars().count() > MAX_REFERENCE_CHARS {
        return Err(AppError::invalid(format!(
            "a standard reference is a slug or a code of 1 to {MAX_REFERENCE_CHARS} characters"
        )));
    }
    if reference.chars().any(char::is_control) {
        return Err(AppError::invalid("a standard reference cannot contain control characters"));
    }
    if let Some(row) = standards::find_by_slug(conn, &reference.to_lowercase())? {
        return Ok(row);
    }
    let parsed = CanonicalCode::parse(reference).or_else(|_| CanonicalCode::parse(&reference.replace('-', " ")));
    if let Ok(code) = &parsed {
        if let Some(row) = standards::find_by_key(conn, &code.key())? {
            return Ok(row);
        }
        if !code.is_dated()
            && let Some(row) = newest_edition(conn, code)?
        {
            return Ok(row);
        }
    }
    let key = parsed.as_ref().ok().map(CanonicalCode::key);
    if let Some(gone) = removal::removed_answer(conn, reference, key.as_deref())? {
        return Err(gone);
    }
    let suggestions = match &parsed {
        Ok(code) => suggestions_for(conn, code)?,
        Err(_) => match adoption::international_answer(conn, reference)? {
            Some(international) => return Err(international),
            None => Vec::new(),
        },
    };
    Err(AppError::StandardNotFound { reference: reference.to_string(), suggestions })
}

fn newest_edition(conn: &mut DbConnection, code: &CanonicalCode) -> Result<Option<StandardRow>, AppError> {
    let editions = standards::editions_of_series(conn, &code.series_key(), 50)?;
    Ok(editions.into_iter().find(|row| issuer_matches(row, code) && row.fields.year.is_some()))
}

pub(crate) fn issuer_matches(row: &StandardRow, code: &CanonicalCode) -> bool {
    match &code.issuer {
        None => true,
        Some(issuer) => row
            .fields
            .issuer_code
            .as_deref()
            .is_some_and(|stored| fold_diacritics(stored).eq_ignore_ascii_case(&fold_diacritics(issuer))),
    }
}

/// Other editions of the series first (same issuer before others), then series whose number
/// starts the same way.
pub(crate) fn suggestions_for(conn: &mut DbConnection, code: &CanonicalCode) -> Result<Vec<StandardLink>, AppError> {
    let mut rows = standards::editions_of_series(conn, &code.series_key(), 50)?;
    if rows.is_empty() {
        let series = code.series_key();
        let shorter = &series[..series.len().saturating_sub(1)];
        rows = standards::series_starting_with(conn, shorter, 50)?;
    }
    rows.sort_by_key(|row| !issuer_matches(row, code));
    Ok(rows.iter().take(SUGGESTION_LIMIT).map(StandardLink::from).collect())
}

/// The full record, relations resolved both ways.
pub fn detail(conn: &mut DbConnection, row: &StandardRow) -> Result<StandardDetail, AppError> {
    let relations = resolved_relations(conn, row)?;
    Ok(StandardDetail {
        summary: StandardSummary::from(row),
        adopted_prefix: row.fields.adopted_prefix.clone(),
        issuer: row.fields.issuer.clone(),
        scope_vi: row.fields.scope_vi.clone(),
        ics: ics::of_standard(conn, row.id)?,
        technical_committee: row.fields.technical_committee.clone(),
        status_note: row.fields.status_note.clone(),
        legal_instrument: row.fields.legal_instrument.clone(),
        issued_date: row.fields.issued_date,
        effective_date: row.fields.effective_date,
        end_date: row.fields.end_date,
        international_equivalent: row.fields.international_equivalent.clone(),
        equivalence: row.fields.equivalence,
        access_level: row.fields.access_level,
        note: row.fields.note.clone(),
        relations,
        cited: crate::services::references::cited_of(conn, row)?,
        newer_edition: newer_edition(conn, row)?,
        documents: Vec::new(),
        provenance: Provenance {
            source: row.fields.source.clone(),
            confidence: row.fields.confidence,
            corrections: crate::feed::record::corrections_of(conn, row.id)?,
        },
        version: row.version,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

/// The newest later edition of the series, for a record whose status no source gave.
fn newer_edition(conn: &mut DbConnection, row: &StandardRow) -> Result<Option<StandardLink>, AppError> {
    if row.fields.status != Status::Unknown {
        return Ok(None);
    }
    Ok(later_editions(conn, row)?.first().map(StandardLink::from))
}

/// The editions of a record's series (same issuer) that are later than it, drafts left out,
/// newest first.
pub(crate) fn later_editions(conn: &mut DbConnection, row: &StandardRow) -> Result<Vec<StandardRow>, AppError> {
    let (Some(year), Ok(code)) = (row.fields.year, CanonicalCode::parse(&row.fields.code)) else {
        return Ok(Vec::new());
    };
    let mut editions = standards::editions_of_series(conn, &row.fields.series_key, 50)?;
    editions.retain(|other| {
        other.fields.year.is_some_and(|y| y > year)
            && other.fields.status != Status::Draft
            && issuer_matches(other, &code)
    });
    Ok(editions)
}

/// Relations stored on the standard, plus those stored on others that point at it, seen from
/// this end (`A replaced_by B` stored on A shows on B as `replaces A`).
fn resolved_relations(conn: &mut DbConnection, row: &StandardRow) -> Result<Relations, AppError> {
    // kind → target key → code as written
    let mut wanted: BTreeMap<&'static str, BTreeMap<String, String>> = BTreeMap::new();
    for relation in relations::of_standard(conn, row.id)? {
        wanted.entry(relation.kind.as_str()).or_default().entry(relation.target_key).or_insert(relation.target_code);
    }
    for incoming in relations::pointing_at(conn, &row.fields.code_key)? {
        let seen_from_here = match incoming.kind.inverse() {
            Some(inverse) => inverse.as_str(),
            None if incoming.kind == RelationKind::References => "referenced_by",
            None => continue,
        };
        wanted.entry(seen_from_here).or_default().entry(incoming.source_key).or_insert(incoming.source_code);
    }
    // What the texts cite, and the standards whose texts cite this one.
    for cited in text_references::of_standard(conn, row.id)? {
        wanted.entry("references").or_default().entry(cited.target_key).or_insert(cited.target_code);
    }
    for (code, key) in text_references::citing(conn, &row.fields.code_key)? {
        wanted.entry("referenced_by").or_default().entry(key).or_insert(code);
    }
    let keys: Vec<String> = wanted.values().flat_map(|targets| targets.keys().cloned()).collect();
    let known: HashMap<String, StandardRow> =
        standards::find_by_keys(conn, &keys)?.into_iter().map(|r| (r.fields.code_key.clone(), r)).collect();
    let link = |key: &String, code: &String| match known.get(key) {
        Some(row) => StandardLink::from(row),
        None => StandardLink { code: code.clone(), slug: None, title_vi: None, status: None },
    };
    let mut resolved = Relations::default();
    for (kind, targets) in &wanted {
        let links: Vec<StandardLink> = targets.iter().map(|(key, code)| link(key, code)).collect();
        match *kind {
            "replaces" => resolved.replaces = links,
            "replaced_by" => resolved.replaced_by = links,
            "amends" => resolved.amends = links,
            "amended_by" => resolved.amended_by = links,
            "references" => resolved.references = links,
            "referenced_by" => resolved.referenced_by = links,
            "adopts" => resolved.adopts = links,
            _ => {}
        }
    }
    // A TCVN whose code names the document it adopts (`TCVN ISO 9001:2015`) adopts it, declared or not.
    if let Some(document) = CanonicalCode::parse(&row.fields.code).ok().and_then(|code| code.adopted_document()) {
        let series = document.series_key();
        let declared = resolved
            .adopts
            .iter()
            .any(|link| InternationalCode::parse(&link.code).is_some_and(|declared| declared.series_key() == series));
        if !declared {
            resolved
                .adopts
                .insert(0, StandardLink { code: document.to_string(), slug: None, title_vi: None, status: None });
        }
    }
    Ok(resolved)
}

/// A page of the plain listing, newest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListingFilter,
    page: u32,
    per_page: u32,
) -> Result<StandardPage, AppError> {
    let offset = i64::from(page - 1) * i64::from(per_page);
    let (rows, total) = standards::list(conn, filter, offset, i64::from(per_page))?;
    Ok(StandardPage { total, page, per_page, items: rows.iter().map(StandardSummary::from).collect() })
}

/// How many standards the catalogue holds and the change log's last sequence number (readiness
/// and metrics).
pub fn figures(conn: &mut DbConnection) -> Result<(i64, i64), AppError> {
    Ok((standards::count(conn)?, change_log::latest_seq(conn)?))
}
