//! The connection standard's endpoints: `GET /api/v1/changes` (the feed; full pages are
//! immutable and cacheable by any proxy), `GET /api/v1/checkpoint` (the signed head) and
//! `GET /.well-known/jwks.json` (the key that signs it).

use std::time::Duration;

use actix_web::http::header::{CACHE_CONTROL, ETAG};
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::tokens::TokenKeys;
use crate::domain::digest::sha256_hex;
use crate::error::{AppError, ErrorEnvelope};
use crate::feed::signing::KeySet;
use crate::services::feed::{ChangesPage, ChangesRequest, Feed, MAX_WAIT_SECONDS, PAGE_SIZE, SignedCheckpoint};

/// Where to read from, how much, and how long to wait at the head.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// The last sequence number the follower has applied (0 to start an epoch from its start).
    #[param(value_type = Option<i64>, minimum = 0)]
    pub after: Option<String>,
    /// Entries wanted, 1 to 1000 (default 1000); a page never runs past a multiple of 1000.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// Seconds to wait for new entries when there are none yet, 0 to 60 (default 0).
    #[param(value_type = Option<u64>, minimum = 0, maximum = 60)]
    pub wait: Option<String>,
    /// The epoch the follower is in; another one is answered 409 `epoch_changed`.
    #[param(max_length = 64)]
    pub epoch: Option<String>,
}

fn number(value: Option<&str>, name: &str, range: std::ops::RangeInclusive<i64>) -> Result<Option<i64>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse::<i64>().ok().filter(|n| range.contains(n)).map(Some).ok_or_else(|| {
            AppError::invalid(format!("`{name}` must be a whole number from {} to {}", range.start(), range.end()))
        }),
    }
}

impl ChangesParams {
    fn resolve(&self) -> Result<ChangesRequest, AppError> {
        let epoch = self.epoch.as_deref().map(str::trim).filter(|e| !e.is_empty());
        if epoch.is_some_and(|e| e.len() > 64 || !e.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')) {
            return Err(AppError::invalid("`epoch` is an epoch name as the feed gives it"));
        }
        Ok(ChangesRequest {
            after: number(self.after.as_deref(), "after", 0..=i64::MAX / 2)?.unwrap_or(0),
            limit: number(self.limit.as_deref(), "limit", 1..=PAGE_SIZE)?.unwrap_or(PAGE_SIZE),
            wait: Duration::from_secs(
                number(self.wait.as_deref(), "wait", 0..=MAX_WAIT_SECONDS as i64)?.unwrap_or(0) as u64
            ),
            epoch: epoch.map(str::to_string),
        })
    }
}

/// The change feed: entries in commit order with no gaps, each with the whole public record
/// after the change, its canonical hash and the hash chain. Full pages (1000 entries from a
/// multiple of 1000) never change: strong `ETag`, `Cache-Control: public, immutable`.
#[utoipa::path(tag = "connection", params(ChangesParams), responses(
    (status = 200, body = ChangesPage), (status = 304, description = "Not modified (`If-None-Match`)"),
    (status = 409, body = ErrorEnvelope, description = "`epoch_changed` or `beyond_head`: start again from a snapshot")))]
#[get("/api/v1/changes")]
pub async fn changes(
    feed: web::Data<Feed>,
    request: HttpRequest,
    params: web::Query<ChangesParams>,
) -> Result<HttpResponse, AppError> {
    let page = feed.changes(params.resolve()?).await?;
    let body = serde_json::to_vec(&page).map_err(|e| AppError::Internal(e.to_string()))?;
    let tag = format!("\"{}\"", &sha256_hex(&body)[..32]);
    let cache = if page.complete { "public, max-age=31536000, immutable" } else { "public, no-cache" };
    let matched = super::conditional::none_match(&request, &tag);
    let mut answer = if matched { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    answer.insert_header((ETAG, tag)).insert_header((CACHE_CONTROL, cache));
    Ok(if matched { answer.finish() } else { answer.content_type("application/json").body(body) })
}

/// The feed's head (origin, epoch, seq, chain), signed with the node's Ed25519 key over its
/// canonical JSON; the key is at `/.well-known/jwks.json`.
#[utoipa::path(tag = "connection", responses((status = 200, body = SignedCheckpoint)))]
#[get("/api/v1/checkpoint")]
pub async fn checkpoint(feed: web::Data<Feed>) -> Result<HttpResponse, AppError> {
    let signed = feed.checkpoint().await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-cache")).json(signed))
}

/// The public keys of the service (JWKS, RFC 7517; Ed25519 as OKP, RFC 8037): the feed key
/// (`feed-…`), which signs checkpoints, and the token key (`token-…`), which signs access tokens.
#[utoipa::path(tag = "connection", responses((status = 200, body = KeySet)))]
#[get("/.well-known/jwks.json")]
pub async fn key_set(feed: web::Data<Feed>, tokens: web::Data<TokenKeys>) -> HttpResponse {
    let mut keys = feed.key_set();
    keys.keys.extend(tokens.public_keys());
    HttpResponse::Ok().insert_header((CACHE_CONTROL, "public, max-age=300")).json(keys)
}
