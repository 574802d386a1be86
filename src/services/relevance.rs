//! The relevance harness: runs judged queries through the search path and computes nDCG@10,
//! MRR and code-top1, overall and per query type (`../shared/eval/README.md`).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::domain::CanonicalCode;
use crate::search::searcher::top_codes;
use crate::search::{SearchError, SearchIndex};

/// Hits judged per query.
pub const CUTOFF: usize = 10;

/// One judged query: `{"id", "type", "q", "rel": {code: grade}}`.
#[derive(Debug, Clone, Deserialize)]
pub struct JudgedQuery {
    pub id: String,
    #[serde(rename = "type")]
    pub query_type: String,
    pub q: String,
    pub rel: BTreeMap<String, u8>,
}

/// How one query fared.
#[derive(Debug, Clone)]
pub struct QueryOutcome {
    pub query: JudgedQuery,
    pub ndcg: f64,
    pub reciprocal_rank: f64,
    /// For code queries: whether the first hit is a top-graded code.
    pub top1: Option<bool>,
    pub hits: Vec<String>,
}

/// Averages over a set of queries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub queries: usize,
    pub ndcg: f64,
    pub mrr: f64,
    pub code_top1: Option<f64>,
}

/// The whole run.
#[derive(Debug, Clone)]
pub struct RelevanceReport {
    pub overall: Figures,
    pub by_type: BTreeMap<String, Figures>,
    pub outcomes: Vec<QueryOutcome>,
}

/// Reads a JSON Lines file of judged queries; errors name the line.
pub fn parse_judged(text: &str) -> Result<Vec<JudgedQuery>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// Runs every query and scores it.
pub fn evaluate(index: &SearchIndex, queries: &[JudgedQuery]) -> Result<RelevanceReport, SearchError> {
    evaluate_with(queries, |q| top_codes(index, q, CUTOFF as u32))
}

/// Runs every query through any engine that answers with ranked codes (the benchmark's peers too).
pub fn evaluate_with<E>(
    queries: &[JudgedQuery],
    mut search: impl FnMut(&str) -> Result<Vec<String>, E>,
) -> Result<RelevanceReport, E> {
    let mut outcomes = Vec::with_capacity(queries.len());
    for query in queries {
        outcomes.push(score(query, search(&query.q)?));
    }
    let overall = average(outcomes.iter());
    let mut types: Vec<&str> = outcomes.iter().map(|o| o.query.query_type.as_str()).collect();
    types.sort();
    types.dedup();
    let by_type = types
        .into_iter()
        .map(|t| (t.to_string(), average(outcomes.iter().filter(|o| o.query.query_type == t))))
        .collect();
    Ok(RelevanceReport { overall, by_type, outcomes })
}

/// Codes compare by key, so that `QCVN 5:2023/BTNMT` is `QCVN 05:2023/BTNMT`.
fn same_code(a: &str, b: &str) -> bool {
    match (CanonicalCode::parse(a), CanonicalCode::parse(b)) {
        (Ok(a), Ok(b)) => a.key() == b.key(),
        _ => a == b,
    }
}

fn grade(query: &JudgedQuery, code: &str) -> u8 {
    query.rel.iter().find(|(judged, _)| same_code(judged, code)).map_or(0, |(_, g)| *g)
}

/// nDCG@10 with gain 2^grade − 1 and discount log2(rank + 1); MRR of the first top-graded hit.
pub fn score(query: &JudgedQuery, hits: Vec<String>) -> QueryOutcome {
    let gain = |g: u8| f64::from((1u32 << g) - 1);
    let discount = |rank: usize| ((rank + 1) as f64).log2();
    let dcg: f64 =
        hits.iter().take(CUTOFF).enumerate().map(|(i, code)| gain(grade(query, code)) / discount(i + 1)).sum();
    let mut ideal: Vec<u8> = query.rel.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal.iter().take(CUTOFF).enumerate().map(|(i, g)| gain(*g) / discount(i + 1)).sum();
    let best = ideal.first().copied().unwrap_or(0);
    let first_best = hits.iter().take(CUTOFF).position(|code| best > 0 && grade(query, code) == best);
    let top1 =
        (query.query_type == "code").then(|| hits.first().is_some_and(|code| best > 0 && grade(query, code) == best));
    QueryOutcome {
        query: query.clone(),
        ndcg: if idcg > 0.0 { dcg / idcg } else { 0.0 },
        reciprocal_rank: first_best.map_or(0.0, |p| 1.0 / (p + 1) as f64),
        top1,
        hits,
    }
}

fn average<'a>(outcomes: impl Iterator<Item = &'a QueryOutcome>) -> Figures {
    let outcomes: Vec<&QueryOutcome> = outcomes.collect();
    let n = outcomes.len().max(1) as f64;
    let code: Vec<bool> = outcomes.iter().filter_map(|o| o.top1).collect();
    Figures {
        queries: outcomes.len(),
        ndcg: outcomes.iter().map(|o| o.ndcg).sum::<f64>() / n,
        mrr: outcomes.iter().map(|o| o.reciprocal_rank).sum::<f64>() / n,
        code_top1: (!code.is_empty()).then(|| code.iter().filter(|ok| **ok).count() as f64 / code.len() as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(rel: &[(&str, u8)]) -> JudgedQuery {
        JudgedQuery {
            id: "t".into(),
            query_type: "code".into(),
            q: "q".into(),
            rel: rel.iter().map(|(c, g)| (c.to_string(), *g)).collect(),
        }
    }

    #[test]
    fn a_perfect_ranking_scores_one_and_codes_compare_by_key() {
        let outcome = score(&judged(&[("QCVN 05:2023/BTNMT", 3)]), vec!["QCVN 5:2023/BTNMT".into()]);
        assert_eq!((outcome.ndcg, outcome.reciprocal_rank, outcome.top1), (1.0, 1.0, Some(true)));
    }

    #[test]
    fn the_wanted_answer_second_scores_as_the_metric_defines() {
        let outcome =
            score(&judged(&[("A 1:2000", 3), ("B 1:2000", 2)]), vec!["TCVN 9:2000".into(), "TCVN 1:2000".into()]);
        assert_eq!(outcome.reciprocal_rank, 0.0, "neither judged code was found");
        let query = judged(&[("TCVN 1:2000", 3), ("TCVN 2:2000", 2)]);
        let outcome = score(&query, vec!["TCVN 2:2000".into(), "TCVN 1:2000".into()]);
        let expected = (3.0 + 7.0 / 3f64.log2()) / (7.0 + 3.0 / 3f64.log2());
        assert!((outcome.ndcg - expected).abs() < 1e-9);
        assert_eq!((outcome.reciprocal_rank, outcome.top1), (0.5, Some(false)));
    }
}
