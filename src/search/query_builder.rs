//! Ranking, as tantivy queries: exact code > series > title phrase > title terms > scope >
//! body; exact-diacritics matches over folded ones when the query has diacritics; adjacent
//! syllables rewarded as phrases; fuzzy matching for words the index does not know.
//! User text never reaches tantivy's query parser: every term is built here.

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::most_words::MostWordsQuery;
use super::schema::{SearchFields, exact_analyzer, facet, folded_analyzer, tokens};
use super::understanding::{ClueStrength, UnderstoodQuery};
use crate::domain::{AccessLevel, Kind, Status};

/// Filters of a search; `None` means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchFilters {
    pub kind: Option<Kind>,
    pub status: Option<Status>,
    pub issuer: Option<String>,
    pub field: Option<String>,
    pub year_from: Option<i64>,
    pub year_to: Option<i64>,
}

/// How loosely words must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Most words must match; fuzzy only for words the index does not know.
    Normal,
    /// One word is enough and every long word may be misspelt (when normal found nothing).
    Relaxed,
}

const MIN_FUZZY_CHARS: usize = 5;

/// The words of a query as the index analyses them.
#[derive(Debug, Clone, Default)]
pub struct QueryTerms {
    pub folded: Vec<String>,
    pub exact: Vec<String>,
    /// Each abbreviation's folded form with the folded words of one of its expansions.
    pub expansions: Vec<(String, Vec<String>)>,
    /// The same for expansions learned from the catalogue.
    pub learned: Vec<(String, Vec<String>)>,
}

impl QueryTerms {
    /// Analyses the words and expansions of an understood query.
    pub fn of(query: &UnderstoodQuery) -> QueryTerms {
        let (mut folded, mut exact) = (folded_analyzer(), exact_analyzer());
        let words = query.words.join(" ");
        QueryTerms {
            folded: tokens(&mut folded, &words),
            exact: if query.has_diacritics { tokens(&mut exact, &words) } else { Vec::new() },
            expansions: folded_expansions(&mut folded, &query.expansions),
            learned: folded_expansions(&mut folded, &query.learned),
        }
    }

    /// Every folded term that may be highlighted: the query's own words.
    pub fn highlightable(&self) -> Vec<String> {
        // Expansion words (`và`, `cháy`) marked one by one would mark half a page.
        self.folded.clone()
    }
}

fn folded_expansions(folded: &mut TextAnalyzer, expansions: &[(String, String)]) -> Vec<(String, Vec<String>)> {
    expansions
        .iter()
        .map(|(word, expansion)| (tokens(folded, word).concat(), tokens(folded, expansion)))
        .filter(|(_, words)| !words.is_empty())
        .collect()
}

/// The access levels of the texts whose words a search may match: those its caller may read
/// (`auth::policy::readable_text_levels`). Texts of other levels are neither matched nor counted
/// nor quoted, and do not tell a known word from an unknown one.
pub type Readable<'a> = &'a [AccessLevel];

/// Builds the whole query: what the user asked, under the filters, over the readable texts.
pub fn build(
    fields: &SearchFields,
    searcher: &Searcher,
    query: &UnderstoodQuery,
    terms: &QueryTerms,
    filters: &SearchFilters,
    strictness: Strictness,
    readable: Readable<'_>,
) -> Box<dyn Query> {
    let mut asked: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for clue in &query.codes {
        let weight = match clue.strength {
            ClueStrength::Exact => 1000.0,
            ClueStrength::Series => 400.0,
            ClueStrength::Fragment => 300.0,
            ClueStrength::Sibling => 60.0,
            ClueStrength::Number => 40.0,
        };
        asked.push((Occur::Should, constant(term_query(fields.code_terms, &clue.term), weight)));
    }
    if let Some(words) = word_query(fields, searcher, terms, strictness, readable) {
        asked.push((Occur::Should, words));
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !asked.is_empty() {
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(asked))));
        if let Some(kind) = query.kind_hint {
            let term = Term::from_facet(fields.facets, &facet("kind", kind.as_str()));
            clauses.push((Occur::Should, constant(Box::new(TermQuery::new(term, IndexRecordOption::Basic)), 3.0)));
        }
    } else {
        let filter_kind = filters.kind.or(query.kind_hint);
        return with_filters(fields, Box::new(AllQuery), &SearchFilters { kind: filter_kind, ..filters.clone() });
    }
    with_filters(fields, Box::new(BooleanQuery::new(clauses)), filters)
}

