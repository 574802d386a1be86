//! First start: the 34 provinces and, on an empty catalogue, the embedded seed catalogue.

use crate::db::DbConnection;
use crate::db::provinces::{self, Province};
use crate::services::import::{self, FileFormat, ImportFileError, ImportOptions, ImportReport, SEED_CATALOGUE};

/// The 34 provincial-level units, embedded.
const PROVINCES: &str = include_str!("../../standards-data/provinces.json");

/// A failure to seed the reference data.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the embedded province list is invalid: {0}")]
    Provinces(#[from] serde_json::Error),
    #[error("database error while seeding: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("the embedded catalogue could not be imported: {0}")]
    Catalogue(#[from] ImportFileError),
    #[error("the embedded catalogue has {0} invalid rows")]
    InvalidSeed(usize),
}

/// The provinces of the embedded list.
pub fn embedded_provinces() -> Result<Vec<Province>, serde_json::Error> {
    serde_json::from_str(PROVINCES)
}

/// Brings the 34 provinces up to date (every node, mirrors too: accounts name them). Safe to run
/// on every start and from several nodes at once.
pub fn provinces(conn: &mut DbConnection) -> Result<(), SeedError> {
    provinces::sync(conn, &embedded_provinces()?)?;
    Ok(())
}

/// Brings the provinces up to date, and imports the seed catalogue if the catalogue is empty.
/// Safe to run on every start and from several nodes at once.
pub fn seed(conn: &mut DbConnection) -> Result<ImportReport, SeedError> {
    provinces(conn)?;
    let options = ImportOptions { only_if_empty: true, ..ImportOptions::default() };
    let report = import::import_text(conn, SEED_CATALOGUE, FileFormat::JsonLines, options, &mut || {})?;
    if !report.invalid.is_empty() {
        return Err(SeedError::InvalidSeed(report.invalid.len()));
    }
    Ok(report)
}
