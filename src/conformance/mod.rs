//! `tieuchuan conformance URL`: checks any server that claims to implement the connection
//! standard's feed (this one, or a provincial re-publisher) from the outside, over HTTP: the
//! published key; the whole feed in order with no gap, each record's hash and the chain; the
//! signed checkpoint against the replayed chain; the snapshot (signatures, hashes, ranges, and
//! records equal to the replayed feed at its seq); caching (strong ETags, immutable full pages,
//! 304); and the refusals a follower relies on (`epoch_changed`, `beyond_head`). It prints each
//! check and what fails.

mod replay;
mod snapshot;

use std::time::Duration;

use serde_json::Value;

use crate::feed::signing::{KeySet, PublicJwk, verify};

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub name: &'static str,
    /// `None` when it passed; what failed otherwise.
    pub failure: Option<String>,
}

/// Everything checked, in order.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    /// What could not be checked on this server, and why (a feed without a full page yet).
    pub notes: Vec<String>,
}

impl Report {
    fn record(&mut self, name: &'static str, result: Result<(), String>) {
        self.outcomes.push(Outcome { name, failure: result.err() });
    }

    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.outcomes.iter().all(|o| o.failure.is_none())
    }
}

/// The server under test.
pub(crate) struct Server {
    client: reqwest::Client,
    base: String,
}

impl Server {
    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Result<reqwest::Response, String> {
        let mut request = self.client.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.map_err(|e| format!("GET {path}: {e}"))
    }

    async fn json(&self, path: &str) -> Result<Value, String> {
        let response = self.get(path, &[]).await?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|e| format!("GET {path}: not JSON ({e})"))?;
        if !status.is_success() {
            return Err(format!("GET {path}: {status}: {body}"));
        }
        Ok(body)
    }
}

/// Checks a signed object: `signed[field]`'s canonical JSON against `signed.signature` with the
/// key `signed.key_id` of `keys`.
pub(crate) fn check_signature(keys: &KeySet, signed: &Value, field: &str) -> Result<(), String> {
    let key_id = signed["key_id"].as_str().ok_or("no key_id")?;
    let key: &PublicJwk =
        keys.keys.iter().find(|k| k.kid == key_id).ok_or(format!("the key {key_id} is not published"))?;
    let message = crate::feed::canonical::canonical(&signed[field]).map_err(|e| e.to_string())?;
    let signature = signed["signature"].as_str().ok_or("no signature")?;
    verify(key, message.as_bytes(), signature).then_some(()).ok_or(format!("the {field}'s signature does not verify"))
}

/// Runs every check against the server at `base` (`https://…`, without a trailing slash).
pub async fn run(base: &str) -> Report {
    let mut report = Report::default();
    let client = match reqwest::Client::builder().timeout(Duration::from_secs(120)).build() {
        Ok(client) => client,
        Err(error) => {
            report.record("an HTTP client", Err(error.to_string()));
            return report;
        }
    };
    let server = Server { client, base: base.trim_end_matches('/').to_string() };
    let keys = server.json("/.well-known/jwks.json").await.and_then(|v| {
        let keys: KeySet = serde_json::from_value(v).map_err(|e| format!("not a key set: {e}"))?;
        let usable = keys.keys.iter().any(|k| k.kty == "OKP" && k.crv == "Ed25519");
        usable.then_some(keys).ok_or_else(|| "no Ed25519 key".to_string())
    });
    report.record("the key set publishes an Ed25519 key", keys.as_ref().map(|_| ()).map_err(Clone::clone));
    let Ok(keys) = keys else { return report };
    // The snapshot's position is fixed first, so that the replay passes it.
    let manifest = server.json("/api/v1/snapshot").await;
    let at = manifest.as_ref().ok().and_then(|m| m["manifest"]["seq"].as_i64());
    let replayed = replay::replay(&server, at).await;
    report.record(
        "the feed is in order, without gaps, its records and chain intact",
        replayed.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    let Ok(replayed) = replayed else { return report };
    report.record(
        "the signed checkpoint verifies against the replayed chain",
        replay::checkpoint(&server, &keys, &replayed).await,
    );
    report.record(
        "full pages are immutable with strong ETags, and 304 on If-None-Match",
        replay::caching(&server, &replayed).await,
    );
    if replayed.full_page.is_none() {
        report.notes.push(format!(
            "the feed has no full page yet ({} entries): only the head page's caching was checked",
            replayed.head
        ));
    }
    report.record(
        "another epoch is 409 epoch_changed, a position past the head 409 beyond_head",
        replay::refusals(&server, &replayed).await,
    );
    match manifest {
        Ok(manifest) => snapshot::check(&server, &keys, &manifest, &replayed, &mut report).await,
        Err(error) => report.record("a snapshot is published", Err(error)),
    }
    report
}
