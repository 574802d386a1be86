//! Where a follower starts: `GET /api/v1/snapshot` (the signed manifest of the newest snapshot),
//! `GET /api/v1/snapshot/files/{name}` (its data file, streamed, with `Range`) and
//! `GET /api/v1/texts/{sha256}` (a public text by its hash, with `Range`); both answer `HEAD` too,
//! so that a resuming client learns the length without the bytes.

use actix_files::NamedFile;
use actix_web::http::header::{CACHE_CONTROL, ContentEncoding, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, route, web};

use super::conditional::{Representation, respond};
use crate::error::{AppError, ErrorCode, ErrorEnvelope};
use crate::services::documents::Texts;
use crate::services::snapshots::{SignedManifest, Snapshots};
use crate::texts::extraction::TextFormat;

/// Files that never change once named are cached for a year by anyone.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The newest snapshot's manifest, signed with the feed's key: the feed position it is at
/// (`seq`, `chain`), the data file (gzip JSON Lines of canonical records) and the public texts by
/// hash. Load the file, check its hash and the signatures, then follow with `after=seq`.
#[utoipa::path(tag = "connection", responses((status = 200, body = SignedManifest),
    (status = 503, body = ErrorEnvelope, description = "The snapshot could not be written")))]
#[get("/api/v1/snapshot")]
pub async fn manifest(snapshots: web::Data<Snapshots>) -> Result<HttpResponse, AppError> {
    let signed = snapshots.current().await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-cache")).json(signed))
}

/// A snapshot's data file (`application/gzip`), as the manifest names it; supports `Range`.
#[utoipa::path(get, path = "/api/v1/snapshot/files/{name}", tag = "connection", params(("name" = String, Path)),
    responses((status = 200, content_type = "application/gzip"), (status = 206, description = "Part of the file (`Range`)"),
    (status = 404, body = ErrorEnvelope), (status = 416, body = ErrorEnvelope)))]
#[route("/api/v1/snapshot/files/{name}", method = "GET", method = "HEAD")]
pub async fn data_file(
    snapshots: web::Data<Snapshots>,
    request: HttpRequest,
    name: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let not_found = || AppError::NotFound {
        code: ErrorCode::NotFound,
        message: "no such snapshot (it may have been replaced)".into(),
    };
    let path = snapshots.data_file(&name).await?.ok_or_else(not_found)?;
    let file = web::block(move || NamedFile::open(path)).await?.map_err(|_| not_found())?;
    let mut answer = file
        .set_content_type("application/gzip".parse().map_err(|_| AppError::Internal("media type".into()))?)
        .set_content_encoding(ContentEncoding::Identity)
        .disable_content_disposition()
        .into_response(&request);
    answer.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    Ok(answer)
}

/// A public text by its SHA-256, as stored (not stamped); supports `Range` so that a broken
/// download resumes. Texts that are not public are not found.
#[utoipa::path(get, path = "/api/v1/texts/{sha256}", tag = "connection", params(("sha256" = String, Path, description = "64 hex digits")),
    responses((status = 200, description = "The text's bytes"), (status = 206, description = "Part of them (`Range`)"),
    (status = 404, body = ErrorEnvelope), (status = 416, body = ErrorEnvelope)))]
#[route("/api/v1/texts/{sha256}", method = "GET", method = "HEAD")]
pub async fn text(
    texts: web::Data<Texts>,
    request: HttpRequest,
    sha256: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (bytes, format) = texts.public_by_hash(&sha256).await?;
    let content_type = match format {
        TextFormat::Pdf => "application/pdf",
        TextFormat::Markdown => "text/markdown; charset=utf-8",
        TextFormat::Text => "text/plain; charset=utf-8",
    };
    let etag = format!("\"{}\"", sha256.to_ascii_lowercase());
    respond(&request, Representation { bytes, content_type, etag, cache_control: IMMUTABLE })
}
