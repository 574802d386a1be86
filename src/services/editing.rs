//! Editing one standard: its editable values, and saving an edit through the import path, so
//! that validation, status derivation, the change log and the search index apply as for a file.

use std::collections::HashMap;

use crate::db::standards::StandardRow;
use crate::db::{DbConnection, relations};
use crate::error::{AppError, ErrorCode};
use crate::services::catalogue;
use crate::services::import::{self, ImportOptions, ImportRecord, SourceRow};

const RELATION_FIELDS: [&str; 3] = ["replaces", "replaced_by", "references"];

/// The current values of the editable fields.
pub fn current_values(conn: &mut DbConnection, row: &StandardRow) -> Result<HashMap<&'static str, String>, AppError> {
    let f = &row.fields;
    let mut values: HashMap<&'static str, String> = HashMap::from([
        ("title_vi", f.title_vi.clone()),
        ("title_en", f.title_en.clone().unwrap_or_default()),
        ("status", f.status.as_str().to_string()),
        ("status_note", f.status_note.clone().unwrap_or_default()),
        ("field", f.field.clone().unwrap_or_default()),
        ("scope_vi", f.scope_vi.clone().unwrap_or_default()),
        ("legal_instrument", f.legal_instrument.clone().unwrap_or_default()),
        ("effective_date", f.effective_date.map(|d| d.to_string()).unwrap_or_default()),
    ]);
    for relation in relations::of_standard(conn, row.id)? {
        if let Some(name) = RELATION_FIELDS.iter().find(|n| **n == relation.kind.as_str()) {
            let entry = values.entry(name).or_default();
            if !entry.is_empty() {
                entry.push('\n');
            }
            entry.push_str(&relation.target_code);
        }
    }
    Ok(values)
}

/// The record to import: the stored standard with the form's values over it.
fn record(row: &StandardRow, form: &HashMap<String, String>) -> ImportRecord {
    let f = &row.fields;
    let text = |name: &str, current: Option<String>| match form.get(name) {
        Some(value) => Some(value.trim().to_string()).filter(|v| !v.is_empty()),
        None => current,
    };
    let list = |name: &str| {
        form.get(name)
            .map(|v| v.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect())
            .unwrap_or_default()
    };
    ImportRecord {
        code: Some(f.code.clone()),
        issuer: f.issuer.clone(),
        issuer_code: f.issuer_code.clone(),
        title_vi: text("title_vi", Some(f.title_vi.clone())),
        title_en: text("title_en", f.title_en.clone()),
        scope_vi: text("scope_vi", f.scope_vi.clone()),
        field: text("field", f.field.clone()),
        technical_committee: f.technical_committee.clone(),
        status: text("status", Some(f.status.as_str().to_string())),
        status_note: text("status_note", f.status_note.clone()),
        legal_instrument: text("legal_instrument", f.legal_instrument.clone()),
        issued_date: f.issued_date.map(|d| d.to_string()),
        effective_date: text("effective_date", f.effective_date.map(|d| d.to_string())),
        end_date: f.end_date.map(|d| d.to_string()),
        international_equivalent: f.international_equivalent.clone(),
        equivalence: f.equivalence.map(|e| e.as_str().to_string()),
        access_level: Some(f.access_level.as_str().to_string()),
        note: f.note.clone(),
        source: f.source.clone(),
        confidence: f.confidence.map(|c| c.as_str().to_string()),
        replaces: list("replaces"),
        replaced_by: list("replaced_by"),
        references: list("references"),
        ..ImportRecord::default()
    }
}

/// Saves an edit (form field → value; absent fields keep their stored value); returns the slug.
pub fn save(conn: &mut DbConnection, reference: &str, form: &HashMap<String, String>) -> Result<String, AppError> {
    let row = catalogue::resolve(conn, reference)?;
    let rows = vec![SourceRow { line: 1, record: Ok(record(&row, form)) }];
    let report = import::import_rows(conn, rows, ImportOptions::default(), &mut || {})?;
    if let Some(invalid) = report.invalid.first() {
        return Err(AppError::unprocessable(ErrorCode::InvalidRecord, invalid.reason.clone()));
    }
    Ok(row.fields.slug)
}
