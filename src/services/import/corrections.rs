//! Sourced corrections of catalogued records (`tieuchuan import --corrections FILE`, and the
//! embedded `standards-data/corrections.jsonl` at first start): each row names a standard, a source
//! and what that source says (status, its note, replacements, amendments, the issuing instrument,
//! dates). Applied as updates in one catalogue transaction, each with a change-log entry and kept in
//! the record's provenance with its own source; a correction already applied from the same source
//! is not applied again.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::record::{DeclaredRelation, date, declared_list, parse_term, text};
use super::writer::differing_fields;
use super::{ImportError, ImportFileError, ImportOptions, ImportReport, RowError};
use crate::db::corrections::{self, CorrectionRow};
use crate::db::relations::{self, NewRelation};
use crate::db::{self, DbConnection, standards};
use crate::domain::{CanonicalCode, Confidence, RelationKind, Status};
use crate::feed::log::{self as feed_log, Change};

const MAX_NOTE_CHARS: usize = 20_000;

/// A row of a corrections file, as `status-facts.jsonl` writes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRecord {
    pub code: Option<String>,
    pub status: Option<String>,
    pub status_note: Option<String>,
    pub replaced_by: Option<Vec<String>>,
    pub source: Option<String>,
    pub confidence: Option<String>,
    #[serde(default)]
    pub fields: CorrectedFields,
}

/// The other values a source gives.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectedFields {
    pub legal_instrument: Option<String>,
    pub issued_date: Option<String>,
    pub effective_date: Option<String>,
    pub replaces: Option<Vec<String>>,
    /// Codes, each optionally followed by a parenthesised remark (`Sửa đổi 1:2023 QCVN 06:2022/BXD
    /// (Thông tư 09/2023/TT-BXD)`); the remark is dropped (the facts give it in their `status_note`).
    pub amended_by: Option<Vec<String>>,
}

/// A correction that passed validation.
#[derive(Debug, Clone)]
pub struct Correction {
    pub line: u64,
    pub code: CanonicalCode,
    pub source: String,
    pub confidence: Option<Confidence>,
    pub status: Option<Status>,
    pub status_note: Option<String>,
    pub legal_instrument: Option<String>,
    pub issued_date: Option<NaiveDate>,
    pub effective_date: Option<NaiveDate>,
    /// Relation kinds the source lists, each with its whole list (which replaces the stored one).
    pub relations: BTreeMap<RelationKind, Vec<DeclaredRelation>>,
}

impl CorrectionRecord {
    /// Checks every value; the error says what is wrong, in words.
    pub fn validate(self, line: u64) -> Result<Correction, String> {
        let raw = self.code.as_deref().map(str::trim).filter(|c| !c.is_empty()).ok_or("`code` is missing")?;
        let code = CanonicalCode::parse(raw).map_err(|e| format!("`code`: {e}"))?;
        let source = text(self.source.as_deref(), 2_000, "source")?
            .ok_or("`source` is missing: a correction without its source cannot be applied")?;
        let mut relations = BTreeMap::new();
        let lists = [
            (RelationKind::ReplacedBy, self.replaced_by),
            (RelationKind::Replaces, self.fields.replaces),
            (RelationKind::AmendedBy, self.fields.amended_by),
        ];
        for (kind, list) in lists {
            if let Some(list) = list {
                relations.insert(kind, declared(&code, kind, &list)?);
            }
        }
        Ok(Correction {
            line,
            source,
            confidence: parse_term(self.confidence.as_deref(), "confidence")?,
            status: parse_term(self.status.as_deref(), "status")?,
            status_note: text(self.status_note.as_deref(), MAX_NOTE_CHARS, "status_note")?,
            legal_instrument: text(self.fields.legal_instrument.as_deref(), 500, "fields.legal_instrument")?,
            issued_date: date(self.fields.issued_date.as_deref(), "fields.issued_date")?,
            effective_date: date(self.fields.effective_date.as_deref(), "fields.effective_date")?,
            relations,
            code,
        })
    }
}

/// The codes of a list, each without its parenthesised remark, in order and once.
fn declared(code: &CanonicalCode, kind: RelationKind, list: &[String]) -> Result<Vec<DeclaredRelation>, String> {
    let bare = list.iter().map(|item| item.split_once(" (").map_or(item.as_str(), |(code, _)| code));
    let mut declared = declared_list(code, kind, bare)?;
    declared.sort();
    declared.dedup_by(|a, b| a.target_key == b.target_key);
    Ok(declared)
}

/// Reads a corrections file (JSON Lines), one row a line.
pub fn read_corrections(text: &str) -> Result<Vec<Result<Correction, RowError>>, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let rows: Vec<_> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            let line_number = index as u64 + 1;
            serde_json::from_str::<CorrectionRecord>(line)
                .map_err(|e| format!("not a correction: {e}"))
                .and_then(|record| record.validate(line_number))
                .map_err(|reason| RowError { line: line_number, reason })
        })
        .collect();
    if rows.is_empty() {
        return Err("the file holds no corrections".into());
    }
    Ok(rows)
}

