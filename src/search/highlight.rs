//! Highlights that keep the original diacritics: the stored text is tokenized with the folded
//! analyzer, and the tokens that match the query's folded terms are wrapped in `<mark>`.
//! Everything else is HTML-escaped, so nothing from a document can inject markup.

use std::collections::HashSet;

use super::schema::folded_analyzer;
use crate::domain::text::fold_diacritics;

/// What a search marks in a hit: the query's folded words, the words it wrote with diacritics
/// (lower case), and the misspelt words fuzzy matching found.
#[derive(Debug, Clone, Default)]
pub struct MarkTerms {
    pub folded: HashSet<String>,
    /// Empty when the query has no diacritics.
    pub exact: HashSet<String>,
    pub misspelt: Vec<String>,
}

/// The text as HTML with the matching words marked; `None` when no word matches. Words within
/// one edit of a misspelt term are marked too (they are what fuzzy matching found). Where the
/// query wrote a word with its diacritics and the text has that exact form, only that form is
/// marked (`báo cháy` marks `báo`, not `BẢO`).
pub fn mark(text: &str, terms: &MarkTerms) -> Option<String> {
    if terms.folded.is_empty() && terms.misspelt.is_empty() {
        return None;
    }
    let mut analyzer = folded_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut found: Vec<(usize, usize)> = Vec::new();
    while stream.advance() {
        let token = stream.token();
        if terms.folded.contains(&token.text) || terms.misspelt.iter().any(|m| within_one_edit(m, &token.text)) {
            found.push((token.offset_from, token.offset_to));
        }
    }
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (from, to) in faithful(text, found, &terms.exact) {
        match spans.last_mut() {
            // Adjacent matches separated only by spaces form one mark (`<mark>nước thải</mark>`).
            Some(last) if text[last.1..from].chars().all(char::is_whitespace) => last.1 = to,
            _ => spans.push((from, to)),
        }
    }
    (!spans.is_empty()).then(|| marked_html(text, &spans))
}

/// Of the ranges of `text` that match the query's folded words, those to mark: a range whose
/// folded word the query wrote with diacritics is kept only in that exact form when the text has
/// it somewhere; otherwise every form is kept (the folded match is all there is).
pub fn faithful(text: &str, ranges: Vec<(usize, usize)>, exact: &HashSet<String>) -> Vec<(usize, usize)> {
    if exact.is_empty() {
        return ranges;
    }
    let word = |(from, to): &(usize, usize)| text[*from..*to].to_lowercase();
    let present: HashSet<String> =
        ranges.iter().map(word).filter(|w| exact.contains(w)).map(|w| fold_diacritics(&w)).collect();
    ranges
        .into_iter()
        .filter(|range| {
            let original = word(range);
            !present.contains(&fold_diacritics(&original)) || exact.contains(&original)
        })
        .collect()
}

/// The text as HTML, escaped, with these byte ranges in `<mark>`.
pub fn marked_html(text: &str, spans: &[(usize, usize)]) -> String {
    let mut html = String::with_capacity(text.len() + spans.len() * 13);
    let mut position = 0;
    for &(from, to) in spans {
        html.push_str(&escape(&text[position..from]));
        html.push_str("<mark>");
        html.push_str(&escape(&text[from..to]));
        html.push_str("</mark>");
        position = to;
    }
    html.push_str(&escape(&text[position..]));
    html
}

/// Whether two words differ by at most one insertion, deletion, substitution or transposition.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match (ra.len(), rb.len()) {
        (0, 0) => true,
        (x, y) if x == y => ra[1..] == rb[1..] || (x >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..]),
        (x, y) if x > y => ra[1..] == *rb,
        _ => *ra == rb[1..],
    }
}

/// Escapes the five characters that matter in HTML text and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> MarkTerms {
        MarkTerms { folded: words.iter().map(|w| w.to_string()).collect(), ..MarkTerms::default() }
    }

    #[test]
    fn folded_terms_mark_the_original_words_and_join_neighbours() {
        let html = mark("Quy chuẩn về nước thải công nghiệp", &terms(&["nuoc", "thai"])).expect("marks");
        assert_eq!(html, "Quy chuẩn về <mark>nước thải</mark> công nghiệp");
    }

    #[test]
    fn markup_in_the_text_is_escaped() {
        let html = mark("<script>nước</script> & \"x\"", &terms(&["nuoc"])).expect("marks");
        assert_eq!(html, "&lt;script&gt;<mark>nước</mark>&lt;/script&gt; &amp; &quot;x&quot;");
        assert_eq!(mark("không khớp", &terms(&["nuoc"])), None);
    }

    #[test]
    fn words_fuzzy_matching_found_are_marked() {
        let misspelt = MarkTerms { misspelt: vec!["thepp".to_string()], ..terms(&["be", "tong", "cot"]) };
        let html = mark("Bê tông cốt thép", &misspelt).expect("marks");
        assert_eq!(html, "<mark>Bê tông cốt thép</mark>");
        assert!(within_one_edit("bienn", "bien") && within_one_edit("thpe", "thep") && within_one_edit("nuoc", "nuoc"));
        assert!(!within_one_edit("bien", "bao") && !within_one_edit("ab", "ba1"));
    }

    #[test]
    fn a_word_written_with_its_diacritics_marks_that_form_where_the_text_has_it() {
        let query =
            MarkTerms { exact: ["báo", "cháy"].map(String::from).into_iter().collect(), ..terms(&["bao", "chay"]) };
        let html = mark("Hệ thống báo cháy – BẢO VỆ CHỐNG CHÁY", &query).expect("marks");
        assert_eq!(html, "Hệ thống <mark>báo cháy</mark> – BẢO VỆ CHỐNG <mark>CHÁY</mark>");
        // Where the exact form is missing, the folded match is still marked.
        assert_eq!(mark("Quy định bảo vệ", &query).as_deref(), Some("Quy định <mark>bảo</mark> vệ"));
        // Without diacritics in the query, every form is marked.
        assert_eq!(mark("báo BẢO", &terms(&["bao"])).as_deref(), Some("<mark>báo BẢO</mark>"));
    }
}
