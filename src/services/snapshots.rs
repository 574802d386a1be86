//! Snapshots as a service: the whole public catalogue at one sequence number, from which a
//! follower starts before following the feed. A snapshot is made from the log itself (each
//! standard's last entry in the epoch up to that seq), so it equals the replayed feed by
//! construction; its manifest is signed with the feed's key. One is made when a follower asks
//! and the newest is older than the snapshot interval (and the feed has moved); the newest few
//! are kept in `DATA_DIR/snapshots`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::feed::{Feed, SignedCheckpoint};
use super::with_connection;
use crate::db::change_log::{self, Epoch};
use crate::db::{DbConnection, DbPool};
use crate::domain::{FeedOp, TextFormat};
use crate::error::AppError;
use crate::feed::canonical::genesis;
use crate::feed::snapshot::{self, SnapshotWriter, Written};

/// The snapshot format this node writes.
pub const FORMAT: &str = "tieuchuan-snapshot/1";
/// Snapshots of the current epoch kept on disk (older ones are removed).
const KEEP: usize = 3;
/// Entries read in one unit of work while a snapshot is written.
const BATCH: usize = 500;

/// The data file of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SnapshotFile {
    /// Where to fetch it, relative to the origin (supports `Range`).
    pub path: String,
    /// `application/gzip`: gzip of JSON Lines, one record's canonical JSON per line.
    pub media_type: String,
    pub size_bytes: u64,
    /// SHA-256 (hex) of the file as fetched.
    pub sha256: String,
    /// SHA-256 (hex) of the uncompressed JSON Lines.
    pub content_sha256: String,
}

/// A public text named by the snapshot's records, to be fetched by hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SnapshotText {
    pub sha256: String,
    pub size_bytes: i64,
    pub format: TextFormat,
    /// `/api/v1/texts/{sha256}` (supports `Range`).
    pub path: String,
}

/// What a snapshot holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SnapshotManifest {
    /// `tieuchuan-snapshot/1`.
    pub format: String,
    pub origin: String,
    pub epoch: String,
    /// The feed position the snapshot is at: follow on with `after=seq`.
    pub seq: i64,
    /// The chain of the entry at `seq` (the epoch's genesis when there is none).
    pub chain: String,
    /// Records in the file.
    pub count: i64,
    pub created_at: String,
    pub file: SnapshotFile,
    /// Public texts, by hash.
    pub texts: Vec<SnapshotText>,
}

/// A manifest with the checkpoint at its seq, signed with the feed's key over the manifest's
/// canonical JSON.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SignedManifest {
    pub manifest: SnapshotManifest,
    pub checkpoint: SignedCheckpoint,
    pub key_id: String,
    /// `Ed25519`.
    pub algorithm: String,
    /// base64url without padding.
    pub signature: String,
}

/// The snapshots of the feed in `pool`.
#[derive(Clone)]
pub struct Snapshots {
    pool: DbPool,
    feed: Feed,
    dir: PathBuf,
    interval: Duration,
    making: Arc<tokio::sync::Mutex<()>>,
}

impl Snapshots {
    /// Snapshots kept in `dir`, a new one made at most every `interval`.
    pub fn new(pool: DbPool, feed: Feed, dir: PathBuf, interval: Duration) -> Snapshots {
        Snapshots { pool, feed, dir, interval, making: Arc::new(tokio::sync::Mutex::new(())) }
    }

    /// The newest snapshot, made now when there is none of this epoch, or when the newest is
    /// older than the interval and the feed has moved since.
    pub async fn current(&self) -> Result<SignedManifest, AppError> {
        let _one_at_a_time = self.making.lock().await;
        let (epoch, head) = with_connection(&self.pool, |conn| {
            let epoch = change_log::current_epoch(conn)?.ok_or_else(|| AppError::NotReady("no feed yet".into()))?;
            let head = change_log::latest_seq(conn)?.max(epoch.first_seq - 1);
            Ok((epoch, head))
        })
        .await?;
        let dir = self.dir.clone();
        let epoch_name = epoch.epoch.clone();
        let newest = actix_web::web::block(move || newest(&dir, &epoch_name)).await??;
        if let Some(manifest) = newest
            && (manifest.manifest.seq == head || !self.older_than_interval(&manifest.manifest))
        {
            return Ok(manifest);
        }
        let made = self.make(epoch, head).await?;
        let (dir, epoch_name) = (self.dir.clone(), made.manifest.epoch.clone());
        actix_web::web::block(move || remove_old(&dir, &epoch_name)).await??;
        Ok(made)
    }

