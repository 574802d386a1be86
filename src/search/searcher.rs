//! Running a search: understand the query, build it, collect hits (with status and recency as
//! tie-breaks), facet counts and highlights.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;
use tantivy::schema::{Field, Value};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, TantivyDocument};
use utoipa::ToSchema;

use super::collect::RankCollector;
use super::highlight::{MarkTerms, mark};
use super::query_builder::{self, QueryTerms, SearchFilters, Strictness};
use super::schema::{BodyFields, SearchFields};
use super::snippet::body_snippet;
use super::text_store::{StoredText, TextStore};
use super::understanding::understand;
use super::{SearchError, SearchIndex, body_phrase, newest_first};
use crate::domain::AccessLevel;

/// A search as the service runs it (already validated). `readable` are the access levels of the
/// texts the caller may read (see `query_builder::Readable`); none by default.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    pub filters: SearchFilters,
    pub page: u32,
    pub per_page: u32,
    pub readable: Vec<AccessLevel>,
}

/// The parts of a hit with the query's words marked, as HTML (original diacritics kept).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Highlight {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_vi: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope_vi: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The heading of the section the body snippet comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

/// One standard found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    pub code: String,
    pub slug: String,
    pub kind: String,
    pub title_vi: String,
    pub title_en: Option<String>,
    pub status: String,
    pub year: Option<i64>,
    pub issuer_code: Option<String>,
    pub field: Option<String>,
    pub score: f32,
    pub highlight: Highlight,
}

/// Counts of the matching standards by value, per facet.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Facets {
    pub kind: BTreeMap<String, u64>,
    pub status: BTreeMap<String, u64>,
    pub issuer: BTreeMap<String, u64>,
    pub field: BTreeMap<String, u64>,
    pub year: BTreeMap<String, u64>,
}

/// The answer of `GET /api/v1/search`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResponse {
    pub query: String,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    /// Time spent searching, in milliseconds.
    pub took_ms: f64,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
}

impl SearchIndex {
    /// Runs a search. When most words must match and nothing does, it retries with any word
    /// and fuzzy matching of every long word.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse, SearchError> {
        let started = Instant::now();
        let generation = self.generation()?;
        let searcher = generation.reader.searcher();
        let fields = &generation.fields;
        let understood = understand(&request.query, self.abbreviations());
        let terms = QueryTerms::of(&understood);
        let offset = (request.page.saturating_sub(1) as usize) * request.per_page as usize;
        let depth = offset + request.per_page as usize;
        // Within the window, editions are reordered newest first, so the window starts at the top.
        let reorder = !understood.names_an_edition() && depth <= newest_first::WINDOW;
        let live: Vec<_> = searcher.segment_readers().iter().map(|segment| segment.segment_id()).collect();
        generation.tables.retain(&live);
        let mut found = None;
        for strictness in [Strictness::Normal, Strictness::Relaxed] {
            let query = query_builder::build(
                fields,
                &searcher,
                &understood,
                &terms,
                &request.filters,
                strictness,
                &request.readable,
            );
            let collector = RankCollector { limit: depth.max(body_phrase::DEPTH), cache: &generation.tables };
            let outcome = searcher.search(&query, &collector)?;
            let retry = outcome.1 == 0 && strictness == Strictness::Normal && !terms.folded.is_empty();
            found = Some(outcome);
            if !retry {
                break;
            }
        }
        let (top, total, facet_counts) = found.ok_or_else(|| SearchError::Corrupt("no search ran".into()))?;
        let mut top = body_phrase::rerank(&searcher, fields, &terms, &request.readable, top)?;
        top.truncate(depth);
        if reorder {
            newest_first::reorder(&searcher, &mut top);
        }
        top.drain(..offset.min(top.len()));
        let marked = MarkTerms {
            folded: terms.highlightable().into_iter().collect(),
            exact: terms.exact.iter().cloned().collect(),
            misspelt: query_builder::unknown_words(fields, &searcher, &terms, &request.readable),
        };
        let hits = top
            .into_iter()
            .map(|(score, address)| {
                let doc = searcher.doc(address)?;
                let snippet = fields.readable_bodies(&request.readable).find_map(|body| {
                    let text = stored_text(&searcher, &generation.texts, body, address)?;
                    body_snippet(body, &doc, &text, &marked)
                });
                Ok(hit(fields, &doc, snippet, score, &marked))
            })
            .collect::<Result<Vec<_>, SearchError>>()?;
        let mut facets = Facets::default();
        for ((parent, value), count) in facet_counts {
            let counts = match parent.as_str() {
                "kind" => &mut facets.kind,
                "status" => &mut facets.status,
                "issuer" => &mut facets.issuer,
                "field" => &mut facets.field,
                "year" => &mut facets.year,
                _ => continue,
            };
            counts.insert(value, count);
        }
        Ok(SearchResponse {
            query: request.query.clone(),
            total: total as u64,
            page: request.page,
            per_page: request.per_page,
            took_ms: (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
            hits,
            facets,
        })
    }
}

