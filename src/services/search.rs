//! Searching as a service: off the async workers, behind a cap on concurrent searches with a short
//! bounded queue in front of it: a burst waits its turn, sustained overload is answered 503 rather
//! than queued without bound.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::auth::{Caller, policy};
use crate::error::AppError;
use crate::search::suggest::Suggestion;
use crate::search::{SearchIndex, SearchRequest, SearchResponse};

/// How long a queued search waits for a slot before it is refused.
const QUEUE_WAIT: Duration = Duration::from_secs(2);

/// The node's search index and the permits that cap concurrent searches.
#[derive(Clone)]
pub struct SearchService {
    index: Arc<SearchIndex>,
    /// Searches running or waiting: `concurrency + queue`.
    admitted: Arc<Semaphore>,
    running: Arc<Semaphore>,
}

/// A search's right to run: its place in the queue and its slot.
pub struct Slot {
    _admitted: OwnedSemaphorePermit,
    _running: OwnedSemaphorePermit,
}

impl SearchService {
    /// Wraps the index with a cap of `concurrency` searches at once and `queue` more waiting.
    pub fn new(index: Arc<SearchIndex>, concurrency: usize, queue: usize) -> SearchService {
        let concurrency = concurrency.max(1);
        SearchService {
            index,
            admitted: Arc::new(Semaphore::new(concurrency + queue)),
            running: Arc::new(Semaphore::new(concurrency)),
        }
    }

    /// The index, for readiness and metrics.
    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    /// Takes a search slot, waiting in the queue when all are busy; refuses at once when the queue
    /// is full, and after a short wait when no slot frees.
    pub async fn reserve(&self) -> Result<Slot, AppError> {
        let admitted = Arc::clone(&self.admitted).try_acquire_owned().map_err(|_| AppError::Overloaded)?;
        let running = tokio::time::timeout(QUEUE_WAIT, Arc::clone(&self.running).acquire_owned())
            .await
            .map_err(|_| AppError::Overloaded)?
            .map_err(|_| AppError::Overloaded)?;
        Ok(Slot { _admitted: admitted, _running: running })
    }

    /// Runs a search for a caller on the blocking pool once it has a slot (see `reserve`): the
    /// caller's texts are matched and quoted, never the texts the policy keeps from them.
    pub async fn search(&self, caller: &Caller, mut request: SearchRequest) -> Result<SearchResponse, AppError> {
        request.readable = policy::readable_text_levels(caller);
        let permit = self.reserve().await?;
        let index = Arc::clone(&self.index);
        let response = actix_web::web::block(move || {
            let _permit = permit;
            index.search(&request)
        })
        .await??;
        Ok(response)
    }

    /// Completions for a prefix, under the same cap.
    pub async fn suggest(&self, prefix: String, limit: usize) -> Result<Vec<Suggestion>, AppError> {
        let permit = self.reserve().await?;
        let index = Arc::clone(&self.index);
        let suggestions = actix_web::web::block(move || {
            let _permit = permit;
            index.suggest(&prefix, limit)
        })
        .await??;
        Ok(suggestions)
    }
}
