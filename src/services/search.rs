//! Searching as a service: off the async workers, behind a gate (a cap on concurrent searches with a
//! short bounded queue): a burst waits its turn, sustained overload is answered 503.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::{Caller, policy};
use crate::domain::text::normalize_typed;
use crate::error::AppError;
use crate::search::suggest::Suggestion;
use crate::search::{SearchIndex, SearchRequest, SearchResponse};
use crate::services::gate::{Gate, Slot};

/// How long a queued search waits for a slot before it is refused.
const QUEUE_WAIT: Duration = Duration::from_secs(2);

/// The node's search index and the gate that caps concurrent searches.
#[derive(Clone)]
pub struct SearchService {
    index: Arc<SearchIndex>,
    gate: Gate,
}

impl SearchService {
    /// Wraps the index with a cap of `concurrency` searches at once and `queue` more waiting.
    pub fn new(index: Arc<SearchIndex>, concurrency: usize, queue: usize) -> SearchService {
        SearchService { index, gate: Gate::new(concurrency, queue, QUEUE_WAIT) }
    }

    /// Takes a search slot (waiting in the queue when all are busy), as a search does.
    pub async fn reserve(&self) -> Result<Slot, AppError> {
        self.gate.reserve().await
    }

    /// The index, for readiness and metrics.
    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    /// Runs a search for a caller on the blocking pool once it has a slot (see `reserve`): the
    /// caller's texts are matched and quoted, never the texts the policy keeps from them.
    pub async fn search(&self, caller: &Caller, mut request: SearchRequest) -> Result<SearchResponse, AppError> {
        request.readable = policy::readable_text_levels(caller);
        request.query = normalize_typed(&request.query);
        let index = Arc::clone(&self.index);
        self.gate.run(move || Ok(index.search(&request)?)).await
    }

    /// Completions for a prefix, under the same cap.
    pub async fn suggest(&self, prefix: String, limit: usize) -> Result<Vec<Suggestion>, AppError> {
        let index = Arc::clone(&self.index);
        let prefix = normalize_typed(&prefix);
        self.gate.run(move || Ok(index.suggest(&prefix, limit)?)).await
    }
}
