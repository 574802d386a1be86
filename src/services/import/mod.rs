//! Catalogue import: validate every row, then upsert by canonical code in one transaction with a
//! change-log entry per change; idempotent, with a dry run that reports exactly what would change.

pub mod corrections;
pub mod reader;
pub mod record;
pub mod texts;
mod writer;

use std::collections::HashMap;

use crate::db::{self, DbConnection, standards};
use crate::error::{AppError, ErrorCode};
pub use reader::{FileFormat, SourceRow, read_rows};
pub use record::{ImportRecord, ValidRecord};
pub use texts::{AttachedText, TextOrigin, TextSource};

/// The seed catalogue, embedded so the service starts with it from any directory.
pub const SEED_CATALOGUE: &str = include_str!("../../../standards-data/catalogue.jsonl");

/// How an import behaves.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Do everything, report it, then roll back.
    pub dry_run: bool,
    /// Import the valid rows of a file that has invalid ones (otherwise the file is rejected).
    pub skip_invalid: bool,
    /// Import nothing unless the catalogue is empty (the seed at first start).
    pub only_if_empty: bool,
    /// Where attached texts are read and stored; without it, records with texts are invalid.
    pub texts: Option<TextSource>,
}

/// A row that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Standards outside the file whose status became `replaced` because a row replaces them.
    pub derived_replaced: usize,
    /// Texts attached to standards (new bytes only: the same text again is not counted).
    pub texts_added: usize,
    pub invalid: Vec<RowError>,
    /// Whether the changes were committed (false for a dry run, a rejected file, or a skipped seed).
    pub applied: bool,
    pub dry_run: bool,
    /// The catalogue was not empty, so an `only_if_empty` import did nothing.
    pub skipped_not_empty: bool,
}

impl ImportReport {
    /// Whether the import changed (or would change) anything.
    pub fn has_changes(&self) -> bool {
        self.created + self.updated + self.derived_replaced + self.texts_added > 0
    }
}

/// A failure of the import as a whole (row problems are in the report instead).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("database error during import: {0}")]
    Database(#[from] diesel::result::Error),
    /// A text checked with its row could not be stored (its file changed or went away meanwhile).
    #[error("the text of {code}: {reason}")]
    Text { code: String, reason: String },
    #[error(transparent)]
    Store(#[from] crate::texts::blob_store::BlobError),
}

/// Rows checked (texts read and extracted) and not yet written: the CPU half of an import,
/// done without a database connection.
#[derive(Debug)]
pub struct CheckedRows {
    report: ImportReport,
    valid: Vec<ValidRecord>,
}

/// Checks every row and reads and extracts its text, without touching the database.
pub fn check_rows(rows: Vec<SourceRow>, options: &ImportOptions) -> CheckedRows {
    let mut report = ImportReport { rows: rows.len(), dry_run: options.dry_run, ..ImportReport::default() };
    let valid = validate_rows(rows, options.texts.as_ref(), &mut report.invalid);
    CheckedRows { report, valid }
}

/// Writes checked rows in one catalogue transaction unless some are invalid and `skip_invalid`
/// is off.
pub fn write_checked(
    conn: &mut DbConnection,
    checked: CheckedRows,
    options: &ImportOptions,
    progress: &mut dyn FnMut(),
) -> Result<ImportReport, ImportError> {
    let CheckedRows { report, valid } = checked;
    if !report.invalid.is_empty() && !options.skip_invalid {
        return Ok(report);
    }
    let mut outcome = None;
    let result = db::catalogue_transaction::<(), ImportError, _>(conn, |conn| {
        let mut attempt = report.clone();
        if options.only_if_empty && standards::count(conn)? > 0 {
            attempt.skipped_not_empty = true;
        } else {
            writer::write_records(conn, &valid, options.texts.as_ref(), &mut attempt, progress)?;
        }
        let rollback = options.dry_run || attempt.skipped_not_empty;
        attempt.applied = !rollback;
        outcome = Some(attempt);
        if rollback { Err(ImportError::Database(diesel::result::Error::RollbackTransaction)) } else { Ok(()) }
    });
    match result {
        Ok(()) | Err(ImportError::Database(diesel::result::Error::RollbackTransaction)) => {
            Ok(outcome.unwrap_or(report))
        }
        Err(error) => Err(error),
    }
}

/// Writes checked rows inside the caller's catalogue transaction (the seed, which writes its
/// corrections and removals in the same one); the report says which rows were invalid.
pub fn write_within(
    conn: &mut DbConnection,
    checked: CheckedRows,
    texts: Option<&TextSource>,
    progress: &mut dyn FnMut(),
) -> Result<ImportReport, ImportError> {
    let CheckedRows { mut report, valid } = checked;
    writer::write_records(conn, &valid, texts, &mut report, progress)?;
    report.applied = true;
    Ok(report)
}

/// Checks rows, then writes them (the command line and the seed, which own their connection).
pub fn import_rows(
    conn: &mut DbConnection,
    rows: Vec<SourceRow>,
    options: ImportOptions,
    progress: &mut dyn FnMut(),
) -> Result<ImportReport, ImportError> {
    let checked = check_rows(rows, &options);
    write_checked(conn, checked, &options, progress)
}

/// Reads and imports a whole file's text.
pub fn import_text(
    conn: &mut DbConnection,
    text: &str,
    format: FileFormat,
    options: ImportOptions,
    progress: &mut dyn FnMut(),
) -> Result<ImportReport, ImportFileError> {
    let rows = read_rows(text, format).map_err(ImportFileError::Unreadable)?;
    Ok(import_rows(conn, rows, options, progress)?)
}

impl From<ImportError> for AppError {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::Database(e) => AppError::Database(e),
            error @ ImportError::Text { .. } => AppError::unprocessable(ErrorCode::UnreadableText, error.to_string()),
            ImportError::Store(e) => e.into(),
        }
    }
}

impl From<ImportFileError> for AppError {
    fn from(error: ImportFileError) -> Self {
        match error {
            ImportFileError::Unreadable(reason) => AppError::invalid(reason),
            ImportFileError::Import(e) => e.into(),
        }
    }
}

/// A file that cannot be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportFileError {
    #[error("{0}")]
    Unreadable(String),
    #[error(transparent)]
    Import(#[from] ImportError),
}

/// Validates each row, its text included; duplicates of an earlier row (same canonical code) are
/// errors.
fn validate_rows(rows: Vec<SourceRow>, texts: Option<&TextSource>, invalid: &mut Vec<RowError>) -> Vec<ValidRecord> {
    let mut first_line_of_key: HashMap<String, u64> = HashMap::new();
    let mut valid = Vec::new();
    for row in rows {
        let checked = row.record.and_then(ImportRecord::validate).and_then(|record| match (&record.text, texts) {
            (None, _) => Ok(record),
            (Some(_), None) => Err("texts cannot be attached here; upload them on the standard's page".to_string()),
            (Some(text), Some(source)) => {
                source.prepare(text).map(|prepared| ValidRecord { prepared_text: Some(prepared), ..record })
            }
        });
        match checked {
            Err(reason) => invalid.push(RowError { line: row.line, reason }),
            Ok(record) => match first_line_of_key.get(&record.fields.code_key) {
                Some(first) => invalid.push(RowError {
                    line: row.line,
                    reason: format!("{} is already on line {first}", record.fields.code),
                }),
                None => {
                    first_line_of_key.insert(record.fields.code_key.clone(), row.line);
                    valid.push(record);
                }
            },
        }
    }
    valid
}