    /// The path of a snapshot's data file, when `name` is one that exists. Another national node
    /// may have named it in the manifest a client read (each node keeps its own files): a node
    /// that lacks the file of its current epoch at a seq it has makes it then, one at a time, and
    /// it is the same bytes as the other node's (the file is a function of the feed at that seq).
    pub async fn data_file(&self, name: &str) -> Result<Option<PathBuf>, AppError> {
        let Some((epoch_name, seq)) = (name.strip_suffix(".jsonl.gz"))
            .and_then(|stem| snapshot::parse_manifest_name(&format!("{stem}.json")).map(|(e, s)| (e.to_string(), s)))
        else {
            return Ok(None);
        };
        let path = self.dir.join(name);
        if path.is_file() {
            return Ok(Some(path));
        }
        let _one_at_a_time = self.making.lock().await;
        if path.is_file() {
            return Ok(Some(path));
        }
        let epoch = with_connection(&self.pool, move |conn| {
            let Some(epoch) = change_log::current_epoch(conn)? else { return Ok(None) };
            let head = change_log::latest_seq(conn)?.max(epoch.first_seq - 1);
            Ok((epoch.epoch == epoch_name && seq <= head && seq >= epoch.first_seq - 1).then_some(epoch))
        })
        .await?;
        let Some(epoch) = epoch else { return Ok(None) };
        tracing::info!(seq, "making a snapshot another node named");
        let (dir, current) = (self.dir.clone(), epoch.epoch.clone());
        self.make(epoch, seq).await?;
        actix_web::web::block(move || remove_old(&dir, &current)).await??;
        Ok(Some(path).filter(|path| path.is_file()))
    }

    fn older_than_interval(&self, manifest: &SnapshotManifest) -> bool {
        let made = DateTime::parse_from_rfc3339(&manifest.created_at).map(|t| t.with_timezone(&Utc));
        made.map_or(true, |made| Utc::now().signed_duration_since(made).to_std().unwrap_or_default() >= self.interval)
    }

    async fn make(&self, epoch: Epoch, through: i64) -> Result<SignedManifest, AppError> {
        let (pool, dir, name) = (self.pool.clone(), self.dir.clone(), epoch.epoch.clone());
        let (written, chain) = actix_web::web::block(move || write(&pool, &dir, &epoch, through)).await??;
        let manifest = SnapshotManifest {
            format: FORMAT.into(),
            origin: self.feed.origin().to_string(),
            epoch: name.clone(),
            seq: through,
            chain: chain.clone(),
            count: written.count,
            created_at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
            file: SnapshotFile {
                path: format!("/api/v1/snapshot/files/{}", written.name),
                media_type: "application/gzip".into(),
                size_bytes: written.size_bytes,
                sha256: written.sha256.clone(),
                content_sha256: written.content_sha256.clone(),
            },
            texts: texts(&written),
        };
        let signed = SignedManifest {
            checkpoint: self.feed.checkpoint_of(name.clone(), through, chain)?,
            signature: self.feed.sign(&manifest)?,
            key_id: self.feed.key_id().to_string(),
            algorithm: "Ed25519".into(),
            manifest,
        };
        let (dir, stored) = (self.dir.clone(), signed.clone());
        actix_web::web::block(move || store_manifest(&dir, &stored)).await??;
        Ok(signed)
    }
}

fn texts(written: &Written) -> Vec<SnapshotText> {
    (written.texts.iter())
        .map(|(sha256, text)| SnapshotText {
            sha256: sha256.clone(),
            size_bytes: text.size_bytes,
            format: text.format,
            path: format!("/api/v1/texts/{sha256}"),
        })
        .collect()
}

fn io_error(error: std::io::Error) -> AppError {
    AppError::NotReady(format!("snapshots: {error}"))
}