/// Applies the corrections of a file's text in one catalogue transaction: `updated` counts the
/// corrections applied, `unchanged` those applied before. A row naming a standard the catalogue
/// does not hold is invalid.
pub fn apply_text(
    conn: &mut DbConnection,
    text: &str,
    options: &ImportOptions,
) -> Result<ImportReport, ImportFileError> {
    let rows = read_corrections(text).map_err(ImportFileError::Unreadable)?;
    let mut report = ImportReport { rows: rows.len(), dry_run: options.dry_run, ..ImportReport::default() };
    let mut valid = Vec::new();
    for row in rows {
        match row {
            Ok(correction) => valid.push(correction),
            Err(error) => report.invalid.push(error),
        }
    }
    let mut outcome = report.clone();
    let result = db::catalogue_transaction::<(), diesel::result::Error, _>(conn, |conn| {
        outcome = report.clone();
        apply_within(conn, &valid, &mut outcome)?;
        let rejected = !outcome.invalid.is_empty() && !options.skip_invalid;
        outcome.applied = !(options.dry_run || rejected);
        if outcome.applied { Ok(()) } else { Err(diesel::result::Error::RollbackTransaction) }
    });
    match result {
        Ok(()) | Err(diesel::result::Error::RollbackTransaction) => {
            outcome.invalid.sort_by_key(|e| e.line);
            Ok(outcome)
        }
        Err(error) => Err(ImportFileError::Import(ImportError::Database(error))),
    }
}

/// Applies corrections inside the caller's catalogue transaction.
pub fn apply_within(
    conn: &mut DbConnection,
    corrections: &[Correction],
    report: &mut ImportReport,
) -> diesel::QueryResult<()> {
    for correction in corrections {
        apply(conn, correction, report)?;
    }
    Ok(())
}

/// Applies one correction inside the caller's transaction.
fn apply(conn: &mut DbConnection, correction: &Correction, report: &mut ImportReport) -> diesel::QueryResult<()> {
    let Some(existing) = standards::find_by_key(conn, &correction.code.key())? else {
        let reason = format!("{} is not in the catalogue", correction.code);
        report.invalid.push(RowError { line: correction.line, reason });
        return Ok(());
    };
    if corrections::applied(conn, existing.id, &correction.source)? {
        report.unchanged += 1;
        return Ok(());
    }
    let now = Utc::now().naive_utc();
    let mut fields = existing.fields.clone();
    fields.status = correction.status.unwrap_or(fields.status);
    let given = |value: &Option<String>, stored: &Option<String>| value.clone().or_else(|| stored.clone());
    fields.status_note = given(&correction.status_note, &fields.status_note);
    fields.legal_instrument = given(&correction.legal_instrument, &fields.legal_instrument);
    fields.issued_date = correction.issued_date.or(fields.issued_date);
    fields.effective_date = correction.effective_date.or(fields.effective_date);
    let mut changed = differing_fields(&existing.fields, &fields);
    let stored = relations::of_standard(conn, existing.id)?;
    let mut wanted: Vec<NewRelation> = stored
        .iter()
        .filter(|r| !correction.relations.contains_key(&r.kind))
        .map(|r| NewRelation {
            standard_id: existing.id,
            kind: r.kind,
            target_code: r.target_code.clone(),
            target_key: r.target_key.clone(),
        })
        .collect();
    for (kind, list) in &correction.relations {
        let before: Vec<&str> = stored.iter().filter(|r| r.kind == *kind).map(|r| r.target_key.as_str()).collect();
        let after: Vec<&str> = list.iter().map(|r| r.target_key.as_str()).collect();
        if sorted(before) != sorted(after) {
            changed.push(kind.as_str().to_string());
        }
        wanted.extend(list.iter().map(|r| NewRelation {
            standard_id: existing.id,
            kind: *kind,
            target_code: r.target_code.clone(),
            target_key: r.target_key.clone(),
        }));
    }
    if !changed.is_empty() {
        standards::update(conn, existing.id, &fields, now)?;
        relations::replace_for_standard(conn, existing.id, &wanted)?;
    } else {
        standards::touch(conn, existing.id, now)?;
    }
    corrections::insert(
        conn,
        &CorrectionRow {
            standard_id: existing.id,
            source: correction.source.clone(),
            confidence: correction.confidence,
            note: correction.status_note.clone(),
            changed: changed.join(","),
            applied_at: now,
        },
    )?;
    let what = if changed.is_empty() { "confirmed".to_string() } else { changed.join(", ") };
    let summary = format!("corrected from a source: {what}");
    feed_log::upsert(conn, existing.id, Change { action: "updated", changed_at: now }, summary)?;
    report.updated += 1;
    derive_replaced(conn, correction, report, now)
}

/// The standards a correction says this one replaces, when their own status is unknown, are
/// replaced (as an import derives it).
fn derive_replaced(
    conn: &mut DbConnection,
    correction: &Correction,
    report: &mut ImportReport,
    now: chrono::NaiveDateTime,
) -> diesel::QueryResult<()> {
    let Some(replaced) = correction.relations.get(&RelationKind::Replaces) else { return Ok(()) };
    if correction.status == Some(Status::Draft) {
        return Ok(());
    }
    let keys: Vec<String> = replaced.iter().map(|r| r.target_key.clone()).collect();
    for row in standards::with_status_among(conn, Status::Unknown, &keys)? {
        standards::set_status(conn, row.id, Status::Replaced, now)?;
        let change = Change { action: "updated", changed_at: now };
        feed_log::upsert(conn, row.id, change, "status derived: replaced".into())?;
        report.derived_replaced += 1;
    }
    Ok(())
}

fn sorted(mut keys: Vec<&str>) -> Vec<&str> {
    keys.sort_unstable();
    keys
}
