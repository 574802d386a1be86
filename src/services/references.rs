//! The references inside the texts (`References`): the codes each text cites, read when it is
//! attached (and once at start for texts attached before texts were read), corrected by editors,
//! and where each cited code stands today. They are `references` relations of the public record,
//! marked with their origin and section.

use chrono::{NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::db::standards::StandardRow;
use crate::db::text_references::{self, NewTextReference};
use crate::db::{DbConnection, DbPool, catalogue_transaction, documents, relations, standards};
use crate::domain::{Reference, ReferenceOrigin, RelationKind};
use crate::error::{AppError, ErrorCode};
use crate::feed::log::{self as feed_log, Change};
use crate::services::checks::{CheckedCode, standing_on};
use crate::services::{CatalogueWrites, catalogue, with_connection};
use crate::texts::extraction::Section;
use crate::texts::references::{self as reading, MAX_SECTION_CHARS};

/// Standards whose older texts are read in one unit of work at start.
const READ_BATCH: i64 = 20;

/// A code this standard cites: who says so, where, and where the cited code stands today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CitedCode {
    pub code: String,
    /// `extracted` (read from a text), `corrected` (added by an editor); absent when the record's
    /// source declared it.
    pub origin: Option<ReferenceOrigin>,
    /// The heading of the part of the text that cites it.
    pub section: Option<String>,
    /// What the catalogue says of the cited code today, as a dossier check reports it.
    pub standing: CheckedCode,
}

/// An editor's correction of what a standard's texts cite.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceCorrection {
    /// The cited code (national or international), in any spelling.
    pub code: String,
    /// Where the text cites it (a heading such as `2 Tài liệu viện dẫn`).
    pub section: Option<String>,
}

/// The references inside the texts of one node's catalogue.
#[derive(Clone)]
pub struct References {
    pool: DbPool,
    writes: CatalogueWrites,
}

impl References {
    /// The references in `pool`, changed as `writes` allows (never on a mirror).
    pub fn new(pool: DbPool, writes: CatalogueWrites) -> References {
        References { pool, writes }
    }

    /// Adds a code the texts cite that reading them missed (or puts back one struck out).
    pub async fn add(
        &self,
        caller: &Caller,
        reference: &str,
        correction: ReferenceCorrection,
    ) -> Result<Vec<CitedCode>, AppError> {
        self.writes.allow(caller)?;
        let cited = parse_cited(&correction.code)?;
        let section = correction.section.map(|s| s.trim().chars().take(MAX_SECTION_CHARS).collect::<String>());
        let (reference, editor) = (reference.to_string(), caller.require()?.id);
        self.change(reference, move |conn, row, now| {
            if cited.key() == row.fields.code_key {
                return Err(AppError::invalid("a standard does not cite itself"));
            }
            let row = NewTextReference {
                standard_id: row.id,
                target_code: cited.to_string(),
                target_key: cited.key(),
                section: section.filter(|s| !s.is_empty()),
                origin: ReferenceOrigin::Corrected,
                changed_by: Some(editor),
                changed_at: now,
            };
            text_references::put(conn, &row)?;
            Ok(format!("reference to {} added by an editor", row.target_code))
        })
        .await
    }

    /// Strikes out a code that reading the texts found but the texts do not cite; reading them
    /// again will not bring it back. A reference the record's source declared is changed with
    /// the record's relations instead.
    pub async fn strike(&self, caller: &Caller, reference: &str, code: &str) -> Result<Vec<CitedCode>, AppError> {
        self.writes.allow(caller)?;
        let cited = parse_cited(code)?;
        let (reference, editor) = (reference.to_string(), caller.require()?.id);
        self.change(reference, move |conn, row, now| {
            let key = cited.key();
            let declared = relations::of_standard(conn, row.id)?
                .iter()
                .any(|r| r.kind == RelationKind::References && r.target_key == key);
            if declared {
                return Err(AppError::conflict(
                    ErrorCode::DeclaredReference,
                    format!("{cited} is declared by the record's source: change the record's relations"),
                ));
            }
            if !matches!(text_references::find(conn, row.id, &key)?, Some((_, origin)) if origin != ReferenceOrigin::Rejected)
            {
                return Err(AppError::NotFound {
                    code: ErrorCode::NotFound,
                    message: format!("the texts of {} are not recorded as citing {cited}", row.fields.code),
                });
            }
            let struck = NewTextReference {
                standard_id: row.id,
                target_code: cited.to_string(),
                target_key: key,
                section: None,
                origin: ReferenceOrigin::Rejected,
                changed_by: Some(editor),
                changed_at: now,
            };
            text_references::put(conn, &struck)?;
            Ok(format!("reference to {cited} struck out by an editor"))
        })
        .await
    }

