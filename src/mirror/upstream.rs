//! Talking to the upstream over HTTP: the snapshot's manifest (signatures checked with the
//! configured key), its data file (resumed with `Range` where a slow line broke, then checked
//! against its hashes), pages of the feed with long-polling (gzip), and the signed checkpoint. An
//! answer to another request than the one asked (a stale or duplicated response on the line) is
//! treated as a failure of the line, not of the feed.

use std::io::Read;
use std::time::Duration;

use serde_json::Value;

use crate::domain::digest::sha256_hex;
use crate::feed::entry::ChangesPage;
use crate::feed::record::PublicRecord;
use crate::feed::signing::PublicJwk;
use crate::feed::verify::{self, Broken};

/// Tries of one download before it is given up for this round.
const DOWNLOAD_TRIES: usize = 20;

/// Why a call to the upstream did not give what was asked.
#[derive(Debug, thiserror::Error)]
pub enum Fetch {
    /// The line or the upstream failed: try again later.
    #[error("the upstream cannot be reached: {0}")]
    Unreachable(String),
    /// The feed moved to another epoch (or the mirror is past its head): resync from a snapshot.
    #[error("the upstream's feed is in another epoch: resync")]
    Resync,
    /// What came does not check: stop applying.
    #[error(transparent)]
    Broken(#[from] Broken),
}

impl From<reqwest::Error> for Fetch {
    fn from(error: reqwest::Error) -> Self {
        Fetch::Unreachable(error.to_string())
    }
}

/// A snapshot, checked.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub epoch: String,
    pub seq: i64,
    pub chain: String,
    pub records: Vec<PublicRecord>,
}

/// The upstream the mirror follows.
#[derive(Clone)]
pub struct Upstream {
    client: reqwest::Client,
    pub base: String,
    key: PublicJwk,
}

