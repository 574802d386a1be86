//! `Catalogue`: the use cases of the catalogue itself: listing, one standard's record, the
//! figures of readiness and metrics, editing one standard, and importing a file. Reading and
//! checking a file happen before its unit of work, holding no connection.

use std::collections::HashMap;

use super::{ListingFilter, Removal, StandardDetail, StandardPage, StandardRow};
use crate::auth::Caller;
use crate::error::AppError;
use crate::feed::record::{self, PublicRecord};
use crate::services::documents::{self, TextStorage};
use crate::services::gate::Gate;
use crate::services::import::{self, FileFormat, ImportOptions, ImportReport};
use crate::services::{CatalogueWrites, DbPool, editing, with_connection};

/// How an import over HTTP behaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportChoice {
    /// Report what would change and write nothing.
    pub dry_run: bool,
    /// Import the valid rows of a file that has invalid ones.
    pub skip_invalid: bool,
}

/// A file checked by a dry run and kept for applying later.
#[derive(Debug, Clone)]
pub struct CheckedFile {
    pub report: ImportReport,
    pub sha256: String,
    pub format: FileFormat,
}

/// The catalogue of one node.
#[derive(Clone)]
pub struct Catalogue {
    pool: DbPool,
    texts: TextStorage,
    cpu: Gate,
    writes: CatalogueWrites,
}

impl Catalogue {
    /// The catalogue in `pool`; imports store texts in `texts` and check files through `cpu`.
    pub fn new(pool: DbPool, texts: TextStorage, cpu: Gate) -> Catalogue {
        Catalogue { pool, texts, cpu, writes: CatalogueWrites::default() }
    }

    /// The same catalogue, with writes as `writes` allows them (refused on a mirror).
    pub fn with_writes(self, writes: CatalogueWrites) -> Catalogue {
        Catalogue { writes, ..self }
    }

    /// The mirror's position in its upstream's feed and its lag, when this node is a mirror.
    pub async fn mirror_health(&self) -> Result<Option<crate::mirror::MirrorHealth>, AppError> {
        with_connection(&self.pool, |conn| Ok(crate::db::replica::state(conn)?.map(crate::mirror::MirrorHealth::of)))
            .await
    }

    /// A page of the plain listing, newest first.
    pub async fn list(&self, filter: ListingFilter, page: u32, per_page: u32) -> Result<StandardPage, AppError> {
        with_connection(&self.pool, move |conn| super::list(conn, &filter, page, per_page)).await
    }

    /// The full record of the standard a reference names, with the texts the caller may read.
    pub async fn detail(&self, caller: &Caller, reference: &str) -> Result<StandardDetail, AppError> {
        let (reference, caller) = (reference.to_string(), caller.clone());
        with_connection(&self.pool, move |conn| {
            let row = super::resolve(conn, &reference)?;
            let mut detail = super::detail(conn, &row)?;
            detail.documents = documents::list(conn, &caller, row.id)?;
            Ok(detail)
        })
        .await
    }

    /// The public record of the standard a reference names, as the connection standard carries it.
    pub async fn public_record(&self, reference: &str) -> Result<PublicRecord, AppError> {
        let reference = reference.to_string();
        with_connection(&self.pool, move |conn| {
            let row = super::resolve(conn, &reference)?;
            Ok(record::build(conn, &row)?)
        })
        .await
    }

    /// Every public record, sorted by code (bulk exports).
    pub async fn public_records(&self) -> Result<Vec<PublicRecord>, AppError> {
        with_connection(&self.pool, |conn| Ok(record::all_by_code(conn)?)).await
    }

    /// How many standards there are and the change log's last sequence number.
    pub async fn figures(&self) -> Result<(i64, i64), AppError> {
        with_connection(&self.pool, super::figures).await
    }

    /// A standard and the current values of its editable fields (admins).
    pub async fn editable(
        &self,
        caller: &Caller,
        reference: &str,
    ) -> Result<(StandardRow, HashMap<&'static str, String>), AppError> {
        self.writes.allow(caller)?;
        let reference = reference.to_string();
        with_connection(&self.pool, move |conn| {
            let row = super::resolve(conn, &reference)?;
            let values = editing::current_values(conn, &row)?;
            Ok((row, values))
        })
        .await
    }

    /// Saves an edit of one standard through the import path (admins); returns its slug.
    pub async fn save_edit(
        &self,
        caller: &Caller,
        reference: &str,
        form: HashMap<String, String>,
    ) -> Result<String, AppError> {
        self.writes.allow(caller)?;
        let reference = reference.to_string();
        with_connection(&self.pool, move |conn| editing::save(conn, &reference, &form)).await
    }

    /// Removes a record (admins) whose texts were never read; its tombstone goes to the feed.
    pub async fn remove(
        &self,
        caller: &Caller,
        reference: &str,
        request: super::RemovalRequest,
    ) -> Result<Removal, AppError> {
        self.writes.allow(caller)?;
        let reference = reference.to_string();
        with_connection(&self.pool, move |conn| {
            crate::db::catalogue_transaction(conn, |conn| super::removal::remove(conn, &reference, &request))
        })
        .await
    }

    /// Imports a catalogue file (admins): checked (texts read and extracted) off the pool, then
    /// written in one catalogue transaction.
    pub async fn import(
        &self,
        caller: &Caller,
        file: Vec<u8>,
        format: FileFormat,
        choice: ImportChoice,
    ) -> Result<ImportReport, AppError> {
        self.writes.allow(caller)?;
        let options = ImportOptions {
            dry_run: choice.dry_run,
            skip_invalid: choice.skip_invalid,
            only_if_empty: false,
            texts: Some(self.texts.import_source(None)),
        };
        let checking = options.clone();
        let checked = self
            .cpu
            .run(move || {
                let text = String::from_utf8(file).map_err(|_| AppError::invalid("the file is not UTF-8 text"))?;
                let rows = import::read_rows(&text, format).map_err(AppError::invalid)?;
                Ok(import::check_rows(rows, &checking))
            })
            .await?;
        with_connection(&self.pool, move |conn| Ok(import::write_checked(conn, checked, &options, &mut || {})?)).await
    }

    /// Checks a file with a dry run and keeps it by its hash, to be applied once confirmed
    /// (the import page).
    pub async fn check_file(&self, caller: &Caller, file: Vec<u8>, name: &str) -> Result<CheckedFile, AppError> {
        self.writes.allow(caller)?;
        let format = FileFormat::from_path(std::path::Path::new(name))
            .ok_or_else(|| AppError::invalid("choose a .jsonl, .ndjson, .json or .csv file"))?;
        let sha256 = crate::domain::digest::sha256_hex(&file);
        let (store, key, kept) = (self.texts.store.clone(), sha256.clone(), file.clone());
        with_connection(&self.pool, move |conn| Ok(store.put(conn, &key, &kept)?)).await?;
        let report = self.import(caller, file, format, ImportChoice { dry_run: true, skip_invalid: false }).await?;
        Ok(CheckedFile { report, sha256, format })
    }

    /// Applies a file checked before (the import page).
    pub async fn apply_file(
        &self,
        caller: &Caller,
        sha256: &str,
        format: FileFormat,
        skip_invalid: bool,
    ) -> Result<ImportReport, AppError> {
        self.writes.allow(caller)?;
        let (store, key) = (self.texts.store.clone(), sha256.to_string());
        let file = with_connection(&self.pool, move |conn| Ok(store.get(conn, &key)?))
            .await?
            .ok_or_else(|| AppError::invalid("check the file again: it is no longer kept"))?;
        self.import(caller, file, format, ImportChoice { dry_run: false, skip_invalid }).await
    }
}