/// Words: each must match in some field (most of them must), phrases and exact forms add.
fn word_query(
    fields: &SearchFields,
    searcher: &Searcher,
    terms: &QueryTerms,
    strictness: Strictness,
    readable: Readable<'_>,
) -> Option<Box<dyn Query>> {
    if terms.folded.is_empty() {
        return None;
    }
    let mut per_word: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (index, word) in terms.folded.iter().enumerate() {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Should, boosted(term_query(fields.title, word), 3.0)),
            (Occur::Should, boosted(term_query(fields.title_en, word), 1.0)),
            (Occur::Should, boosted(term_query(fields.scope, word), 1.0)),
        ];
        for body in fields.readable_bodies(readable) {
            alternatives.push((Occur::Should, boosted(term_query(body.text, word), 0.5)));
        }
        if let Some(exact) = terms.exact.get(index).filter(|e| *e != word) {
            alternatives.push((Occur::Should, boosted(term_query(fields.title_exact, exact), 2.5)));
            alternatives.push((Occur::Should, boosted(term_query(fields.scope_exact, exact), 0.8)));
        }
        let unknown = is_unknown(searcher, fields, word, readable);
        if word.chars().count() >= MIN_FUZZY_CHARS && (unknown || strictness == Strictness::Relaxed) {
            let bodies = fields.readable_bodies(readable).map(|body| (body.text, 0.3));
            for (field, weight) in [(fields.title, 1.5), (fields.scope, 0.5)].into_iter().chain(bodies) {
                let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, word), 1, true);
                alternatives.push((Occur::Should, boosted(Box::new(fuzzy), weight)));
            }
        }
        // Compounds written as one word (`ôtô` for `ô tô`): the word joined to a neighbour.
        for joined in joined_neighbours(&terms.folded, index) {
            alternatives.push((Occur::Should, boosted(term_query(fields.title, &joined), 3.0)));
            alternatives.push((Occur::Should, boosted(term_query(fields.scope, &joined), 1.0)));
        }
        // An abbreviation matches its expansions, as an alternative of that word only.
        for (_, expansion) in terms.expansions.iter().filter(|(abbreviation, _)| abbreviation == word) {
            alternatives.push((Occur::Should, phrase_or_term(fields.title, expansion, 2.5)));
            alternatives.push((Occur::Should, phrase_or_term(fields.scope, expansion, 1.5)));
            for body in fields.readable_bodies(readable) {
                alternatives.push((Occur::Should, phrase_or_term(body.text, expansion, 0.8)));
            }
        }
        // A learned expansion matches too, below the word itself and the curated list.
        for (_, expansion) in terms.learned.iter().filter(|(abbreviation, _)| abbreviation == word) {
            alternatives.push((Occur::Should, phrase_or_term(fields.title, expansion, 1.2)));
            alternatives.push((Occur::Should, phrase_or_term(fields.scope, expansion, 0.6)));
        }
        per_word.push((Occur::Should, Box::new(BooleanQuery::new(alternatives))));
    }
    let required = match strictness {
        Strictness::Relaxed => 1,
        Strictness::Normal => required_words(per_word.len()),
    };
    // Every word required is an intersection, which seeks; "most of them" counts the words a
    // window of documents at a time (`most_words`); "any of them" is a union.
    let words: Box<dyn Query> = if required >= per_word.len() {
        Box::new(BooleanQuery::new(per_word.into_iter().map(|(_, q)| (Occur::Must, q)).collect()))
    } else if required > 1 {
        Box::new(MostWordsQuery::new(per_word.into_iter().map(|(_, q)| q).collect(), required))
    } else {
        Box::new(BooleanQuery::with_minimum_required_clauses(per_word, required))
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, words)];
    clauses.extend(proximity(fields, terms));
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// The word at `index` joined with the word before it and with the word after it.
fn joined_neighbours(words: &[String], index: usize) -> Vec<String> {
    let mut joined = Vec::new();
    if index > 0 {
        joined.push(format!("{}{}", words[index - 1], words[index]));
    }
    if let Some(next) = words.get(index + 1) {
        joined.push(format!("{}{next}", words[index]));
    }
    joined
}