impl Upstream {
    pub fn new(base: &str, key: PublicJwk) -> Result<Upstream, String> {
        // gzip on every answer but the snapshot's file and texts (already compressed, or ranged).
        let client = reqwest::Client::builder()
            .gzip(true)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Upstream { client, base: base.trim_end_matches('/').to_string(), key })
    }

    async fn json(&self, path: &str) -> Result<(u16, Value), Fetch> {
        let response = self.client.get(format!("{}{path}", self.base)).send().await?;
        let status = response.status().as_u16();
        let body = response.bytes().await?;
        let value = serde_json::from_slice(&body).map_err(|e| Fetch::Unreachable(format!("{path}: not JSON ({e})")))?;
        Ok((status, value))
    }

    /// The newest snapshot: manifest and checkpoint verified, file fetched and checked.
    pub async fn snapshot(&self) -> Result<Snapshot, Fetch> {
        let (status, signed) = self.json("/api/v1/snapshot").await?;
        if status != 200 {
            return Err(Fetch::Unreachable(format!("the snapshot's manifest: {status}")));
        }
        verify::signed(&self.key, &signed, "manifest")?;
        verify::signed(&self.key, &signed["checkpoint"], "checkpoint")?;
        let manifest = &signed["manifest"];
        let bad = |what: &str| Broken::Snapshot(what.to_string());
        let file = &manifest["file"];
        let path = file["path"].as_str().ok_or_else(|| bad("no file"))?;
        let size = file["size_bytes"].as_u64().ok_or_else(|| bad("no size"))?;
        let bytes = self.download(path, size).await?;
        if file["sha256"].as_str() != Some(sha256_hex(&bytes).as_str()) {
            return Err(bad("the file does not match its sha256").into());
        }
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes.as_slice()).read_to_string(&mut text).map_err(|e| bad(&e.to_string()))?;
        if file["content_sha256"].as_str() != Some(sha256_hex(text.as_bytes()).as_str()) {
            return Err(bad("the records do not match content_sha256").into());
        }
        let records = text
            .lines()
            .map(|line| serde_json::from_str::<PublicRecord>(line).map_err(|e| bad(&e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        if Some(records.len() as i64) != manifest["count"].as_i64() {
            return Err(bad("the count is not the file's").into());
        }
        Ok(Snapshot {
            epoch: manifest["epoch"].as_str().ok_or_else(|| bad("no epoch"))?.to_string(),
            seq: manifest["seq"].as_i64().ok_or_else(|| bad("no seq"))?,
            chain: manifest["chain"].as_str().ok_or_else(|| bad("no chain"))?.to_string(),
            records,
        })
    }

    /// A file of `size` bytes, resumed with `Range` after each break.
    pub async fn download(&self, path: &str, size: u64) -> Result<Vec<u8>, Fetch> {
        let mut bytes: Vec<u8> = Vec::with_capacity(size as usize);
        let mut last_error = String::new();
        for _ in 0..DOWNLOAD_TRIES {
            if bytes.len() as u64 >= size {
                break;
            }
            // The whole comes gzip-compressed where it is text; a resumed part comes as stored.
            let mut request = self.client.get(format!("{}{path}", self.base));
            if !bytes.is_empty() {
                request = request.header("range", format!("bytes={}-", bytes.len()));
            }
            match request.send().await {
                Ok(mut response) if matches!(response.status().as_u16(), 200 | 206) => {
                    if response.status().as_u16() == 200 {
                        bytes.clear();
                    }
                    loop {
                        match response.chunk().await {
                            Ok(Some(chunk)) if bytes.len() + chunk.len() <= size as usize => {
                                bytes.extend_from_slice(&chunk);
                            }
                            Ok(Some(_)) => return Err(Fetch::Unreachable(format!("{path}: more than {size} bytes"))),
                            Ok(None) => break,
                            Err(error) => {
                                tracing::debug!(path, have = bytes.len(), size, %error, "a download broke; resuming");
                                last_error = error.to_string();
                                break;
                            }
                        }
                    }
                }
                // Not there (any more) or refused: no point in asking again this round.
                Ok(response) if response.status().is_client_error() => {
                    return Err(Fetch::Unreachable(format!("{path}: {}", response.status())));
                }
                Ok(response) => last_error = format!("{path}: {}", response.status()),
                Err(error) => last_error = error.to_string(),
            }
        }
        if bytes.len() as u64 == size { Ok(bytes) } else { Err(Fetch::Unreachable(format!("{path}: {last_error}"))) }
    }

    /// The page after `after` in `epoch`, waiting up to `wait` seconds at the head.
    pub async fn page(&self, after: i64, epoch: &str, wait: u64) -> Result<ChangesPage, Fetch> {
        let (status, body) = self.json(&format!("/api/v1/changes?after={after}&epoch={epoch}&wait={wait}")).await?;
        match (status, body["error"]["code"].as_str()) {
            (200, _) => {
                let page: ChangesPage =
                    serde_json::from_value(body).map_err(|e| Fetch::Unreachable(format!("a page: {e}")))?;
                // An answer to another request (a proxy's stale or duplicated response) says nothing
                // of the feed: ask again. A page at this position that does not check is `Broken`.
                if page.after != after {
                    return Err(Fetch::Unreachable(format!(
                        "asked for the page after {after}, got the one after {}",
                        page.after
                    )));
                }
                Ok(page)
            }
            (409, Some("epoch_changed" | "beyond_head")) => Err(Fetch::Resync),
            (status, _) => Err(Fetch::Unreachable(format!("the feed answered {status}"))),
        }
    }

    /// The upstream's signed checkpoint: (epoch, seq, chain).
    pub async fn checkpoint(&self) -> Result<(String, i64, String), Fetch> {
        let (status, signed) = self.json("/api/v1/checkpoint").await?;
        if status != 200 {
            return Err(Fetch::Unreachable(format!("the checkpoint: {status}")));
        }
        verify::signed(&self.key, &signed, "checkpoint")?;
        let checkpoint = &signed["checkpoint"];
        let field = |name: &str| checkpoint[name].as_str().map(str::to_string).ok_or(Broken::Signature("checkpoint"));
        Ok((field("epoch")?, checkpoint["seq"].as_i64().ok_or(Broken::Signature("checkpoint"))?, field("chain")?))
    }
}
