//! What the figures ask of the two nodes over HTTP: readiness, search, the head, a sign-in and
//! an import of changes at the national instance.

use std::time::Duration;

use serde_json::{Value, json};
pub use tieuchuan::pages::encode;

/// A client of one node.
pub struct Probe {
    agent: ureq::Agent,
    pub base: String,
}

impl Probe {
    pub fn new(base: &str) -> Probe {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(120)))
            .http_status_as_error(false)
            .build()
            .into();
        Probe { agent, base: base.trim_end_matches('/').to_string() }
    }

    /// A body as sent, asking for gzip as a browser does: (status, bytes on the wire).
    pub fn get(&self, path: &str) -> Result<(u16, Vec<u8>), String> {
        let url = format!("{}{path}", self.base);
        let mut response =
            self.agent.get(&url).header("accept-encoding", "gzip").call().map_err(|e| format!("{url}: {e}"))?;
        let status = response.status().as_u16();
        let body =
            response.body_mut().with_config().limit(u64::MAX).read_to_vec().map_err(|e| format!("{url}: {e}"))?;
        Ok((status, body))
    }

    pub fn json(&self, path: &str) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let mut response = self.agent.get(&url).call().map_err(|e| format!("{url}: {e}"))?;
        let text = response.body_mut().with_config().limit(u64::MAX).read_to_string().map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map_err(|e| format!("{url}: {e}: {text}"))
    }

    /// `/readyz`, or nothing while the node does not answer.
    pub fn readiness(&self) -> Option<Value> {
        self.json("/readyz").ok()
    }

    /// The head of the feed.
    pub fn head(&self) -> Result<i64, String> {
        self.json("/api/v1/checkpoint")?["checkpoint"]["seq"].as_i64().ok_or_else(|| "no checkpoint seq".into())
    }

    /// Whether a search for `code` finds it.
    pub fn finds(&self, code: &str) -> bool {
        let path = format!("/api/v1/search?q={}", encode(code));
        self.json(&path)
            .ok()
            .and_then(|body| body["hits"].as_array().cloned())
            .is_some_and(|hits| hits.iter().any(|h| h["code"] == code))
    }

    /// An access token for `username:password`.
    pub fn sign_in(&self, account: &str) -> Result<String, String> {
        let (username, password) = account.split_once(':').ok_or("--admin is username:password")?;
        let mut response = self
            .agent
            .post(format!("{}/api/v1/auth/login", self.base))
            .header("content-type", "application/json")
            .send(json!({"username": username, "password": password}).to_string())
            .map_err(|e| e.to_string())?;
        let body: Value = serde_json::from_str(&response.body_mut().read_to_string().map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        body["access_token"].as_str().map(str::to_string).ok_or_else(|| format!("no token: {body}"))
    }

    /// Imports `codes` as new standards (CSV) with an admin's token.
    pub fn import(&self, token: &str, codes: &[String], title: &str) -> Result<(), String> {
        let rows: String = codes.iter().map(|code| format!("{code},{title} {code}\n")).collect();
        let mut response = self
            .agent
            .post(format!("{}/api/v1/imports", self.base))
            .header("content-type", "text/csv")
            .header("authorization", format!("Bearer {token}"))
            .send(format!("code,title_vi\n{rows}"))
            .map_err(|e| e.to_string())?;
        if response.status() != 200 {
            return Err(format!("import: {}", response.body_mut().read_to_string().unwrap_or_default()));
        }
        Ok(())
    }
}
