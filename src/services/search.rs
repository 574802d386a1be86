//! Searching as a service: off the async workers, behind a cap on concurrent searches that
//! answers 503 when saturated rather than queueing without bound.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;
use crate::search::suggest::Suggestion;
use crate::search::{SearchIndex, SearchRequest, SearchResponse};

/// The node's search index and the permits that cap concurrent searches.
#[derive(Clone)]
pub struct SearchService {
    index: Arc<SearchIndex>,
    permits: Arc<Semaphore>,
}

impl SearchService {
    /// Wraps the index with a cap of `concurrency` searches at once.
    pub fn new(index: Arc<SearchIndex>, concurrency: usize) -> SearchService {
        SearchService { index, permits: Arc::new(Semaphore::new(concurrency.max(1))) }
    }

    /// The index, for readiness and metrics.
    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    /// Takes one of the search slots, or refuses at once when all are busy.
    pub fn reserve(&self) -> Result<OwnedSemaphorePermit, AppError> {
        Arc::clone(&self.permits).try_acquire_owned().map_err(|_| AppError::Overloaded)
    }

    /// Runs a search on the blocking pool, or refuses at once when the cap is reached.
    pub async fn search(&self, request: SearchRequest) -> Result<SearchResponse, AppError> {
        let permit = self.reserve()?;
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
        let permit = self.reserve()?;
        let index = Arc::clone(&self.index);
        let suggestions = actix_web::web::block(move || {
            let _permit = permit;
            index.suggest(&prefix, limit)
        })
        .await??;
        Ok(suggestions)
    }
}