/// One unit of work on a pooled connection, on this (blocking) thread.
fn unit<T>(pool: &DbPool, work: impl FnOnce(&mut DbConnection) -> Result<T, AppError>) -> Result<T, AppError> {
    let mut conn = pool.get()?;
    let _held = crate::db::pool::held();
    work(&mut conn)
}

/// Writes the data file of the snapshot at `through`; returns it and the chain at `through`.
/// Entries never change once written, so the file is read in several units of work and the
/// compression runs between them, holding no connection.
fn write(pool: &DbPool, dir: &Path, epoch: &Epoch, through: i64) -> Result<(Written, String), AppError> {
    let (seqs, chain) = unit(pool, |conn| {
        let seqs = change_log::last_of_each_standard(conn, epoch.first_seq, through)?;
        let chain = match change_log::at(conn, through)? {
            Some(entry) if through >= epoch.first_seq => entry.chain.unwrap_or_default(),
            _ => genesis(&epoch.epoch),
        };
        Ok((seqs, chain))
    })?;
    let mut writer = SnapshotWriter::create(dir, &epoch.epoch, through).map_err(io_error)?;
    for batch in seqs.chunks(BATCH) {
        let entries = unit(pool, |conn| Ok(change_log::with_seqs(conn, batch)?))?;
        for entry in entries.iter().filter(|entry| entry.op == FeedOp::Upsert) {
            let record = entry
                .record
                .as_deref()
                .ok_or_else(|| AppError::Internal(format!("the feed's entry {} carries no record", entry.seq)))?;
            writer.push(record).map_err(io_error)?;
        }
    }
    Ok((writer.finish().map_err(io_error)?, chain))
}

fn store_manifest(dir: &Path, signed: &SignedManifest) -> Result<(), AppError> {
    let name = snapshot::manifest_file_name(&signed.manifest.epoch, signed.manifest.seq);
    let text = serde_json::to_vec_pretty(signed).map_err(|e| AppError::Internal(e.to_string()))?;
    let aside = dir.join(format!(".{name}.{}", std::process::id()));
    std::fs::write(&aside, text).and_then(|()| std::fs::rename(&aside, dir.join(name))).map_err(io_error)
}

/// The snapshots in `dir`, (epoch, seq, manifest file name), newest first.
fn listed(dir: &Path) -> Result<Vec<(String, i64, String)>, AppError> {
    let mut found = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(error) => return Err(io_error(error)),
    };
    for entry in entries {
        let name = entry.map_err(io_error)?.file_name().to_string_lossy().into_owned();
        if let Some((epoch, seq)) = snapshot::parse_manifest_name(&name) {
            found.push((epoch.to_string(), seq, name));
        }
    }
    found.sort_by_key(|snapshot| std::cmp::Reverse(snapshot.1));
    Ok(found)
}

/// The newest stored snapshot of `epoch` whose data file is present.
fn newest(dir: &Path, epoch: &str) -> Result<Option<SignedManifest>, AppError> {
    for (_, seq, name) in listed(dir)?.into_iter().filter(|(e, _, _)| e == epoch) {
        if !dir.join(snapshot::data_file_name(epoch, seq)).is_file() {
            continue;
        }
        let text = std::fs::read(dir.join(&name)).map_err(io_error)?;
        // A manifest that does not parse (written by another version) is passed over.
        if let Ok(manifest) = serde_json::from_slice::<SignedManifest>(&text) {
            return Ok(Some(manifest));
        }
    }
    Ok(None)
}

/// Removes all but the newest `KEEP` snapshots of `epoch`, and every snapshot of other epochs.
fn remove_old(dir: &Path, epoch: &str) -> Result<(), AppError> {
    let (current, others): (Vec<_>, Vec<_>) = listed(dir)?.into_iter().partition(|(e, _, _)| e == epoch);
    for (epoch, seq, name) in current.into_iter().skip(KEEP).chain(others) {
        for file in [name, snapshot::data_file_name(&epoch, seq)] {
            match std::fs::remove_file(dir.join(file)) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(io_error(error)),
                _ => {}
            }
        }
    }
    Ok(())
}
