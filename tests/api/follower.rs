//! The tests' own follower of the connection standard, written from its description (the feed's
//! entries, the canonical hashes, the chain, the signed checkpoint, the snapshot) and nothing of
//! the service's code: it starts from a snapshot or the epoch's start, pages through
//! `/api/v1/changes`, checks every entry, keeps the records, and computes the catalogue's
//! canonical digest.

use std::collections::BTreeMap;
use std::io::Read;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn canonical(value: &Value) -> String {
    serde_jcs::to_string(value).expect("canonical JSON")
}

async fn get_json(client: &reqwest::Client, url: &str) -> Result<Value, String> {
    client.get(url).send().await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())
}

/// A follower's state: its epoch, position, chain and records (by code).
#[derive(Debug, Default)]
pub struct Follower {
    pub epoch: Option<String>,
    pub after: i64,
    pub chain: Option<String>,
    pub records: BTreeMap<String, Value>,
    /// Bytes of the feed's answers it read.
    pub downloaded: usize,
}

impl Follower {
    /// Reads pages until the head, checking each; returns how many entries it applied.
    pub async fn sync(&mut self, client: &reqwest::Client, base: &str) -> Result<usize, String> {
        let mut applied = 0;
        loop {
            let mut url = format!("{base}/api/v1/changes?after={}", self.after);
            if let Some(epoch) = &self.epoch {
                url.push_str(&format!("&epoch={epoch}"));
            }
            let response = client.get(&url).send().await.map_err(|e| e.to_string())?;
            let status = response.status().as_u16();
            let body = response.bytes().await.map_err(|e| e.to_string())?;
            self.downloaded += body.len();
            let page: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
            if status != 200 {
                return Err(format!("{status}: {page}"));
            }
            let count = self.apply(&page)?;
            applied += count;
            if count == 0 {
                return Ok(applied);
            }
        }
    }

    /// Checks and applies one page.
    pub fn apply(&mut self, page: &Value) -> Result<usize, String> {
        let epoch = page["epoch"].as_str().ok_or("no epoch")?.to_string();
        if self.epoch.as_ref().is_some_and(|mine| mine != &epoch) {
            return Err(format!("the feed moved to epoch {epoch}"));
        }
        if self.epoch.is_none() {
            self.epoch = Some(epoch.clone());
            self.after = page["after"].as_i64().ok_or("no after")?;
            self.chain = Some(sha256_hex(format!("tieuchuan-feed\n{epoch}").as_bytes()));
        }
        let entries = page["entries"].as_array().ok_or("no entries")?;
        for entry in entries {
            let seq = entry["seq"].as_i64().ok_or("no seq")?;
            if seq != self.after + 1 {
                return Err(format!("expected entry {} and got {seq}", self.after + 1));
            }
            let record = &entry["record"];
            let record_sha256 =
                if record.is_null() { Value::Null } else { json!(sha256_hex(canonical(record).as_bytes())) };
            if record_sha256 != entry["record_sha256"] {
                return Err(format!("entry {seq}: the record does not match its hash"));
            }
            let head = json!({
                "seq": seq, "epoch": entry["epoch"], "committed_at": entry["committed_at"], "op": entry["op"],
                "code": entry["code"], "slug": entry["slug"], "version": entry["version"],
                "record_sha256": entry["record_sha256"],
            });
            let previous = self.chain.clone().unwrap_or_default();
            let chain = sha256_hex(format!("{previous}\n{}", canonical(&head)).as_bytes());
            if Some(chain.as_str()) != entry["chain"].as_str() {
                return Err(format!("entry {seq}: the chain is broken"));
            }
            let code = entry["code"].as_str().ok_or("no code")?.to_string();
            match entry["op"].as_str() {
                Some("upsert") => {
                    self.records.insert(code, record.clone());
                }
                Some("tombstone") => {
                    self.records.remove(&code);
                }
                other => return Err(format!("entry {seq}: unknown op {other:?}")),
            }
            self.after = seq;
            self.chain = Some(chain);
        }
        Ok(entries.len())
    }

    /// Checks the signed checkpoint against the published key and this follower's own chain
    /// (the follower must be at the checkpoint's position).
    pub async fn verify_checkpoint(&self, client: &reqwest::Client, base: &str) -> Result<Value, String> {
        let signed = get_json(client, &format!("{base}/api/v1/checkpoint")).await?;
        let keys = get_json(client, &format!("{base}/.well-known/jwks.json")).await?;
        verify(&keys, &signed, "checkpoint")?;
        let checkpoint = &signed["checkpoint"];
        if checkpoint["epoch"].as_str() != self.epoch.as_deref() || checkpoint["seq"].as_i64() != Some(self.after) {
            return Err(format!("the checkpoint is at {checkpoint} and the follower at {}", self.after));
        }
        if checkpoint["chain"].as_str() != self.chain.as_deref() {
            return Err("the checkpoint's chain is not the follower's".into());
        }
        Ok(signed)
    }