/// Status (in force above unknown above an older edition above replaced) and recency break
/// ties and weigh on near-ties, so that `TCVN 2737` lists 2737:2023 before 2737:1995 and a
/// current standard outranks a superseded one with a similar title.
pub(super) fn tie_breaks(segment: &SegmentReader) -> impl Fn(DocId, Score) -> Score + use<> {
    let currency = segment.fast_fields().u64("currency").ok().map(|c| c.first_or_default_col(0));
    let year = segment.fast_fields().i64("year").ok().map(|c| c.first_or_default_col(0));
    move |doc: DocId, score: Score| {
        let currency = currency.as_ref().map_or(0, |c| c.get_val(doc));
        let year = year.as_ref().map_or(0, |c| c.get_val(doc));
        score * currency_factor(currency) * recency_factor(year)
    }
}

/// See `search::document::currency`.
fn currency_factor(currency: u64) -> Score {
    match currency {
        0 => 0.9,
        1 | 2 => 1.0,
        3 => 1.2,
        _ => 1.25,
    }
}

/// +0.3 % a year since 1980: newer standards are what officials apply.
fn recency_factor(year: i64) -> Score {
    1.0 + 0.003 * (year - 1980).clamp(0, 60) as Score
}

fn text(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field).and_then(|v| v.as_str().map(str::to_string))
}

fn hit(
    fields: &SearchFields,
    doc: &TantivyDocument,
    snippet: Option<(String, Option<String>)>,
    score: Score,
    marked: &MarkTerms,
) -> SearchHit {
    let title = text(doc, fields.title).unwrap_or_default();
    let scope = text(doc, fields.scope);
    SearchHit {
        code: text(doc, fields.code).unwrap_or_default(),
        slug: text(doc, fields.slug).unwrap_or_default(),
        kind: text(doc, fields.kind).unwrap_or_default(),
        title_en: text(doc, fields.title_en),
        status: text(doc, fields.status).unwrap_or_default(),
        year: doc.get_first(fields.year).and_then(|v| v.as_i64()),
        issuer_code: text(doc, fields.issuer_code),
        field: text(doc, fields.subject),
        score: (score * 1000.0).round() / 1000.0,
        highlight: {
            let (body, section) = snippet.unzip();
            Highlight {
                title_vi: mark(&title, marked),
                scope_vi: scope.as_deref().and_then(|s| mark(s, marked)),
                body,
                section: section.flatten(),
            }
        },
        title_vi: title,
    }
}

/// Where a hit's text of one access level is in the generation's text store, when it has one.
fn stored_text<'a>(
    searcher: &Searcher,
    texts: &'a TextStore,
    body: &BodyFields,
    address: DocAddress,
) -> Option<StoredText<'a>> {
    let schema = searcher.schema();
    let fast = searcher.segment_reader(address.segment_ord).fast_fields();
    let offset = fast.u64(schema.get_field_name(body.offset)).ok()?.first(address.doc_id)?;
    let len = fast.u64(schema.get_field_name(body.len)).ok()?.first(address.doc_id)?;
    Some(StoredText { store: texts, offset, len: usize::try_from(len).ok()? })
}

/// Searches run by the relevance harness and the tests share this helper.
pub fn top_codes(index: &SearchIndex, query: &str, limit: u32) -> Result<Vec<String>, SearchError> {
    let request = SearchRequest {
        query: query.to_string(),
        page: 1,
        per_page: limit,
        readable: AccessLevel::ALL.to_vec(),
        ..SearchRequest::default()
    };
    Ok(index.search(&request)?.hits.into_iter().map(|h| h.code).collect())
}
