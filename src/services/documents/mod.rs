//! Texts of standards (`Texts`): upload (admin), the reader, and downloads, with entitlement
//! decided by the policy, every non-public read recorded, PDFs stamped for the reader, and a daily
//! quota. Extraction, stamping and the reader's HTML run between units of work, holding no
//! connection.

use std::path::PathBuf;
use std::sync::Arc;

use crate::auth::policy::{self, Action};
use crate::auth::{Account, Caller};
use crate::config::Settings;
use crate::db::documents::{self, DocumentRow};
use crate::db::standards::StandardRow;
use crate::db::{DbConnection, DbPool, catalogue_transaction, provinces};
use crate::domain::digest::sha256_hex;
use crate::domain::{AccessAction, AccessLevel};
use crate::error::{AppError, ErrorCode};
use crate::mirror::link::UpstreamLink;
use crate::services::allowances::{Allowance, DailyLimits, Grant};
use crate::services::gate::Gate;
use crate::services::import::TextSource;
use crate::services::usage;
use crate::services::{CatalogueWrites, catalogue, with_connection};
use crate::texts::blob_store::{BlobStore, DatabaseBlobStore, FileBlobStore};
use crate::texts::extraction::{self, TextFormat};
use crate::texts::{reader, stamp};

mod mirrored;
mod storing;
mod views;

pub use storing::{NewText, Upload, store_text};
use views::view;
pub use views::{DocumentView, SectionView, TextView, list};

/// Limits and storage of texts.
#[derive(Clone)]
pub struct TextStorage {
    pub store: Arc<dyn BlobStore>,
    pub max_upload_bytes: usize,
    pub max_pdf_pages: usize,
    pub limits: DailyLimits,
}

/// The texts of the catalogue: every use case that reads or writes one.
#[derive(Clone)]
pub struct Texts {
    pool: DbPool,
    storage: TextStorage,
    cpu: Gate,
    writes: CatalogueWrites,
    /// On a mirror: the link restricted texts are fetched over, and reads relayed to.
    upstream: Option<Arc<UpstreamLink>>,
}

impl TextStorage {
    /// The storage the settings describe, with the blob store they name.
    pub fn from_settings(settings: &Settings) -> TextStorage {
        let store: Arc<dyn BlobStore> = match settings.blob_store.as_str() {
            "database" => Arc::new(DatabaseBlobStore),
            _ => Arc::new(FileBlobStore::new(settings.data_dir.join("blobs"))),
        };
        TextStorage {
            store,
            max_upload_bytes: settings.max_upload_bytes,
            max_pdf_pages: settings.max_pdf_pages,
            limits: DailyLimits { downloads: settings.daily_download_quota, reads: settings.daily_read_quota },
        }
    }

    /// Where an import reads and stores texts; `base_dir` is the catalogue file's directory
    /// (known only to the command line).
    pub fn import_source(&self, base_dir: Option<PathBuf>) -> TextSource {
        TextSource {
            store: self.store.clone(),
            base_dir,
            max_bytes: self.max_upload_bytes,
            max_pdf_pages: self.max_pdf_pages,
        }
    }
}

/// Which part of a text to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionChoice {
    Whole,
    /// A section by its position.
    At(usize),
    /// A section by its clause number (`2.2.2`, `phu-luc-a`), which stays when the text is
    /// imported again.
    Clause(String),
}

impl SectionChoice {
    /// The position of the chosen section among a text's sections; `None` for the whole text.
    fn position(&self, stored: &[documents::SectionRow]) -> Result<Option<usize>, AppError> {
        match self {
            SectionChoice::Whole => Ok(None),
            SectionChoice::At(index) if *index < stored.len() => Ok(Some(*index)),
            SectionChoice::At(_) => Err(AppError::invalid(format!("`section` must be below {}", stored.len()))),
            SectionChoice::Clause(key) => {
                let headings: Vec<String> = stored.iter().map(|s| s.heading.clone()).collect();
                let keys = crate::texts::clauses::clause_keys(&headings);
                match keys.iter().position(|k| k.as_deref() == Some(key.as_str())) {
                    Some(index) => Ok(Some(index)),
                    None => Err(AppError::NotFound {
                        code: ErrorCode::NotFound,
                        message: format!("the text has no clause {key}"),
                    }),
                }
            }
        }
    }
}

/// A text read, with the standard it belongs to.
#[derive(Debug, Clone)]
pub struct Reading {
    pub code: String,
    pub slug: String,
    pub text: TextView,
}

impl Texts {
    /// The texts of the catalogue in `pool`, with CPU work admitted through `cpu`.
    pub fn new(pool: DbPool, storage: TextStorage, cpu: Gate) -> Texts {
        Texts { pool, storage, cpu, writes: CatalogueWrites::default(), upstream: None }
    }

    /// The same texts on a mirror: restricted ones are fetched over `link` the first time an
    /// entitled official reads them, and every read is queued for the upstream.
    pub fn with_upstream(self, link: Arc<UpstreamLink>) -> Texts {
        Texts { upstream: Some(link), ..self }
    }

