//! Snapshot files: the whole public catalogue at one sequence number as gzip-compressed JSON
//! Lines, one record's canonical JSON per line, in the order of the entries that wrote them. The
//! same log gives the same bytes on every node (the gzip header carries no time or name), so a
//! file's hash names its content anywhere. Files are written aside and renamed, so that a
//! reader never sees half of one.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::GzBuilder;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use super::record::PublicRecord;
use crate::domain::TextFormat;
use crate::domain::digest::hex;

/// The data file of the snapshot of `epoch` at `seq`.
pub fn data_file_name(epoch: &str, seq: i64) -> String {
    format!("{epoch}-{seq}.jsonl.gz")
}

/// The manifest file of the snapshot of `epoch` at `seq`.
pub fn manifest_file_name(epoch: &str, seq: i64) -> String {
    format!("{epoch}-{seq}.json")
}

/// The epoch and seq a snapshot's manifest file is named after.
pub fn parse_manifest_name(name: &str) -> Option<(&str, i64)> {
    let (epoch, seq) = name.strip_suffix(".json")?.rsplit_once('-')?;
    let valid = !epoch.is_empty() && epoch.chars().all(|c| c.is_ascii_alphanumeric());
    valid.then_some(())?;
    Some((epoch, seq.parse().ok().filter(|seq: &i64| *seq >= 0)?))
}

/// Whether `name` is the name of a snapshot's data file (and nothing else: no path).
pub fn is_data_file_name(name: &str) -> bool {
    name.strip_suffix(".jsonl.gz").is_some_and(|stem| parse_manifest_name(&format!("{stem}.json")).is_some())
}

/// A public text a snapshot's records name, to be fetched by its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedText {
    pub size_bytes: i64,
    pub format: TextFormat,
}

/// What a finished snapshot file holds.
#[derive(Debug, Clone)]
pub struct Written {
    pub name: String,
    /// Size of the compressed file.
    pub size_bytes: u64,
    /// SHA-256 (hex) of the compressed file.
    pub sha256: String,
    /// SHA-256 (hex) of the uncompressed JSON Lines.
    pub content_sha256: String,
    pub count: i64,
    /// The public texts the records name, by hash.
    pub texts: BTreeMap<String, NamedText>,
}

/// Bytes passed on to a file while their hash is taken.
struct Hashing {
    file: BufWriter<File>,
    hash: Sha256,
    size: u64,
}

impl Write for Hashing {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.file.write(bytes)?;
        self.hash.update(&bytes[..written]);
        self.size += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// A snapshot file being written.
pub struct SnapshotWriter {
    encoder: GzEncoder<Hashing>,
    content: Sha256,
    count: i64,
    texts: BTreeMap<String, NamedText>,
    aside: PathBuf,
    path: PathBuf,
    name: String,
}

impl SnapshotWriter {
    /// Starts the data file of the snapshot of `epoch` at `seq` in `dir`.
    pub fn create(dir: &Path, epoch: &str, seq: i64) -> io::Result<SnapshotWriter> {
        std::fs::create_dir_all(dir)?;
        let name = data_file_name(epoch, seq);
        let aside = dir.join(format!(".{name}.{}", std::process::id()));
        let file = BufWriter::new(File::create(&aside)?);
        let hashing = Hashing { file, hash: Sha256::new(), size: 0 };
        Ok(SnapshotWriter {
            encoder: GzBuilder::new().mtime(0).write(hashing, Compression::default()),
            content: Sha256::new(),
            count: 0,
            texts: BTreeMap::new(),
            path: dir.join(&name),
            aside,
            name,
        })
    }

    /// Adds one record, given as the canonical JSON its entry carries.
    pub fn push(&mut self, record: &str) -> io::Result<()> {
        let parsed: PublicRecord = serde_json::from_str(record).map_err(io::Error::other)?;
        for text in parsed.texts {
            if let Some(sha256) = text.sha256 {
                self.texts.insert(sha256, NamedText { size_bytes: text.size_bytes, format: text.format });
            }
        }
        for part in [record.as_bytes(), b"\n"] {
            self.encoder.write_all(part)?;
            self.content.update(part);
        }
        self.count += 1;
        Ok(())
    }

    /// Finishes the file and puts it in place.
    pub fn finish(self) -> io::Result<Written> {
        let mut hashing = self.encoder.finish()?;
        hashing.flush()?;
        let file = hashing.file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&self.aside, &self.path)?;
        Ok(Written {
            name: self.name,
            size_bytes: hashing.size,
            sha256: hex(hashing.hash.finalize().as_slice()),
            content_sha256: hex(self.content.finalize().as_slice()),
            count: self.count,
            texts: self.texts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_names_round_trip_and_refuse_paths() {
        assert_eq!(parse_manifest_name(&manifest_file_name("ab12", 371)), Some(("ab12", 371)));
        assert_eq!(parse_manifest_name("../x-1.json"), None);
        assert_eq!(parse_manifest_name("ab-cd-1.json"), None);
        assert_eq!(parse_manifest_name("ab-1.json.gz"), None);
        assert!(is_data_file_name(&data_file_name("ab12", 5)));
        assert!(!is_data_file_name("ab12-5.json"));
        assert!(!is_data_file_name("../ab12-5.jsonl.gz"));
    }
}
