//! `GET /feeds/changes.atom`: the Atom feed of the catalogue's changes, whole or of one kind
//! (`kind=QCVN`), issuer (`issuer=BXD`) or field (`field=construction`), paged back with `before`.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::atom::{FeedInfo, render};
use crate::domain::Kind;
use crate::error::AppError;
use crate::services::change_feeds::{ChangeFeeds, FeedFilter};
use crate::services::feed::Feed;

/// Which changes, and from where back.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AtomParams {
    /// A kind: `TCVN`, `QCVN`, `QCĐP`, `ĐLVN`, `QCXDVN`, `TCXDVN`, `TCXD` or `TCN`.
    #[param(max_length = 8)]
    pub kind: Option<String>,
    /// An issuer code (`BXD`).
    #[param(max_length = 20)]
    pub issuer: Option<String>,
    /// A field (`construction`).
    #[param(max_length = 64)]
    pub field: Option<String>,
    /// Changes before this sequence number (the `next` link's).
    #[param(value_type = Option<i64>, minimum = 1)]
    pub before: Option<String>,
}

fn word(value: Option<&str>, name: &str, longest: usize) -> Result<Option<String>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.len() <= longest && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') => {
            Ok(Some(v.to_string()))
        }
        Some(_) => Err(AppError::invalid(format!("`{name}` is a code of letters, digits, `_` and `-`"))),
    }
}

impl AtomParams {
    fn resolve(&self) -> Result<(FeedFilter, Option<i64>, String), AppError> {
        let kind = match self.kind.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(kind) => Some(kind.parse::<Kind>().map_err(|e| AppError::invalid(format!("`kind`: {e}")))?),
        };
        let issuer_code = word(self.issuer.as_deref(), "issuer", 20)?;
        let field = word(self.field.as_deref(), "field", 64)?;
        let before = match self.before.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => Some(
                v.parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| AppError::invalid("`before` is a sequence number from 1"))?,
            ),
        };
        let query: Vec<String> = [
            kind.map(|k| {
                format!("kind={}", url::form_urlencoded::byte_serialize(k.as_str().as_bytes()).collect::<String>())
            }),
            issuer_code.as_ref().map(|c| format!("issuer={c}")),
            field.as_ref().map(|f| format!("field={f}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        Ok((FeedFilter { kind, issuer_code, field }, before, query.join("&")))
    }
}

/// The catalogue's changes as an Atom feed (RFC 4287), newest first, 50 a page (RFC 5005 `next`
/// links); removals are deleted entries (RFC 6721).
#[utoipa::path(tag = "connection", params(AtomParams),
    responses((status = 200, content_type = "application/atom+xml"), (status = 400, body = crate::error::ErrorEnvelope)))]
#[get("/feeds/changes.atom")]
pub async fn changes_feed(
    feeds: web::Data<ChangeFeeds>,
    feed: web::Data<Feed>,
    params: web::Query<AtomParams>,
) -> Result<HttpResponse, AppError> {
    let (filter, before, query) = params.resolve()?;
    let title = match (&filter.kind, &filter.issuer_code, &filter.field) {
        (None, None, None) => "Thay đổi trong danh mục tiêu chuẩn, quy chuẩn".to_string(),
        (kind, issuer, field) => {
            let parts: Vec<String> =
                [kind.map(|k| k.as_str().to_string()), issuer.clone(), field.clone()].into_iter().flatten().collect();
            format!("Thay đổi trong danh mục: {}", parts.join(" · "))
        }
    };
    let page = feeds.page(filter, before).await?;
    let origin = feed.origin();
    let authority = crate::feed::authority(origin);
    let address = format!("{origin}/feeds/changes.atom");
    let info = FeedInfo { origin, authority: &authority, address: &address, title: &title, query: &query, before };
    let body = render(&page, &info).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((CACHE_CONTROL, "public, max-age=60"))
        .body(body))
}