    /// The same texts, with uploads as `writes` allows them (refused on a mirror).
    pub fn with_writes(self, writes: CatalogueWrites) -> Texts {
        Texts { writes, ..self }
    }

    /// Storage and limits, for imports that attach texts.
    pub fn storage(&self) -> &TextStorage {
        &self.storage
    }

    /// Stores and extracts an uploaded text; re-uploading the same bytes changes nothing.
    /// Returns the text, whether it is new, and the standard's slug.
    pub async fn upload(
        &self,
        caller: &Caller,
        reference: &str,
        upload: Upload,
    ) -> Result<(DocumentView, bool, String), AppError> {
        self.writes.allow(caller)?;
        let uploader = caller.require()?.id;
        let sha = sha256_hex(&upload.bytes);
        let (reference, wanted, who) = (reference.to_string(), sha.clone(), caller.clone());
        let (standard, existing) = with_connection(&self.pool, move |conn| {
            let standard = catalogue::resolve(conn, &reference)?;
            match documents::find_by_hash(conn, standard.id, &wanted)? {
                Some(existing) => Ok((standard, Some(view(conn, &who, &existing)?))),
                None => Ok((standard, None)),
            }
        })
        .await?;
        if let Some(existing) = existing {
            return Ok((existing, false, standard.fields.slug));
        }
        let max_pages = self.storage.max_pdf_pages;
        let Upload { bytes, filename, claimed, access_level } = upload;
        let (bytes, extracted) = self
            .cpu
            .run(move || extraction::extract(&bytes, claimed, max_pages).map(|e| (bytes, e)).map_err(AppError::from))
            .await?;
        let access_level = access_level.unwrap_or(standard.fields.access_level);
        let (store, who) = (self.storage.store.clone(), caller.clone());
        with_connection(&self.pool, move |conn| {
            let (document, created) = catalogue_transaction(conn, |conn| {
                // The same bytes may have arrived meanwhile from another request.
                if let Some(existing) = documents::find_by_hash(conn, standard.id, &sha)? {
                    return Ok::<_, AppError>((existing, false));
                }
                let new_text = NewText {
                    bytes: &bytes,
                    sha256: sha,
                    extracted,
                    filename,
                    access_level,
                    uploaded_by: Some(uploader),
                    source: None,
                    note: None,
                };
                let id = store_text(conn, store.as_ref(), standard.id, new_text)?;
                let document = documents::find(conn, standard.id, id)?
                    .ok_or(AppError::Database(diesel::result::Error::NotFound))?;
                Ok((document, true))
            })?;
            Ok((view(conn, &who, &document)?, created, standard.fields.slug.clone()))
        })
        .await
    }

    /// The reader: every section, or one. A non-public read is recorded and paid from the daily
    /// allowance.
    pub async fn read(
        &self,
        caller: &Caller,
        reference: &str,
        document_id: i64,
        choice: SectionChoice,
    ) -> Result<Reading, AppError> {
        self.ensure_kept(caller, reference, document_id).await?;
        let (reference, who, limits, relay) =
            (reference.to_string(), caller.clone(), self.storage.limits, self.upstream.is_some());
        let (standard, document, stored, section) = with_connection(&self.pool, move |conn| {
            let standard = catalogue::resolve(conn, &reference)?;
            let document = entitled(conn, &who, &standard, document_id)?;
            let stored = documents::sections(conn, document.id)?;
            let section = choice.position(&stored)?;
            if document.access_level != AccessLevel::Public {
                limits.take(conn, who.require()?, Allowance::Read)?;
            }
            record(conn, &who, &standard, &document, AccessAction::View, relay)?;
            Ok((standard, document, stored, section))
        })
        .await?;
        let format = document.format;
        // Sanitising a section is light work, done off the async workers but not behind the CPU
        // gate, which is for the heavy jobs (argon2, extraction, stamping): readers never queue
        // behind a flood of sign-ins.
        let text = actix_web::web::block(move || {
            let total = stored.len();
            let sections = stored
                .iter()
                .enumerate()
                .filter(|(index, _)| section.is_none_or(|wanted| wanted == *index))
                .map(|(index, s)| SectionView {
                    index,
                    heading: s.heading.clone(),
                    html: reader::section_html(format, &s.body),
                })
                .collect();
            TextView {
                document_id: document.id,
                restricted: document.access_level != AccessLevel::Public,
                total_sections: total,
                contents: stored.into_iter().map(|s| s.heading).collect(),
                sections,
            }
        })
        .await?;
        Ok(Reading { code: standard.fields.code, slug: standard.fields.slug, text })
    }

