//! Search-as-you-type: codes by prefix (`qcvn 06 20` → QCVN 06:2022/BXD) and titles by
//! phrase prefix, with or without diacritics (`nuoc th` → nước thải ...).

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhrasePrefixQuery, Query, RegexQuery};
use tantivy::schema::Value;
use tantivy::{TantivyDocument, Term};
use utoipa::ToSchema;

use super::document::code_as_words;
use super::newest_first;
use super::schema::{folded_analyzer, tokens};
use super::searcher::tie_breaks;
use super::{SearchError, SearchIndex};
use crate::domain::text::normalize;

/// How many suggestions one keystroke gets at most.
pub const MAX_SUGGESTIONS: usize = 10;

/// One completion.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestion {
    pub code: String,
    pub slug: String,
    pub title_vi: String,
    pub status: String,
}

impl SearchIndex {
    /// Standards whose code or title starts like `prefix`, best first.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>, SearchError> {
        let generation = self.generation()?;
        let fields = &generation.fields;
        let text = normalize(prefix);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let code = code_as_words(&text);
        if !code.is_empty() {
            let pattern = format!("{}.*", regex_escape(&code));
            let by_code = RegexQuery::from_pattern(&pattern, fields.code_words)?;
            clauses.push((Occur::Should, Box::new(ConstScoreQuery::new(Box::new(by_code), 100.0))));
        }
        let words = tokens(&mut folded_analyzer(), &text);
        if !words.is_empty() {
            let terms: Vec<Term> = words.iter().map(|w| Term::from_field_text(fields.title, w)).collect();
            let mut by_title = PhrasePrefixQuery::new(terms);
            by_title.set_max_expansions(50);
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(by_title), 1.0))));
        }
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = generation.reader.searcher();
        let top = TopDocs::with_limit(limit.clamp(1, MAX_SUGGESTIONS)).tweak_score(tie_breaks);
        let mut found = searcher.search(&BooleanQuery::new(clauses), &top)?;
        newest_first::reorder(&searcher, &mut found);
        found
            .into_iter()
            .map(|(_, address)| {
                let doc: TantivyDocument = searcher.doc(address)?;
                let text =
                    |field| doc.get_first(field).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                Ok(Suggestion {
                    code: text(fields.code),
                    slug: text(fields.slug),
                    title_vi: text(fields.title),
                    status: text(fields.status),
                })
            })
            .collect()
    }
}

/// Escapes the characters tantivy's regex syntax gives a meaning to (the input is already
/// reduced to lowercase letters, digits and spaces, but stay safe).
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            out.push('\\');
            out.push(c);
        }
    }
    out
}
