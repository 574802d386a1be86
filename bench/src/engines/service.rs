//! The service under test: over HTTP as clients use it (`/api/v1/search`, highlights and body
//! snippets included), and in process (the same index and query path without HTTP) as the floor.

use std::path::Path;
use std::sync::Arc;

use tieuchuan::db::{self, DatabaseUrl};
use tieuchuan::domain::AccessLevel;
use tieuchuan::search::{Abbreviations, SearchIndex, SearchRequest};
use tieuchuan::services::relevance::{self, JudgedQuery, RelevanceReport};
use tieuchuan::services::seed;

use crate::load::Client;

/// A client of the running service with one keep-alive connection.
pub struct HttpClient {
    agent: ureq::Agent,
    base: String,
}

impl HttpClient {
    pub fn boxed(base: &str) -> Result<Box<dyn Client>, String> {
        Ok(Box::new(HttpClient { agent: ureq::Agent::new_with_defaults(), base: base.to_string() }))
    }
}

impl Client for HttpClient {
    fn search(&mut self, query: &str) -> Result<usize, String> {
        let mut response = self
            .agent
            .get(format!("{}/api/v1/search", self.base))
            .query("q", query)
            .query("per_page", "10")
            .call()
            .map_err(|e| e.to_string())?;
        let text = response.body_mut().read_to_string().map_err(|e| e.to_string())?;
        let body: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        Ok(body["hits"].as_array().map_or(0, Vec::len))
    }
}

/// The index of a data directory, opened in this process.
pub fn open_index(data_dir: &Path) -> Result<Arc<SearchIndex>, String> {
    let pool = db::build_pool(&DatabaseUrl::Sqlite(data_dir.join("tieuchuan.db")), 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let abbreviations = Abbreviations::load(data_dir).map_err(|e| e.to_string())?;
    SearchIndex::open(data_dir, &mut conn, abbreviations).map(Arc::new).map_err(|e| e.to_string())
}

/// Searches the index directly, as the service's handler does.
pub struct InProcess {
    index: Arc<SearchIndex>,
}

impl InProcess {
    pub fn boxed(index: &Arc<SearchIndex>) -> Result<Box<dyn Client>, String> {
        Ok(Box::new(InProcess { index: Arc::clone(index) }))
    }
}

impl Client for InProcess {
    fn search(&mut self, query: &str) -> Result<usize, String> {
        // As an anonymous caller over HTTP: the public texts (every synthetic text is public).
        let request = SearchRequest {
            query: query.to_string(),
            page: 1,
            per_page: 10,
            readable: vec![AccessLevel::Public],
            ..SearchRequest::default()
        };
        self.index.search(&request).map(|response| response.hits.len()).map_err(|e| e.to_string())
    }
}

/// The judged queries through the service's search on the real catalogue (as `tieuchuan eval`).
pub fn relevance(dir: &Path, queries: &[JudgedQuery]) -> Result<RelevanceReport, String> {
    let pool = db::build_pool(&DatabaseUrl::Sqlite(dir.join("relevance.db")), 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    db::run_migrations(&mut conn).map_err(|e| e.to_string())?;
    let settings =
        tieuchuan::config::Settings { data_dir: dir.to_path_buf(), ..tieuchuan::config::Settings::default() };
    seed::seed_for(&mut conn, &settings).map_err(|e| e.to_string())?;
    let abbreviations = Abbreviations::load(dir).map_err(|e| e.to_string())?;
    let index = SearchIndex::in_memory(&mut conn, abbreviations).map_err(|e| e.to_string())?;
    relevance::evaluate(&index, queries).map_err(|e| e.to_string())
}
