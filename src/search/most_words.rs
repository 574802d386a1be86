//! "Most of the words": the documents that match at least `required` of a query's words, scored by
//! the sum of the words they match. tantivy answers this with a heap-based disjunction that pops
//! and pushes every word at every document; when the words are in thousands of texts, that heap
//! was a quarter of a search. This scorer counts and sums a window of 4,096 documents at a time in
//! plain arrays instead, as tantivy's own union does for "any word".

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

const HORIZON: u32 = 4_096;

/// At least `required` of the word queries.
#[derive(Debug)]
pub struct MostWordsQuery {
    words: Vec<Box<dyn Query>>,
    required: usize,
}

impl MostWordsQuery {
    pub fn new(words: Vec<Box<dyn Query>>, required: usize) -> MostWordsQuery {
        MostWordsQuery { words, required: required.max(1) }
    }
}

impl Clone for MostWordsQuery {
    fn clone(&self) -> Self {
        MostWordsQuery { words: self.words.iter().map(|q| q.box_clone()).collect(), required: self.required }
    }
}

impl Query for MostWordsQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let words = self.words.iter().map(|q| q.weight(enable_scoring)).collect::<tantivy::Result<_>>()?;
        Ok(Box::new(MostWordsWeight { words, required: self.required }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for word in &self.words {
            word.query_terms(visitor);
        }
    }
}

struct MostWordsWeight {
    words: Vec<Box<dyn Weight>>,
    required: usize,
}

impl Weight for MostWordsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let words = self.words.iter().map(|w| w.scorer(reader, boost)).collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(MostWordsScorer::new(words, self.required)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        Ok(Explanation::new("sum of the words matched (most of the query's words)", scorer.score()))
    }
}

/// Walks the words a window at a time: counts and score sums per document of the window, then
/// the documents with enough words, in order.
pub struct MostWordsScorer {
    words: Vec<Box<dyn Scorer>>,
    required: u32,
    window_start: DocId,
    counts: Vec<u32>,
    scores: Vec<Score>,
    /// Offsets in the window of the documents that match, ascending.
    found: Vec<u32>,
    cursor: usize,
    doc: DocId,
}

impl MostWordsScorer {
    fn new(words: Vec<Box<dyn Scorer>>, required: usize) -> MostWordsScorer {
        let mut scorer = MostWordsScorer {
            words,
            required: u32::try_from(required).unwrap_or(u32::MAX),
            window_start: 0,
            counts: vec![0; HORIZON as usize],
            scores: vec![0.0; HORIZON as usize],
            found: Vec::new(),
            cursor: 0,
            doc: TERMINATED,
        };
        scorer.refill();
        scorer
    }

    /// Fills the next window that holds a match and stands on its first; TERMINATED when the words
    /// are exhausted.
    fn refill(&mut self) -> DocId {
        loop {
            let start = self.words.iter().map(|w| w.doc()).min().unwrap_or(TERMINATED);
            if start == TERMINATED {
                self.doc = TERMINATED;
                return TERMINATED;
            }
            let end = start.saturating_add(HORIZON);
            self.counts.fill(0);
            self.scores.fill(0.0);
            for word in &mut self.words {
                let mut doc = word.doc();
                while doc < end {
                    let offset = (doc - start) as usize;
                    self.counts[offset] += 1;
                    self.scores[offset] += word.score();
                    doc = word.advance();
                }
            }
            self.found.clear();
            let required = self.required;
            self.found.extend((0..HORIZON).filter(|offset| self.counts[*offset as usize] >= required));
            self.window_start = start;
            self.cursor = 0;
            if let Some(first) = self.found.first() {
                self.doc = start + first;
                return self.doc;
            }
        }
    }
}

impl DocSet for MostWordsScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.cursor += 1;
        match self.found.get(self.cursor) {
            Some(offset) => {
                self.doc = self.window_start + offset;
                self.doc
            }
            None => self.refill(),
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if target < self.window_start.saturating_add(HORIZON) {
            while let Some(offset) = self.found.get(self.cursor) {
                if self.window_start + offset >= target {
                    self.doc = self.window_start + offset;
                    return self.doc;
                }
                self.cursor += 1;
            }
        } else {
            for word in &mut self.words {
                if word.doc() < target {
                    word.seek(target);
                }
            }
        }
        self.refill()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.words.iter().map(|w| w.size_hint()).max().unwrap_or(0)
    }
}

impl Scorer for MostWordsScorer {
    fn score(&mut self) -> Score {
        match self.doc.checked_sub(self.window_start) {
            Some(offset) if self.doc != TERMINATED => self.scores.get(offset as usize).copied().unwrap_or(0.0),
            _ => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    use super::*;

    #[test]
    fn matches_and_scores_as_a_minimum_match_boolean_query_does() {
        let mut builder = Schema::builder();
        let text = builder.add_text_field("text", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 20_000_000).expect("writer");
        let vocabulary = ["nuoc", "thai", "chay", "nha", "khoang"];
        // 10,000 documents, so windows, gaps and seeks past a window all happen.
        for i in 0..10_000usize {
            let words: Vec<&str> = vocabulary
                .iter()
                .enumerate()
                .filter(|(w, _)| (i * 7 + w * 3) % (w + 2) == 0)
                .map(|(_, v)| *v)
                .collect();
            let mut doc = TantivyDocument::default();
            doc.add_text(text, words.join(" "));
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let words = |n: usize| -> Vec<Box<dyn Query>> {
            vocabulary[..n]
                .iter()
                .map(|w| {
                    Box::new(TermQuery::new(Term::from_field_text(text, w), IndexRecordOption::WithFreqs))
                        as Box<dyn Query>
                })
                .collect()
        };
        for (n, required) in [(3, 2), (4, 3), (5, 3), (5, 4)] {
            let ours = MostWordsQuery::new(words(n), required);
            let theirs = BooleanQuery::with_minimum_required_clauses(
                words(n).into_iter().map(|q| (Occur::Should, q)).collect(),
                required,
            );
            let top = TopDocs::with_limit(20_000).order_by_score();
            let (mut a, mut b) =
                (searcher.search(&ours, &top).expect("ours"), searcher.search(&theirs, &top).expect("theirs"));
            a.sort_by_key(|(_, address)| *address);
            b.sort_by_key(|(_, address)| *address);
            assert_eq!(a.len(), b.len(), "{required} of {n}");
            assert!(a.len() > 100 && a.len() < 10_000, "{required} of {n}: {} documents", a.len());
            for ((score_a, doc_a), (score_b, doc_b)) in a.iter().zip(&b) {
                assert_eq!(doc_a, doc_b);
                assert!((score_a - score_b).abs() < 1e-4, "{score_a} vs {score_b}");
            }
            assert_eq!(ours.count(&searcher).expect("count"), theirs.count(&searcher).expect("count"));
            // Inside an intersection the scorer is sought, not walked.
            let filtered = |q: Box<dyn Query>| {
                let filter = TermQuery::new(Term::from_field_text(text, "khoang"), IndexRecordOption::Basic);
                BooleanQuery::new(vec![(Occur::Must, q), (Occur::Must, Box::new(filter) as Box<dyn Query>)])
            };
            let ours = filtered(Box::new(MostWordsQuery::new(words(n), required)));
            let theirs = filtered(Box::new(BooleanQuery::with_minimum_required_clauses(
                words(n).into_iter().map(|q| (Occur::Should, q)).collect(),
                required,
            )));
            assert_eq!(
                ours.count(&searcher).expect("count"),
                theirs.count(&searcher).expect("count"),
                "{required} of {n}"
            );
        }
    }
}
