//! The mirror's public texts: each public text its records name is fetched from the upstream by
//! its hash (resumed with `Range` where the line broke), checked against the hash, extracted here
//! into sections (between units of work), and kept; the standard's entry in the mirror's own log
//! then lets its search index take in the body. Restricted texts, whose hashes are not published,
//! are fetched with the mirror's credential the first time an entitled official reads one, and
//! kept by `keep` alike. The fetching runs in its own task (`TextFetcher`), which the follower
//! tells what it applied: a bootstrap of thousands of texts over a slow line never holds up the
//! catalogue, whose changes go on arriving meanwhile.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use chrono::Utc;

use super::upstream::{Fetch, Upstream};
use crate::db::documents::DocumentRow;
use crate::db::{DbPool, catalogue_transaction, documents};
use crate::domain::digest::sha256_hex;
use crate::error::AppError;
use crate::feed::log::{self, Change};
use crate::services::documents::TextStorage;
use crate::services::with_connection;
use crate::texts::extraction;

/// Texts fetched at once.
const TEXTS_IN_FLIGHT: usize = 2;
/// How long the fetcher waits before asking again for texts it could not fetch.
const RETRY: Duration = Duration::from_secs(60);

/// The standards whose public texts are wanted: some, or all (`None`).
type Wanted = Option<Vec<i64>>;

/// The mirror's text fetcher, told by the follower what to fetch; it runs for the life of the
/// process.
#[derive(Clone)]
pub struct TextFetcher {
    wanted: UnboundedSender<Wanted>,
}

impl TextFetcher {
    pub fn spawn(pool: DbPool, upstream: Upstream, storage: TextStorage) -> TextFetcher {
        let (wanted, asked) = unbounded_channel();
        actix_web::rt::spawn(run(pool, upstream, storage, asked));
        TextFetcher { wanted }
    }

    /// Asks for the public texts of `standards` (all of them when `None`) without waiting.
    pub fn want(&self, standards: Wanted) {
        let _ = self.wanted.send(standards);
    }
}

/// Fetches what is asked, all that was asked meanwhile at once; after a failure, everything
/// missing again once `RETRY` has passed.
async fn run(pool: DbPool, upstream: Upstream, storage: TextStorage, mut asked: UnboundedReceiver<Wanted>) {
    let mut failed = false;
    loop {
        let first = match tokio::time::timeout(RETRY, asked.recv()).await {
            Ok(Some(wanted)) => wanted,
            Ok(None) => return,
            Err(_) if failed => None,
            Err(_) => continue,
        };
        let mut wanted = first;
        while let Ok(more) = asked.try_recv() {
            wanted = match (wanted, more) {
                (Some(mut some), Some(more)) => {
                    some.extend(more);
                    Some(some)
                }
                _ => None,
            };
        }
        failed = match fetch(&pool, &upstream, &storage, wanted).await {
            Ok(0) => false,
            Ok(fetched) => {
                tracing::info!(fetched, "the mirror fetched public texts");
                false
            }
            Err(error) => {
                tracing::warn!(%error, "public texts could not be fetched yet; trying again in a minute");
                true
            }
        };
    }
}

/// Fetches the public texts the mirror lacks, of the given standards (all when `None`); returns
/// how many it stored. A text that cannot be fetched now is passed over (and the whole is an error
/// then, so that it is tried again later); the others are fetched meanwhile.
pub async fn fetch(
    pool: &DbPool,
    upstream: &Upstream,
    storage: &TextStorage,
    standards: Option<Vec<i64>>,
) -> Result<usize, Fetch> {
    let store = storage.store.clone();
    let missing = with_connection(pool, move |conn| {
        let mut missing = Vec::new();
        for text in documents::public_texts(conn, standards.as_deref())? {
            if !store.has(conn, &text.sha256)? {
                missing.push(text);
            }
        }
        Ok(missing)
    })
    .await
    .map_err(|e| Fetch::Unreachable(format!("the mirror's database: {e}")))?;
    // Two at a time: while one text crosses the line the next is asked for, so a long line's
    // round trip is not paid for each text; no more, as the mirror shares its line with officials.
    let outcomes: Vec<Result<bool, Fetch>> = futures_util::stream::iter(missing)
        .map(|text| fetch_one(pool, upstream, storage, text))
        .buffer_unordered(TEXTS_IN_FLIGHT)
        .collect()
        .await;
    let stored = outcomes.iter().filter(|outcome| matches!(outcome, Ok(true))).count();
    match outcomes.into_iter().find_map(Result::err) {
        Some(error) => {
            tracing::info!(stored, "public texts fetched before one failed");
            Err(error)
        }
        None => Ok(stored),
    }
}

/// Fetches one public text, checks it against its hash and keeps it; false when it is not kept
/// (a text that does not match or cannot be read here).
async fn fetch_one(
    pool: &DbPool,
    upstream: &Upstream,
    storage: &TextStorage,
    text: DocumentRow,
) -> Result<bool, Fetch> {
    let size = u64::try_from(text.size_bytes).unwrap_or_default();
    let bytes = upstream.download(&format!("/api/v1/texts/{}", text.sha256), size).await?;
    if sha256_hex(&bytes) != text.sha256 {
        tracing::warn!(text = text.id, "a text from the upstream does not match its hash; it is not kept");
        return Ok(false);
    }
    let sha256 = text.sha256.clone();
    keep(pool, storage, text, sha256, bytes).await.map_err(|e| Fetch::Unreachable(e.to_string()))
}

/// Keeps a text fetched from the upstream (its bytes already checked against `sha256`): extracted
/// here off the async workers, then stored with its sections in one transaction whose log entry
/// lets search take the body in. False when the text cannot be read here (it is not kept).
pub async fn keep(
    pool: &DbPool,
    storage: &TextStorage,
    text: DocumentRow,
    sha256: String,
    bytes: Vec<u8>,
) -> Result<bool, AppError> {
    let (format, max_pages) = (text.format, storage.max_pdf_pages);
    let extracted =
        actix_web::web::block(move || extraction::extract(&bytes, Some(format), max_pages).map(|e| (bytes, e))).await?;
    let (bytes, extracted) = match extracted {
        Ok(done) => done,
        Err(error) => {
            tracing::warn!(text = text.id, %error, "a text from the upstream cannot be read here; it is not kept");
            return Ok(false);
        }
    };
    let store = storage.store.clone();
    with_connection(pool, move |conn| {
        catalogue_transaction(conn, |conn| {
            store.put(conn, &sha256, &bytes)?;
            documents::set_sha256(conn, text.id, &sha256)?;
            let sections: Vec<(String, String)> = extracted.sections.into_iter().map(|s| (s.heading, s.body)).collect();
            documents::replace_sections(conn, text.id, &sections, extracted.pages, extracted.needs_ocr)?;
            let change = Change { action: "text_fetched", changed_at: Utc::now().naive_utc() };
            log::upsert(conn, text.standard_id, change, format!("text {} fetched from the upstream", text.id))?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    Ok(true)
}
