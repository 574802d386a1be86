//! The engines compared: the service (over HTTP, and in process as the floor), SQLite FTS5 and
//! PostgreSQL full-text search; and the documents they are all loaded with.

pub mod fts5;
pub mod postgres;
pub mod service;

use std::path::Path;

use serde::Deserialize;
use tieuchuan::services::import::SEED_CATALOGUE;

/// A standard as every engine indexes it: its code, its words, and its text.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub code: String,
    /// Title (Vietnamese and English) and scope.
    pub title: String,
    pub body: String,
}

#[derive(Deserialize)]
struct Line {
    code: String,
    title_vi: String,
    title_en: Option<String>,
    scope_vi: Option<String>,
    text_file: Option<String>,
}

impl Line {
    fn into_doc(self, dir: Option<&Path>) -> Result<Doc, String> {
        let title = [Some(self.title_vi), self.title_en, self.scope_vi].into_iter().flatten().collect::<Vec<_>>();
        let body = match (dir, &self.text_file) {
            (Some(dir), Some(file)) => {
                std::fs::read_to_string(dir.join(file)).map_err(|e| format!("{}: {e}", dir.join(file).display()))?
            }
            _ => String::new(),
        };
        Ok(Doc { code: self.code, title: title.join(" "), body })
    }
}

/// Calls `each` with every document of a corpus written by `tieuchuan gen-corpus`.
pub fn read_corpus(dir: &Path, each: &mut dyn FnMut(Doc) -> Result<(), String>) -> Result<usize, String> {
    let path = dir.join("catalogue.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut count = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let line: Line = serde_json::from_str(line).map_err(|e| format!("{}: {e}", path.display()))?;
        each(line.into_doc(Some(dir))?)?;
        count += 1;
    }
    Ok(count)
}

/// The 371 real standards, without texts: what the judged queries are judged against.
pub fn real_catalogue() -> Result<Vec<Doc>, String> {
    SEED_CATALOGUE
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Line>(l).map_err(|e| e.to_string()).and_then(|line| line.into_doc(None)))
        .collect()
}

/// The words of a query as an engine without query understanding is given them: letters and
/// digits only, each quoted, all required.
pub fn quoted_words(query: &str) -> Vec<String> {
    query.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| format!("\"{w}\"")).collect()
}

/// Gives every document to the loader it is called with; returns how many.
pub type Source<'a> = dyn FnMut(&mut dyn FnMut(Doc) -> Result<(), String>) -> Result<usize, String> + 'a;

/// What loading an engine cost.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct BuildFigures {
    pub seconds: f64,
    pub bytes: u64,
}
