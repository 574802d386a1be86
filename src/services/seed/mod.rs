//! First start: the 34 provinces and, on an empty catalogue, the embedded seed: the real catalogue
//! with the seven real QCVN texts attached, then the sourced corrections applied through the
//! import path and the erroneous records removed as an admin removes them, in one transaction.

mod texts;

pub use texts::{ManifestEntry, embedded as embedded_texts};

use serde::Deserialize;

use crate::db::provinces::{self, Province};
use crate::db::{self, DbConnection, standards};
use crate::services::catalogue::removal::{self, RemovalRequest};
use crate::services::import::corrections::{self, Correction};
use crate::services::import::{self, FileFormat, ImportError, ImportOptions, ImportReport, SEED_CATALOGUE, TextSource};

/// The 34 provincial-level units, embedded.
const PROVINCES: &str = include_str!("../../../standards-data/provinces.json");
/// Sourced corrections of the seed's records (the facts of `status-facts.jsonl`).
pub const SEED_CORRECTIONS: &str = include_str!("../../../standards-data/corrections.jsonl");
/// Records of the seed that are erroneous, with why and what they were confused with.
pub const SEED_REMOVALS: &str = include_str!("../../../standards-data/removals.jsonl");

/// A failure to seed the reference data.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the embedded province list is invalid: {0}")]
    Provinces(#[from] serde_json::Error),
    #[error("database error while seeding: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("the embedded catalogue could not be imported: {0}")]
    Catalogue(#[from] ImportError),
    #[error("the embedded seed is invalid: {0}")]
    Invalid(String),
}

/// What the seed did.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    pub catalogue: ImportReport,
    pub corrections: usize,
    pub removals: usize,
}

impl SeedReport {
    /// Whether the catalogue was seeded now (it was empty).
    pub fn applied(&self) -> bool {
        self.catalogue.applied
    }
}

/// One erroneous record of the seed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedRemoval {
    code: String,
    reason: String,
    confused_with: Option<String>,
    source: String,
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

/// Brings the provinces up to date and, if the catalogue is empty, seeds it: records, texts,
/// corrections and removals in one catalogue transaction. Safe to run on every start and from
/// several nodes at once (a node that finds the catalogue seeded meanwhile does nothing).
pub fn seed(conn: &mut DbConnection, texts: &TextSource) -> Result<SeedReport, SeedError> {
    provinces(conn)?;
    let skipped = || SeedReport {
        catalogue: ImportReport { skipped_not_empty: true, ..ImportReport::default() },
        ..SeedReport::default()
    };
    if standards::count(conn)? > 0 {
        return Ok(skipped());
    }
    let mut rows = import::read_rows(SEED_CATALOGUE, FileFormat::JsonLines).map_err(SeedError::Invalid)?;
    texts::attach(&mut rows).map_err(SeedError::Invalid)?;
    let options = ImportOptions { texts: Some(texts.clone()), ..ImportOptions::default() };
    let checked = import::check_rows(rows, &options);
    let fixes = seed_corrections()?;
    let removals = seed_removals()?;
    db::catalogue_transaction(conn, |conn| {
        if standards::count(conn)? > 0 {
            return Ok(skipped());
        }
        let catalogue = import::write_within(conn, checked, Some(texts), &mut || {})?;
        if let Some(row) = catalogue.invalid.first() {
            return Err(SeedError::Invalid(format!("catalogue line {}: {}", row.line, row.reason)));
        }
        let mut corrected = ImportReport::default();
        corrections::apply_within(conn, &fixes, &mut corrected)?;
        if let Some(row) = corrected.invalid.first() {
            return Err(SeedError::Invalid(format!("corrections line {}: {}", row.line, row.reason)));
        }
        for removal in &removals {
            let request = RemovalRequest {
                reason: Some(format!("{} Source: {}", removal.reason, removal.source)),
                confused_with: removal.confused_with.clone(),
            };
            removal::remove(conn, &removal.code, &request)
                .map_err(|e| SeedError::Invalid(format!("removing {}: {e}", removal.code)))?;
        }
        Ok(SeedReport { catalogue, corrections: corrected.updated, removals: removals.len() })
    })
}

/// Seeds with the texts stored where the settings say (every command that opens the database).
pub fn seed_for(conn: &mut DbConnection, settings: &crate::config::Settings) -> Result<SeedReport, SeedError> {
    let storage = crate::services::documents::TextStorage::from_settings(settings);
    seed(conn, &storage.import_source(None))
}

fn seed_corrections() -> Result<Vec<Correction>, SeedError> {
    let rows = corrections::read_corrections(SEED_CORRECTIONS).map_err(SeedError::Invalid)?;
    rows.into_iter()
        .map(|row| row.map_err(|e| SeedError::Invalid(format!("corrections line {}: {}", e.line, e.reason))))
        .collect()
}

fn seed_removals() -> Result<Vec<SeedRemoval>, SeedError> {
    SEED_REMOVALS
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).map_err(|e| SeedError::Invalid(format!("removals: {e}"))))
        .collect()
}
