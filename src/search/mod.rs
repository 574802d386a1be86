//! Full-text search with tantivy, in process. The database is the source of truth: the index is
//! built from it, follows its change log, and can always be rebuilt (DESIGN §6).
//!
//! On disk, `DATA_DIR/index/CURRENT` names the live generation (`gen-…`); a rebuild writes a new
//! generation beside it and swaps `CURRENT`, so searches keep working during a rebuild.

pub mod abbreviations;
pub mod body_phrase;
pub mod collect;
pub mod document;
pub mod editions;
pub mod follower;
pub mod highlight;
pub mod indexer;
pub mod learned;
pub mod most_words;
pub mod newest_first;
pub mod query_builder;
pub mod schema;
pub mod searcher;
pub mod snippet;
pub mod suggest;
pub mod text_store;
pub mod understanding;

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

pub use abbreviations::Abbreviations;
pub use query_builder::SearchFilters;
use schema::{SearchFields, register_analyzers};
pub use searcher::{SearchRequest, SearchResponse};

/// Memory the single index writer may use before it flushes a segment.
const WRITER_MEMORY_BYTES: usize = 64 * 1024 * 1024;

/// Why the index cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("search index: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index: {0}")]
    Corrupt(String),
    #[error("search index: a lock was poisoned by a panic")]
    Poisoned,
}

impl From<SearchError> for crate::error::AppError {
    fn from(error: SearchError) -> Self {
        crate::error::AppError::Internal(error.to_string())
    }
}

/// One built index: its reader, its single writer, and the change-log position it reflects.
pub struct Generation {
    pub name: String,
    pub index: Index,
    pub reader: IndexReader,
    pub writer: Mutex<IndexWriter>,
    pub fields: SearchFields,
    pub applied_seq: AtomicI64,
    /// Per-segment ranking and facet tables (see `collect`).
    pub tables: collect::TableCache,
    /// The texts, outside the document store.
    pub texts: text_store::TextStore,
}

impl Generation {
    /// Wraps an opened index: registers analyzers, opens the reader and the writer.
    fn new(
        name: String,
        index: Index,
        texts: text_store::TextStore,
        applied_seq: i64,
    ) -> Result<Generation, SearchError> {
        register_analyzers(&index);
        let fields = SearchFields::of(&index.schema()).ok_or_else(|| SearchError::Corrupt("fields missing".into()))?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY_BYTES)?;
        Ok(Generation {
            name,
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            applied_seq: AtomicI64::new(applied_seq),
            tables: collect::TableCache::default(),
            texts,
        })
    }

    /// The change-log sequence this generation reflects.
    pub fn applied_seq(&self) -> i64 {
        self.applied_seq.load(Ordering::SeqCst)
    }
}

/// The search index of this node.
pub struct SearchIndex {
    /// `DATA_DIR/index`, or `None` for an index held in memory.
    root: Option<PathBuf>,
    generation: RwLock<Arc<Generation>>,
    abbreviations: Abbreviations,
}

impl SearchIndex {
    /// The live generation.
    pub fn generation(&self) -> Result<Arc<Generation>, SearchError> {
        self.generation.read().map(|g| Arc::clone(&g)).map_err(|_| SearchError::Poisoned)
    }

    /// The abbreviations expanded at query time.
    pub fn abbreviations(&self) -> &Abbreviations {
        &self.abbreviations
    }

    /// How many standards the live generation holds, and the change-log sequence it reflects.
    pub fn stats(&self) -> Result<(u64, i64), SearchError> {
        let generation = self.generation()?;
        Ok((generation.reader.searcher().num_docs(), generation.applied_seq()))
    }
}
