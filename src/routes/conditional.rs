//! Conditional and partial answers: `If-None-Match` against a strong `ETag` (304), and byte
//! ranges (RFC 9110 §14) over bytes held in memory, so that a text fetched by hash resumes where a
//! slow line broke. One range is answered 206; several, another unit, a malformed header or an
//! `If-Range` that no longer matches get the whole (as RFC 9110 allows); a range outside the
//! bytes is 416 with `Content-Range: bytes */length`. A whole text answered to a client that
//! accepts gzip is compressed on the way (a Markdown text shrinks about four times), its tag made
//! weak as the encoding differs; a part is always the stored bytes, so an offset counts the same
//! bytes however the whole came.

use actix_web::http::Method;
use actix_web::http::header::{
    ACCEPT_ENCODING, ACCEPT_RANGES, CACHE_CONTROL, CONTENT_RANGE, ContentEncoding, ETAG, IF_NONE_MATCH, IF_RANGE, RANGE,
};
use actix_web::http::header::{ByteRangeSpec, Range};
use actix_web::{HttpRequest, HttpResponse};

use crate::error::AppError;

/// Whether the request's `If-None-Match` names this entity tag (or `*`), compared weakly (RFC
/// 9110 §13.1.2: `W/"x"` matches `"x"`).
pub fn none_match(request: &HttpRequest, tag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    let tag = opaque(tag);
    request
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|candidate| opaque(candidate) == tag || candidate.trim() == "*"))
}

/// Whether the client takes gzip (`Accept-Encoding` names it without `q=0`).
fn accepts_gzip(request: &HttpRequest) -> bool {
    let header = request.headers().get(ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
    header.split(',').any(|coding| {
        let mut parts = coding.split(';').map(str::trim);
        let named = parts.next().is_some_and(|name| name.eq_ignore_ascii_case("gzip"));
        let refused = parts.any(|p| p.replace(' ', "").trim_start_matches("q=").parse::<f32>().is_ok_and(|q| q == 0.0));
        named && !refused
    })
}

/// Bytes to send whole or in part, with what describes them.
pub struct Representation {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    /// A strong entity tag, quoted.
    pub etag: String,
    pub cache_control: &'static str,
}

/// The representation, whole (200), in part (206), unchanged (304) or refused (416).
pub fn respond(request: &HttpRequest, representation: Representation) -> Result<HttpResponse, AppError> {
    let Representation { bytes, content_type, etag, cache_control } = representation;
    if none_match(request, &etag) {
        return Ok(HttpResponse::NotModified().insert_header((ETAG, etag)).finish());
    }
    let length = bytes.len() as u64;
    let (mut answer, body, encoded) = match wanted_range(request, &etag) {
        Some(spec) => {
            let (first, last) = spec.to_satisfiable_range(length).ok_or(AppError::RangeNotSatisfiable { length })?;
            let mut partial = HttpResponse::PartialContent();
            partial.insert_header((CONTENT_RANGE, format!("bytes {first}-{last}/{length}")));
            (partial, bytes[first as usize..=last as usize].to_vec(), false)
        }
        // `HEAD` tells a resuming client the stored length: never encoded.
        None => {
            let encoded = request.method() == Method::GET && content_type.starts_with("text/") && accepts_gzip(request);
            (HttpResponse::Ok(), bytes, encoded)
        }
    };
    // A whole text the compression middleware encodes carries a weak tag, as the bytes sent differ;
    // ranges count the bytes as stored, never compressed on the way.
    answer
        .insert_header((ETAG, if encoded { format!("W/{etag}") } else { etag }))
        .insert_header((CACHE_CONTROL, cache_control))
        .insert_header((ACCEPT_RANGES, "bytes"));
    if !encoded {
        answer.insert_header(ContentEncoding::Identity);
    }
    Ok(answer.content_type(content_type).body(body))
}

/// The one byte range asked for, if it is to be honoured.
fn wanted_range(request: &HttpRequest, etag: &str) -> Option<ByteRangeSpec> {
    let headers = request.headers();
    let still_same = headers.get(IF_RANGE).is_none_or(|v| v.to_str().is_ok_and(|v| v.trim() == etag));
    let range = headers.get(RANGE)?.to_str().ok()?.parse::<Range>().ok().filter(|_| still_same)?;
    match range {
        Range::Bytes(mut specs) if specs.len() == 1 => match specs.pop()? {
            // A last position before the first makes the header invalid: it is ignored.
            ByteRangeSpec::FromTo(first, last) if first > last => None,
            spec => Some(spec),
        },
        _ => None,
    }
}