    /// Applies one editor's change to a standard's references in a catalogue transaction, with a
    /// new version and a change-log entry; answers what the standard now cites.
    async fn change<F>(&self, reference: String, write: F) -> Result<Vec<CitedCode>, AppError>
    where
        F: FnOnce(&mut DbConnection, &StandardRow, NaiveDateTime) -> Result<String, AppError> + Send + 'static,
    {
        with_connection(&self.pool, move |conn| {
            let row = catalogue_transaction(conn, |conn| {
                let row = catalogue::resolve(conn, &reference)?;
                let now = Utc::now().naive_utc();
                let summary = write(conn, &row, now)?;
                standards::touch(conn, row.id, now)?;
                feed_log::upsert(conn, row.id, Change { action: "updated", changed_at: now }, summary)?;
                Ok::<_, AppError>(row)
            })?;
            cited_of(conn, &row)
        })
        .await
    }
}

fn parse_cited(code: &str) -> Result<Reference, AppError> {
    Reference::parse(code.trim())
        .map_err(|e| AppError::invalid(format!("`code` is not a national or international code: {e}")))
}

/// Records the codes a text cites (its own code left out), inside the caller's transaction and
/// before its change-log entry. Returns how many codes were new to the standard.
pub(crate) fn record_cited(
    conn: &mut DbConnection,
    standard_id: i64,
    sections: &[Section],
    now: NaiveDateTime,
) -> diesel::QueryResult<usize> {
    let own_key = standards::find_by_id(conn, standard_id)?.map(|row| row.fields.code_key);
    let rows: Vec<NewTextReference> = reading::cited(sections)
        .into_iter()
        .filter(|cited| Some(&cited.key) != own_key.as_ref())
        .map(|cited| NewTextReference {
            standard_id,
            target_code: cited.code,
            target_key: cited.key,
            section: cited.section,
            origin: ReferenceOrigin::Extracted,
            changed_by: None,
            changed_at: now,
        })
        .collect();
    text_references::add_extracted(conn, &rows)
}

/// Reads the citations of texts attached before texts were read for them (at start, on a node
/// that is not a mirror: mirrors hold their upstream's references), a batch of standards per
/// catalogue transaction; each standard that gains references gets a change-log entry. Returns
/// how many standards were read.
pub fn read_unread_texts(conn: &mut DbConnection) -> Result<usize, AppError> {
    let mut read = 0;
    loop {
        let done = catalogue_transaction(conn, |conn| {
            let ids = text_references::standards_with_unread_texts(conn, READ_BATCH)?;
            for &id in &ids {
                read_standard(conn, id)?;
            }
            Ok::<_, AppError>(ids.len())
        })?;
        read += done;
        if done == 0 {
            return Ok(read);
        }
    }
}

/// Reads every stored text of one standard for its citations.
fn read_standard(conn: &mut DbConnection, standard_id: i64) -> Result<(), AppError> {
    let sections: Vec<Section> = documents::sections_of_standard(conn, standard_id)?
        .into_iter()
        .map(|(_, _, s)| Section { heading: s.heading, body: s.body })
        .collect();
    let now = Utc::now().naive_utc();
    let added = record_cited(conn, standard_id, &sections, now)?;
    text_references::mark_standard_read(conn, standard_id)?;
    if added > 0 {
        standards::touch(conn, standard_id, now)?;
        let change = Change { action: "updated", changed_at: now };
        feed_log::upsert(conn, standard_id, change, "references read from its texts".into())?;
    }
    Ok(())
}

/// What a standard cites (declared by its source, read from its texts, corrected by editors),
/// each with where it stands today; by code.
pub(crate) fn cited_of(conn: &mut DbConnection, row: &StandardRow) -> Result<Vec<CitedCode>, AppError> {
    let mut cited: Vec<(String, Option<ReferenceOrigin>, Option<String>)> = relations::of_standard(conn, row.id)?
        .into_iter()
        .filter(|r| r.kind == RelationKind::References)
        .map(|r| (r.target_code, None, None))
        .collect();
    for text in text_references::of_standard(conn, row.id)? {
        match cited.iter_mut().find(|(code, origin, _)| origin.is_none() && same_code(code, &text.target_key)) {
            // Declared and also read in a text: one entry, with where the text cites it.
            Some(declared) => declared.2 = text.section,
            None => cited.push((text.target_code, Some(text.origin), text.section)),
        }
    }
    cited.sort_by(|a, b| a.0.cmp(&b.0));
    let today = crate::domain::time::vietnam_today();
    cited
        .into_iter()
        .filter_map(|(code, origin, section)| Reference::parse(&code).ok().map(|r| (code, r, origin, section)))
        .map(|(code, reference, origin, section)| {
            Ok(CitedCode { code, origin, section, standing: standing_on(conn, reference, today)? })
        })
        .collect()
}

fn same_code(code: &str, key: &str) -> bool {
    Reference::parse(code).is_ok_and(|r| r.key() == key)
}
