//! The snapshot checks: the manifest's and its checkpoint's signatures, the data file's size and
//! hashes, a range of it, canonical lines, and its records equal to the replayed feed at its seq;
//! then one public text fetched by hash, whole and by range.

use std::collections::BTreeMap;
use std::io::Read;

use serde_json::Value;

use super::replay::{Replayed, digest};
use super::{Report, Server, check_signature};
use crate::domain::digest::sha256_hex;
use crate::feed::canonical::canonical;
use crate::feed::signing::KeySet;

async fn bytes(server: &Server, path: &str, range: Option<&str>) -> Result<(u16, Vec<u8>), String> {
    let headers: Vec<(&str, &str)> = range.map(|r| ("range", r)).into_iter().collect();
    let response = server.get(path, &headers).await?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|e| format!("GET {path}: {e}"))?;
    Ok((status, body.to_vec()))
}

fn signed(keys: &KeySet, manifest: &Value, replayed: &Replayed) -> Result<(), String> {
    check_signature(keys, manifest, "manifest")?;
    check_signature(keys, &manifest["checkpoint"], "checkpoint")?;
    let (inner, checkpoint) = (&manifest["manifest"], &manifest["checkpoint"]["checkpoint"]);
    for field in ["epoch", "seq", "chain"] {
        if inner[field] != checkpoint[field] {
            return Err(format!("the manifest's {field} is not its checkpoint's"));
        }
    }
    if inner["epoch"].as_str() != Some(replayed.epoch.as_str()) {
        return Err("the snapshot is of another epoch than the feed".into());
    }
    let seq = inner["seq"].as_i64().ok_or("no seq")?;
    match replayed.chain_at(seq) {
        Some(chain) if inner["chain"].as_str() == Some(chain.as_str()) => Ok(()),
        _ => Err(format!("the snapshot's chain at {seq} is not the feed's")),
    }
}

async fn data_file(server: &Server, manifest: &Value, replayed: &Replayed) -> Result<(), String> {
    let file = &manifest["manifest"]["file"];
    let path = file["path"].as_str().ok_or("no file path")?;
    let (status, whole) = bytes(server, path, None).await?;
    if status != 200 || Some(whole.len() as u64) != file["size_bytes"].as_u64() {
        return Err(format!("{path}: {status}, {} bytes against the manifest's {}", whole.len(), file["size_bytes"]));
    }
    if file["sha256"].as_str() != Some(sha256_hex(&whole).as_str()) {
        return Err("the data file does not match its sha256".into());
    }
    let (status, part) = bytes(server, path, Some("bytes=0-99")).await?;
    if status != 206 || whole.get(..part.len()) != Some(part.as_slice()) || part.len() != whole.len().min(100) {
        return Err(format!("{path} with Range: bytes=0-99: {status}, {} bytes", part.len()));
    }
    let mut text = String::new();
    flate2::read::GzDecoder::new(whole.as_slice()).read_to_string(&mut text).map_err(|e| format!("not gzip: {e}"))?;
    if file["content_sha256"].as_str() != Some(sha256_hex(text.as_bytes()).as_str()) {
        return Err("the records do not match content_sha256".into());
    }
    let mut records = BTreeMap::new();
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).map_err(|e| format!("a line is not JSON: {e}"))?;
        if canonical(&record).map_err(|e| e.to_string())? != line {
            return Err("a line is not canonical JSON (RFC 8785)".into());
        }
        let code = record["code"].as_str().ok_or("a record without a code")?.to_string();
        records.insert(code, record);
    }
    if Some(records.len() as i64) != manifest["manifest"]["count"].as_i64() {
        return Err(format!(
            "{} records against the manifest's count {}",
            records.len(),
            manifest["manifest"]["count"]
        ));
    }
    let replayed_there = replayed.at_snapshot.as_ref().ok_or("the replay did not pass the snapshot's seq")?;
    if digest(&records)? != digest(replayed_there)? {
        return Err("the snapshot's records are not the replayed feed's at its seq".into());
    }
    Ok(())
}

async fn a_text(server: &Server, manifest: &Value) -> Result<(), String> {
    let text = manifest["manifest"]["texts"].as_array().and_then(|texts| texts.first()).ok_or("no public text")?;
    let path = text["path"].as_str().ok_or("a text without a path")?;
    let (status, whole) = bytes(server, path, None).await?;
    if status != 200 || text["sha256"].as_str() != Some(sha256_hex(&whole).as_str()) {
        return Err(format!("{path}: {status}, or its bytes do not match its hash"));
    }
    let (status, last) = bytes(server, path, Some("bytes=-1")).await?;
    if status != 206 || whole.last().map(std::slice::from_ref) != Some(last.as_slice()) {
        return Err(format!("{path} with Range: bytes=-1: {status}"));
    }
    Ok(())
}

/// Every snapshot check, recorded in the report.
pub(crate) async fn check(server: &Server, keys: &KeySet, manifest: &Value, replayed: &Replayed, report: &mut Report) {
    report.record(
        "the snapshot's manifest and checkpoint are signed and on the feed's chain",
        signed(keys, manifest, replayed),
    );
    report.record(
        "the snapshot file matches its manifest, resumes by Range, and equals the replayed feed",
        data_file(server, manifest, replayed).await,
    );
    if manifest["manifest"]["texts"].as_array().is_some_and(|texts| !texts.is_empty()) {
        report.record("a public text is fetched by hash, whole and by Range", a_text(server, manifest).await);
    } else {
        report.notes.push("the snapshot lists no public text: fetching by hash was not checked".into());
    }
}