    /// The PDF: the original for public texts, stamped for the reader otherwise (within the
    /// daily quota, given back when stamping fails). Returns the bytes and a file name.
    pub async fn download(
        &self,
        caller: &Caller,
        reference: &str,
        document_id: i64,
    ) -> Result<(Vec<u8>, String), AppError> {
        self.ensure_kept(caller, reference, document_id).await?;
        let (reference, who, storage) = (reference.to_string(), caller.clone(), self.storage.clone());
        let prepared = with_connection(&self.pool, move |conn| {
            let standard = catalogue::resolve(conn, &reference)?;
            let document = entitled(conn, &who, &standard, document_id)?;
            if document.format != TextFormat::Pdf {
                return Err(AppError::NotFound {
                    code: ErrorCode::NoPdf,
                    message: "this text is not a PDF; read it with `/text`".into(),
                });
            }
            let bytes = storage
                .store
                .get(conn, &document.sha256)
                .map_err(|e| AppError::NotReady(e.to_string()))?
                .ok_or_else(|| AppError::NotReady("the file of this text is missing from the store".into()))?;
            let name = format!("{}.pdf", standard.fields.slug);
            if document.access_level == AccessLevel::Public {
                return Ok(Download::Original(bytes, name));
            }
            let account = who.require()?;
            let grant = storage.limits.take(conn, account, Allowance::Download)?;
            let line = stamp_line(conn, account)?;
            Ok(Download::ToStamp(Box::new(ToStamp { bytes, name, line, grant, standard, document })))
        })
        .await?;
        let ToStamp { bytes, name, line, grant, standard, document } = match prepared {
            Download::Original(bytes, name) => return Ok((bytes, name)),
            Download::ToStamp(job) => *job,
        };
        let stamped = self
            .cpu
            .run(move || {
                stamp::stamp(&bytes, &line)
                    .map_err(|e| AppError::unprocessable(ErrorCode::UnstampablePdf, e.to_string()))
            })
            .await;
        let (who, limits, relay) = (caller.clone(), self.storage.limits, self.upstream.is_some());
        with_connection(&self.pool, move |conn| match stamped {
            Ok(stamped) => {
                record(conn, &who, &standard, &document, AccessAction::Download, relay)?;
                Ok((stamped, name))
            }
            Err(error) => {
                limits.give_back(conn, &grant)?;
                Err(error)
            }
        })
        .await
    }

    /// The bytes and format of the public text with this SHA-256 (the connection standard's
    /// fetch by hash). Texts that are not public are not found, as if they did not exist.
    pub async fn public_by_hash(&self, sha256: &str) -> Result<(Vec<u8>, TextFormat), AppError> {
        let (sha256, store) = (sha256.to_ascii_lowercase(), self.storage.store.clone());
        let not_found =
            || AppError::NotFound { code: ErrorCode::DocumentNotFound, message: "no public text has this hash".into() };
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(not_found());
        }
        with_connection(&self.pool, move |conn| {
            let document = documents::public_by_hash(conn, &sha256)?.ok_or_else(not_found)?;
            policy::authorize(&Caller::Anonymous, Action::ReadText(document.access_level))?;
            let bytes = store
                .get(conn, &document.sha256)
                .map_err(|e| AppError::NotReady(e.to_string()))?
                .ok_or_else(|| AppError::NotReady("the file of this text is missing from the store".into()))?;
            Ok((bytes, document.format))
        })
        .await
    }
}

/// What the first unit of work of a download found.
enum Download {
    Original(Vec<u8>, String),
    ToStamp(Box<ToStamp>),
}

/// A restricted PDF to stamp, with the allowance granted for it.
struct ToStamp {
    bytes: Vec<u8>,
    name: String,
    line: String,
    grant: Grant,
    standard: StandardRow,
    document: DocumentRow,
}

pub(super) fn entitled(
    conn: &mut DbConnection,
    caller: &Caller,
    standard: &StandardRow,
    document_id: i64,
) -> Result<DocumentRow, AppError> {
    let document = documents::find(conn, standard.id, document_id)?.ok_or_else(|| AppError::NotFound {
        code: ErrorCode::DocumentNotFound,
        message: format!("no text {document_id} for {}", standard.fields.code),
    })?;
    policy::authorize(caller, Action::ReadText(document.access_level))?;
    Ok(document)
}

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    standard: &StandardRow,
    document: &DocumentRow,
    action: AccessAction,
    relay: bool,
) -> Result<(), AppError> {
    match caller.account() {
        Some(account) if document.access_level != AccessLevel::Public => {
            usage::record_access(conn, account, standard.id, Some(document.id), action, relay)
        }
        _ => Ok(()),
    }
}

/// "Cấp cho: full name – unit – province – date (in Vietnam); chỉ sử dụng cho công vụ".
fn stamp_line(conn: &mut DbConnection, account: &Account) -> Result<String, AppError> {
    let province = match &account.province {
        Some(slug) => provinces::all(conn)?.into_iter().find(|p| &p.slug == slug).map_or(slug.clone(), |p| p.name),
        None => "Bộ Khoa học và Công nghệ".into(),
    };
    let date = crate::domain::time::vietnam_today().format("%d/%m/%Y");
    let unit = account.unit.clone().unwrap_or_else(|| "—".into());
    Ok(format!("Cấp cho: {} – {unit} – {province} – {date}; chỉ sử dụng cho công vụ", account.full_name))
}
