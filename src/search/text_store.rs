//! The texts of a generation, kept beside tantivy's document store: an append-only file of
//! UTF-8 texts, each found by the offset and length its document keeps in fast fields, and read a
//! slice at a time. A hit's snippet reads a few kilobytes instead of loading a whole 30 KB text
//! with the document.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::{Mutex, RwLock};

const FILE_NAME: &str = "texts.bin";

/// Where a generation's texts are.
pub enum TextStore {
    /// `texts.bin` in the generation's directory.
    File { appender: Mutex<File>, reader: File },
    /// For an index held in memory.
    Memory(RwLock<Vec<u8>>),
}

impl TextStore {
    /// Opens (or creates) the texts file of a generation directory.
    pub fn open(dir: &Path) -> io::Result<TextStore> {
        let path = dir.join(FILE_NAME);
        let appender = OpenOptions::new().create(true).append(true).open(&path)?;
        let reader = File::open(&path)?;
        Ok(TextStore::File { appender: Mutex::new(appender), reader })
    }

    pub fn memory() -> TextStore {
        TextStore::Memory(RwLock::new(Vec::new()))
    }

    /// Appends a text; returns where it starts.
    pub fn append(&self, text: &[u8]) -> io::Result<u64> {
        match self {
            TextStore::File { appender, .. } => {
                let mut file = appender.lock().map_err(|_| io::Error::other("text store lock poisoned"))?;
                // The file's own length, not a count kept here: appends always land at its end.
                let offset = file.metadata()?.len();
                file.write_all(text)?;
                Ok(offset)
            }
            TextStore::Memory(bytes) => {
                let mut bytes = bytes.write().map_err(|_| io::Error::other("text store lock poisoned"))?;
                let offset = bytes.len() as u64;
                bytes.extend_from_slice(text);
                Ok(offset)
            }
        }
    }

    /// Makes the appended texts durable (before the index commit that refers to them).
    pub fn sync(&self) -> io::Result<()> {
        match self {
            TextStore::File { appender, .. } => {
                appender.lock().map_err(|_| io::Error::other("text store lock poisoned"))?.sync_data()
            }
            TextStore::Memory(_) => Ok(()),
        }
    }

    /// Up to `len` bytes from `offset` (fewer at the end of the file).
    pub fn read(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        match self {
            TextStore::File { reader, .. } => {
                let mut buffer = vec![0; len];
                let mut filled = 0;
                while filled < len {
                    match reader.read_at(&mut buffer[filled..], offset + filled as u64)? {
                        0 => break,
                        n => filled += n,
                    }
                }
                buffer.truncate(filled);
                Ok(buffer)
            }
            TextStore::Memory(bytes) => {
                let bytes = bytes.read().map_err(|_| io::Error::other("text store lock poisoned"))?;
                let start = usize::try_from(offset).unwrap_or(usize::MAX).min(bytes.len());
                Ok(bytes[start..(start.saturating_add(len)).min(bytes.len())].to_vec())
            }
        }
    }
}

/// One stored text: reads of its parts.
pub struct StoredText<'a> {
    pub store: &'a TextStore,
    pub offset: u64,
    pub len: usize,
}

impl StoredText<'_> {
    /// The bytes from `start` to `end` of the text (clamped to it).
    pub fn bytes(&self, start: usize, end: usize) -> Option<Vec<u8>> {
        let end = end.min(self.len);
        let start = start.min(end);
        self.store.read(self.offset + start as u64, end - start).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_appended_and_read_back_by_slices_from_a_file_and_from_memory() {
        let dir = tempfile::tempdir().expect("tempdir");
        for store in [TextStore::open(dir.path()).expect("open"), TextStore::memory()] {
            let first = store.append("Nhà ở".as_bytes()).expect("append");
            let second = store.append("khoang cháy".as_bytes()).expect("append");
            store.sync().expect("sync");
            let text = StoredText { store: &store, offset: second, len: "khoang cháy".len() };
            assert_eq!(text.bytes(0, 6).as_deref(), Some("khoang".as_bytes()));
            assert_eq!(text.bytes(7, 1_000).as_deref(), Some("cháy".as_bytes()));
            assert_eq!(store.read(first, 4).expect("read"), "Nhà".as_bytes());
        }
        let reopened = TextStore::open(dir.path()).expect("reopen");
        assert_eq!(reopened.append(b"x").expect("append"), ("Nhà ở".len() + "khoang cháy".len()) as u64);
    }
}
