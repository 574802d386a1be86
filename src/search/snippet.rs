//! The body snippet of a hit: a few lines of the text around the query's words (original
//! diacritics, HTML-escaped, words in `<mark>`) and the heading of their section. The text is
//! stored as bytes and only the part a snippet needs is checked and folded: a hit must not cost
//! the whole of a 30 KB text.

use std::collections::{BTreeMap, HashSet};

use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{Score, TantivyDocument};

use super::schema::{SearchFields, folded_analyzer};
use crate::domain::text::fold_char_for_char;

/// Characters of text in a snippet.
const SNIPPET_CHARS: usize = 180;

/// Bytes either side of the first match that the snippet may be taken from.
const WINDOW_BYTES: usize = 1_000;

/// Bytes folded at a time while looking for the query's words.
const CHUNK_BYTES: usize = 2_048;

/// The snippet and the section heading, when the text holds one of the words.
pub fn body_snippet(
    fields: &SearchFields,
    doc: &TantivyDocument,
    marked: &HashSet<String>,
) -> Option<(String, Option<String>)> {
    let body = doc.get_first(fields.body_text).and_then(|v| v.as_bytes())?;
    let mut words: Vec<&String> = marked.iter().collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let at = first_occurrence(body, &words)?;
    let window_start = char_start(body, at.saturating_sub(WINDOW_BYTES));
    let window = std::str::from_utf8(&body[window_start..char_start(body, at + WINDOW_BYTES)]).ok()?;
    let terms: BTreeMap<String, Score> = marked.iter().map(|t| (t.clone(), 1.0)).collect();
    let generator = SnippetGenerator::new(terms, folded_analyzer(), fields.body, SNIPPET_CHARS);
    let mut snippet = generator.snippet(window);
    if snippet.highlighted().is_empty() {
        return None;
    }
    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
    let start =
        window_start + snippet.fragment_range().start + snippet.highlighted().first().map_or(0, |range| range.start);
    let sections: Vec<(String, usize)> = doc
        .get_first(fields.body_sections)
        .and_then(|v| v.as_str())
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    let section = sections.iter().take_while(|(_, offset)| *offset <= start).last().map(|(heading, _)| heading.clone());
    Some((snippet.to_html(), section.filter(|h| !h.is_empty())))
}

/// The byte offset of the first occurrence of one of the folded words, folding the text a chunk
/// at a time; within a chunk the longest word wins. Chunks overlap, so a word across a boundary
/// is found.
fn first_occurrence(text: &[u8], words: &[&String]) -> Option<usize> {
    let longest = words.first().map_or(0, |w| w.len());
    if longest == 0 {
        return None;
    }
    // A folded character comes from at most four bytes.
    let overlap = longest * 4;
    let mut start = 0;
    loop {
        let end = char_start(text, start + CHUNK_BYTES.max(overlap * 2));
        let chunk = std::str::from_utf8(&text[start..end]).ok()?;
        let folded = fold_char_for_char(chunk);
        if let Some(at) = words.iter().find_map(|w| folded.find(String::as_str(w))) {
            let chars = folded[..at].chars().count();
            return chunk.char_indices().nth(chars).map(|(i, _)| start + i);
        }
        if end >= text.len() {
            return None;
        }
        let next = char_start(text, end - overlap);
        start = if next > start { next } else { end };
    }
}

/// The start of the character at or before `index` (the end of the text past it).
fn char_start(text: &[u8], index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    let mut i = index;
    while i > 0 && (text[i] & 0b1100_0000) == 0b1000_0000 {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn words_are_found_by_their_folded_form_across_chunk_boundaries() {
        let text = format!("{}Khoang cháy được ngăn chia", "Nhà ở ".repeat(2_000));
        let words = owned(&["khoang", "chay"]);
        let refs: Vec<&String> = words.iter().collect();
        let at = first_occurrence(text.as_bytes(), &refs).expect("found");
        assert!(text[at..].starts_with("Khoang cháy"), "{}", &text[at..at + 20]);
        for shift in 0..12 {
            let text = format!("{}{}cháy", "ư".repeat(1_000), "a".repeat(shift));
            let words = owned(&["chay"]);
            let refs: Vec<&String> = words.iter().collect();
            let at = first_occurrence(text.as_bytes(), &refs).expect("found across a boundary");
            assert!(text[at..].starts_with("cháy"));
        }
        assert_eq!(first_occurrence("Nhà ở".as_bytes(), &[]), None);
        assert_eq!(first_occurrence("Nhà ở".as_bytes(), &refs_of(&owned(&["khong"]))), None);
    }

    fn refs_of(words: &[String]) -> Vec<&String> {
        words.iter().collect()
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
