//! The body-phrase bonus: a standard whose readable text holds the whole query as a phrase (`chiều cao
//! PCCC`) moves up. It is checked only for the top candidates of the ranking, not for every
//! text in the index: matching positions in thousands of long texts costs more than the rest of a
//! search together.

use tantivy::query::{EnableScoring, PhraseQuery, Query};
use tantivy::{DocAddress, DocSet, Score, Searcher, TERMINATED};

use super::SearchError;
use super::query_builder::{self, QueryTerms, Readable};
use super::schema::SearchFields;
use super::searcher::tie_breaks;

/// Candidates from the top of the ranking that the bonus may reorder.
pub const DEPTH: usize = 100;

/// What finding the whole query as a phrase inside a standard's text adds to its score (before
/// the status and recency factors, like every other part of the score).
const BONUS: Score = 80.0;

/// Adds the bonus to the candidates whose text holds the phrase, and sorts them again.
pub fn rerank(
    searcher: &Searcher,
    fields: &SearchFields,
    terms: &QueryTerms,
    readable: Readable<'_>,
    mut ranked: Vec<(Score, DocAddress)>,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    let phrases = query_builder::body_phrases(fields, terms, readable);
    if phrases.is_empty() {
        return Ok(ranked);
    }
    let mut matches = vec![false; ranked.len()];
    for phrase in &phrases {
        for (any, matched) in matches.iter_mut().zip(phrase_matches(searcher, phrase, &ranked)?) {
            *any |= matched;
        }
    }
    for ((score, address), matched) in ranked.iter_mut().zip(matches) {
        if matched {
            let factor = tie_breaks(searcher.segment_reader(address.segment_ord))(address.doc_id, 1.0);
            *score += BONUS * factor;
        }
    }
    // Stable: equal scores keep the ranking's order.
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(ranked)
}

/// For each candidate, whether its text holds the phrase: one scorer per segment, sought to the
/// candidates in increasing order.
fn phrase_matches(
    searcher: &Searcher,
    phrase: &PhraseQuery,
    ranked: &[(Score, DocAddress)],
) -> Result<Vec<bool>, SearchError> {
    let weight = phrase.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut matched = vec![false; ranked.len()];
    let mut order: Vec<usize> = (0..ranked.len()).collect();
    order.sort_by_key(|i| ranked[*i].1);
    let mut current: Option<(u32, Box<dyn tantivy::query::Scorer>)> = None;
    for i in order {
        let address = ranked[i].1;
        if current.as_ref().is_none_or(|(segment, _)| *segment != address.segment_ord) {
            let scorer = weight.scorer(searcher.segment_reader(address.segment_ord), 1.0)?;
            current = Some((address.segment_ord, scorer));
        }
        let Some((_, scorer)) = current.as_mut() else { continue };
        let mut doc = scorer.doc();
        if doc != TERMINATED && doc < address.doc_id {
            doc = scorer.seek(address.doc_id);
        }
        matched[i] = doc == address.doc_id;
    }
    Ok(matched)
}
