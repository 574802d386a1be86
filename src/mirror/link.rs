//! The mirror's credentialed link to its upstream (`upstream_credential`): the accounts of its
//! province, restricted texts, the relay of access events, and its officials' sign-ins, refreshes
//! and sign-outs, which are the upstream's to decide. The upstream's refusals (a wrong password,
//! a lockout) reach the official as the upstream gave them; a line that fails is
//! `upstream_unreachable`.

use std::time::Duration;

use actix_web::http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::wire::{ForwardedRefresh, ForwardedSignIn, RelayBatch, RelayOutcome, ReplicaAccounts};
use crate::config::Secret;
use crate::domain::digest::sha256_hex;
use crate::error::{AppError, ErrorCode};
use crate::feed::signing::KeySet;
use crate::services::accounts::session::TokenPair;

/// Why a call over the link gave nothing.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("this mirror has no upstream_credential")]
    NoCredential,
    /// The upstream refused the credential (revoked, or never issued).
    #[error("the upstream refused this mirror's credential")]
    Refused,
    #[error("the upstream cannot be reached: {0}")]
    Unreachable(String),
    /// The upstream answered with an error of its own.
    #[error("the upstream answered {status}: {code} ({message})")]
    Answered { status: u16, code: String, message: String, retry_after: Option<u64> },
}

impl From<reqwest::Error> for LinkError {
    fn from(error: reqwest::Error) -> Self {
        LinkError::Unreachable(error.to_string())
    }
}

impl From<LinkError> for AppError {
    /// The upstream's own refusals pass through as it gave them; the rest is 503.
    fn from(error: LinkError) -> Self {
        let unreachable = |message: String| AppError::Unavailable { code: ErrorCode::UpstreamUnreachable, message };
        match error {
            LinkError::Answered { status, code, message, retry_after } => {
                let code = ErrorCode::parse(&code).unwrap_or(ErrorCode::UpstreamUnreachable);
                match status {
                    401 => AppError::Unauthenticated { code, message },
                    403 => AppError::Forbidden { code, message },
                    404 => AppError::NotFound { code, message },
                    409 => AppError::Conflict { code, message },
                    422 => AppError::Unprocessable { code, message },
                    429 => AppError::TooManyRequests { code, message, retry_after: retry_after.unwrap_or(60) },
                    _ => unreachable(format!("the national library answered {status}: {message}")),
                }
            }
            LinkError::NoCredential | LinkError::Refused => {
                unreachable("this mirror is not connected to the national library for accounts; sign in there".into())
            }
            LinkError::Unreachable(_) => {
                unreachable("the national library cannot be reached from this mirror now".into())
            }
        }
    }
}

/// A text fetched over the link, checked against the hash the upstream gave.
#[derive(Debug, Clone)]
pub struct FetchedText {
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// The credentialed link.
pub struct UpstreamLink {
    client: reqwest::Client,
    base: String,
    credential: Option<Secret>,
}

impl UpstreamLink {
    pub fn new(base: &str, credential: Option<Secret>) -> Result<UpstreamLink, String> {
        let client = reqwest::Client::builder()
            .gzip(true)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(UpstreamLink { client, base: base.trim_end_matches('/').to_string(), credential })
    }

    /// The upstream's address.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Whether the mirror can ask for what needs its credential.
    pub fn has_credential(&self) -> bool {
        self.credential.is_some()
    }

    fn request(&self, method: reqwest::Method, path: &str) -> Result<reqwest::RequestBuilder, LinkError> {
        let credential = self.credential.as_ref().ok_or(LinkError::NoCredential)?;
        Ok(self.client.request(method, format!("{}{path}", self.base)).bearer_auth(credential.expose()))
    }

    async fn answer<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, LinkError> {
        let status = response.status().as_u16();
        let retry_after =
            (response.headers().get("retry-after")).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok());
        let body = response.bytes().await?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&body).map_err(|e| LinkError::Unreachable(format!("an answer: {e}")));
        }
        let envelope: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let code = envelope["error"]["code"].as_str().unwrap_or_default().to_string();
        if status == 401 && code == ErrorCode::InvalidMirrorCredential.as_str() {
            return Err(LinkError::Refused);
        }
        let message = envelope["error"]["message"].as_str().unwrap_or_default().to_string();
        Err(LinkError::Answered { status, code, message, retry_after })
    }

    async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T, LinkError> {
        Self::answer(self.request(reqwest::Method::POST, path)?.json(body).send().await?).await
    }

    /// The upstream's public keys (its token keys among them).
    pub async fn key_set(&self) -> Result<KeySet, LinkError> {
        Self::answer(self.client.get(format!("{}/.well-known/jwks.json", self.base)).send().await?).await
    }

    /// The accounts of the mirror's province.
    pub async fn accounts(&self) -> Result<ReplicaAccounts, LinkError> {
        Self::answer(self.request(reqwest::Method::GET, "/api/v1/mirror/accounts")?.send().await?).await
    }

    /// A text by its id, checked against the SHA-256 the upstream sends as its `ETag`.
    pub async fn text(&self, id: i64) -> Result<FetchedText, LinkError> {
        let response = self.request(reqwest::Method::GET, &format!("/api/v1/mirror/texts/{id}"))?.send().await?;
        if response.status() != StatusCode::OK.as_u16() {
            let unexpected = || LinkError::Unreachable(format!("text {id}: an unexpected answer"));
            return Err(Self::answer::<serde_json::Value>(response).await.err().unwrap_or_else(unexpected));
        }
        let etag = (response.headers().get("etag").and_then(|v| v.to_str().ok()))
            .map(|v| v.trim_matches('"').to_ascii_lowercase())
            .unwrap_or_default();
        let bytes = response.bytes().await?.to_vec();
        let sha256 = sha256_hex(&bytes);
        if sha256 != etag {
            return Err(LinkError::Unreachable(format!("text {id} came cut or changed (its hash is not its ETag)")));
        }
        Ok(FetchedText { bytes, sha256 })
    }

    /// Relays a batch of access events.
    pub async fn relay(&self, batch: &RelayBatch) -> Result<RelayOutcome, LinkError> {
        self.post("/api/v1/mirror/events", batch).await
    }

    /// An official's sign-in, made at the upstream.
    pub async fn sign_in(&self, forwarded: &ForwardedSignIn) -> Result<TokenPair, LinkError> {
        self.post("/api/v1/mirror/sign-in", forwarded).await
    }

    /// An official's refresh, made at the upstream.
    pub async fn refresh(&self, forwarded: &ForwardedRefresh) -> Result<TokenPair, LinkError> {
        self.post("/api/v1/mirror/refresh", forwarded).await
    }

    /// An official's sign-out, made at the upstream (its public address: no credential needed).
    pub async fn sign_out(&self, refresh_token: &str) -> Result<(), LinkError> {
        let response = (self.client.post(format!("{}/api/v1/auth/logout", self.base)))
            .json(&serde_json::json!({ "refresh_token": refresh_token }))
            .send()
            .await?;
        if response.status().is_success() { Ok(()) } else { Self::answer(response).await }
    }
}