/// The whole query as a phrase inside the readable texts (`chiều cao PCCC`), one query per access
/// level: exact form when the query has diacritics, else folded. Scored apart (see `searcher`),
/// because BM25 divides by a text's length against an average that counts every standard
/// without a text.
pub fn body_phrases(fields: &SearchFields, terms: &QueryTerms, readable: Readable<'_>) -> Vec<PhraseQuery> {
    let exact = terms.exact.len() >= 2;
    let words = if exact { &terms.exact } else { &terms.folded };
    if words.len() < 2 {
        return Vec::new();
    }
    fields
        .readable_bodies(readable)
        .map(|body| {
            let field = if exact { body.exact } else { body.text };
            PhraseQuery::new(words.iter().map(|w| Term::from_field_text(field, w)).collect())
        })
        .collect()
}

/// Two words: both; more: three in five.
fn required_words(count: usize) -> usize {
    if count <= 2 { count } else { (count * 3).div_ceil(5) }
}

/// The whole phrase and each pair of adjacent syllables, in the title and scope (Vietnamese
/// words are several space-separated syllables), in folded and exact forms.
fn proximity(fields: &SearchFields, terms: &QueryTerms) -> Vec<(Occur, Box<dyn Query>)> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (words, title, scope, weight) in
        [(&terms.folded, fields.title, fields.scope, 1.0), (&terms.exact, fields.title_exact, fields.scope_exact, 1.2)]
    {
        if words.len() < 2 {
            continue;
        }
        clauses.push((Occur::Should, phrase_or_term(title, words, 6.0 * weight)));
        if weight == 1.0 {
            clauses.push((Occur::Should, phrase_or_term(fields.title_head, words, 4.0)));
        }
        clauses.push((Occur::Should, phrase_or_term(scope, words, 2.0 * weight)));
        // A phrase of several words found as such inside a text is a strong sign: it is a term
        // of that text (`chiều cao PCCC`), not words scattered over a long document.
        for pair in words.windows(2) {
            clauses.push((Occur::Should, phrase_or_term(title, pair, 1.5 * weight)));
        }
    }
    clauses
}

fn with_filters(fields: &SearchFields, query: Box<dyn Query>, filters: &SearchFilters) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
    for (parent, value) in [
        ("kind", filters.kind.map(Kind::as_str)),
        ("status", filters.status.map(Status::as_str)),
        ("issuer", filters.issuer.as_deref()),
        ("field", filters.field.as_deref()),
    ] {
        if let Some(value) = value {
            let term = Term::from_facet(fields.facets, &facet(parent, value));
            clauses.push((Occur::Must, Box::new(TermQuery::new(term, IndexRecordOption::Basic))));
        }
    }
    if filters.year_from.is_some() || filters.year_to.is_some() {
        let bound = |year: Option<i64>| {
            year.map_or(Bound::Unbounded, |y| Bound::Included(Term::from_field_i64(fields.year, y)))
        };
        clauses.push((Occur::Must, Box::new(RangeQuery::new(bound(filters.year_from), bound(filters.year_to)))));
    }
    if clauses.len() == 1 {
        return clauses.remove(0).1;
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The long words the index does not know (in the titles, scopes and readable texts): likely
/// misspellings, matched fuzzily.
pub fn unknown_words(
    fields: &SearchFields,
    searcher: &Searcher,
    terms: &QueryTerms,
    readable: Readable<'_>,
) -> Vec<String> {
    terms
        .folded
        .iter()
        .filter(|w| w.chars().count() >= MIN_FUZZY_CHARS && is_unknown(searcher, fields, w, readable))
        .cloned()
        .collect()
}

fn is_unknown(searcher: &Searcher, fields: &SearchFields, word: &str, readable: Readable<'_>) -> bool {
    [fields.title, fields.scope]
        .into_iter()
        .chain(fields.readable_bodies(readable).map(|body| body.text))
        .all(|field| searcher.doc_freq(&Term::from_field_text(field, word)).unwrap_or(0) == 0)
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

fn phrase_or_term(field: Field, words: &[String], weight: f32) -> Box<dyn Query> {
    let query: Box<dyn Query> = if words.len() == 1 {
        term_query(field, &words[0])
    } else {
        Box::new(PhraseQuery::new(words.iter().map(|w| Term::from_field_text(field, w)).collect()))
    };
    boosted(query, weight)
}

fn boosted(query: Box<dyn Query>, weight: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, weight))
}

fn constant(query: Box<dyn Query>, score: f32) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, score))
}
