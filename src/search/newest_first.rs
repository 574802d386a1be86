//! Editions of one standard in a result list are listed newest first, in the positions the
//! ranking gave them: `TCVN 5574` means the newest TCVN 5574, then its older editions.

use std::collections::HashMap;

use tantivy::{DocAddress, Score, Searcher};

/// How far down the list editions are reordered; deeper pages keep the plain ranking.
pub const WINDOW: usize = 200;

/// Reorders the editions of each series among the positions they hold; scores stay in place.
pub fn reorder(searcher: &Searcher, ranked: &mut [(Score, DocAddress)]) {
    let keys: Vec<(u64, i64)> = ranked.iter().map(|(_, address)| edition_key(searcher, *address)).collect();
    let mut positions: HashMap<u64, Vec<usize>> = HashMap::new();
    for (position, (series, _)) in keys.iter().enumerate() {
        if *series != 0 {
            positions.entry(*series).or_default().push(position);
        }
    }
    let original: Vec<DocAddress> = ranked.iter().map(|(_, address)| *address).collect();
    for slots in positions.values().filter(|slots| slots.len() > 1) {
        let mut editions: Vec<usize> = slots.clone();
        // Newest first; among the same year, the ranking's order.
        editions.sort_by_key(|position| (std::cmp::Reverse(keys[*position].1), *position));
        for (slot, edition) in slots.iter().zip(editions) {
            ranked[*slot].1 = original[edition];
        }
    }
}

fn edition_key(searcher: &Searcher, address: DocAddress) -> (u64, i64) {
    let fast = searcher.segment_reader(address.segment_ord).fast_fields();
    let series = fast.u64("series").ok().and_then(|c| c.first(address.doc_id)).unwrap_or(0);
    let year = fast.i64("year").ok().and_then(|c| c.first(address.doc_id)).unwrap_or(0);
    (series, year)
}
