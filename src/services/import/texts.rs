//! Texts that come with catalogue records: inline (`text`) or a file beside the catalogue file
//! (`text_file`), checked with the rows and stored with the standard in the import's transaction.

use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::{ImportError, ImportReport};
use crate::db::{DbConnection, documents};
use crate::domain::AccessLevel;
use crate::domain::digest::sha256_hex;
use crate::services::documents::{NewText, store_text};
use crate::texts::blob_store::BlobStore;
use crate::texts::extraction::{self, Extracted, TextFormat};

const MAX_PATH_CHARS: usize = 1_000;

/// A text a record attaches to its standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachedText {
    /// The text itself.
    Inline(String),
    /// A relative path under the catalogue file's directory.
    File(PathBuf),
}

impl AttachedText {
    /// The attachment a record's `text` and `text_file` describe (at most one of them).
    pub fn from_record(text: Option<String>, file: Option<String>) -> Result<Option<AttachedText>, String> {
        let text = text.filter(|t| !t.trim().is_empty());
        let file = file.map(|f| f.trim().to_string()).filter(|f| !f.is_empty());
        match (text, file) {
            (Some(_), Some(_)) => Err("give `text` or `text_file`, not both".into()),
            (Some(text), None) => Ok(Some(AttachedText::Inline(text))),
            (None, Some(file)) => relative_path(&file).map(|path| Some(AttachedText::File(path))),
            (None, None) => Ok(None),
        }
    }
}

/// A path that stays under the catalogue file's directory: relative, without `..`.
fn relative_path(file: &str) -> Result<PathBuf, String> {
    if file.chars().count() > MAX_PATH_CHARS || file.chars().any(char::is_control) {
        return Err("`text_file` is not a usable path".into());
    }
    let path = PathBuf::from(file);
    if path.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir)) {
        Ok(path)
    } else {
        Err(format!("`text_file` must be a path relative to the catalogue file, without `..`: `{file}`"))
    }
}

/// Where an attached text came from, and what a reader should know of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextOrigin {
    pub source: Option<String>,
    pub note: Option<String>,
}

/// Where attached texts are read from and stored.
#[derive(Clone)]
pub struct TextSource {
    pub store: Arc<dyn BlobStore>,
    /// The directory of the catalogue file; `None` (an upload over HTTP) refuses `text_file`.
    pub base_dir: Option<PathBuf>,
    pub max_bytes: usize,
    pub max_pdf_pages: usize,
}

impl fmt::Debug for TextSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextSource").field("base_dir", &self.base_dir).field("max_bytes", &self.max_bytes).finish()
    }
}

impl TextSource {
    /// The bytes of an attachment and the file name it came from.
    fn bytes(&self, text: &AttachedText) -> Result<(Vec<u8>, Option<String>), String> {
        let (bytes, name) = match text {
            AttachedText::Inline(text) => (text.as_bytes().to_vec(), None),
            AttachedText::File(path) => {
                let base = self
                    .base_dir
                    .as_deref()
                    .ok_or("`text_file` is read only by `tieuchuan import` on the server; send the text in `text`")?;
                (read_inside(base, path, self.max_bytes)?, path.file_name().map(|n| n.to_string_lossy().into()))
            }
        };
        if bytes.len() > self.max_bytes {
            return Err(format!("the text is larger than {} bytes", self.max_bytes));
        }
        Ok((bytes, name))
    }

    fn extract(&self, text: &AttachedText, bytes: &[u8]) -> Result<Extracted, String> {
        let claimed = match text {
            AttachedText::Inline(_) => Some(TextFormat::Markdown),
            AttachedText::File(path) => TextFormat::claimed(Some(&path.to_string_lossy()), None),
        };
        extraction::extract(bytes, claimed, self.max_pdf_pages).map_err(|e| format!("the text: {e}"))
    }

    /// Reads and extracts an attachment once, when its row is checked (a row error otherwise);
    /// the import stores what was checked, never a second reading of the file.
    pub(super) fn prepare(&self, text: &AttachedText) -> Result<PreparedText, String> {
        let (bytes, filename) = self.bytes(text)?;
        let extracted = self.extract(text, &bytes)?;
        Ok(PreparedText { sha256: sha256_hex(&bytes), bytes, filename, extracted })
    }

    /// Stores the text of a standard (id, code, version) unless it already has these bytes.
    pub(super) fn attach(
        &self,
        conn: &mut DbConnection,
        standard_id: i64,
        access_level: AccessLevel,
        (text, origin): (&PreparedText, &TextOrigin),
        report: &mut ImportReport,
    ) -> Result<(), ImportError> {
        if documents::find_by_hash(conn, standard_id, &text.sha256)?.is_some() {
            return Ok(());
        }
        let new_text = NewText {
            bytes: &text.bytes,
            sha256: text.sha256.clone(),
            extracted: text.extracted.clone(),
            filename: text.filename.clone(),
            access_level,
            uploaded_by: None,
            source: origin.source.clone(),
            note: origin.note.clone(),
        };
        // A dry run checks everything but stores no file (the rollback would not remove it).
        if !report.dry_run {
            store_text(conn, self.store.as_ref(), standard_id, new_text)?;
        }
        report.texts_added += 1;
        Ok(())
    }
}

/// An attached text as read and extracted when its row was checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedText {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub filename: Option<String>,
    pub extracted: Extracted,
}

/// Reads a regular file of the bundle: `path` (relative, without `..`) under `base`, through no
/// symbolic link on the way, not a hard link to a file elsewhere, and the very file that was
/// checked (its device and inode once opened), so a bundle cannot publish a file of the server.
fn read_inside(base: &Path, path: &Path, max_bytes: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    use std::os::unix::fs::MetadataExt;
    let shown = path.display();
    let mut at = base.to_path_buf();
    let mut checked = None;
    for component in path.components().filter(|c| matches!(c, Component::Normal(_))) {
        at.push(component);
        let metadata = std::fs::symlink_metadata(&at).map_err(|e| format!("`text_file` {shown}: {e}"))?;
        if metadata.file_type().is_symlink() {
            return Err(format!(
                "`text_file` {shown} goes through a symbolic link; only files inside the bundle are read"
            ));
        }
        checked = Some(metadata);
    }
    let metadata = checked.ok_or_else(|| format!("`text_file` {shown} is not a file"))?;
    if !metadata.is_file() {
        return Err(format!("`text_file` {shown} is not a file"));
    }
    if metadata.nlink() > 1 {
        return Err(format!("`text_file` {shown} has other names (hard links); copy the file into the bundle"));
    }
    if metadata.len() > max_bytes as u64 {
        return Err(format!("`text_file` {shown} is larger than {max_bytes} bytes"));
    }
    let file = std::fs::File::open(&at).map_err(|e| format!("`text_file` {shown}: {e}"))?;
    let opened = file.metadata().map_err(|e| format!("`text_file` {shown}: {e}"))?;
    if (opened.dev(), opened.ino()) != (metadata.dev(), metadata.ino()) {
        return Err(format!("`text_file` {shown} changed while it was read"));
    }
    let mut bytes = Vec::new();
    file.take(max_bytes as u64 + 1).read_to_end(&mut bytes).map_err(|e| format!("`text_file` {shown}: {e}"))?;
    Ok(bytes)
}