    /// Starts from the newest snapshot: checks the manifest's signature and its checkpoint's,
    /// fetches the data file in two ranges (as a download resumed after a broken line would),
    /// checks its hashes and count, and takes its records and position. Returns the manifest.
    pub async fn load_snapshot(&mut self, client: &reqwest::Client, base: &str) -> Result<Value, String> {
        let signed = get_json(client, &format!("{base}/api/v1/snapshot")).await?;
        let keys = get_json(client, &format!("{base}/.well-known/jwks.json")).await?;
        verify(&keys, &signed, "manifest")?;
        verify(&keys, &signed["checkpoint"], "checkpoint")?;
        let (manifest, checkpoint) = (&signed["manifest"], &signed["checkpoint"]["checkpoint"]);
        for field in ["epoch", "seq", "chain", "origin"] {
            if manifest[field] != checkpoint[field] {
                return Err(format!("the manifest's {field} is not its checkpoint's"));
            }
        }
        let url = format!("{base}{}", manifest["file"]["path"].as_str().ok_or("no file path")?);
        let size = manifest["file"]["size_bytes"].as_u64().ok_or("no size")?;
        let mut bytes = ranged(client, &url, &format!("bytes=0-{}", size / 2 - 1)).await?;
        bytes.extend(ranged(client, &url, &format!("bytes={}-", size / 2)).await?);
        self.downloaded += bytes.len();
        if json!(sha256_hex(&bytes)) != manifest["file"]["sha256"] {
            return Err("the snapshot file does not match its hash".into());
        }
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes.as_slice()).read_to_string(&mut text).map_err(|e| e.to_string())?;
        if json!(sha256_hex(text.as_bytes())) != manifest["file"]["content_sha256"] {
            return Err("the snapshot's records do not match their hash".into());
        }
        let mut records = BTreeMap::new();
        for line in text.lines() {
            let record: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
            if canonical(&record) != line {
                return Err("a snapshot line is not canonical JSON".into());
            }
            records.insert(record["code"].as_str().ok_or("a record without a code")?.to_string(), record);
        }
        if Some(records.len() as u64) != manifest["count"].as_u64() {
            return Err(format!(
                "the snapshot holds {} records, its manifest says {}",
                records.len(),
                manifest["count"]
            ));
        }
        self.epoch = Some(manifest["epoch"].as_str().ok_or("no epoch")?.to_string());
        self.after = manifest["seq"].as_i64().ok_or("no seq")?;
        self.chain = Some(manifest["chain"].as_str().ok_or("no chain")?.to_string());
        self.records = records;
        Ok(manifest.clone())
    }

    /// The canonical digest of the records held: SHA-256 of the canonical JSON of the array of
    /// records sorted by code.
    pub fn digest(&self) -> String {
        let records: Vec<Value> = self.records.values().cloned().collect();
        sha256_hex(canonical(&Value::Array(records)).as_bytes())
    }
}

/// Checks `signed[field]` against `signed.signature` with the published key `signed.key_id`.
fn verify(keys: &Value, signed: &Value, field: &str) -> Result<(), String> {
    let key = keys["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["kid"] == signed["key_id"]))
        .ok_or("the signing key is not published")?;
    let public: [u8; 32] = URL_SAFE_NO_PAD
        .decode(key["x"].as_str().unwrap_or_default())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("a malformed key")?;
    let signature: [u8; 64] = URL_SAFE_NO_PAD
        .decode(signed["signature"].as_str().unwrap_or_default())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("a malformed signature")?;
    VerifyingKey::from_bytes(&public)
        .map_err(|e| e.to_string())?
        .verify(canonical(&signed[field]).as_bytes(), &Signature::from_bytes(&signature))
        .map_err(|_| format!("the {field}'s signature does not verify"))
}

/// Part of a file, which must be answered 206.
async fn ranged(client: &reqwest::Client, url: &str, range: &str) -> Result<Vec<u8>, String> {
    let response = client.get(url).header("range", range).send().await.map_err(|e| e.to_string())?;
    if response.status().as_u16() != 206 {
        return Err(format!("{range} of {url}: {}", response.status()));
    }
    Ok(response.bytes().await.map_err(|e| e.to_string())?.to_vec())
}
