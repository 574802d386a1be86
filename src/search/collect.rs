//! One pass over the matching standards for the top of the ranking (score × status and recency
//! factors), the total and the facet counts, from tables built once per segment: a search that
//! matches every text visits thousands of documents, and reading fast-field columns for each of
//! them cost more than the rest.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::FACET_PARENTS;
use super::searcher::tie_breaks;

/// Facet values a document has at most (one under each parent).
const SLOTS: usize = FACET_PARENTS.len();
const NONE: u32 = u32::MAX;

/// What a segment's documents weigh and which facet values they have.
pub struct SegmentTables {
    factors: Vec<Score>,
    facet_ords: Vec<[u32; SLOTS]>,
    /// Per facet ordinal of the segment: the parent (`kind`) and the value (`TCVN`).
    facet_values: Vec<Option<(String, String)>>,
}

impl SegmentTables {
    fn build(segment: &SegmentReader) -> tantivy::Result<SegmentTables> {
        let tie_break = tie_breaks(segment);
        let max_doc = segment.max_doc();
        let factors = (0..max_doc).map(|doc| tie_break(doc, 1.0)).collect();
        let reader = segment.facet_reader("facets")?;
        let mut facet = Facet::root();
        let mut facet_values = Vec::with_capacity(reader.num_facets());
        for ord in 0..reader.num_facets() as u64 {
            reader.facet_from_ord(ord, &mut facet)?;
            let path = facet.to_path();
            facet_values.push(match path.as_slice() {
                [parent, value] => Some(((*parent).to_string(), (*value).to_string())),
                _ => None,
            });
        }
        let facet_ords = (0..max_doc)
            .map(|doc| {
                let mut slots = [NONE; SLOTS];
                for (slot, ord) in slots.iter_mut().zip(reader.facet_ords(doc)) {
                    *slot = u32::try_from(ord).unwrap_or(NONE);
                }
                slots
            })
            .collect();
        Ok(SegmentTables { factors, facet_ords, facet_values })
    }
}

/// Tables of the segments searched so far, kept while their segments are.
#[derive(Default)]
pub struct TableCache {
    tables: Mutex<HashMap<SegmentId, Arc<SegmentTables>>>,
}

impl TableCache {
    fn get(&self, segment: &SegmentReader) -> tantivy::Result<Arc<SegmentTables>> {
        let id = segment.segment_id();
        if let Some(tables) = self.tables.lock().ok().and_then(|t| t.get(&id).cloned()) {
            return Ok(tables);
        }
        let tables = Arc::new(SegmentTables::build(segment)?);
        if let Ok(mut cache) = self.tables.lock() {
            cache.insert(id, Arc::clone(&tables));
        }
        Ok(tables)
    }

    /// Forgets the segments no longer in the index (merged away).
    pub fn retain(&self, live: &[SegmentId]) {
        if let Ok(mut cache) = self.tables.lock() {
            cache.retain(|id, _| live.contains(id));
        }
    }
}

/// Facet counts by parent and value.
pub type FacetCounts = HashMap<(String, String), u64>;

/// The best `limit` documents by tweaked score, the number of matches, and facet counts.
pub struct RankCollector<'a> {
    pub limit: usize,
    pub cache: &'a TableCache,
}

/// A candidate in the heap: the worst on top, so it is the one replaced.
#[derive(PartialEq)]
pub struct Candidate(Score, DocAddress);

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        // Higher score is better; on a tie the earlier document is better (as TopDocs).
        other.0.total_cmp(&self.0).then_with(|| self.1.cmp(&other.1))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The collector of one segment.
pub struct RankSegment {
    segment: SegmentOrdinal,
    limit: usize,
    tables: Arc<SegmentTables>,
    heap: BinaryHeap<Candidate>,
    count: usize,
    facet_counts: Vec<u64>,
}

impl Collector for RankCollector<'_> {
    type Fruit = (Vec<(Score, DocAddress)>, usize, FacetCounts);
    type Child = RankSegment;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<RankSegment> {
        let tables = self.cache.get(reader)?;
        let facet_counts = vec![0; tables.facet_values.len()];
        Ok(RankSegment {
            segment,
            limit: self.limit,
            tables,
            heap: BinaryHeap::with_capacity(self.limit + 1),
            count: 0,
            facet_counts,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<<RankSegment as SegmentCollector>::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut heap = BinaryHeap::with_capacity(self.limit + 1);
        let (mut count, mut facets) = (0, FacetCounts::new());
        for (candidates, segment_count, segment_facets) in fruits {
            count += segment_count;
            for (key, n) in segment_facets {
                *facets.entry(key).or_default() += n;
            }
            for candidate in candidates {
                push(&mut heap, self.limit, candidate);
            }
        }
        Ok((ranked(heap), count, facets))
    }
}

fn push(heap: &mut BinaryHeap<Candidate>, limit: usize, candidate: Candidate) {
    if heap.len() < limit {
        heap.push(candidate);
    } else if heap.peek().is_some_and(|worst| candidate < *worst) {
        heap.pop();
        heap.push(candidate);
    }
}

fn ranked(heap: BinaryHeap<Candidate>) -> Vec<(Score, DocAddress)> {
    heap.into_sorted_vec().into_iter().map(|Candidate(score, address)| (score, address)).collect()
}

impl SegmentCollector for RankSegment {
    type Fruit = (Vec<Candidate>, usize, FacetCounts);

    fn collect(&mut self, doc: DocId, score: Score) {
        let index = doc as usize;
        self.count += 1;
        if let Some(slots) = self.tables.facet_ords.get(index) {
            for ord in slots.iter().take_while(|ord| **ord != NONE) {
                if let Some(count) = self.facet_counts.get_mut(*ord as usize) {
                    *count += 1;
                }
            }
        }
        let factor = self.tables.factors.get(index).copied().unwrap_or(1.0);
        push(&mut self.heap, self.limit, Candidate(score * factor, DocAddress::new(self.segment, doc)));
    }

    fn harvest(self) -> Self::Fruit {
        let mut facets = FacetCounts::new();
        for (ord, n) in self.facet_counts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
            if let Some(Some(key)) = self.tables.facet_values.get(ord) {
                *facets.entry(key.clone()).or_default() += n;
            }
        }
        (self.heap.into_vec(), self.count, facets)
    }
}
