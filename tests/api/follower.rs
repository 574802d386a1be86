//! The tests' own follower of the connection standard, written from its description (the feed's
//! entries, the canonical hashes, the chain, the signed checkpoint) and nothing of the service's
//! code: it pages through `/api/v1/changes`, checks every entry, keeps the records, and computes
//! the catalogue's canonical digest.

use std::collections::BTreeMap;

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
        let key = keys["keys"]
            .as_array()
            .and_then(|keys| keys.iter().find(|k| k["kid"] == signed["key_id"]))
            .ok_or("the checkpoint's key is not published")?;
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
        let message = canonical(&signed["checkpoint"]);
        VerifyingKey::from_bytes(&public)
            .map_err(|e| e.to_string())?
            .verify(message.as_bytes(), &Signature::from_bytes(&signature))
            .map_err(|_| "the checkpoint's signature does not verify".to_string())?;
        let checkpoint = &signed["checkpoint"];
        if checkpoint["epoch"].as_str() != self.epoch.as_deref() || checkpoint["seq"].as_i64() != Some(self.after) {
            return Err(format!("the checkpoint is at {checkpoint} and the follower at {}", self.after));
        }
        if checkpoint["chain"].as_str() != self.chain.as_deref() {
            return Err("the checkpoint's chain is not the follower's".into());
        }
        Ok(signed)
    }

    /// The canonical digest of the records held: SHA-256 of the canonical JSON of the array of
    /// records sorted by code.
    pub fn digest(&self) -> String {
        let records: Vec<Value> = self.records.values().cloned().collect();
        sha256_hex(canonical(&Value::Array(records)).as_bytes())
    }
}
