//! The body snippet of a hit: a few lines of one of its texts around the query's words (original
//! diacritics, HTML-escaped, words in `<mark>`) and the heading of their section. The text is
//! stored as bytes and only the part a snippet needs is checked and folded: a hit must not cost
//! the whole of a 30 KB text.

use std::collections::BTreeMap;

use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{Score, TantivyDocument};

use super::highlight::{MarkTerms, faithful, marked_html};
use super::schema::{BodyFields, folded_analyzer};
use super::text_store::StoredText;
use crate::domain::text::fold_char_for_char;

/// Characters of text in a snippet.
const SNIPPET_CHARS: usize = 180;

/// Bytes either side of the first match that the snippet may be taken from.
const WINDOW_BYTES: usize = 1_000;

/// Bytes folded at a time while looking for the query's words.
const CHUNK_BYTES: usize = 2_048;

/// The snippet and the section heading, when the text holds one of the words.
pub fn body_snippet(
    body: &BodyFields,
    doc: &TantivyDocument,
    text: &StoredText<'_>,
    marked: &MarkTerms,
) -> Option<(String, Option<String>)> {
    let mut words: Vec<&String> = marked.folded.iter().collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let at = first_occurrence(text, &words)?;
    let (window_start, window) = part(text, at.saturating_sub(WINDOW_BYTES), at + WINDOW_BYTES)?;
    let terms: BTreeMap<String, Score> = marked.folded.iter().map(|t| (t.clone(), 1.0)).collect();
    let generator = SnippetGenerator::new(terms, folded_analyzer(), body.text, SNIPPET_CHARS);
    let snippet = generator.snippet(&window);
    if snippet.highlighted().is_empty() {
        return None;
    }
    // The query's words with diacritics mark their exact forms only, where the fragment has them.
    let fragment = snippet.fragment();
    let ranges = snippet.highlighted().iter().map(|range| (range.start, range.end)).collect();
    let html = marked_html(fragment, &faithful(fragment, ranges, &marked.exact));
    let start =
        window_start + snippet.fragment_range().start + snippet.highlighted().first().map_or(0, |range| range.start);
    let sections: Vec<(String, usize)> = doc
        .get_first(body.sections)
        .and_then(|v| v.as_str())
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    let section = sections.iter().take_while(|(_, offset)| *offset <= start).last().map(|(heading, _)| heading.clone());
    Some((html, section.filter(|h| !h.is_empty())))
}

/// The whole characters of the text between two byte offsets, and where they start: a character
/// cut at the start is skipped, one cut at the end is left out.
fn part(text: &StoredText<'_>, start: usize, end: usize) -> Option<(usize, String)> {
    // Three more bytes tell whether `end` falls inside a character.
    let bytes = text.bytes(start, end + 3)?;
    let skip = bytes.iter().take_while(|b| is_continuation(**b)).count();
    let stop = if start + bytes.len() >= text.len { bytes.len() } else { char_start(&bytes, end - start) };
    let part = std::str::from_utf8(bytes.get(skip..stop.max(skip))?).ok()?;
    Some((start + skip, part.to_string()))
}

/// The byte offset of the first occurrence of one of the folded words, folding the text a chunk
/// at a time; within a chunk the longest word wins. Chunks overlap, so a word across a boundary
/// is found.
fn first_occurrence(text: &StoredText<'_>, words: &[&String]) -> Option<usize> {
    let longest = words.first().map_or(0, |w| w.len());
    if longest == 0 {
        return None;
    }
    // A folded character comes from at most four bytes.
    let overlap = longest * 4;
    let mut start = 0;
    while start < text.len {
        let (chunk_start, chunk) = part(text, start, start + CHUNK_BYTES.max(overlap * 2))?;
        let folded = fold_char_for_char(&chunk);
        if let Some(at) = words.iter().find_map(|w| folded.find(String::as_str(w))) {
            let chars = folded[..at].chars().count();
            return chunk.char_indices().nth(chars).map(|(i, _)| chunk_start + i);
        }
        let end = chunk_start + chunk.len();
        if end >= text.len || chunk.is_empty() {
            return None;
        }
        start = end.saturating_sub(overlap).max(start + 1);
    }
    None
}

fn is_continuation(byte: u8) -> bool {
    (byte & 0b1100_0000) == 0b1000_0000
}

/// The start of the character at or before `index` (the end of the text past it).
fn char_start(text: &[u8], index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    let mut i = index;
    while i > 0 && is_continuation(text[i]) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::text_store::TextStore;

    fn found(text: &str, words: &[&str]) -> Option<usize> {
        let store = TextStore::memory();
        let offset = store.append(b"earlier text").and_then(|_| store.append(text.as_bytes())).expect("append");
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let refs: Vec<&String> = words.iter().collect();
        first_occurrence(&StoredText { store: &store, offset, len: text.len() }, &refs)
    }

    #[test]
    fn words_are_found_by_their_folded_form_across_chunk_boundaries() {
        let text = format!("{}Khoang cháy được ngăn chia", "Nhà ở ".repeat(2_000));
        let at = found(&text, &["khoang", "chay"]).expect("found");
        assert!(text[at..].starts_with("Khoang cháy"), "{}", &text[at..at + 20]);
        for shift in 0..12 {
            let text = format!("{}{}cháy", "ư".repeat(1_000), "a".repeat(shift));
            let at = found(&text, &["chay"]).expect("found across a boundary");
            assert!(text[at..].starts_with("cháy"));
        }
        assert_eq!(found("Nhà ở", &[]), None);
        assert_eq!(found("Nhà ở", &["khong"]), None);
    }

    #[test]
    fn parts_hold_whole_characters_only() {
        let store = TextStore::memory();
        let text = "đường ống nước";
        let offset = store.append(text.as_bytes()).expect("append");
        let stored = StoredText { store: &store, offset, len: text.len() };
        for start in 0..text.len() {
            for end in start..=text.len() + 2 {
                let (at, part) = part(&stored, start, end).expect("a part");
                assert!(text[at..].starts_with(&part), "{start}..{end}: {part:?}");
            }
        }
    }

    #[test]
    fn char_start_never_splits_a_character() {
        let text = "đường".as_bytes();
        for i in 0..=text.len() + 3 {
            let start = char_start(text, i);
            assert!(std::str::from_utf8(&text[..start]).is_ok(), "{i} → {start}");
        }
    }
}
