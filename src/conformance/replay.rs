//! Replaying a server's feed from its epoch's start, checking every page and entry as the
//! connection standard defines them, then the checkpoint, the caching and the refusals.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use super::{Server, check_signature};
use crate::domain::digest::sha256_hex;
use crate::feed::canonical::{canonical, genesis};
use crate::feed::entry::ChangesPage;
use crate::feed::signing::KeySet;
use crate::feed::verify::{self, Change, Checked};

/// Entries in a full page.
const PAGE: i64 = 1_000;

/// What a replay of the whole feed found.
pub(crate) struct Replayed {
    pub epoch: String,
    pub first_seq: i64,
    pub head: i64,
    /// The chain after each entry, by seq.
    pub chains: HashMap<i64, String>,
    /// The records at the head, by code.
    pub records: BTreeMap<String, Value>,
    /// The records when the replay passed `at` (the snapshot's seq).
    pub at_snapshot: Option<BTreeMap<String, Value>>,
    /// The `after` of the first full page, if the feed has one.
    pub full_page: Option<i64>,
}

impl Replayed {
    /// The chain after `seq` (the genesis before the epoch's first entry).
    pub fn chain_at(&self, seq: i64) -> Option<String> {
        if seq == self.first_seq - 1 { Some(genesis(&self.epoch)) } else { self.chains.get(&seq).cloned() }
    }
}

fn text(value: &Value, name: &str) -> Result<String, String> {
    value[name].as_str().map(str::to_string).ok_or_else(|| format!("no `{name}` in {}", shown(value)))
}

fn number(value: &Value, name: &str) -> Result<i64, String> {
    value[name].as_i64().ok_or_else(|| format!("no `{name}` in {}", shown(value)))
}

fn shown(value: &Value) -> String {
    value.to_string().chars().take(200).collect()
}

fn jcs(value: &Value) -> Result<String, String> {
    canonical(value).map_err(|e| e.to_string())
}

/// The canonical digest of records: SHA-256 of the canonical JSON of their array, by code.
pub(crate) fn digest(records: &BTreeMap<String, Value>) -> Result<String, String> {
    Ok(sha256_hex(jcs(&Value::Array(records.values().cloned().collect()))?.as_bytes()))
}

/// Replays the feed to its head; `at` is a position whose state is kept.
pub(crate) async fn replay(server: &Server, at: Option<i64>) -> Result<Replayed, String> {
    let first = server.json("/api/v1/changes?after=0").await?;
    let epoch = text(&first, "epoch")?;
    let first_seq = number(&first, "first_seq")?;
    let mut state = Replayed {
        epoch: epoch.clone(),
        first_seq,
        head: first_seq - 1,
        chains: HashMap::new(),
        records: BTreeMap::new(),
        at_snapshot: (at == Some(first_seq - 1)).then(BTreeMap::new),
        full_page: None,
    };
    let mut chain = genesis(&epoch);
    let mut page = first;
    loop {
        let after = number(&page, "after")?;
        if text(&page, "epoch")? != epoch {
            return Err("the epoch changed during the replay".into());
        }
        let typed: ChangesPage =
            serde_json::from_value(page.clone()).map_err(|e| format!("a page after {after}: {e}"))?;
        let entries = verify::page(&typed, state.head, &chain).map_err(|e| format!("after {}: {e}", state.head))?;
        let page_end = (after / PAGE + 1) * PAGE;
        for entry in &entries {
            apply(entry, &mut state)?;
            chain = entry.chain.clone();
            if state.head > page_end {
                return Err(format!("the page after {after} runs past {page_end}"));
            }
            if Some(state.head) == at {
                state.at_snapshot = Some(state.records.clone());
            }
        }
        let full = after % PAGE == 0 && entries.len() as i64 == PAGE;
        if typed.complete != full {
            return Err(format!("the page after {after} says complete={}", typed.complete));
        }
        if full && state.full_page.is_none() {
            state.full_page = Some(after);
        }
        if typed.next_after != state.head {
            return Err(format!("the page after {after} gives next_after {}", typed.next_after));
        }
        if entries.is_empty() {
            return Ok(state);
        }
        page = server.json(&format!("/api/v1/changes?after={}&epoch={epoch}", state.head)).await?;
    }
}

/// Applies one checked entry to the replayed records.
fn apply(entry: &Checked, state: &mut Replayed) -> Result<(), String> {
    match &entry.change {
        Change::Upsert(record) => {
            let value = serde_json::to_value(record).map_err(|e| e.to_string())?;
            state.records.insert(record.code.clone(), value);
        }
        Change::Tombstone { code } => {
            state.records.remove(code);
        }
    }
    state.head = entry.seq;
    state.chains.insert(entry.seq, entry.chain.clone());
    Ok(())
}

/// The signed checkpoint: its signature, and its chain against the replay's.
pub(crate) async fn checkpoint(server: &Server, keys: &KeySet, replayed: &Replayed) -> Result<(), String> {
    let signed = server.json("/api/v1/checkpoint").await?;
    check_signature(keys, &signed, "checkpoint")?;
    let checkpoint = &signed["checkpoint"];
    if text(checkpoint, "epoch")? != replayed.epoch {
        return Err("the checkpoint is of another epoch".into());
    }
    let seq = number(checkpoint, "seq")?;
    match replayed.chain_at(seq) {
        Some(chain) if chain == text(checkpoint, "chain")? => Ok(()),
        Some(_) => Err(format!("the checkpoint's chain at {seq} is not the feed's")),
        None => {
            Err(format!("the checkpoint is at {seq}, past the replayed head {} (is the feed moving?)", replayed.head))
        }
    }
}

async fn revalidates(server: &Server, path: &str, immutable: bool) -> Result<(), String> {
    let response = server.get(path, &[]).await?;
    let header =
        |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let (etag, cache) = (header("etag"), header("cache-control"));
    if etag.is_empty() || etag.starts_with("W/") {
        return Err(format!("{path}: no strong ETag ({etag:?})"));
    }
    if immutable != cache.contains("immutable") {
        return Err(format!("{path}: Cache-Control {cache:?}"));
    }
    let again = server.get(path, &[("if-none-match", &etag)]).await?;
    if again.status().as_u16() != 304 {
        return Err(format!("{path}: If-None-Match is answered {}", again.status()));
    }
    Ok(())
}

/// Full pages are immutable and revalidate; the head page revalidates and is not immutable.
pub(crate) async fn caching(server: &Server, replayed: &Replayed) -> Result<(), String> {
    if let Some(after) = replayed.full_page {
        revalidates(server, &format!("/api/v1/changes?after={after}"), true).await?;
    }
    revalidates(server, &format!("/api/v1/changes?after={}", replayed.head), false).await
}

async fn refused(server: &Server, path: &str, code: &str) -> Result<(), String> {
    let response = server.get(path, &[]).await?;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or_default();
    if status == 409 && body["error"]["code"] == json!(code) {
        Ok(())
    } else {
        Err(format!("{path}: {status} {}", shown(&body)))
    }
}

/// The refusals that send a follower back to a snapshot.
pub(crate) async fn refusals(server: &Server, replayed: &Replayed) -> Result<(), String> {
    refused(server, "/api/v1/changes?after=0&epoch=0not0this0epoch", "epoch_changed").await?;
    refused(server, &format!("/api/v1/changes?after={}", replayed.head + 1_000_000), "beyond_head").await
}
