//! Where the bytes of texts live, content-addressed by SHA-256: files under the data dir (the
//! default) or the database (so that several nodes sharing one PostgreSQL see the same texts).

use std::io::Write;
use std::path::PathBuf;

use chrono::Utc;

use crate::db::{DbConnection, documents};

/// A failure to store or read bytes.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("blob store: {0}")]
    Io(#[from] std::io::Error),
    #[error("blob store: {0}")]
    Database(#[from] diesel::result::Error),
}

impl From<BlobError> for crate::error::AppError {
    fn from(error: BlobError) -> Self {
        match error {
            BlobError::Database(e) => crate::error::AppError::Database(e),
            error @ BlobError::Io(_) => crate::error::AppError::NotReady(error.to_string()),
        }
    }
}

/// Stores bytes by their hash. The connection lets the database store write in the caller's
/// transaction, so a failed upload leaves nothing behind.
pub trait BlobStore: Send + Sync {
    /// Stores the bytes under their hash (a no-op when present).
    fn put(&self, conn: &mut DbConnection, sha256: &str, bytes: &[u8]) -> Result<(), BlobError>;
    /// The bytes stored under a hash.
    fn get(&self, conn: &mut DbConnection, sha256: &str) -> Result<Option<Vec<u8>>, BlobError>;
    /// Whether bytes are stored under a hash.
    fn has(&self, conn: &mut DbConnection, sha256: &str) -> Result<bool, BlobError>;
}

/// Files under `DATA_DIR/blobs/ab/abcdef…`.
pub struct FileBlobStore {
    root: PathBuf,
}

impl FileBlobStore {
    pub fn new(root: PathBuf) -> FileBlobStore {
        FileBlobStore { root }
    }

    fn path(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64 && sha256.chars().all(|c| c.is_ascii_hexdigit());
        valid.then(|| self.root.join(&sha256[..2]).join(sha256))
    }
}

impl BlobStore for FileBlobStore {
    fn put(&self, _: &mut DbConnection, sha256: &str, bytes: &[u8]) -> Result<(), BlobError> {
        let path = self.path(sha256).ok_or_else(|| std::io::Error::other("not a sha256"))?;
        if path.exists() {
            return Ok(());
        }
        let dir = path.parent().ok_or_else(|| std::io::Error::other("no parent directory"))?;
        std::fs::create_dir_all(dir)?;
        // Written aside and renamed, so a reader never sees half a file.
        let aside = dir.join(format!(".{sha256}.{}", std::process::id()));
        let mut file = std::fs::File::create(&aside)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&aside, &path)?;
        Ok(())
    }

    fn get(&self, _: &mut DbConnection, sha256: &str) -> Result<Option<Vec<u8>>, BlobError> {
        match self.path(sha256).map(std::fs::read) {
            Some(Ok(bytes)) => Ok(Some(bytes)),
            Some(Err(error)) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Some(Err(error)) => Err(error.into()),
            None => Ok(None),
        }
    }

    fn has(&self, _: &mut DbConnection, sha256: &str) -> Result<bool, BlobError> {
        Ok(self.path(sha256).is_some_and(|path| path.is_file()))
    }
}

/// Rows of the `blobs` table.
pub struct DatabaseBlobStore;

impl BlobStore for DatabaseBlobStore {
    fn put(&self, conn: &mut DbConnection, sha256: &str, bytes: &[u8]) -> Result<(), BlobError> {
        Ok(documents::put_blob(conn, sha256, bytes, Utc::now().naive_utc())?)
    }

    fn get(&self, conn: &mut DbConnection, sha256: &str) -> Result<Option<Vec<u8>>, BlobError> {
        Ok(documents::get_blob(conn, sha256)?)
    }

    fn has(&self, conn: &mut DbConnection, sha256: &str) -> Result<bool, BlobError> {
        Ok(documents::has_blob(conn, sha256)?)
    }
}
